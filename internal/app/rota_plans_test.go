package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

type apiPlan struct {
	ID          string `json:"id"`
	Mode        string `json:"mode"`
	Shifts      int    `json:"shifts"`
	Covered     int    `json:"covered"`
	CoverBound  int    `json:"cover_bound"`
	Assignments []struct {
		ShiftID    string `json:"shift_id"`
		EmployeeID string `json:"employee_id"`
		Name       string `json:"name"`
		Reason     string `json:"reason"`
	} `json:"assignments"`
	Open []struct {
		ShiftID string `json:"shift_id"`
		Summary string `json:"summary"`
		Reasons []struct {
			People int    `json:"people"`
			Reason string `json:"reason"`
		} `json:"reasons"`
	} `json:"open"`
	Objective []struct {
		Term   string `json:"term"`
		Value  int64  `json:"value"`
		Weight int64  `json:"weight"`
	} `json:"objective"`
	People []struct {
		Name    string `json:"name"`
		Summary string `json:"summary"`
	} `json:"people"`
}

type apiApply struct {
	Applied []struct {
		ShiftID    string `json:"shift_id"`
		EmployeeID string `json:"employee_id"`
	} `json:"applied"`
	Skipped []struct {
		ShiftID string `json:"shift_id"`
		Why     string `json:"why"`
	} `json:"skipped"`
}

