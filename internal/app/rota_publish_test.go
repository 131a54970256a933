package app_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
)

type apiInbox struct {
	Items []struct {
		Subject string `json:"subject"`
		Body    string `json:"body"`
	} `json:"items"`
	Unread int `json:"unread"`
}

// TestDraftsStayHiddenUntilPublished: a draft assignment reaches its
// employee by no route or format (JSON, page, calendar feed, shift page,
// open shifts, inbox) until the week is published; then it is everywhere,
// with exactly one message; publishing again changes nothing.
func TestDraftsStayHiddenUntilPublished(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Draft", "zoe@goodshift.example")
		yan := newEmployee(t, srv, "Yan Draft", "yand@goodshift.example")
		zoePage := srv.SignIn(t, "zoe@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")

		var sh, open apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2027-01-12T07:00:00Z", "ends_at": "2027-01-12T11:00:00Z"}, &sh)
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2027-01-13T07:00:00Z", "ends_at": "2027-01-13T11:00:00Z"}, &open)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		var feed struct {
			URL string `json:"url"`
		}
		zoe.JSON(http.MethodPost, "/api/v1/me/calendar", nil, &feed)
		u, _ := url.Parse(feed.URL)
		anon := srv.Anonymous(t)

		type seen struct{ json, page, ics, detail, open bool }
		look := func() (s seen) {
			var mine struct {
				Items []apiShift `json:"items"`
			}
			zoe.JSON(http.MethodGet, "/api/v1/me/shifts?from=2027-01-11&to=2027-01-17", nil, &mine)
			s.json = len(mine.Items) > 0
			_, doc := zoePage.Page("/rota/week?from=2027-01-11")
			s.page = doc.Find(`[data-shift="`+sh.ID+`"]`).Length() > 0
			s.ics = strings.Contains(string(anon.Get(u.Path).Body), sh.ID)
			s.detail = zoe.Get("/rota/shifts/"+sh.ID).StatusCode == http.StatusOK
			var offered struct {
				Items []apiShift `json:"items"`
			}
			yan.JSON(http.MethodGet, "/api/v1/me/open-shifts?from=2027-01-11&to=2027-01-17", nil, &offered)
			s.open = len(offered.Items) > 0
			return s
		}
		var box apiInbox
		zoe.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		unread := box.Unread
		if s := look(); s != (seen{}) {
			t.Fatalf("a draft was visible: %+v", s)
		}
		if res := yan.JSON(http.MethodPost, "/api/v1/shifts/"+open.ID+"/claim", nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("claiming a draft: %d %s", res.StatusCode, res.Body)
		}

		// The preview says who will be told and sends nothing.
		var pre struct {
			Published int `json:"published"`
			Told      []struct {
				Name      string `json:"name"`
				NewShifts int    `json:"new_shifts"`
			} `json:"told"`
		}
		res := dana.JSON(http.MethodPost, "/api/v1/rota/publish", map[string]any{"from": "2027-01-11", "to": "2027-01-17", "preview": true}, &pre)
		if res.StatusCode != http.StatusOK || pre.Published != 2 || len(pre.Told) != 1 || pre.Told[0].Name != "Zoe Draft" || pre.Told[0].NewShifts != 1 {
			t.Fatalf("preview: %d %s", res.StatusCode, res.Body)
		}
		if s := look(); s != (seen{}) {
			t.Fatalf("the preview published: %+v", s)
		}
		zoe.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		if box.Unread != unread {
			t.Fatalf("told about a draft: %+v", box)
		}

		// Bad input and the wrong role change nothing.
		for _, bad := range []map[string]any{
			{"from": "2027-01-17", "to": "2027-01-11"},
			{"from": "2027-01-11"},
			{"from": "2027-01-11", "to": "2027-01-17", "colour": "red"},
			{"from": "next monday", "to": "2027-01-17"},
			{"from": "2027-01-11", "to": "2027-01-17", "site_ids": []string{"nope"}},
		} {
			if res := dana.JSON(http.MethodPost, "/api/v1/rota/publish", bad, nil); res.StatusCode != http.StatusBadRequest {
				t.Errorf("bad publish %v: %d %s", bad, res.StatusCode, res.Body)
			}
		}
		if res := zoe.JSON(http.MethodPost, "/api/v1/rota/publish", map[string]any{"from": "2027-01-11", "to": "2027-01-17"}, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee publishing: %d", res.StatusCode)
		}
		if s := look(); s != (seen{}) {
			t.Fatalf("bad input published: %+v", s)
		}

		publishAPI(t, dana, "2027-01-11", "2027-01-17")
		if s := look(); s != (seen{json: true, page: true, ics: true, detail: true, open: true}) {
			t.Fatalf("after publishing: %+v", s)
		}
		zoe.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		if box.Unread != unread+1 || box.Items[0].Subject != "Your shifts are published" ||
			!strings.Contains(box.Items[0].Body, "Tue 12 Jan, 07:00–11:00 at Old Street studio") {
			t.Fatalf("one message: %+v", box)
		}
		var again struct {
			Published int   `json:"published"`
			Told      []any `json:"told"`
		}
		dana.JSON(http.MethodPost, "/api/v1/rota/publish", map[string]any{"from": "2027-01-11", "to": "2027-01-17"}, &again)
		zoe.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		if again.Published != 0 || len(again.Told) != 0 || box.Unread != unread+1 {
			t.Fatalf("publishing again: %+v, unread %d", again, box.Unread)
		}
	})
}

