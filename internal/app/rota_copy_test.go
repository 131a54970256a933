package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestCopyWeekThroughTheAPI: copying a week puts the same people on next
// week's matching shifts as drafts, explains each one it skipped, and
// changes nothing the second time; the board by person shows the week's
// hours against contracted hours, draft and published in words, and its
// filters.
func TestCopyWeekThroughTheAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Copy", "zoe@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		mk := func(start, end string) apiShift {
			var sh apiShift
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh); res.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", res.StatusCode, res.Body)
			}
			return sh
		}
		for _, sh := range []apiShift{mk("2027-01-12T07:00:00Z", "2027-01-12T11:00:00Z"), mk("2027-01-13T07:00:00Z", "2027-01-13T11:00:00Z")} {
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
			}
		}
		next := mk("2027-01-19T07:00:00Z", "2027-01-19T11:00:00Z")
		mk("2027-01-20T07:00:00Z", "2027-01-20T11:00:00Z")
		// Zoe may now work only 5 hours a week: the second copy would break it.
		if res := dana.JSON(http.MethodPut, "/api/v1/employees/"+zoe.ID()+"/adjustments", map[string]any{"max_week_minutes": 300}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("adjustments: %d %s", res.StatusCode, res.Body)
		}
		type result struct {
			Copied []struct {
				ShiftID string `json:"shift_id"`
			} `json:"copied"`
			Already int `json:"already"`
			Skipped []struct {
				When        string `json:"when"`
				Explanation string `json:"explanation"`
				Violations  []struct {
					Rule string `json:"rule"`
				} `json:"violations"`
			} `json:"skipped"`
		}
		var res result
		r := dana.JSON(http.MethodPost, "/api/v1/rota/copy", map[string]any{"from_week": "2027-01-11", "to_week": "2027-01-18"}, &res)
		if r.StatusCode != http.StatusOK || len(res.Copied) != 1 || res.Copied[0].ShiftID != next.ID || len(res.Skipped) != 1 ||
			res.Skipped[0].When != "Wed 20 Jan, 07:00–11:00" || len(res.Skipped[0].Violations) == 0 || res.Skipped[0].Violations[0].Rule != "max_week" ||
			!strings.Contains(res.Skipped[0].Explanation, "cannot be overridden") {
			t.Fatalf("copy: %d %s", r.StatusCode, r.Body)
		}
		r = dana.JSON(http.MethodPost, "/api/v1/rota/copy", map[string]any{"from_week": "2027-01-11", "to_week": "2027-01-18"}, &res)
		if r.StatusCode != http.StatusOK || len(res.Copied) != 0 || res.Already != 1 || len(res.Skipped) != 1 {
			t.Fatalf("copy again: %d %s", r.StatusCode, r.Body)
		}
		for _, bad := range []map[string]any{{"from_week": "2027-01-11"}, {"from_week": "2027-01-11", "to_week": "2027-01-12"}, {"from_week": "2027-01-11", "to_week": "x"}} {
			if r := dana.JSON(http.MethodPost, "/api/v1/rota/copy", bad, nil); r.StatusCode != http.StatusBadRequest {
				t.Errorf("bad copy %v: %d %s", bad, r.StatusCode, r.Body)
			}
		}

		// The board by person.
		page := srv.SignIn(t, "dana@goodshift.example")
		resp, doc := page.Page("/rota/board/people?week=2027-01-18&person=" + zoe.ID())
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("board by person: %d", resp.StatusCode)
		}
		row := doc.Find(`#board-people tr[data-person="` + zoe.ID() + `"]`)
		if row.Length() != 1 || !strings.Contains(row.Text(), "4h") || !strings.Contains(row.Text(), "zero hours") ||
			!strings.Contains(row.Text(), "limit 5h a week") || row.Find(`[data-state="draft"]`).Length() != 1 || !strings.Contains(row.Text(), "Draft") {
			t.Errorf("Zoe's row: %q", row.Text())
		}
		if n := doc.Find(`#board-people tbody tr[data-person]`).Length(); n != 1 {
			t.Errorf("filtered to one person, got %d rows", n)
		}
		_, doc = page.Page("/rota/board/people?week=2027-01-18&unfilled=1")
		if doc.Find(`#board-people tbody tr[data-person]`).Length() != 0 || doc.Find(`#board-people tr.unfilled [data-shift]`).Length() == 0 {
			t.Errorf("unfilled only: %q", doc.Find("#board-people").Text())
		}
		if resp, _ := page.Page("/rota/board/people?site=nope"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("bad filter: %d", resp.StatusCode)
		}
	})
}

