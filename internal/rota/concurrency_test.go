package rota_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
)

// rounds is how many times each race is run.
const rounds = 20

// withSites rebuilds f.svc with n more sites and the seams given.
func (f *fixture) withSites(n int, seams *fakeSeams) []rota.Site {
	sites := fakeSites{f.site.ID: f.site}
	out := []rota.Site{f.site}
	for i := range n {
		s := rota.Site{ID: database.NewID(), Name: fmt.Sprintf("Site %d", i+2), TimeZone: "Europe/London"}
		sites[s.ID] = s
		out = append(out, s)
	}
	c := rota.Config{DB: f.db, Now: func() time.Time { return now }, People: f.people, Sites: sites, Notifier: f.sent}
	if seams != nil {
		c.PayInfo, c.Leave, c.TemporaryLimits = seams, seams, seams
	}
	f.svc = rota.NewService(c)
	return out
}

func (f *fixture) shiftAt(t *testing.T, site rota.Site, d civil.Date, h1, m1, h2, m2 int) rota.Shift {
	t.Helper()
	sh, err := f.svc.CreateShift(context.Background(), f.sup.ID, rota.ShiftInput{SiteID: site.ID, Start: local(d, h1, m1), End: local(d, h2, m2)})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// openShifts adds open one-hour shifts at f.site starting at each of starts,
// in one statement (quicker than CreateShift for hundreds), and returns
// their IDs.
func (f *fixture) openShifts(t *testing.T, starts []time.Time) []string {
	t.Helper()
	ids := make([]string, len(starts))
	rows := make([]map[string]any, len(starts))
	for i, st := range starts {
		ids[i] = database.NewID()
		rows[i] = map[string]any{"id": ids[i], "site_id": f.site.ID, "starts_at": st.UTC(), "ends_at": st.Add(time.Hour).UTC(),
			"work_minutes": 60, "status": rota.Open, "version": 1, "created_at": now, "updated_at": now}
	}
	if err := f.db.Table("shifts").Create(rows).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

// race runs every fn at once (each waits for the same start) and returns
// their errors in order.
func race(fns ...func() error) []error {
	out := make([]error, len(fns))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = fn()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// wins counts the nil errors; every other must be a refusal a person can
// act on (422 or 409), never a database error (a deadlock, a busy SQLite).
func wins(t *testing.T, what string, errors []error) int {
	t.Helper()
	n := 0
	for _, err := range errors {
		if err == nil {
			n++
			continue
		}
		if c := errs.CodeOf(err); c != errs.RuleViolation && c != errs.Conflict {
			t.Fatalf("%s: %v", what, err)
		}
	}
	return n
}

// weekOf is what the rota holds for a person in the week starting mon: the
// minutes assigned, and whether any two of their shifts overlap.
func (f *fixture) weekOf(t *testing.T, p people.Person, mon civil.Date) (minutes int, overlap bool) {
	t.Helper()
	shifts, err := f.svc.Shifts(context.Background(), rota.Filter{From: mon, To: mon.AddDays(6), EmployeeID: p.ID, Status: rota.Assigned})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range shifts {
		minutes += a.WorkMinutes
		for _, b := range shifts[i+1:] {
			if a.Start.Before(b.End) && b.Start.Before(a.End) {
				overlap = true
			}
		}
	}
	return minutes, overlap
}

func (f *fixture) adjust(t *testing.T, p people.Person, a rota.Adjustments) {
	t.Helper()
	if _, err := f.svc.SetAdjustments(context.Background(), principal(f.sup), p.ID, a); err != nil {
		t.Fatal(err)
	}
}

// Twenty claims at once by each of three people, of one-hour shifts whose
// total breaks their weekly cap: an agreed max_week_minutes (hard), and
// permitted-work hours and earnings from payroll (soft, which a claim
// cannot override). Exactly as many succeed as claiming one at a time
// would allow, every round.
func TestConcurrentClaimsKeepWeeklyCaps(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		ola := f.employee(t, "Ola Bello", civil.D(1990, 3, 3))
		seams := &fakeSeams{
			permitted: map[string]rota.WeeklyLimits{priya.ID: {Earnings: 5000}, ola.ID: {Minutes: 300}},
			rates:     map[string]money.Pence{priya.ID: 1000, ola.ID: 1000},
		}
		f.withSites(0, seams)
		f.adjust(t, sam, rota.Adjustments{MaxWeekMinutes: 600})
		caps := []struct {
			p       people.Person
			minutes int // most minutes a week
			want    int // one-hour claims that fit
		}{
			{sam, 600, 10},  // at most 10h
			{priya, 300, 5}, // £50.00 at £10.00 an hour
			{ola, 299, 4},   // under 5h
		}
		for r := range rounds {
			mon := civil.D(2026, 11, 30).AddDays(7 * r)
			var starts []time.Time
			for day := range 5 {
				for h := 8; h < 16; h += 2 {
					starts = append(starts, local(mon.AddDays(day), h, 0))
				}
			}
			var claims []func() error
			for _, c := range caps {
				for _, id := range f.openShifts(t, starts) {
					claims = append(claims, func() error { _, err := f.svc.Claim(ctx, c.p.ID, id); return err })
				}
			}
			errors := race(claims...)
			for i, c := range caps {
				got := wins(t, c.p.Name, errors[20*i:20*(i+1)])
				minutes, overlap := f.weekOf(t, c.p, mon)
				if got != c.want || minutes != 60*c.want || minutes > c.minutes || overlap {
					t.Fatalf("round %d, %s: %d claims succeeded (%d minutes, overlap %v), want %d", r, c.p.Name, got, minutes, overlap, c.want)
				}
			}
		}
	})
}

// Ten claims at once by one person of the same hour at ten sites: exactly
// one succeeds, every round.
func TestConcurrentClaimsOfOneHourAtManySites(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		sites := f.withSites(9, nil)
		for r := range rounds {
			d := civil.D(2026, 11, 24).AddDays(r)
			var claims []func() error
			for _, site := range sites {
				sh := f.shiftAt(t, site, d, 10, 0, 11, 0)
				claims = append(claims, func() error { _, err := f.svc.Claim(ctx, sam.ID, sh.ID); return err })
			}
			if got := wins(t, "claims", race(claims...)); got != 1 {
				t.Fatalf("round %d: %d of the claims succeeded, want 1", r, got)
			}
			day, err := f.svc.Shifts(ctx, rota.Filter{From: d, To: d, EmployeeID: sam.ID, Status: rota.Assigned})
			if err != nil || len(day) != 1 {
				t.Fatalf("round %d: Sam is on %d shifts at once (%v)", r, len(day), err)
			}
		}
	})
}