// TestChangeInsideTheNoticePeriodNeedsAReason: through the API, moving a
// published shift that starts within the notice period is refused (422)
// with a plain message until a reason is given; the change is then in the
// record finance and supervisors read.
func TestChangeInsideTheNoticePeriodNeedsAReason(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		femi := srv.Login(t, "femi@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Notice", "zoe@goodshift.example")
		yan := newEmployee(t, srv, "Yan Notice", "yann@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		var sh apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2026-12-01T07:00:00Z", "ends_at": "2026-12-01T11:00:00Z"}, &sh)
		dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil)
		publishAPI(t, dana, "2026-12-01", "2026-12-01")

		res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": yan.ID()}, nil)
		code, msg := apptest.ErrorBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || code != "rule_violation" ||
			msg != "This shift on Tue 1 Dec is already published and starts within the 14-day notice period. Give a reason for changing it at short notice; the people on it will be told at once." {
			t.Fatalf("without a reason: %d %s", res.StatusCode, res.Body)
		}
		res = dana.JSON(http.MethodPatch, "/api/v1/shifts/"+sh.ID, map[string]any{"starts_at": "2026-12-01T08:00:00Z", "ends_at": "2026-12-01T12:00:00Z"}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("move without a reason: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": yan.ID(), "reason": "Zoe asked to swap days"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("with a reason: %d %s", res.StatusCode, res.Body)
		}
		var changes struct {
			Items []struct {
				ShiftID      string `json:"shift_id"`
				Kind         string `json:"kind"`
				By           string `json:"by"`
				Reason       string `json:"reason"`
				InsideNotice bool   `json:"inside_notice"`
			} `json:"items"`
		}
		res = femi.JSON(http.MethodGet, "/api/v1/rota/changes?from=2026-12-01&to=2026-12-01", nil, &changes)
		if res.StatusCode != http.StatusOK || len(changes.Items) != 1 || changes.Items[0].ShiftID != sh.ID || changes.Items[0].Kind != "reassigned" || changes.Items[0].By != "Dana Whitfield" ||
			changes.Items[0].Reason != "Zoe asked to swap days" || !changes.Items[0].InsideNotice {
			t.Fatalf("changes: %d %s", res.StatusCode, res.Body)
		}
		if res := zoe.Get("/api/v1/rota/changes"); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee reading changes: %d", res.StatusCode)
		}
		page := srv.SignIn(t, "femi@goodshift.example")
		if res, doc := page.Page("/rota/changes?from=2026-11-23&to=2026-12-31"); res.StatusCode != http.StatusOK || !strings.Contains(doc.Find("#changes").Text(), "Zoe asked to swap days") {
			t.Errorf("changes page: %d", res.StatusCode)
		}
	})
}

