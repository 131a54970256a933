package rota_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
)

// plainWords fails on words a person must never be shown.
func plainWords(t *testing.T, what, s string) {
	t.Helper()
	for _, bad := range []string{"[hard]", "[soft]", "Not done.", "_id", "override_reason"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s says %q: %s", what, bad, s)
		}
	}
}

func (f *fixture) swapStatus(t *testing.T, by people.Person, id string) string {
	t.Helper()
	w, err := f.svc.SwapFor(context.Background(), principal(by), id)
	if err != nil {
		t.Fatal(err)
	}
	return w.Status
}

// draft is a draft shift for p (nil: open); publish the days once after.
func (f *fixture) draft(t *testing.T, d civil.Date, h1, h2 int, p *people.Person) rota.Shift {
	t.Helper()
	sh := f.shift(t, d, h1, h2)
	if p != nil {
		if _, err := f.svc.Assign(context.Background(), f.sup.ID, sh.ID, p.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	return sh
}

// Sam cannot offer his shift to Kwame, who already works then: Kwame is
// listed as not possible with the reason, and the API refuses with 422
// before anything is written. Priya, free, is offered it.
func TestOfferOnlyToColleaguesTheEngineAllows(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		kwame := f.employee(t, "Kwame Mensah", civil.D(1990, 3, 9))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		d := civil.D(2026, 12, 1)
		sh := f.draft(t, d, 7, 11, &sam)
		f.draft(t, d, 9, 13, &kwame)
		kwameLater := f.draft(t, d.AddDays(1), 7, 11, &kwame)
		f.draft(t, d.AddDays(1), 8, 10, &sam)
		f.publish(t, d, d.AddDays(1))

		choices, err := f.svc.OfferChoices(ctx, sam.ID, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]rota.OfferChoice{}
		for _, c := range choices {
			got[c.EmployeeID] = c
		}
		if _, ok := got[sam.ID]; ok {
			t.Errorf("Sam is offered his own shift: %+v", choices)
		}
		if !got[priya.ID].Eligible || got[kwame.ID].Eligible || got[kwame.ID].Reason != "Kwame already works at that time." {
			t.Fatalf("choices: %+v", choices)
		}
		if choices[0].EmployeeID != priya.ID {
			t.Errorf("those who can take it come first: %+v", choices)
		}

		_, err = f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: kwame.ID})
		wantCode(t, err, errs.RuleViolation)
		_, msg, _ := errs.Public(err)
		plainWords(t, "refusal", msg)
		if !strings.Contains(msg, "Kwame already works at that time") {
			t.Errorf("refusal: %s", msg)
		}
		if mine, _ := f.svc.MySwaps(ctx, sam.ID); len(mine) != 0 {
			t.Fatalf("a refused offer was written: %+v", mine)
		}
		if strings.Contains(f.sent.all(), "offers you") {
			t.Errorf("Kwame was told of an offer he cannot take: %s", f.sent.all())
		}
		// A trade checks both ways: Kwame's shift back to Sam, who works then.
		_, err = f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, TradeShiftID: kwameLater.ID})
		wantCode(t, err, errs.RuleViolation)
		if _, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID}); err != nil {
			t.Fatal(err)
		}
	})
}

// "Given away by colleagues" lists a release only to those who could take
// it.
func TestReleasesListedOnlyToThoseWhoCanTakeThem(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		kwame := f.employee(t, "Kwame Mensah", civil.D(1990, 3, 9))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		d := civil.D(2026, 12, 1)
		sh := f.draft(t, d, 7, 11, &sam)
		f.draft(t, d, 9, 13, &priya)
		f.publish(t, d, d)
		w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID})
		if err != nil || w.Kind != rota.Release {
			t.Fatalf("release: %+v %v", w, err)
		}
		for _, c := range []struct {
			p    people.Person
			want int
		}{{kwame, 1}, {priya, 0}} {
			rel, err := f.svc.ReleasesFor(ctx, c.p.ID)
			if err != nil {
				t.Fatal(err)
			}
			mine, err := f.svc.MySwaps(ctx, c.p.ID) // the API list
			if err != nil {
				t.Fatal(err)
			}
			if len(rel) != c.want || len(mine) != c.want {
				t.Errorf("%s sees %d releases (%d in the API list), want %d", c.p.Name, len(rel), len(mine), c.want)
			}
		}
	})
}

// A pending offer is cancelled, and both people told why in plain words,
// in the transaction in which the colleague takes another shift at that
// time (a claim).
func TestOfferCancelledWhenTheColleagueClaimsAnOverlappingShift(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		d := civil.D(2026, 12, 1)
		sh := f.draft(t, d, 7, 11, &sam)
		open := f.draft(t, d, 9, 13, nil)
		f.publish(t, d, d)
		w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Claim(ctx, priya.ID, open.ID); err != nil {
			t.Fatal(err)
		}
		if st := f.swapStatus(t, sam, w.ID); st != rota.SwapCancelled {
			t.Fatalf("offer after Priya took another shift then: %s", st)
		}
		msgs := f.sent.all()
		plainWords(t, "notes", msgs)
		if !strings.Contains(msgs, "1:Swap cancelled:The swap of the shift at Cable Street common parts on Tue 1 Dec, 07:00–11:00 can no longer go ahead, so it is cancelled: Priya already works at that time.") ||
			!strings.Contains(msgs, "1:Swap cancelled:The swap of the shift at Cable Street common parts on Tue 1 Dec, 07:00–11:00 can no longer go ahead, so it is cancelled: Priya already works Tue 1 Dec 09:00–13:00.") {
			t.Fatalf("both people told: %s", msgs)
		}
	})
}