// TestPlanThroughTheAPI: a week of open draft shifts and employees carrying
// every adjustment type gets a proposal whose every assignment the rules
// engine allows (the candidates list agrees, with no warning), whose every
// open shift carries reasons; applying it creates drafts only; a plan
// applied after the rota moved skips what no longer holds and says why.
func TestPlanThroughTheAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		other := demoSiteID(t, srv, "Mile End hall")
		adjustments := []map[string]any{
			{"earliest_start": "10:00"},
			{"latest_finish": "15:00"},
			{"max_shift_minutes": 180},
			{"max_day_minutes": 240, "max_week_minutes": 600},
			{"days_never_worked": []string{"tuesday", "saturday"}},
			{"no_nights": true},
			{"not_alone": true},
			{"fixed_sites": []string{other}},
			{"min_notice_days": 60},
			{"max_consecutive_days": 2},
			{"break_after_minutes": 120, "min_break_minutes": 15},
			{"phased_return": []map[string]any{{"from": "2027-01-04", "max_week_minutes": 480}}},
			{"benefit_cap": "permitted_work"},
		}
		var emps []*apptest.Client
		for i, a := range adjustments {
			e := newEmployee(t, srv, fmt.Sprintf("Plan Person%02d", i), fmt.Sprintf("p%02dq.plan@goodshift.example", i))
			if res := dana.JSON(http.MethodPut, "/api/v1/employees/"+e.ID()+"/adjustments", a, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("adjustments %v: %d %s", a, res.StatusCode, res.Body)
			}
			emps = append(emps, e)
		}
		// A zero-hours person says how many hours they would like.
		if res := emps[0].JSON(http.MethodPut, "/api/v1/me/wanted-hours", map[string]any{"minutes_per_week": 1200}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("wanted hours: %d %s", res.StatusCode, res.Body)
		}
		if res := emps[0].JSON(http.MethodPut, "/api/v1/me/wanted-hours", map[string]any{"minutes_per_week": -5}, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("negative wanted hours: %d", res.StatusCode)
		}
		// The week of Mon 11 Jan 2027: open draft shifts at two sites.
		var shifts []string
		for d := range 7 {
			for _, s := range []struct {
				site       string
				h1, h2, bk int
			}{{site, 6, 10, 0}, {site, 9, 14, 20}, {other, 12, 16, 0}, {other, 17, 22, 20}, {site, 21, 23, 0}} {
				var sh apiShift
				day := civil.D(2027, 1, 11+d)
				in := map[string]any{"site_id": s.site, "starts_at": day.At(s.h1, 0, civil.London).UTC().Format(time.RFC3339),
					"ends_at": day.At(s.h2, 0, civil.London).UTC().Format(time.RFC3339), "break_minutes": s.bk}
				if res := dana.JSON(http.MethodPost, "/api/v1/shifts", in, &sh); res.StatusCode != http.StatusCreated {
					t.Fatalf("shift: %d %s", res.StatusCode, res.Body)
				}
				shifts = append(shifts, sh.ID)
			}
		}
		// The organisation's weights: cover must come first.
		var weights map[string]int64
		if r := dana.JSON(http.MethodGet, "/api/v1/rota/plan-weights", nil, &weights); r.StatusCode != http.StatusOK || weights["cover"] != 10_000_000 {
			t.Fatalf("weights: %d %s", r.StatusCode, r.Body)
		}
		weights["cover"] = 10
		if r := dana.JSON(http.MethodPut, "/api/v1/rota/plan-weights", weights, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("cover not first: %d", r.StatusCode)
		}
		weights["cover"], weights["stability"] = 50_000_000, 60
		if r := dana.JSON(http.MethodPut, "/api/v1/rota/plan-weights", weights, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("set weights: %d %s", r.StatusCode, r.Body)
		}
		if r := emps[0].JSON(http.MethodPut, "/api/v1/rota/plan-weights", weights, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("employee setting weights: %d", r.StatusCode)
		}
		week := map[string]any{"from": "2027-01-11", "to": "2027-01-17", "mode": "fill"}
		// Bad input and the wrong role change nothing.
		for _, bad := range []map[string]any{
			{"from": "2027-01-17", "to": "2027-01-11"},
			{"from": "2027-01-11", "to": "2027-02-17"},
			{"from": "2027-01-11", "to": "2027-01-17", "mode": "everything"},
			{"from": "2027-01-11", "to": "2027-01-17", "colour": "red"},
			{"from": "2027-01-11", "to": "2027-01-17", "site_ids": []string{"nope"}},
		} {
			if res := dana.JSON(http.MethodPost, "/api/v1/rota/plans", bad, nil); res.StatusCode != http.StatusBadRequest {
				t.Errorf("bad plan %v: %d %s", bad, res.StatusCode, res.Body)
			}
		}
		if res := emps[1].JSON(http.MethodPost, "/api/v1/rota/plans", week, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee planning: %d", res.StatusCode)
		}
		var pl apiPlan
		if res := dana.JSON(http.MethodPost, "/api/v1/rota/plans", week, &pl); res.StatusCode != http.StatusCreated {
			t.Fatalf("plan: %d %s", res.StatusCode, res.Body)
		}
		if pl.Shifts != len(shifts) || pl.Covered == 0 || pl.Covered+len(pl.Open) != pl.Shifts || pl.Covered > pl.CoverBound {
			t.Fatalf("plan: %d shifts, %d covered (bound %d), %d open", pl.Shifts, pl.Covered, pl.CoverBound, len(pl.Open))
		}
		for _, a := range pl.Assignments {
			var cands []struct {
				EmployeeID string `json:"employee_id"`
				Eligible   bool   `json:"eligible"`
				Violations []any  `json:"violations"`
			}
			var body struct {
				Items []struct {
					EmployeeID string `json:"employee_id"`
					Eligible   bool   `json:"eligible"`
					Violations []any  `json:"violations"`
				} `json:"items"`
			}
			res := dana.JSON(http.MethodGet, "/api/v1/shifts/"+a.ShiftID+"/candidates", nil, &body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("candidates: %d %s", res.StatusCode, res.Body)
			}
			cands = body.Items
			ok := false
			for _, c := range cands {
				if c.EmployeeID == a.EmployeeID {
					ok = c.Eligible && len(c.Violations) == 0
				}
			}
			if !ok || a.Reason == "" {
				t.Errorf("%s on %s: not allowed by the rules (%q)", a.Name, a.ShiftID, a.Reason)
			}
		}
		for _, o := range pl.Open {
			if len(o.Reasons) == 0 || o.Summary == "" {
				t.Errorf("open shift %s without reasons", o.ShiftID)
			}
		}
		if len(pl.Objective) != 7 || pl.Objective[3].Term != "stability" || pl.Objective[3].Weight != 60 || len(pl.People) == 0 {
			t.Errorf("objective %v, people %v", pl.Objective, pl.People)
		}
		var got apiPlan
		if res := dana.JSON(http.MethodGet, "/api/v1/rota/plans/"+pl.ID, nil, &got); res.StatusCode != http.StatusOK || got.ID != pl.ID {
			t.Fatalf("get: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.Get("/api/v1/rota/plans/01936e2a-0000-7000-8000-000000000000"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown plan: %d", res.StatusCode)
		}
		// A second plan, made now, applied after the rota moved.
		var stale apiPlan
		dana.JSON(http.MethodPost, "/api/v1/rota/plans", week, &stale)

		var res apiApply
		if r := dana.JSON(http.MethodPost, "/api/v1/rota/plans/"+pl.ID+"/apply", nil, &res); r.StatusCode != http.StatusOK {
			t.Fatalf("apply: %d %s", r.StatusCode, r.Body)
		}
		if len(res.Applied) != len(pl.Assignments) || len(res.Skipped) != 0 {
			t.Fatalf("applied %d of %d: %+v", len(res.Applied), len(pl.Assignments), res.Skipped)
		}
		for _, a := range res.Applied {
			var sh struct {
				apiShift
				Published bool `json:"published"`
			}
			dana.JSON(http.MethodGet, "/api/v1/shifts/"+a.ShiftID, nil, &sh)
			if sh.Status != "assigned" || sh.EmployeeID != a.EmployeeID || sh.Published {
				t.Fatalf("applied shift is not a draft of %s: %+v", a.EmployeeID, sh)
			}
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/rota/plans/"+pl.ID+"/apply", nil, nil); r.StatusCode != http.StatusConflict {
			t.Errorf("applied twice: %d", r.StatusCode)
		}
		var res2 apiApply
		if r := dana.JSON(http.MethodPost, "/api/v1/rota/plans/"+stale.ID+"/apply", nil, &res2); r.StatusCode != http.StatusOK {
			t.Fatalf("stale apply: %d %s", r.StatusCode, r.Body)
		}
		if len(res2.Applied) != 0 || len(res2.Skipped) != len(stale.Assignments) {
			t.Fatalf("stale plan applied %d, skipped %d of %d", len(res2.Applied), len(res2.Skipped), len(stale.Assignments))
		}
		for _, s := range res2.Skipped {
			if s.Why == "" {
				t.Errorf("skipped without a reason: %+v", s)
			}
		}
	})
}