// TestShortNoticeCancellationIsPaidInTheExport: with the setting at 50%, a
// published shift cancelled the day before is recorded and appears in the
// period's payroll export as one payment line, to the penny.
func TestShortNoticeCancellationIsPaidInTheExport(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		london := func(y int, m time.Month, d, h, min int) time.Time { return civil.D(y, m, d).At(h, min, civil.London) }
		srv := apptest.New(t, db, apptest.Options{Now: london(2026, 10, 20, 9, 0), Config: func(c *config.Config) { c.ShortNoticePay = 5000 }})
		dana := srv.Login(t, "dana@goodshift.example")
		femi := srv.Login(t, "femi@goodshift.example")
		tom := newEmployee(t, srv, "Zoe Cancelled", "zoe@goodshift.example")
		if res := femi.JSON(http.MethodPut, "/api/v1/employees/"+tom.ID()+"/pay-rate", map[string]any{"hourly_rate": "14.81", "effective_from": "2026-10-01"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("pay rate: %d %s", res.StatusCode, res.Body)
		}
		site := demoSiteID(t, srv, "Old Street studio")
		var sh apiShift
		start, end := london(2026, 10, 21, 6, 0), london(2026, 10, 21, 10, 30) // 4.5 hours, tomorrow
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": tom.ID(), "override_reason": "cover agreed"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2026-10-21", "2026-10-21")
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/cancel", map[string]any{"reason": "client closed the office"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("cancel: %d %s", res.StatusCode, res.Body)
		}
		var rec struct {
			Items []struct {
				ShiftID string `json:"shift_id"`
				Paid    bool   `json:"paid"`
			} `json:"items"`
		}
		if res := femi.JSON(http.MethodGet, "/api/v1/rota/short-notice-cancellations?from=2026-10-01&to=2026-10-31", nil, &rec); res.StatusCode != http.StatusOK ||
			len(rec.Items) != 1 || rec.Items[0].ShiftID != sh.ID || !rec.Items[0].Paid {
			t.Fatalf("record: %d %s", res.StatusCode, res.Body)
		}
		// 4.5 hours at £14.81 is £66.645, paid £66.65; half of it is
		// £33.325, paid £33.33.
		want := money.Pence(3333)

		// November: approve October, close it, export.
		srv.Clock.Set(london(2026, 11, 2, 9, 0))
		dana, femi = srv.Login(t, "dana@goodshift.example"), srv.Login(t, "femi@goodshift.example")
		closePeriod(t, dana, femi, "2026-10")
		res := femi.Get("/api/v1/pay-periods/2026-10/export.csv?format=generic")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export: %d %s", res.StatusCode, res.Body)
		}
		rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var lines [][]string
		for _, r := range rows {
			if len(r) > 3 && r[3] == "short_notice_cancellation" {
				lines = append(lines, r)
			}
		}
		if len(lines) != 1 || lines[0][2] != "Zoe Cancelled" || lines[0][8] != want.Decimal() ||
			!strings.Contains(lines[0][4], "Short-notice cancellation Wed 21 Oct Old Street studio, 50% of the shift's pay") {
			t.Fatalf("export lines %v, want one of %s\n%s", lines, want.Decimal(), res.Body)
		}
	})
}

// closePeriod approves every timesheet in a period (recording finish times
// the demo left open) and closes it.
func closePeriod(t *testing.T, dana, femi *apptest.Client, period string) {
	t.Helper()
	var list struct {
		Items []apiTimesheet `json:"items"`
	}
	if res := dana.JSON(http.MethodGet, "/api/v1/timesheets?period="+period, nil, &list); res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %s", res.StatusCode, res.Body)
	}
	for _, it := range list.Items {
		for _, x := range it.Shifts {
			if x.Status == "clocked_in" {
				dana.JSON(http.MethodPost, "/api/v1/shifts/"+x.ShiftID+"/attendance", map[string]any{
					"clock_in": x.ScheduledStart, "clock_out": x.ScheduledEnd, "reason": "times agreed"}, nil)
			}
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/timesheets/"+it.ID+"/approve", nil, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("approve %s: %d %s", it.EmployeeName, res.StatusCode, res.Body)
		}
	}
	if res := femi.JSON(http.MethodPost, "/api/v1/pay-periods/"+period+"/close", nil, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("close: %d %s", res.StatusCode, res.Body)
	}
}

