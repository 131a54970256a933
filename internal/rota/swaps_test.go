package rota_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
)

func principal(p people.Person) auth.Principal { return p.Principal() }

func (f *fixture) assigned(t *testing.T, d civil.Date, h1, h2 int, p people.Person) rota.Shift {
	t.Helper()
	sh := f.shift(t, d, h1, h2)
	if _, err := f.svc.Assign(context.Background(), f.sup.ID, sh.ID, p.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.publish(t, d, d) // employees swap published shifts
	got, err := f.svc.Shift(context.Background(), sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestOfferAcceptApprove(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		tom := f.employee(t, "Tomasz Kowalski", civil.D(1979, 11, 22))
		d := civil.D(2026, 12, 1)
		sh := f.assigned(t, d, 7, 11, sam)

		// Only the shift's owner may offer it.
		_, err := f.svc.RequestSwap(ctx, priya.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: tom.ID})
		wantCode(t, err, errs.NotFound)
		w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID})
		if err != nil || w.Kind != rota.Offer || w.Status != rota.SwapPending || w.ToName != "Priya Shah" {
			t.Fatalf("offer: %+v %v", w, err)
		}
		_, err = f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID})
		wantCode(t, err, errs.Conflict) // one live request per shift
		// Someone not named cannot accept it or even see it.
		_, err = f.svc.AcceptSwap(ctx, principal(tom), w.ID)
		wantCode(t, err, errs.NotFound)
		w, err = f.svc.AcceptSwap(ctx, principal(priya), w.ID)
		if err != nil || w.Status != rota.SwapAwaitingApproval {
			t.Fatalf("accept: %+v %v", w, err)
		}
		w, err = f.svc.ApproveSwap(ctx, principal(f.sup), w.ID, "")
		if err != nil || w.Status != rota.SwapCompleted {
			t.Fatalf("approve: %+v %v", w, err)
		}
		got, _ := f.svc.Shift(ctx, sh.ID)
		if got.EmployeeID != priya.ID {
			t.Fatalf("shift after swap: %+v", got)
		}
		var actions []string
		for _, e := range w.History {
			actions = append(actions, e.Actor+" "+e.Action)
		}
		if strings.Join(actions, ", ") != "Sam Okafor requested, Priya Shah accepted, Dana Whitfield approved, Dana Whitfield completed" {
			t.Errorf("history: %v", actions)
		}
		if msgs := f.sent.all(); !strings.Contains(msgs, "Swap done") || !strings.Contains(msgs, "offers you their shift") {
			t.Errorf("notifications: %s", msgs)
		}

		// Declined and cancelled.
		w, _ = f.svc.RequestSwap(ctx, priya.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: tom.ID})
		if w, err = f.svc.DeclineSwap(ctx, principal(tom), w.ID); err != nil || w.Status != rota.SwapDeclined {
			t.Fatalf("decline: %+v %v", w, err)
		}
		_, err = f.svc.AcceptSwap(ctx, principal(tom), w.ID)
		wantCode(t, err, errs.Conflict)

		// A trade at a site that allows auto-approval completes at once.
		if err := f.svc.SetAutoApprove(ctx, f.site.ID, true); err != nil {
			t.Fatal(err)
		}
		tomShift := f.assigned(t, d.AddDays(1), 7, 11, tom)
		w, err = f.svc.RequestSwap(ctx, priya.ID, rota.SwapRequest{ShiftID: sh.ID, TradeShiftID: tomShift.ID})
		if err != nil || w.Kind != rota.Trade || w.ToEmployeeID != tom.ID {
			t.Fatalf("trade: %+v %v", w, err)
		}
		if w, err = f.svc.AcceptSwap(ctx, principal(tom), w.ID); err != nil || w.Status != rota.SwapCompleted {
			t.Fatalf("trade accept: %+v %v", w, err)
		}
		a, _ := f.svc.Shift(ctx, sh.ID)
		b, _ := f.svc.Shift(ctx, tomShift.ID)
		if a.EmployeeID != tom.ID || b.EmployeeID != priya.ID {
			t.Fatalf("after trade: %s %s", a.EmployeeName, b.EmployeeName)
		}
	})
}

func TestSupervisorAssignWhileSwapWaits(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		tom := f.employee(t, "Tomasz Kowalski", civil.D(1979, 11, 22))
		sh := f.assigned(t, civil.D(2026, 12, 1), 7, 11, sam)
		w, _ := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID})
		w, err := f.svc.AcceptSwap(ctx, principal(priya), w.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The supervisor gives the shift to Tomasz (inside the notice
		// period, so with a reason); the waiting swap ends.
		if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, tom.ID, "", "Sam is needed at another site"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ApproveSwap(ctx, principal(f.sup), w.ID, "")
		wantCode(t, err, errs.Conflict)
		got, _ := f.svc.Shift(ctx, sh.ID)
		if got.EmployeeID != tom.ID {
			t.Fatalf("shift: %+v", got)
		}
	})
}

func TestSwapExpiresWhenTheShiftStarts(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		sh := f.assigned(t, civil.D(2026, 12, 1), 7, 11, sam)
		w, _ := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID})
		later := rota.NewService(rota.Config{DB: db, Now: func() time.Time { return sh.Start.Add(time.Minute) }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}})
		_, err := later.AcceptSwap(ctx, principal(priya), w.ID)
		wantCode(t, err, errs.Conflict)
		got, _ := later.SwapFor(ctx, principal(sam), w.ID)
		if got.Status != rota.SwapExpired {
			t.Fatalf("status %s", got.Status)
		}
	})
}

// TestFiftyConcurrentReleaseTakers: a shift released to the open pool and
// fifty colleagues taking it at once: exactly one wins, the rest get 409.
func TestFiftyConcurrentReleaseTakers(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if err := f.svc.SetAutoApprove(ctx, f.site.ID, true); err != nil {
			t.Fatal(err)
		}
		owner := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		var takers []people.Person
		for i := range 50 {
			takers = append(takers, f.employee(t, fmt.Sprintf("Taker %02d", i), civil.D(1990, 1, 1)))
		}
		sh := f.assigned(t, civil.D(2026, 12, 2), 7, 11, owner)
		w, err := f.svc.RequestSwap(ctx, owner.ID, rota.SwapRequest{ShiftID: sh.ID})
		if err != nil || w.Kind != rota.Release {
			t.Fatalf("release: %+v %v", w, err)
		}
		var wg sync.WaitGroup
		results := make([]error, len(takers))
		start := make(chan struct{})
		for i, p := range takers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = f.svc.AcceptSwap(ctx, principal(p), w.ID)
			}()
		}
		close(start)
		wg.Wait()
		won, taken := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case errors.Is(err, rota.ErrTaken):
				taken++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		got, _ := f.svc.Shift(ctx, sh.ID)
		if won != 1 || taken != 49 || got.EmployeeID == owner.ID {
			t.Fatalf("won %d taken %d, shift with %s", won, taken, got.EmployeeName)
		}
	})
}