// TestPastWeekOnTheBoardShowsWhatHappened: once a week is over the boards
// by person and by site say, for each shift, whether it was worked, missed or
// cancelled.
func TestPastWeekOnTheBoardShowsWhatHappened(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Past", "zoe@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		var worked, missed, cancelled apiShift
		for _, x := range []struct {
			sh         *apiShift
			start, end string
		}{{&worked, "2026-11-24T07:00:00Z", "2026-11-24T11:00:00Z"}, {&missed, "2026-11-25T07:00:00Z", "2026-11-25T11:00:00Z"}, {&cancelled, "2026-11-26T07:00:00Z", "2026-11-26T11:00:00Z"}} {
			dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": x.start, "ends_at": x.end}, x.sh)
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+x.sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
			}
		}
		publishAPI(t, dana, "2026-11-23", "2026-11-29")
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+cancelled.ID+"/cancel", map[string]any{"reason": "client closed"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("cancel: %d %s", res.StatusCode, res.Body)
		}
		srv.Clock.Set(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		dana = srv.Login(t, "dana@goodshift.example")
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+worked.ID+"/attendance", map[string]any{
			"clock_in": "2026-11-24T07:00:00Z", "clock_out": "2026-11-24T11:00:00Z"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("attendance: %d %s", res.StatusCode, res.Body)
		}
		page := srv.SignIn(t, "dana@goodshift.example")
		_, doc := page.Page("/rota/board/people?week=2026-11-23&person=" + zoe.ID())
		got := map[string]string{}
		doc.Find(`#board-people [data-shift]`).Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("data-shift")
			got[id] = s.Find(".outcome").Text()
		})
		if got[worked.ID] != "Worked" || got[cancelled.ID] != "Cancelled" || got[missed.ID] == "" || got[missed.ID] == "Worked" {
			t.Errorf("past week: %v", got)
		}
		// The board by site says the same.
		_, doc = page.Page("/rota/board/sites?week=2026-11-23&person=" + zoe.ID())
		bySite := map[string]string{}
		doc.Find(`#board-sites [data-shift]`).Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("data-shift")
			bySite[id] = s.Find(".outcome").Text()
		})
		if len(bySite) != 3 || bySite[worked.ID] != got[worked.ID] || bySite[missed.ID] != got[missed.ID] || bySite[cancelled.ID] != "Cancelled" ||
			!strings.Contains(doc.Find(".lead").Text(), "what happened") {
			t.Errorf("past week by site: %v", bySite)
		}
	})
}

// TestUnassignFromTheBoard: the supervisor's shift page never offers the
// person already on it, and takes them off (open again); a published shift
// inside the notice period needs a reason there too.
func TestUnassignFromTheBoard(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Off", "zoe@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		var sh apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2026-12-01T07:00:00Z", "ends_at": "2026-12-01T11:00:00Z"}, &sh)
		dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil)
		publishAPI(t, dana, "2026-12-01", "2026-12-01")

		page := srv.SignIn(t, "dana@goodshift.example")
		_, doc := page.Page("/rota/board/shifts/" + sh.ID)
		if doc.Find(`#candidates li[data-employee="`+zoe.ID()+`"]`).Length() != 0 || doc.Find(`#candidates li`).Length() == 0 {
			t.Errorf("candidates offer the person already on the shift")
		}
		if doc.Find(`#unassign-form input[name=reason][required]`).Length() != 1 || doc.Find(`#notice-warning`).Length() != 1 {
			t.Errorf("inside the notice period the page asks for no reason")
		}
		res := page.Submit("/rota/board/shifts/"+sh.ID+"/unassign", nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("unassign without a reason: %d, want the page again (422)", res.StatusCode)
		}
		if doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(res.Body))); err != nil ||
			!strings.Contains(doc.Find("#reason-error").Text(), "notice period") ||
			doc.Find(`#unassign-form input[name=reason][aria-describedby="reason-error"]`).Length() != 1 {
			t.Errorf("no plain refusal by the reason: %q", doc.Find("main").Text())
		}
		var got apiShift
		if dana.JSON(http.MethodGet, "/api/v1/shifts/"+sh.ID, nil, &got); got.EmployeeID != zoe.ID() {
			t.Fatalf("refused, yet changed: %+v", got)
		}
		res = page.Submit("/rota/board/shifts/"+sh.ID+"/unassign", map[string][]string{"reason": {"Zoe is unwell"}})
		if _, doc := page.Follow(res); !strings.Contains(doc.Find(".flash").Text(), "open again") {
			t.Errorf("unassigned: %q", doc.Find(".flash").Text())
		}
		var after apiShift
		if dana.JSON(http.MethodGet, "/api/v1/shifts/"+sh.ID, nil, &after); after.Status != "open" || after.EmployeeID != "" {
			t.Fatalf("after unassigning: %+v", after)
		}
	})
}