// TestDraftIsNobodysShiftInPayroll: payroll acts for employees, so a draft
// is not on their clock page, cannot be clocked in to and is in no
// timesheet until it is published.
func TestDraftIsNobodysShiftInPayroll(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Clock", "zoe@goodshift.example")
		zoePage := srv.SignIn(t, "zoe@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		start := apptest.DefaultNow.Add(20 * time.Minute)
		var sh apiShift
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": start.Add(3 * time.Hour)}, &sh); res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID(), "override_reason": "cover"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		clockForm := `form[action="/clock/` + sh.ID + `/in"]`
		if _, doc := zoePage.Page("/clock"); doc.Find(clockForm).Length() != 0 {
			t.Error("the clock page offers a draft")
		}
		if res := zoe.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/clock-in", nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("clocking in to a draft: %d %s", res.StatusCode, res.Body)
		}

		publishAPI(t, dana, "2026-11-23", "2026-11-23")
		if _, doc := zoePage.Page("/clock"); doc.Find(clockForm).Length() != 1 {
			t.Error("the clock page does not offer the published shift")
		}
		if res := zoe.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/clock-in", nil, nil); res.StatusCode != http.StatusOK {
			t.Errorf("clocking in once published: %d %s", res.StatusCode, res.Body)
		}
	})
}

// TestDemoRota: the demo's rota is this week published (everyone on it
// told once), next week a draft with people on it, and one change inside
// the notice period on the record; Sam and Priya, whom the README suggests
// signing in as, have shifts this week (which they see) and next (which
// the supervisor sees, until published).
func TestDemoRota(t *testing.T) {
	// Monday morning, and Friday morning (when little of the week is left).
	for _, today := range []civil.Date{civil.D(2026, 11, 23), civil.D(2026, 11, 27)} {
		t.Run(today.Format("Mon"), func(t *testing.T) { testDemoRota(t, today) })
	}
}

func testDemoRota(t *testing.T, today civil.Date) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: today.At(9, 0, civil.London)})
		dana := srv.Login(t, "dana@goodshift.example")
		type shift struct {
			ID         string `json:"id"`
			Status     string `json:"status"`
			EmployeeID string `json:"employee_id"`
			Published  bool   `json:"published"`
		}
		list := func(c *apptest.Client, path string) []shift {
			t.Helper()
			var out struct {
				Items []shift `json:"items"`
			}
			if res := c.JSON(http.MethodGet, path, nil, &out); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.StatusCode, res.Body)
			}
			return out.Items
		}
		this := list(dana, "/api/v1/shifts?from=2026-11-23&to=2026-11-29")
		next := list(dana, "/api/v1/shifts?from=2026-11-30&to=2026-12-06")
		if len(this) == 0 || len(next) == 0 {
			t.Fatalf("demo weeks: %d shifts this week, %d next", len(this), len(next))
		}
		for _, sh := range this {
			if !sh.Published && sh.Status != "cancelled" {
				t.Errorf("this week's shift %s is a draft", sh.ID)
			}
		}
		nextAssigned := map[string]int{}
		for _, sh := range next {
			if sh.Published {
				t.Errorf("next week's shift %s is published", sh.ID)
			}
			if sh.Status == "assigned" {
				nextAssigned[sh.EmployeeID]++
			}
		}
		for _, email := range []string{"sam@goodshift.example", "priya@goodshift.example"} {
			c := srv.Login(t, email)
			if mine := list(c, "/api/v1/me/shifts?from="+today.String()+"&to=2026-11-29"); len(mine) == 0 {
				t.Errorf("%s has nothing in the rest of the week", email)
			}
			if nextAssigned[c.ID()] == 0 {
				t.Errorf("%s has no shift next week", email)
			}
			if mine := list(c, "/api/v1/me/shifts?from=2026-11-30&to=2026-12-06"); len(mine) != 0 {
				t.Errorf("%s sees %d of next week's drafts", email, len(mine))
			}
			var box apiInbox
			c.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
			n := 0
			for _, it := range box.Items {
				if it.Subject == "Your shifts are published" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s was told %d times that the rota is published", email, n)
			}
		}
		var changes struct {
			Items []struct {
				InsideNotice bool   `json:"inside_notice"`
				Reason       string `json:"reason"`
			} `json:"items"`
		}
		dana.JSON(http.MethodGet, "/api/v1/rota/changes?from=2026-11-23&to=2026-12-06", nil, &changes)
		inside := 0
		for _, c := range changes.Items {
			if c.InsideNotice && c.Reason != "" {
				inside++
			}
		}
		if inside == 0 {
			t.Errorf("no change inside the notice period in the demo: %+v", changes.Items)
		}
	})
}
