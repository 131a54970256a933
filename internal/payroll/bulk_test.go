package payroll_test

import (
	"context"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/payroll"
)

// The forms the rota calls for many employees at once answer, for each
// employee, what the one-person forms answer: people with rates, absences
// and permitted work, people with none, and IDs nobody has, in a list long
// enough to be split into several queries.
func TestBulkAnswersAsPerPerson(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", "GS002", civil.D(1995, 2, 3))
		liam := f.employee(t, "Liam O'Connor", "GS005", civil.D(2007, 4, 10)) // nothing recorded
		ana := f.employee(t, "Ana Silva", "GS006", civil.D(1979, 9, 1))
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range []struct {
			id   string
			from civil.Date
			rate money.Pence
		}{{sam.ID, civil.D(2025, 10, 1), 1500}, {sam.ID, civil.D(2026, 11, 25), 1550}, {ana.ID, civil.D(2026, 4, 1), 1600}, {ana.ID, civil.D(2026, 12, 1), 1650}} {
			_, err := f.svc.SetPayRate(ctx, finance, r.id, payroll.RateInput{HourlyRate: payroll.Amount(r.rate), EffectiveFrom: r.from})
			must(err)
		}
		for _, a := range []struct {
			id       string
			kind     string
			from, to civil.Date
		}{
			{sam.ID, payroll.Holiday, civil.D(2026, 11, 20), civil.D(2026, 11, 24)},
			{sam.ID, payroll.Sick, civil.D(2026, 11, 27), civil.D(2026, 11, 27)},
			{priya.ID, payroll.Sick, civil.D(2026, 11, 24), civil.D(2026, 12, 9)},
			{ana.ID, payroll.Unpaid, civil.D(2026, 10, 1), civil.D(2026, 10, 2)},
		} {
			_, err := f.svc.RecordAbsence(ctx, finance, a.id, payroll.AbsenceInput{Type: a.kind, From: a.from, To: a.to})
			must(err)
		}
		_, _, err := f.svc.SetPermittedWork(ctx, finance, priya.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitESAPermitted, From: civil.D(2026, 11, 1)})
		must(err)
		_, _, err = f.svc.SetPermittedWork(ctx, finance, sam.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitESASupported, From: civil.D(2026, 11, 1), To: civil.D(2026, 11, 26)})
		must(err)

		people := []string{sam.ID, priya.ID, liam.ID, ana.ID}
		var ids []string
		for range 600 {
			ids = append(ids, database.NewID()) // nobody
		}
		ids = append(ids[:300], append([]string{sam.ID, priya.ID}, ids[300:]...)...)
		ids = append(ids, liam.ID, ana.ID) // after the first 500

		for _, on := range []civil.Date{civil.D(2025, 9, 30), civil.D(2026, 11, 23), civil.D(2026, 11, 25), civil.D(2026, 11, 27), civil.D(2026, 12, 7)} {
			rates, err := f.svc.HourlyRatesFor(ctx, ids, on)
			must(err)
			permitted, err := f.svc.PermittedWorkOn(ctx, ids, on)
			must(err)
			for _, id := range people {
				want, ok, err := f.svc.HourlyRate(ctx, id, on)
				must(err)
				if got, has := rates[id]; got != want || has != ok {
					t.Errorf("rate of %s on %s: bulk %s %v, one %s %v", id, on, got, has, want, ok)
				}
				mins, earn, ok, err := f.svc.PermittedWork(ctx, id, on)
				must(err)
				got, has := permitted[id]
				if has != ok || got.MaxWeeklyMinutes != mins || got.MaxWeeklyEarnings != earn {
					t.Errorf("permitted work of %s on %s: bulk %+v %v, one %d %s %v", id, on, got, has, mins, earn, ok)
				}
			}
			if len(rates) > 3 || len(permitted) > 2 {
				t.Errorf("answers for nobody on %s: %v %v", on, rates, permitted)
			}
		}
		for _, w := range [][2]civil.Date{{civil.D(2026, 11, 23), civil.D(2026, 11, 29)}, {civil.D(2026, 11, 24), civil.D(2026, 11, 24)}, {civil.D(2026, 10, 1), civil.D(2026, 12, 31)}, {civil.D(2027, 1, 1), civil.D(2027, 1, 7)}} {
			away, err := f.svc.AbsentDaysFor(ctx, ids, w[0], w[1])
			must(err)
			n := 0
			for _, id := range people {
				want, err := f.svc.AbsentDays(ctx, id, w[0], w[1])
				must(err)
				if len(want) > 0 {
					n++
				}
				if got := away[id]; !reflect.DeepEqual(got, want) {
					t.Errorf("absent days of %s in %s–%s: bulk %v, one %v", id, w[0], w[1], got, want)
				}
			}
			if len(away) != n {
				t.Errorf("absent days for nobody in %s–%s: %v", w[0], w[1], away)
			}
		}
		if away, err := f.svc.AbsentDaysFor(ctx, nil, civil.D(2026, 11, 1), civil.D(2026, 11, 30)); err != nil || len(away) != 0 {
			t.Errorf("no one asked about: %v %v", away, err)
		}
	})
}