// TestBoardBySiteFilters: the board by site has the same filters as the
// board by person (site, person, unfilled only, changed since publishing),
// says each shift's state in words, and lists each day for a phone; the
// board by person counts a week's hours at every site whatever the site
// filter shows.
func TestBoardBySiteFilters(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Filter", "zoe@goodshift.example")
		studio, hall := demoSiteID(t, srv, "Old Street studio"), demoSiteID(t, srv, "Mile End hall")
		mk := func(site, start, end, who string) apiShift {
			var sh apiShift
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh); res.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", res.StatusCode, res.Body)
			}
			if who != "" {
				if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": who}, nil); res.StatusCode != http.StatusOK {
					t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
				}
			}
			return sh
		}
		moved := mk(studio, "2027-01-12T07:00:00Z", "2027-01-12T11:00:00Z", zoe.ID())
		kept := mk(studio, "2027-01-13T07:00:00Z", "2027-01-13T11:00:00Z", zoe.ID())
		open := mk(studio, "2027-01-14T07:00:00Z", "2027-01-14T11:00:00Z", "")
		if res := dana.JSON(http.MethodPost, "/api/v1/rota/publish", map[string]any{"from": "2027-01-11", "to": "2027-01-17", "site_ids": []string{studio}}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
		}
		draft := mk(hall, "2027-01-15T07:00:00Z", "2027-01-15T11:00:00Z", zoe.ID())
		if res := dana.JSON(http.MethodPatch, "/api/v1/shifts/"+moved.ID, map[string]any{"starts_at": "2027-01-12T08:00:00Z", "ends_at": "2027-01-12T12:00:00Z"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("move: %d %s", res.StatusCode, res.Body)
		}

		page := srv.SignIn(t, "dana@goodshift.example")
		states := func(path string) map[string]string {
			t.Helper()
			resp, doc := page.Page(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			got := map[string]string{}
			doc.Find(`#board-sites [data-shift]`).Each(func(_ int, s *goquery.Selection) {
				id, _ := s.Attr("data-shift")
				state, _ := s.Attr("data-state")
				got[id] = state + ":" + strings.Join(strings.Fields(s.Find(".badge").Last().Text()), " ")
			})
			if n := doc.Find(`#board-days [data-shift]`).Length(); n != len(got) {
				t.Errorf("%s: the list per day has %d shifts, the table %d", path, n, len(got))
			}
			return got
		}
		week := "/rota/board/sites?week=2027-01-11"
		all := states(week)
		want := map[string]string{moved.ID: "changed:Changed", kept.ID: "published:Published", open.ID: "published:Published", draft.ID: "draft:Draft"}
		for id, w := range want {
			if all[id] != w {
				t.Errorf("all: shift %s is %q, want %q (%v)", id, all[id], w, all)
			}
		}
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"&site=" + hall, []string{draft.ID}},
			{"&person=" + zoe.ID(), []string{moved.ID, kept.ID, draft.ID}},
			{"&unfilled=1", []string{open.ID}},
			{"&changed=1", []string{moved.ID}},
			{"&site=" + studio + "&changed=1", []string{moved.ID}},
		} {
			got := states(week + tc.query)
			if len(got) != len(tc.want) {
				t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
			}
			for _, id := range tc.want {
				if _, ok := got[id]; !ok {
					t.Errorf("%s: %s missing (%v)", tc.query, id, got)
				}
			}
		}
		if resp, _ := page.Page(week + "&person=nope"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("bad filter: %d", resp.StatusCode)
		}

		// The board everyone opens takes the same filters (it hands over to
		// the site board), and a week that is over shows what happened.
		handover := func(path string) string {
			t.Helper()
			resp, _ := page.Page(path)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/rota/board/sites?") {
				t.Fatalf("%s: %d to %q, want the site board", path, resp.StatusCode, resp.Header.Get("Location"))
			}
			return resp.Header.Get("Location")
		}
		if got := states(handover("/rota/board?week=2027-01-13&changed=1")); len(got) != 1 || got[moved.ID] == "" {
			t.Errorf("the board filtered to changes: %v, want only %s", got, moved.ID)
		}
		past := handover("/rota/board?week=" + apptest.DefaultNow.AddDate(0, 0, -21).Format("2006-01-02"))
		if resp, doc := page.Page(past); resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find(".lead").Text(), "what happened") {
			t.Errorf("a past week on the board: %d, %q", resp.StatusCode, doc.Find(".lead").Text())
		}

		// The board everyone opens lists each day for a phone, in words.
		_, doc := page.Page("/rota/board?week=2027-01-11")
		if day := doc.Find(`#board-days [data-day="2027-01-13"]`); !strings.Contains(day.Text(), "Old Street studio") || !strings.Contains(day.Text(), "Published") {
			t.Errorf("Wednesday on a phone: %q", day.Text())
		}
		if doc.Find(`#board-table [data-shift="`+draft.ID+`"] .badge.draft`).Length() != 1 {
			t.Error("the draft is not marked Draft in the table")
		}

		// By person, filtered to one site, still counts the whole week.
		_, doc = page.Page("/rota/board/people?week=2027-01-11&site=" + studio + "&person=" + zoe.ID())
		row := doc.Find(`#board-people tr[data-person="` + zoe.ID() + `"]`)
		if h, _ := row.Find(`[data-week-minutes]`).Attr("data-week-minutes"); h != "720" || row.Find(`[data-shift="`+draft.ID+`"]`).Length() != 0 {
			t.Errorf("Zoe filtered to the studio: %s minutes, %q", h, row.Text())
		}
	})
}
