package rota_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/rota"
)

// fakeSeams answers the rota's questions to payroll and wellbeing from maps
// and remembers who was asked about.
type fakeSeams struct {
	away      map[string][]civil.Date
	temporary map[string][]rota.TemporaryLimit
	permitted map[string]rota.WeeklyLimits
	rates     map[string]money.Pence

	mu    sync.Mutex
	calls map[string][][]string
}

func (f *fakeSeams) asked(seam string, ids []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string][][]string{}
	}
	f.calls[seam] = append(f.calls[seam], slices.Sorted(slices.Values(ids)))
}

func pick[V any](m map[string]V, ids []string) map[string]V {
	out := map[string]V{}
	for _, id := range ids {
		if v, ok := m[id]; ok {
			out[id] = v
		}
	}
	return out
}

func (f *fakeSeams) AbsentDays(_ context.Context, ids []string, from, to civil.Date) (map[string][]civil.Date, error) {
	f.asked("AbsentDays "+from.String()+" "+to.String(), ids)
	return pick(f.away, ids), nil
}

func (f *fakeSeams) TemporaryLimits(_ context.Context, ids []string, from, to civil.Date) (map[string][]rota.TemporaryLimit, error) {
	f.asked("TemporaryLimits "+from.String()+" "+to.String(), ids)
	return pick(f.temporary, ids), nil
}

func (f *fakeSeams) PermittedWork(_ context.Context, ids []string, on civil.Date) (map[string]rota.WeeklyLimits, error) {
	f.asked("PermittedWork "+on.String(), ids)
	return pick(f.permitted, ids), nil
}

func (f *fakeSeams) HourlyRates(_ context.Context, ids []string, on civil.Date) (map[string]money.Pence, error) {
	f.asked("HourlyRates "+on.String(), ids)
	return pick(f.rates, ids), nil
}

// Ranking candidates asks each seam once about everyone (not once per
// person), and each answer reaches the right person's rules.
func TestCandidatesAskTheSeamsOnceForEveryone(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		ana, ben, cy, di, eve := f.employee(t, "Ana Away", civil.D(1990, 1, 1)), f.employee(t, "Ben Break", civil.D(1990, 1, 1)),
			f.employee(t, "Cy Capped", civil.D(1990, 1, 1)), f.employee(t, "Di Dearer", civil.D(1990, 1, 1)), f.employee(t, "Eve Free", civil.D(1990, 1, 1))
		day := civil.D(2026, 12, 2)
		seams := &fakeSeams{
			away:      map[string][]civil.Date{ana.ID: {day}},
			temporary: map[string][]rota.TemporaryLimit{ben.ID: {{From: day.AddDays(-2), To: day.AddDays(5), NoShifts: true}}},
			permitted: map[string]rota.WeeklyLimits{cy.ID: {Minutes: 60}, di.ID: {Earnings: 1000}},
			rates:     map[string]money.Pence{di.ID: 1500, eve.ID: 1600},
		}
		svc := rota.NewService(rota.Config{DB: db, Now: func() time.Time { return now }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}, Leave: seams, TemporaryLimits: seams, PayInfo: seams})
		sh := f.shift(t, day, 9, 12)
		cs, err := svc.Candidates(ctx, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, c := range cs {
			for _, v := range c.Violations {
				got[c.Name] = append(got[c.Name], v.Rule+"/"+v.Severity)
			}
		}
		want := map[string][]string{"Ana Away": {"away/hard"}, "Ben Break": {"temporary_limit/hard"}, "Cy Capped": {"benefit_cap/soft"}, "Di Dearer": {"benefit_cap/soft"}}
		if len(got) != len(want) {
			t.Errorf("violations %v, want %v", got, want)
		}
		for name, w := range want {
			if !slices.Equal(got[name], w) {
				t.Errorf("%s: %v, want %v", name, got[name], w)
			}
		}
		everyone := slices.Sorted(slices.Values([]string{ana.ID, ben.ID, cy.ID, di.ID, eve.ID}))
		for seam, ids := range map[string][]string{
			"AbsentDays 2026-12-02 2026-12-02": everyone, "TemporaryLimits 2026-11-30 2026-12-06": everyone,
			"PermittedWork 2026-12-02": everyone, "HourlyRates 2026-12-02": everyone,
		} {
			if calls := seams.calls[seam]; len(calls) != 1 || !slices.Equal(calls[0], ids) {
				t.Errorf("%s asked %d times about %v, want once about %v", seam, len(calls), calls, ids)
			}
		}
		if len(seams.calls) != 4 {
			t.Errorf("calls %v", seams.calls)
		}
		// One person (an assignment) asks about that person only.
		if _, err := svc.Assign(ctx, f.sup.ID, sh.ID, eve.ID, ""); err != nil {
			t.Fatal(err)
		}
		if calls := seams.calls["AbsentDays 2026-12-02 2026-12-02"]; len(calls) != 2 || !slices.Equal(calls[1], []string{eve.ID}) {
			t.Errorf("assignment asked %v", calls)
		}
	})
}
