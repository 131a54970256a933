package rota_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
)

// TestPlanFollowsWouldLikeAndRatherNot: between two people otherwise
// alike, a shift goes to the one who did not say "rather not", and to the
// one who said they would like that time; the reason says so. Neither
// preference ever stops a shift.
func TestPlanFollowsWouldLikeAndRatherNot(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		site := f.withSites(0, &fakeSeams{})[0]
		ana, ben := f.employee(t, "Ana Lima", civil.D(1990, 1, 1)), f.employee(t, "Ben Ode", civil.D(1990, 1, 1))
		all := func(pref map[string]string) []rota.Window {
			var ws []rota.Window
			for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
				ws = append(ws, rota.Window{Day: d, From: "06:00", To: "20:00", Preference: pref[d]})
			}
			return ws
		}
		if _, err := f.svc.SetAvailability(ctx, ana.ID, rota.Availability{Weekly: all(map[string]string{"tuesday": rota.RatherNot, "wednesday": rota.WouldLike})}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetAvailability(ctx, ben.ID, rota.Availability{Weekly: all(map[string]string{"thursday": rota.WouldLike})}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetAvailability(ctx, ben.ID, rota.Availability{Weekly: []rota.Window{{Day: "monday", From: "06:00", To: "20:00", Preference: "keen"}}, Version: 1}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("an unknown preference: %v", err)
		}
		tue, wed := civil.D(2026, 12, 1), civil.D(2026, 12, 2)
		tueShift, wedShift := f.shiftAt(t, site, tue, 9, 0, 13, 0), f.shiftAt(t, site, wed, 9, 0, 13, 0)
		pl, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: tue, To: wed})
		if err != nil || pl.Covered != 2 {
			t.Fatalf("plan: %+v %v", pl, err)
		}
		got := map[string]rota.PlannedShift{}
		for _, a := range pl.Assignments {
			got[a.ShiftID] = a
		}
		if got[tueShift.ID].EmployeeID != ben.ID {
			t.Errorf("Tuesday (Ana would rather not) went to %s", got[tueShift.ID].Name)
		}
		if a := got[wedShift.ID]; a.EmployeeID != ana.ID || !strings.Contains(a.Reason, "Ana said they would like to work on Wednesdays then") {
			t.Errorf("Wednesday (Ana would like it): %+v", a)
		}
		for _, term := range pl.Objective {
			// Ben's Tuesday is outside the Thursday he would like: 1.
			if term.Term == "preference" && term.Value != 1 {
				t.Errorf("preference term %d, want 1", term.Value)
			}
		}
		// "Rather not" never stops a shift: with Ben away, Ana gets Tuesday.
		f2 := f.svc
		if _, err := f2.SetAvailability(ctx, ben.ID, rota.Availability{Unavailable: []civil.Date{tue}, Version: 1}); err != nil {
			t.Fatal(err)
		}
		pl, err = f2.Propose(ctx, f.sup.ID, rota.PlanRequest{From: tue, To: tue})
		if err != nil || pl.Covered != 1 || pl.Assignments[0].EmployeeID != ana.ID {
			t.Fatalf("Tuesday with Ben away: %+v %v", pl.Assignments, err)
		}
	})
}