// TestFillThisWeekPage: "Fill this week" on the board opens the proposal;
// Apply applies it and offers publishing.
func TestFillThisWeekPage(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana := srv.Login(t, "dana@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		for d := range 3 {
			day := civil.D(2027, 1, 11+d)
			in := map[string]any{"site_id": site, "starts_at": day.At(10, 0, civil.London).UTC().Format(time.RFC3339),
				"ends_at": day.At(14, 0, civil.London).UTC().Format(time.RFC3339)}
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts", in, nil); res.StatusCode != http.StatusCreated {
				t.Fatalf("shift: %d %s", res.StatusCode, res.Body)
			}
		}
		page := srv.SignIn(t, "dana@goodshift.example")
		_, doc := page.Page("/rota/board?week=2027-01-11")
		if doc.Find("#fill-form #fill-week").Length() != 1 || doc.Find("#fill-form #cover-week").Length() != 1 {
			t.Fatal("no Fill this week on the board")
		}
		res := page.Submit("/rota/plans", url.Values{"week": {"2027-01-11"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/rota/plans/") {
			t.Fatalf("fill: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		loc := res.Header.Get("Location")
		_, doc = page.Follow(res)
		summary := doc.Find("#plan-summary").Text()
		if !strings.Contains(summary, "Fills 3 of 3 open shifts") || doc.Find("#plan-assignments li.card").Length() != 3 ||
			doc.Find("#plan-hours tbody tr").Length() == 0 || !strings.Contains(doc.Find("#plan-assignments").Text(), "Mon 11 Jan") {
			t.Fatalf("plan page: %q\n%s", summary, doc.Find("main").Text())
		}
		if strings.Contains(doc.Find("main").Text(), "2027-01") {
			t.Error("an ISO date on the plan page")
		}
		res = page.Submit(loc+"/apply", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d", res.StatusCode)
		}
		_, doc = page.Follow(res)
		if !strings.Contains(doc.Find("#plan-result").Text(), "Made 3 change(s) as drafts") || doc.Find("#plan-publish").Length() != 1 {
			t.Fatalf("after apply: %s", doc.Find("main").Text())
		}
		// "Re-plan this week", moving published shifts too.
		_, doc = page.Page("/rota/board?week=2027-01-11")
		if doc.Find(`#replan-form input[name="move_published"]`).Length() != 1 || doc.Find("#replan-form textarea#replan-reason").Length() != 1 {
			t.Fatal("no Re-plan this week on the board")
		}
		res = page.Submit("/rota/plans", url.Values{"week": {"2027-01-11"}, "mode": {"replan"}, "move_published": {"1"}, "reason": {"Client asked"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/rota/plans/") {
			t.Fatalf("replan: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		var pl struct {
			Mode          string `json:"mode"`
			MovePublished bool   `json:"move_published"`
			Reason        string `json:"reason"`
		}
		if r := dana.JSON(http.MethodGet, "/api/v1"+res.Header.Get("Location"), nil, &pl); r.StatusCode != http.StatusOK ||
			pl.Mode != "replan" || !pl.MovePublished || pl.Reason != "Client asked" {
			t.Fatalf("replan from the board: %d %+v", r.StatusCode, pl)
		}
	})
}

// TestWantedHoursFromThePhone: an employee sets the hours they would like
// on their own page; the planner reads them.
func TestWantedHoursFromThePhone(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		sam := srv.SignIn(t, "sam@goodshift.example")
		res, doc := sam.Page("/rota/wanted-hours")
		if res.StatusCode != http.StatusOK || doc.Find(`input[name="hours"]`).Length() != 1 {
			t.Fatalf("page: %d", res.StatusCode)
		}
		if r := sam.Submit("/rota/wanted-hours", url.Values{"hours": {"many"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad hours: %d, want the page again (422)", r.StatusCode)
		}
		if r := sam.Submit("/rota/wanted-hours", url.Values{"hours": {"12"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", r.StatusCode)
		}
		var got struct {
			Minutes int `json:"minutes_per_week"`
		}
		api := srv.Login(t, "sam@goodshift.example")
		if r := api.JSON(http.MethodGet, "/api/v1/me/wanted-hours", nil, &got); r.StatusCode != http.StatusOK || got.Minutes != 720 {
			t.Fatalf("wanted hours: %d %+v", r.StatusCode, got)
		}
		if r := srv.Login(t, "dana@goodshift.example").JSON(http.MethodGet, "/api/v1/me/wanted-hours", nil, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("a supervisor's own wanted hours: %d", r.StatusCode)
		}
	})
}

// TestCoverPlanFromTheFlexNotification: a "no shifts" flex period releases
// Sam's shifts; the supervisors' notification links a cover plan for
// exactly those shifts.
func TestCoverPlanFromTheFlexNotification(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana, sam := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "sam@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		var released []string
		for d := range 2 {
			var sh apiShift
			day := civil.D(2027, 1, 12+d)
			in := map[string]any{"site_id": site, "starts_at": day.At(10, 0, civil.London).UTC().Format(time.RFC3339),
				"ends_at": day.At(13, 0, civil.London).UTC().Format(time.RFC3339)}
			dana.JSON(http.MethodPost, "/api/v1/shifts", in, &sh)
			if r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
			}
			released = append(released, sh.ID)
		}
		publishAPI(t, dana, "2027-01-11", "2027-01-17")
		if r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", map[string]any{
			"kind": "no_shifts", "from": "2027-01-11", "to": "2027-01-17"}, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("flex period: %d %s", r.StatusCode, r.Body)
		}
		var box struct {
			Items []struct {
				Subject string `json:"subject"`
				Body    string `json:"body"`
				Link    string `json:"link"`
			} `json:"items"`
		}
		dana.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		link := ""
		for _, it := range box.Items {
			if it.Subject == "Temporary availability change" && strings.Contains(it.Body, "Sam Okafor") &&
				strings.Contains(it.Body, "2 shift(s) went back to the open pool. A plan to cover them is ready") {
				link = it.Link
			}
		}
		if !strings.HasPrefix(link, "/rota/plans/") {
			t.Fatalf("notification link %q", link)
		}
		var pl apiPlan
		if r := dana.JSON(http.MethodGet, "/api/v1"+link, nil, &pl); r.StatusCode != http.StatusOK {
			t.Fatalf("cover plan: %d %s", r.StatusCode, r.Body)
		}
		var got []string
		for _, a := range pl.Assignments {
			got = append(got, a.ShiftID)
			if a.EmployeeID == sam.ID() {
				t.Errorf("Sam planned back on")
			}
		}
		for _, o := range pl.Open {
			got = append(got, o.ShiftID)
		}
		if pl.Mode != "cover" || pl.Shifts != len(released) || len(got) != len(released) ||
			!(strings.Contains(strings.Join(got, ","), released[0]) && strings.Contains(strings.Join(got, ","), released[1])) {
			t.Fatalf("cover plan for %v: %+v", released, pl)
		}
		page := srv.SignIn(t, "dana@goodshift.example")
		if res, doc := page.Page(link); res.StatusCode != http.StatusOK || !strings.Contains(doc.Find("h1").Text(), "Cover") {
			t.Fatalf("cover page: %d", res.StatusCode)
		}

		// Applying the cover puts people on published shifts: each is told,
		// once per shift, by a message written with the change.
		if r := dana.JSON(http.MethodPost, "/api/v1"+link+"/apply", nil, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("apply cover: %d %s", r.StatusCode, r.Body)
		}
		if len(pl.Assignments) == 0 {
			t.Fatal("the cover plan covers nothing")
		}
		for _, a := range pl.Assignments {
			var n int64
			if err := db.Table("notifications").Where("person_id = ? AND subject = ? AND link = ?", a.EmployeeID, "New shift", "/rota/shifts/"+a.ShiftID).Count(&n).Error; err != nil || n != 1 {
				t.Errorf("%s told of cover shift %s: %d messages (%v)", a.Name, a.ShiftID, n, err)
			}
		}
	})
}
