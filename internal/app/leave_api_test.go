package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/payroll"
)

type apiLeave struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Minutes int    `json:"minutes"`
	Shifts  []struct {
		ID string `json:"id"`
	} `json:"shifts"`
}

type apiMyLeave struct {
	Balance payroll.LeaveBalance `json:"balance"`
	Items   []apiLeave           `json:"items"`
}

func inboxSubjects(t *testing.T, c *apptest.Client) string {
	t.Helper()
	var in struct {
		Items []struct {
			Subject string `json:"subject"`
			Body    string `json:"body"`
		} `json:"items"`
	}
	if r := c.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &in); r.StatusCode != http.StatusOK {
		t.Fatalf("inbox: %d %s", r.StatusCode, r.Body)
	}
	var out []string
	for _, n := range in.Items {
		out = append(out, n.Subject+": "+n.Body)
	}
	return strings.Join(out, "\n")
}

// TestLeaveThroughTheAPI: Sam (contracted 20 hours a week) asks for
// holiday on Thu 3 and Fri 4 Dec over a published shift; bad requests are
// refused with a 4xx and change nothing; Dana sees the request with the
// affected shifts and approves it: exactly Sam's shifts on those dates go
// back to the open pool, the absence is in payroll, the balance drops by
// exactly 8 hours, Sam is told and the supervisors are offered cover.
func TestLeaveThroughTheAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		dana, sam, femi := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "sam@goodshift.example"), srv.Login(t, "femi@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		shift := func(start, end string) string {
			var sh apiShift
			if r := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh); r.StatusCode != http.StatusCreated {
				t.Fatalf("create shift: %d %s", r.StatusCode, r.Body)
			}
			if r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
			}
			return sh.ID
		}
		inside := shift("2026-12-03T08:00:00Z", "2026-12-03T11:00:00Z")
		outside := shift("2026-12-08T08:00:00Z", "2026-12-08T11:00:00Z")
		publishAPI(t, dana, "2026-12-03", "2026-12-08")
		var onDays struct {
			Items []apiShift `json:"items"`
		}
		dana.JSON(http.MethodGet, "/api/v1/shifts?from=2026-12-03&to=2026-12-04&status=assigned&employee="+sam.ID(), nil, &onDays)
		var want []string
		for _, sh := range onDays.Items {
			want = append(want, sh.ID)
		}
		if !slices.Contains(want, inside) {
			t.Fatalf("Sam's shifts on the days %v lack %s", want, inside)
		}

		var before apiMyLeave
		if r := sam.JSON(http.MethodGet, "/api/v1/me/leave", nil, &before); r.StatusCode != http.StatusOK || before.Balance.IrregularHours {
			t.Fatalf("my leave: %d %s", r.StatusCode, r.Body)
		}
		if before.Balance.EntitlementMinutes != 1200*56/10 {
			t.Errorf("Sam's entitlement %d, want 5.6 × 20h = 112h", before.Balance.EntitlementMinutes)
		}

		var req apiLeave
		if r := sam.JSON(http.MethodPost, "/api/v1/me/leave", map[string]any{"type": "holiday", "from": "2026-12-03", "to": "2026-12-04"}, &req); r.StatusCode != http.StatusCreated || req.Minutes != 480 || req.Status != "pending" {
			t.Fatalf("request: %d %s", r.StatusCode, r.Body)
		}
		for i, bad := range []struct {
			body any
			code int
		}{
			{map[string]any{"type": "holiday", "from": "2026-12-04"}, http.StatusConflict},                      // overlaps
			{map[string]any{"type": "sick", "from": "2026-12-10", "reason": "flu"}, http.StatusBadRequest},      // there is no reason field
			{map[string]any{"type": "sick", "from": "2026-12-10", "part": "half_start"}, http.StatusBadRequest}, // part days are for holiday
			{map[string]any{"type": "unpaid", "from": "2026-12-10"}, http.StatusBadRequest},                     // not enabled
			{map[string]any{"type": "holiday", "from": "24/12/2026"}, http.StatusBadRequest},                    // the API takes 2026-12-24
			{map[string]any{"type": "holiday", "from": "2026-11-20"}, http.StatusBadRequest},                    // gone by
		} {
			if r := sam.JSON(http.MethodPost, "/api/v1/me/leave", bad.body, nil); r.StatusCode != bad.code {
				t.Errorf("bad request %d: %d %s, want %d", i, r.StatusCode, r.Body, bad.code)
			}
		}
		var mine apiMyLeave
		sam.JSON(http.MethodGet, "/api/v1/me/leave", nil, &mine)
		if len(mine.Items) != 1 || mine.Balance.PendingMinutes != 480 || mine.Balance.RemainingMinutes != before.Balance.RemainingMinutes {
			t.Errorf("after refusals: %+v", mine)
		}

		// Dana sees it with the shifts; Sam may not decide; a bad filter is refused.
		var pending struct {
			Items []apiLeave `json:"items"`
		}
		if r := dana.JSON(http.MethodGet, "/api/v1/leave?status=pending", nil, &pending); r.StatusCode != http.StatusOK || len(pending.Items) != 1 {
			t.Fatalf("pending: %d %s", r.StatusCode, r.Body)
		}
		var listed []string
		for _, s := range pending.Items[0].Shifts {
			listed = append(listed, s.ID)
		}
		if !slices.Equal(listed, want) {
			t.Errorf("affected shifts %v, want %v", listed, want)
		}
		if r := dana.Get("/api/v1/leave?status=maybe"); r.StatusCode/100 != 4 {
			t.Errorf("bad status filter: %d", r.StatusCode)
		}
		if r := sam.JSON(http.MethodPost, "/api/v1/leave/"+req.ID+"/approve", nil, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("Sam approving: %d", r.StatusCode)
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/leave/not-an-id/approve", nil, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown request: %d", r.StatusCode)
		}

		var approved apiLeave
		if r := dana.JSON(http.MethodPost, "/api/v1/leave/"+req.ID+"/approve", nil, &approved); r.StatusCode != http.StatusOK || approved.Status != "approved" {
			t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/leave/"+req.ID+"/decline", map[string]any{"message": "too late"}, nil); r.StatusCode != http.StatusConflict {
			t.Errorf("decline after approval: %d", r.StatusCode)
		}
		for _, id := range want {
			var sh apiShift
			dana.JSON(http.MethodGet, "/api/v1/shifts/"+id, nil, &sh)
			if sh.Status != "open" || sh.EmployeeID != "" {
				t.Errorf("shift %s on the days: %s %q", id, sh.Status, sh.EmployeeID)
			}
		}
		var out apiShift
		dana.JSON(http.MethodGet, "/api/v1/shifts/"+outside, nil, &out)
		if out.Status != "assigned" || out.EmployeeID != sam.ID() {
			t.Errorf("shift outside the dates: %s %q", out.Status, out.EmployeeID)
		}
		var abs struct {
			Items []payroll.Absence `json:"items"`
		}
		if r := femi.JSON(http.MethodGet, "/api/v1/employees/"+sam.ID()+"/absences", nil, &abs); r.StatusCode != http.StatusOK {
			t.Fatalf("absences: %d %s", r.StatusCode, r.Body)
		}
		found := false
		for _, a := range abs.Items {
			if a.Type == "holiday" && a.From.String() == "2026-12-03" && a.To.String() == "2026-12-04" && a.PaidMinutesPerDay == 240 {
				found = true
			}
		}
		if !found {
			t.Errorf("no payroll absence for the leave: %+v", abs.Items)
		}
		var after apiMyLeave
		sam.JSON(http.MethodGet, "/api/v1/me/leave", nil, &after)
		if after.Balance.RemainingMinutes != before.Balance.RemainingMinutes-480 || after.Balance.BookedMinutes != before.Balance.BookedMinutes+480 || after.Balance.PendingMinutes != 0 {
			t.Errorf("balance before %+v after %+v", before.Balance, after.Balance)
		}
		if got := inboxSubjects(t, sam); !strings.Contains(got, "Leave approved: Your holiday on Thu 3 Dec to Fri 4 Dec is approved.") {
			t.Errorf("Sam's inbox:\n%s", got)
		}
		if got := inboxSubjects(t, dana); !strings.Contains(got, fmt.Sprintf("Shifts to cover: leave approved: Sam Okafor is away on Thu 3 Dec to Fri 4 Dec. %d shift(s) went back to the open pool. A plan to cover them is ready", len(want))) {
			t.Errorf("Dana's inbox:\n%s", got)
		}

		// Settings: finance may change them, Sam may not.
		if r := sam.JSON(http.MethodGet, "/api/v1/leave/settings", nil, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("Sam reading settings: %d", r.StatusCode)
		}
		if r := femi.JSON(http.MethodPut, "/api/v1/leave/settings", map[string]any{"enabled_types": []string{"unpaid"}, "year_start_month": 4}, nil); r.StatusCode != http.StatusOK {
			t.Errorf("finance saving settings: %d %s", r.StatusCode, r.Body)
		}
		if r := femi.JSON(http.MethodPut, "/api/v1/leave/settings", map[string]any{"enabled_types": []string{"gardening"}}, nil); r.StatusCode/100 != 4 {
			t.Errorf("bad settings: %d", r.StatusCode)
		}
		if r := sam.JSON(http.MethodPost, "/api/v1/me/leave", map[string]any{"type": "unpaid", "from": "2026-12-10"}, nil); r.StatusCode != http.StatusCreated {
			t.Errorf("unpaid once enabled: %d %s", r.StatusCode, r.Body)
		}

		// Sickness a supervisor records over a rostered shift releases it too, and offers cover.
		if r := dana.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/absences", map[string]any{"type": "sick", "from": "2026-12-08"}, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("record sickness: %d %s", r.StatusCode, r.Body)
		}
		out = apiShift{}
		dana.JSON(http.MethodGet, "/api/v1/shifts/"+outside, nil, &out)
		if out.Status != "open" || out.EmployeeID != "" {
			t.Errorf("shift on the sick day: %s %q", out.Status, out.EmployeeID)
		}
		if got := inboxSubjects(t, dana); !strings.Contains(got, "Shifts to cover: absence recorded: Sam Okafor is away on Tue 8 Dec.") || strings.Contains(strings.ToLower(got), "sick") {
			t.Errorf("Dana's inbox after the sickness:\n%s", got)
		}
	})
}