// An absence recorded elsewhere (payroll) and a flex period (wellbeing):
// the offers to that person are cancelled and both told, and at accept
// time a request the rules now stop is cancelled, not left pending.
func TestOfferCancelledByAbsenceFlexAndAtAccept(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		seams := &fakeSeams{away: map[string][]civil.Date{}, temporary: map[string][]rota.TemporaryLimit{}}
		f.withSites(0, seams)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		tom := f.employee(t, "Tomasz Kowalski", civil.D(1979, 11, 22))
		d := civil.D(2026, 12, 1)
		a := f.assigned(t, d, 7, 11, sam)
		b := f.assigned(t, d.AddDays(1), 7, 11, sam)
		c := f.assigned(t, d.AddDays(2), 7, 11, sam)
		toPriya, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: a.ID, ToEmployeeID: priya.ID})
		if err != nil {
			t.Fatal(err)
		}
		toTom, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: b.ID, ToEmployeeID: tom.ID})
		if err != nil {
			t.Fatal(err)
		}
		toTom2, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: c.ID, ToEmployeeID: tom.ID})
		if err != nil {
			t.Fatal(err)
		}

		// Priya is off sick on the day (payroll); the rota is asked again.
		seams.away[priya.ID] = []civil.Date{d}
		if n, err := f.svc.RecheckSwaps(ctx, priya.ID); err != nil || n != 1 {
			t.Fatalf("recheck: %d %v", n, err)
		}
		if st := f.swapStatus(t, sam, toPriya.ID); st != rota.SwapCancelled {
			t.Fatalf("offer to someone away: %s", st)
		}
		msgs := f.sent.all()
		if !strings.Contains(msgs, "Priya is not available for this shift.") || !strings.Contains(msgs, "Priya is away on Tue 1 Dec") {
			t.Fatalf("told: %s", msgs)
		}
		for _, line := range strings.Split(msgs, "\n") {
			if strings.Contains(line, "Swap cancelled") && strings.Contains(line, "not available") && strings.Contains(line, "away") {
				t.Errorf("Sam is told about Priya's absence: %s", line)
			}
		}

		// Tomasz starts a flex period with no shifts on Wednesday.
		seams.temporary[tom.ID] = []rota.TemporaryLimit{{From: d.AddDays(1), To: d.AddDays(1), NoShifts: true}}
		if _, err := f.svc.FlexPeriodStarted(ctx, tom.ID, d.AddDays(1), d.AddDays(1), true); err != nil {
			t.Fatal(err)
		}
		if st := f.swapStatus(t, sam, toTom.ID); st != rota.SwapCancelled {
			t.Fatalf("offer inside a flex period: %s", st)
		}
		if st := f.swapStatus(t, sam, toTom2.ID); st != rota.SwapPending {
			t.Fatalf("offer outside the flex period: %s", st)
		}

		// Safety net: the rules change with nobody re-checking (Tomasz
		// away on Thursday); accepting cancels it and says why.
		seams.away[tom.ID] = []civil.Date{d.AddDays(2)}
		_, err = f.svc.AcceptSwap(ctx, principal(tom), toTom2.ID)
		wantCode(t, err, errs.RuleViolation)
		_, msg, _ := errs.Public(err)
		plainWords(t, "accept", msg)
		if st := f.swapStatus(t, sam, toTom2.ID); st != rota.SwapCancelled {
			t.Fatalf("after a failed accept: %s", st)
		}
		got, _ := f.svc.Shift(ctx, c.ID)
		if got.EmployeeID != sam.ID {
			t.Fatalf("shift moved: %+v", got)
		}
	})
}

// Priya accepts Sam's offer at the moment she claims an open shift at the
// same time: one consistent outcome, every round. She never has two
// shifts at once, and if she has the open one the offer is not live.
func TestConcurrentAcceptAndClaim(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		if err := f.svc.SetAutoApprove(ctx, f.site.ID, true); err != nil {
			t.Fatal(err)
		}
		mon := civil.D(2026, 11, 30)
		day := func(i int) civil.Date { return mon.AddDays(7 * (i / 5)).AddDays(i % 5) }
		var mine, open []rota.Shift
		for i := range 10 {
			mine = append(mine, f.draft(t, day(i), 7, 11, &sam))
			open = append(open, f.draft(t, day(i), 9, 13, nil))
		}
		f.publish(t, mon, mon.AddDays(13))
		for i := range 10 {
			d, sh, open := day(i), mine[i], open[i]
			w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID})
			if err != nil {
				t.Fatal(err)
			}
			errs := race(
				func() error { _, err := f.svc.AcceptSwap(ctx, principal(priya), w.ID); return err },
				func() error { _, err := f.svc.Claim(ctx, priya.ID, open.ID); return err },
			)
			if n := wins(t, "accept or claim", errs); n != 1 {
				t.Fatalf("round %d: %d won (%v)", i, n, errs)
			}
			if _, overlap := f.weekOf(t, priya, rota.WeekStart(d)); overlap {
				t.Fatalf("round %d: Priya has two shifts at once", i)
			}
			got, _ := f.svc.Shift(ctx, open.ID)
			st := f.swapStatus(t, sam, w.ID)
			switch {
			case got.EmployeeID == priya.ID && st != rota.SwapCancelled:
				t.Fatalf("round %d: Priya claimed, the offer is %s", i, st)
			case got.EmployeeID != priya.ID && st != rota.SwapCompleted:
				t.Fatalf("round %d: Priya accepted, the offer is %s", i, st)
			}
		}
	})
}
