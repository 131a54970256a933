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

// TestReplanMovesPublishedShiftsOnlyWhenAsked: a replan leaves published
// shifts alone unless asked; asked, it moves them (with the change
// recorded and both people told), but a published shift inside the notice
// period only with a reason.
func TestReplanMovesPublishedShiftsOnlyWhenAsked(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		seams := &fakeSeams{temporary: map[string][]rota.TemporaryLimit{}}
		site := f.withSites(0, seams)[0]
		notes := &linkNotes{}
		f.svc.UseNotifier(notes)
		sam, priya := f.employee(t, "Sam Okafor", civil.D(1990, 1, 1)), f.employee(t, "Priya Shah", civil.D(1991, 1, 1))
		// now is Mon 23 Nov 09:00 and the notice period 14 days: Fri 4 Dec
		// is inside it, Wed 9 Dec outside.
		fri, wed := civil.D(2026, 12, 4), civil.D(2026, 12, 9)
		inside, outside := f.shiftAt(t, site, fri, 9, 0, 13, 0), f.shiftAt(t, site, wed, 9, 0, 13, 0)
		for _, sh := range []rota.Shift{inside, outside} {
			if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.publish(t, fri, wed)
		// Sam can no longer work these days (a temporary change).
		seams.temporary[sam.ID] = []rota.TemporaryLimit{{From: fri, To: wed, NoShifts: true}}
		req := rota.PlanRequest{From: fri, To: wed, Mode: rota.PlanReplan}

		// Not asked: published shifts are not the plan's to move.
		pl, err := f.svc.Propose(ctx, f.sup.ID, req)
		if err != nil || pl.Shifts != 0 || len(pl.Assignments) != 0 {
			t.Fatalf("replan without move_published: %d shifts %+v %v", pl.Shifts, pl.Assignments, err)
		}
		// Bad requests: refused, nothing stored.
		for _, bad := range []rota.PlanRequest{
			{From: fri, To: wed, Mode: rota.PlanFill, MovePublished: true},
			{From: fri, To: wed, Mode: rota.PlanReplan, Reason: "no flag"},
			{From: fri, To: wed, Mode: rota.PlanReplan, MovePublished: true, Reason: strings.Repeat("x", rota.MaxReasonChars+1)},
		} {
			if _, err := f.svc.Propose(ctx, f.sup.ID, bad); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}

		// Asked, without a reason: only the shift outside the notice period.
		req.MovePublished = true
		pl, err = f.svc.Propose(ctx, f.sup.ID, req)
		if err != nil || pl.Shifts != 1 || len(pl.Assignments) != 1 {
			t.Fatalf("replan moving published, no reason: %d shifts %+v %v", pl.Shifts, pl.Assignments, err)
		}
		if a := pl.Assignments[0]; a.ShiftID != outside.ID || a.EmployeeID != priya.ID || a.PreviousID != sam.ID || !a.Published {
			t.Fatalf("assignment %+v", a)
		}
		notes.msgs = nil
		res, err := f.svc.ApplyPlan(ctx, f.sup.ID, pl.ID)
		if err != nil || len(res.Applied) != 1 {
			t.Fatalf("apply: %+v %v", res, err)
		}
		if sh := mustShift(t, f.svc, outside.ID); sh.EmployeeID != priya.ID || !sh.Published {
			t.Fatalf("outside shift after apply: %+v", sh)
		}
		if sh := mustShift(t, f.svc, inside.ID); sh.EmployeeID != sam.ID {
			t.Fatalf("inside shift moved without a reason: %+v", sh)
		}
		told := strings.Join(notes.msgs, "\n")
		if !strings.Contains(told, priya.ID+"|New shift|") || !strings.Contains(told, sam.ID+"|You are off a shift|") || len(notes.msgs) != 2 {
			t.Fatalf("told: %v", notes.msgs)
		}

		// Asked, with a reason: the shift inside the notice period too, and
		// the change carries the reason.
		req.Reason = "Sam is away this week"
		pl, err = f.svc.Propose(ctx, f.sup.ID, req)
		if err != nil || len(pl.Assignments) != 1 || pl.Assignments[0].ShiftID != inside.ID {
			t.Fatalf("replan with a reason: %+v %v", pl.Assignments, err)
		}
		if _, err := f.svc.ApplyPlan(ctx, f.sup.ID, pl.ID); err != nil {
			t.Fatal(err)
		}
		changes, err := f.svc.Changes(ctx, fri, wed)
		if err != nil {
			t.Fatal(err)
		}
		byShift := map[string]rota.Change{}
		for _, c := range changes {
			byShift[c.ShiftID] = c
		}
		if c := byShift[inside.ID]; c.Kind != rota.ChangeReassigned || c.Reason != req.Reason || !c.InsideNotice || c.Employee != "Priya Shah" {
			t.Fatalf("inside change: %+v", c)
		}
		if c := byShift[outside.ID]; c.Kind != rota.ChangeReassigned || c.InsideNotice {
			t.Fatalf("outside change: %+v", c)
		}
	})
}
