package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestFlexPeriodReachesTheRota: Sam puts a "no shifts" flex period in place
// from his phone (the API as Sam; the phone page is TestWellbeingPages and
// TestBrowserFlexPeriodFromAPhone), linked to an early-warning sign in his
// plan. His shift inside it goes back to the open pool at once and the
// supervisors are told; his shift outside it stays; manual assignment (even
// with an override), an open-shift claim and a swap into the period are all
// refused with "temporary change ... until Fri 11 Dec"; and nothing the
// supervisor can read — shifts, candidates, availability, adjustments,
// refusals, notifications — carries a reason or anything from the plan.
func TestFlexPeriodReachesTheRota(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana, sam := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "sam@goodshift.example")
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
		notes := &recordingNotifier{}
		srv.App.Rota.UseNotifier(notes)
		inside := shift("2026-12-02T08:00:00Z", "2026-12-02T12:00:00Z")
		outside := shift("2026-12-16T08:00:00Z", "2026-12-16T12:00:00Z")
		publishAPI(t, dana, "2026-12-02", "2026-12-16")

		// Sam's shifts in the period: this one, and the demo's.
		var before struct {
			Items []apiShift `json:"items"`
		}
		dana.JSON(http.MethodGet, "/api/v1/shifts?from=2026-11-30&to=2026-12-11&status=assigned&employee="+sam.ID(), nil, &before)

		var plan struct {
			Actions []struct {
				ID string `json:"id"`
			} `json:"early_warning_actions"`
		}
		if r := sam.JSON(http.MethodPut, "/api/v1/employees/"+sam.ID()+"/wellness-plan", map[string]any{
			"triggers":              "FLEXMARK crowded lifts",
			"early_warning_actions": []map[string]string{{"sign": "FLEXMARK not sleeping", "action": "FLEXMARK take a week off shifts"}},
		}, &plan); r.StatusCode != http.StatusOK || len(plan.Actions) != 1 {
			t.Fatalf("plan: %d %s", r.StatusCode, r.Body)
		}

		var fp struct {
			ID             string `json:"id"`
			ReleasedShifts int    `json:"released_shifts"`
			RotaNotified   bool   `json:"rota_notified"`
		}
		r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", map[string]any{
			"kind": "no_shifts", "from": "2026-11-30", "to": "2026-12-11", "early_warning_action_id": plan.Actions[0].ID,
		}, &fp)
		if r.StatusCode != http.StatusCreated || fp.ReleasedShifts != len(before.Items) || len(before.Items) < 1 || !fp.RotaNotified {
			t.Fatalf("flex period: %d %s", r.StatusCode, r.Body)
		}
		for _, bad := range []map[string]any{
			{"kind": "no_shifts", "from": "2026-12-11", "to": "2026-11-30"},
			{"kind": "no_shifts", "from": "2026-11-30"},
			{"kind": "sabbatical", "from": "2026-11-30", "to": "2026-12-01"},
			{"kind": "no_shifts", "from": "2026-11-30", "to": "2026-12-01", "reason": "x"},
		} {
			if r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", bad, nil); r.StatusCode != http.StatusBadRequest {
				t.Errorf("bad flex %v: %d %s", bad, r.StatusCode, r.Body)
			}
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", map[string]any{"kind": "no_shifts", "from": "2026-11-30", "to": "2026-12-01"}, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("supervisor puts a flex period in place: %d", r.StatusCode)
		}

		var got apiShift
		dana.JSON(http.MethodGet, "/api/v1/shifts/"+inside, nil, &got)
		if got.Status != "open" || got.EmployeeID != "" {
			t.Errorf("shift inside the period: %+v", got)
		}
		dana.JSON(http.MethodGet, "/api/v1/shifts/"+outside, nil, &got)
		if got.Status != "assigned" || got.EmployeeID != sam.ID() {
			t.Errorf("shift outside the period: %+v", got)
		}

		// The supervisors were told: who, until when, how many shifts — no reason.
		supervisors := map[string]bool{personID(t, srv, "dana@goodshift.example"): true, personID(t, srv, "rosa@goodshift.example"): true}
		told := notes.to(supervisors)
		if !strings.Contains(told, "Sam Okafor: temporary availability change, until") || !strings.Contains(told, fmt.Sprintf("%d shift(s) went back to the open pool", len(before.Items))) {
			t.Errorf("supervisors were not told: %q", told)
		}

		// Every path that puts Sam on a shift in the period is blocked.
		tomasz := srv.Login(t, "tomasz@goodshift.example")
		var blocked []string
		if r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+inside+"/assign", map[string]any{"employee_id": sam.ID()}, nil); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("manual assignment in the period: %d %s", r.StatusCode, r.Body)
		} else {
			blocked = append(blocked, string(r.Body))
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+inside+"/assign", map[string]any{"employee_id": sam.ID(), "override_reason": "short staffed"}, nil); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a hard temporary limit was overridden: %d %s", r.StatusCode, r.Body)
		}
		if r := sam.JSON(http.MethodPost, "/api/v1/shifts/"+inside+"/claim", nil, nil); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("open-shift claim in the period: %d %s", r.StatusCode, r.Body)
		} else {
			blocked = append(blocked, string(r.Body))
		}
		var theirs apiShift
		if r := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2026-12-03T08:00:00Z", "ends_at": "2026-12-03T11:00:00Z"}, &theirs); r.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", r.StatusCode, r.Body)
		}
		if r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+theirs.ID+"/assign", map[string]any{"employee_id": tomasz.ID()}, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("assign tomasz: %d %s", r.StatusCode, r.Body)
		}
		publishAPI(t, dana, "2026-12-03", "2026-12-03")
		var swap struct {
			ID string `json:"id"`
		}
		r = tomasz.JSON(http.MethodPost, "/api/v1/swaps", map[string]any{"shift_id": theirs.ID, "to_employee_id": sam.ID()}, &swap)
		switch {
		case r.StatusCode == http.StatusUnprocessableEntity:
			// Refused when offered (issue 17). Tomasz is a colleague: he is
			// told Sam is not available, nothing about a temporary change.
			if body := string(r.Body); !strings.Contains(body, "Sam is not available for this shift.") || strings.Contains(strings.ToLower(body), "temporary") {
				t.Errorf("the refusal to a colleague says too much or too little: %.300s", body)
			}
		case r.StatusCode >= 300:
			t.Errorf("swap offer: %d %s", r.StatusCode, r.Body)
		default:
			if r := sam.JSON(http.MethodPost, "/api/v1/swaps/"+swap.ID+"/accept", map[string]any{}, nil); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("swap into the period: %d %s", r.StatusCode, r.Body)
			} else {
				blocked = append(blocked, string(r.Body))
			}
		}
		dana.JSON(http.MethodGet, "/api/v1/shifts/"+theirs.ID, nil, &got)
		if got.EmployeeID != tomasz.ID() {
			t.Errorf("the swap went through: %+v", got)
		}
		cands := string(dana.Get("/api/v1/shifts/" + inside + "/candidates").Body)
		blocked = append(blocked, cands)
		for _, body := range blocked {
			if !strings.Contains(body, "temporary") || !strings.Contains(body, "Fri 11 Dec") {
				t.Errorf("the refusal does not say it is a temporary change until Fri 11 Dec: %.300s", body)
			}
			for _, secret := range []string{"FLEXMARK", "plan", "wellness", "sleep", "early warning"} {
				if strings.Contains(strings.ToLower(body), strings.ToLower(secret)) {
					t.Errorf("a refusal shows %q: %.300s", secret, body)
				}
			}
		}
		// Outside the period Sam can still be given work.
		var after apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2026-12-14T08:00:00Z", "ends_at": "2026-12-14T11:00:00Z"}, &after)
		if r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+after.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); r.StatusCode != http.StatusOK {
			t.Errorf("assignment after the period: %d %s", r.StatusCode, r.Body)
		}

		// The rota sees dates and "no shifts", nothing more.
		limits, err := rotaLimits(srv, sam.ID(), civil.D(2026, 11, 23), civil.D(2026, 12, 31))
		if err != nil || len(limits) != 1 || !limits[0].NoShifts || limits[0].From != civil.D(2026, 11, 30) || limits[0].To != civil.D(2026, 12, 11) {
			t.Fatalf("TemporaryLimits: %+v %v", limits, err)
		}

		// What the supervisor reads of the rota carries no reason.
		if strings.Contains(told, "FLEXMARK") || strings.Contains(told, "sleep") {
			t.Errorf("a notification carries plan content: %q", told)
		}
		for _, path := range []string{"/api/v1/shifts/" + inside, "/api/v1/shifts/" + outside, "/api/v1/shifts?from=2026-11-23&to=2026-12-31", "/api/v1/employees/" + sam.ID() + "/availability", "/api/v1/employees/" + sam.ID() + "/adjustments"} {
			body := string(dana.Get(path).Body)
			for _, secret := range []string{"FLEXMARK", plan.Actions[0].ID, fp.ID, "early", "wellness", "plan"} {
				if strings.Contains(body, secret) {
					t.Errorf("GET %s shows %q to the supervisor: %.300s", path, secret, body)
				}
			}
		}
		if strings.Contains(srv.Logs.String(), "FLEXMARK") {
			t.Error("plan content in the logs")
		}
	})
}