// plantLeave gives the wellbeing leak test (wellbeing_leak_test.go) leave
// to show: Sam and Hannah (who have plans, notes and flex periods full of
// markers) ask for holiday and sickness; Dana approves one and declines
// one, so the leave pages, the API, the inbox and the leave pushes all
// hold something. It plants for one employee (email) and returns the
// leave pages that employee sees.
func plantLeave(t *testing.T, srv *apptest.Server, email string) []string {
	t.Helper()
	dana := srv.Login(t, "dana@goodshift.example")
	i := 0
	if email != "sam@goodshift.example" {
		i = 1
	}
	{
		c := srv.Login(t, email)
		var a, b apiLeave
		if r := c.JSON(http.MethodPost, "/api/v1/me/leave", map[string]any{"type": "holiday", "from": fmt.Sprintf("2027-02-%02d", 1+i), "day_minutes": 240}, &a); r.StatusCode != http.StatusCreated {
			t.Fatalf("plant leave for %s: %d %s", email, r.StatusCode, r.Body)
		}
		if r := c.JSON(http.MethodPost, "/api/v1/me/leave", map[string]any{"type": "sick", "from": fmt.Sprintf("2027-02-%02d", 8+i)}, &b); r.StatusCode != http.StatusCreated {
			t.Fatalf("plant sickness for %s: %d %s", email, r.StatusCode, r.Body)
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/leave/"+a.ID+"/approve", nil, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
		}
		if i == 0 {
			if r := dana.JSON(http.MethodPost, "/api/v1/leave/"+b.ID+"/decline", map[string]any{"message": "Let us talk on Monday."}, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("decline: %d %s", r.StatusCode, r.Body)
			}
		}
	}
	return []string{"/me/leave", "/api/v1/me/leave"}
}
