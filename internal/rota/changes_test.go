package rota_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
)

func TestChangesInsideTheNoticePeriodNeedAReason(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		soon := civil.D(2026, 12, 3) // 10 days ahead: inside the default 14
		later := civil.D(2026, 12, 21)

		// Drafts change freely: no reason, nothing recorded, nobody told.
		d := f.shift(t, soon, 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, d.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Unassign(ctx, f.sup.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Assign(ctx, f.sup.ID, d.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		far := f.shift(t, later, 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, far.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		f.publish(t, soon, later)
		before := f.sent.count()

		// Published and inside the notice period: each kind of change is
		// refused without a reason, with a message a person can act on.
		newStart, newEnd := local(soon, 8, 0), local(soon, 12, 0)
		for name, try := range map[string]func() error{
			"reassign": func() error { _, err := f.svc.Assign(ctx, f.sup.ID, d.ID, priya.ID, ""); return err },
			"unassign": func() error { _, err := f.svc.Unassign(ctx, f.sup.ID, d.ID); return err },
			"cancel":   func() error { _, err := f.svc.CancelShift(ctx, f.sup.ID, d.ID, ""); return err },
			"move": func() error {
				_, err := f.svc.UpdateShift(ctx, f.sup.ID, d.ID, rota.ShiftUpdate{Start: &newStart, End: &newEnd})
				return err
			},
		} {
			err := try()
			wantCode(t, err, errs.RuleViolation)
			_, msg, _ := errs.Public(err)
			if !strings.Contains(msg, "Thu 3 Dec") || !strings.Contains(msg, "14-day notice period") || !strings.Contains(msg, "Give a reason") {
				t.Errorf("%s: message %q", name, msg)
			}
		}
		if got, _ := f.svc.Shift(ctx, d.ID); got.EmployeeID != sam.ID || !got.Start.Equal(local(soon, 7, 0)) || got.Status != rota.Assigned {
			t.Fatalf("a refused change changed the shift: %+v", got)
		}
		if f.sent.count() != before {
			t.Fatalf("a refused change told someone: %s", f.sent.all())
		}

		// With a reason it goes through, both people are told and it is recorded.
		if _, err := f.svc.Assign(ctx, f.sup.ID, d.ID, priya.ID, "", "Sam asked for the day off"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateShift(ctx, f.sup.ID, d.ID, rota.ShiftUpdate{Start: &newStart, End: &newEnd, Reason: "client asked for later"}); err != nil {
			t.Fatal(err)
		}
		msgs := f.sent.all()
		if !strings.Contains(msgs, "New shift") || !strings.Contains(msgs, "You are off a shift") || !strings.Contains(msgs, "Your shift has changed") {
			t.Fatalf("not told: %s", msgs)
		}
		// Outside the notice period no reason is needed, but it is recorded.
		if _, err := f.svc.Unassign(ctx, f.sup.ID, far.ID); err != nil {
			t.Fatal(err)
		}
		changes, err := f.svc.Changes(ctx, soon.AddDays(-1), later)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 3 {
			t.Fatalf("changes: %+v", changes)
		}
		got := map[string]rota.Change{}
		for _, c := range changes {
			got[c.Kind] = c
		}
		re := got[rota.ChangeReassigned]
		if re.By != "Dana Whitfield" || re.Employee != "Priya Shah" || re.PreviousEmployee != "Sam Okafor" || re.Reason != "Sam asked for the day off" ||
			!re.InsideNotice || re.NoticeHours < 200 || !re.At.Equal(now) {
			t.Errorf("reassigned: %+v", re)
		}
		if mv := got[rota.ChangeMoved]; !mv.InsideNotice || !strings.Contains(mv.Detail, "to Thu 3 Dec, 08:00–12:00") {
			t.Errorf("moved: %+v", mv)
		}
		if un := got[rota.ChangeUnassigned]; un.InsideNotice || un.ShiftID != far.ID {
			t.Errorf("unassigned: %+v", un)
		}
		flagged, err := f.svc.ChangedShifts(ctx, soon, later)
		if err != nil || !flagged[d.ID] || flagged[far.ID] {
			t.Errorf("changed shifts: %v %v", flagged, err)
		}
	})
}

func TestShortNoticeCancellationIsRecordedWithItsPay(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		f.svc = rota.NewService(rota.Config{DB: db, Now: func() time.Time { return now }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}, Notifier: f.sent,
			Notice: rota.Notice{Days: 28, ShortNoticeWindow: 48 * time.Hour, ShortNoticePay: 5000}})
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		tue := civil.D(2026, 11, 24) // tomorrow: inside 48 hours
		soon := f.shift(t, tue, 7, 11)
		notSoon := f.shift(t, tue.AddDays(3), 7, 11)
		open := f.shift(t, tue, 12, 14)
		for _, sh := range []rota.Shift{soon, notSoon} {
			if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.publish(t, tue, tue.AddDays(3))
		for _, sh := range []rota.Shift{soon, notSoon, open} {
			if _, err := f.svc.CancelShift(ctx, f.sup.ID, sh.ID, "client closed the building"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.svc.ShortNoticeCancellationsBetween(ctx, tue, tue.AddDays(6))
		if err != nil || len(got) != 1 {
			t.Fatalf("short notice: %+v %v", got, err)
		}
		c := got[0]
		if c.ShiftID != soon.ID || c.EmployeeName != "Sam Okafor" || c.PayShare != 5000 || !c.Paid || c.NoticeHours != 22 ||
			c.WorkMinutes != 240 || c.CancelledBy != "Dana Whitfield" || c.Reason != "client closed the building" {
			t.Fatalf("record: %+v", c)
		}
		// A draft cancelled at short notice is no one's loss: not recorded.
		d := f.shift(t, tue, 15, 18)
		if _, err := f.svc.Assign(ctx, f.sup.ID, d.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CancelShift(ctx, f.sup.ID, d.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.ShortNoticeCancellationsBetween(ctx, tue, tue); len(got) != 1 {
			t.Fatalf("a draft was recorded: %+v", got)
		}
	})
}

// TestClaimsAndSwapsAreChanges: a published shift claimed from the open
// shifts, or handed over by a swap, is a change recorded with who and when
// (the people chose it, so no reason is asked for).
func TestClaimsAndSwapsAreChanges(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		day := civil.D(2026, 12, 2)
		open := f.shift(t, day, 12, 15)
		mine := f.assigned(t, day, 7, 11, sam) // publishes the day, open shift included

		if _, err := f.svc.Claim(ctx, priya.ID, open.ID); err != nil {
			t.Fatal(err)
		}
		w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: mine.ID, ToEmployeeID: priya.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetAutoApprove(ctx, f.site.ID, true); err != nil {
			t.Fatal(err)
		}
		// Priya would now have two shifts that day; whether it completes at
		// once or waits for a supervisor, a completed swap is a change.
		if w, err = f.svc.AcceptSwap(ctx, principal(priya), w.ID); err != nil {
			t.Fatal(err)
		}
		if w.Status == rota.SwapAwaitingApproval {
			if w, err = f.svc.ApproveSwap(ctx, principal(f.sup), w.ID, "Priya asked for the longer day"); err != nil {
				t.Fatal(err)
			}
		}
		if w.Status != rota.SwapCompleted {
			t.Fatalf("swap %s", w.Status)
		}
		cs, err := f.svc.Changes(ctx, day, day)
		if err != nil || len(cs) != 2 {
			t.Fatalf("changes: %+v %v", cs, err)
		}
		byShift := map[string]rota.Change{}
		for _, c := range cs {
			byShift[c.ShiftID] = c
		}
		if c := byShift[open.ID]; c.Kind != rota.ChangeAdded || c.By != "Priya Shah" || c.Employee != "Priya Shah" || !strings.Contains(c.Detail, "claimed") || c.At.IsZero() {
			t.Errorf("claim: %+v", c)
		}
		if c := byShift[mine.ID]; c.Kind != rota.ChangeReassigned || c.PreviousEmployee != "Sam Okafor" || c.Employee != "Priya Shah" || c.By == "" || !strings.Contains(c.Detail, "swap") {
			t.Errorf("swap: %+v", c)
		}
		changed, err := f.svc.ChangedShifts(ctx, day, day)
		if err != nil || len(changed) != 2 || !changed[open.ID] {
			t.Errorf("changed on the board: %v %v", changed, err)
		}
	})
}

// TestOpenShiftMovedWithItsVisitIsAChange: when a visit moves, its
// published open shifts move with it, and each move is recorded; a draft
// moves without a record.
func TestOpenShiftMovedWithItsVisitIsAChange(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		published, draft := database.NewID(), database.NewID()
		d := civil.D(2026, 12, 9)
		for _, v := range []string{published, draft} {
			if _, err := f.svc.EnsureVisitShifts(ctx, v, f.site.ID, local(d, 6, 0), local(d, 9, 0), 1); err != nil {
				t.Fatal(err)
			}
			if v == published {
				f.publish(t, d, d)
			}
		}
		for _, v := range []string{published, draft} {
			if _, err := f.svc.EnsureVisitShifts(ctx, v, f.site.ID, local(d, 7, 0), local(d, 10, 0), 1); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := f.svc.Changes(ctx, d, d)
		if err != nil || len(cs) != 1 || cs[0].Kind != rota.ChangeMoved || !strings.Contains(cs[0].Detail, "moved with its visit from Wed 9 Dec, 06:00–09:00 to Wed 9 Dec, 07:00–10:00") {
			t.Fatalf("changes: %+v %v", cs, err)
		}
	})
}

// TestFlexReleaseIsAChange: a published shift that goes back to the open
// pool when a "no shifts" flex period starts is recorded as taken off,
// with no reason or detail (why is nobody else's business); a draft is not.
func TestFlexReleaseIsAChange(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		d := civil.D(2026, 12, 4)
		pub := f.assigned(t, d, 7, 11, sam)
		draft := f.shift(t, d.AddDays(1), 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, draft.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.FlexPeriodStarted(ctx, sam.ID, d, d.AddDays(1), true); err != nil || n != 2 {
			t.Fatalf("released %d, %v", n, err)
		}
		cs, err := f.svc.Changes(ctx, d, d.AddDays(1))
		if err != nil || len(cs) != 1 || cs[0].ShiftID != pub.ID || cs[0].Kind != rota.ChangeUnassigned ||
			cs[0].PreviousEmployee != "Sam Okafor" || cs[0].Reason != "" || cs[0].Detail != "" || cs[0].By != "" {
			t.Fatalf("changes: %+v %v", cs, err)
		}
	})
}