func rotaLimits(srv *apptest.Server, employeeID string, from, to civil.Date) ([]struct {
	From, To civil.Date
	NoShifts bool
}, error) {
	ls, err := srv.App.Wellbeing.FlexLimits(context.Background(), employeeID, from, to)
	out := make([]struct {
		From, To civil.Date
		NoShifts bool
	}, len(ls))
	for i, l := range ls {
		out[i].From, out[i].To, out[i].NoShifts = l.From, l.To, l.NoShifts
	}
	return out, err
}

// recordingNotifier stands in for the inbox: it records what the rota sends.
type recordingNotifier struct {
	mu   sync.Mutex
	sent []string // "personID|subject|body"
}

func (n *recordingNotifier) Notify(_ context.Context, ids []string, subject, body, _ string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, id := range ids {
		n.sent = append(n.sent, id+"|"+subject+"|"+body)
	}
	return nil
}

// to returns everything sent to any of ids.
func (n *recordingNotifier) to(ids map[string]bool) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, s := range n.sent {
		if id, _, _ := strings.Cut(s, "|"); ids[id] {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

// TestLaterStartFlexPeriodBlocksEarlyShifts: a "later start" flex period
// stops the supervisor assigning a shift that starts before the agreed time
// inside the period (the refusal names the time and the end date, not a
// reason); a shift starting at or after it, or an early one after the
// period, is assigned as usual.
func TestLaterStartFlexPeriodBlocksEarlyShifts(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana, sam := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "sam@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		if r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", map[string]any{
			"kind": "later_start", "from": "2026-11-30", "to": "2026-12-11", "earliest_start": "11:00",
		}, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("flex period: %d %s", r.StatusCode, r.Body)
		}
		assign := func(start, end string) (int, string) {
			var sh apiShift
			if r := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh); r.StatusCode != http.StatusCreated {
				t.Fatalf("create shift: %d %s", r.StatusCode, r.Body)
			}
			r := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil)
			return r.StatusCode, string(r.Body)
		}
		code, body := assign("2026-12-03T09:00:00Z", "2026-12-03T12:00:00Z") // 09:00 London
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "no starts before 11:00 until") {
			t.Errorf("early shift inside the period: %d %s", code, body)
		}
		if code, body := assign("2026-12-04T11:00:00Z", "2026-12-04T14:00:00Z"); code != http.StatusOK {
			t.Errorf("11:00 shift inside the period: %d %s", code, body)
		}
		if code, body := assign("2026-12-15T09:00:00Z", "2026-12-15T12:00:00Z"); code != http.StatusOK {
			t.Errorf("early shift after the period: %d %s", code, body)
		}
	})
}