// Each round, at the same moment:
//   - Ben accepts Ana's offer of a shift while a supervisor puts Ben on an
//     overlapping one: one of the two, never both;
//   - Cy (at most 3h a week) accepts Ana's offer while a supervisor gives Cy
//     another 2h that week: one of the two, never 4h;
//   - Di claims an open shift while a supervisor puts Di on an overlapping
//     one: one of the two;
//   - Eve and Fay each accept the other's offer (the two swaps lock the same
//     two people, from opposite sides): both complete, no deadlock.
func TestSwapsAndAssignmentsRacing(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		ana := f.employee(t, "Ana Adeyemi", civil.D(1985, 1, 1))
		ben := f.employee(t, "Ben Carter", civil.D(1986, 2, 2))
		cy := f.employee(t, "Cy Doyle", civil.D(1987, 3, 3))
		di := f.employee(t, "Di Evans", civil.D(1988, 4, 4))
		eve := f.employee(t, "Eve Foster", civil.D(1989, 5, 5))
		fay := f.employee(t, "Fay Green", civil.D(1990, 6, 6))
		sites := f.withSites(1, nil)
		if err := f.svc.SetAutoApprove(ctx, sites[0].ID, true); err != nil {
			t.Fatal(err)
		}
		f.adjust(t, cy, rota.Adjustments{MaxWeekMinutes: 180})
		offer := func(from, to people.Person, sh rota.Shift) rota.Swap {
			t.Helper()
			w, err := f.svc.RequestSwap(ctx, from.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: to.ID})
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		accept := func(p people.Person, w rota.Swap) func() error {
			return func() error { _, err := f.svc.AcceptSwap(ctx, principal(p), w.ID); return err }
		}
		assign := func(p people.Person, sh rota.Shift) func() error {
			return func() error { _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, p.ID, ""); return err }
		}
		for r := range rounds {
			mon := civil.D(2026, 11, 30).AddDays(7 * r)
			tue, wed, thu := mon.AddDays(1), mon.AddDays(2), mon.AddDays(3)
			toBen := offer(ana, ben, f.assigned(t, mon, 10, 12, ana))
			benElsewhere := f.shiftAt(t, sites[1], mon, 11, 0, 13, 0)
			toCy := offer(ana, cy, f.assigned(t, tue, 10, 12, ana))
			cyElsewhere := f.shiftAt(t, sites[1], wed, 10, 0, 12, 0)
			diOpen := f.shiftAt(t, sites[0], thu, 10, 0, 12, 0)
			diElsewhere := f.shiftAt(t, sites[1], thu, 11, 30, 12, 30)
			toFay := offer(eve, fay, f.assigned(t, wed, 14, 16, eve))
			toEve := offer(fay, eve, f.assigned(t, thu, 14, 16, fay))
			errors := race(
				accept(ben, toBen), assign(ben, benElsewhere),
				accept(cy, toCy), assign(cy, cyElsewhere),
				func() error { _, err := f.svc.Claim(ctx, di.ID, diOpen.ID); return err }, assign(di, diElsewhere),
				accept(fay, toFay), accept(eve, toEve),
			)
			for i, who := range []string{"Ben", "Cy", "Di"} {
				if got := wins(t, who, errors[2*i:2*i+2]); got != 1 {
					t.Fatalf("round %d, %s: %d of the two succeeded (%v), want 1", r, who, got, errors[2*i:2*i+2])
				}
			}
			if errors[6] != nil || errors[7] != nil {
				t.Fatalf("round %d: crossed offers: %v, %v", r, errors[6], errors[7])
			}
			for _, p := range []people.Person{ben, cy, di, eve, fay} {
				minutes, overlap := f.weekOf(t, p, mon)
				if overlap || (p.ID == cy.ID && minutes > 180) {
					t.Fatalf("round %d, %s: %d minutes, overlap %v", r, p.Name, minutes, overlap)
				}
			}
		}
	})
}
