package rota

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/people"
)

type scaleSites []Site

func (f scaleSites) Site(_ context.Context, id string) (Site, error) {
	for _, s := range f {
		if s.ID == id {
			return s, nil
		}
	}
	return Site{}, ErrNotFound
}
func (f scaleSites) Sites(context.Context) ([]Site, error) { return f, nil }

// scaleRota is the planner's product-scale instance: 500 employees (half
// contracted, half zero-hours with wanted hours), ten kinds of adjustment,
// four weeks of history at 60 sites, and one week of 2,520 open draft
// shifts across the 60 sites (six a site a day, 3 to 5 hours, 06:00 to
// 23:00).
func scaleRota(b *testing.B, db *gorm.DB) (*Service, civil.Date) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ps := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}})
	var sites scaleSites
	for i := range 60 {
		sites = append(sites, Site{ID: database.NewID(), Name: fmt.Sprintf("Site %02d", i), TimeZone: "Europe/London"})
	}
	svc := NewService(Config{DB: db, Now: func() time.Time { return now }, People: ps, Sites: sites})
	sup := auth.Principal{ID: "bench", Roles: []auth.Role{auth.Supervisor}}
	var history []shiftRow
	mon := civil.D(2026, 11, 30)
	for i := range 500 {
		e := &people.Employee{WorksNumber: fmt.Sprintf("S%04d", i), StartDate: civil.D(2024, 1, 1), DateOfBirth: civil.D(1970+i%35, 1, 1)}
		if i%2 == 0 {
			e.ContractedMinutesPerWeek = 60 * (16 + i%20)
		}
		p, err := ps.Create(ctx, people.NewPerson{Name: fmt.Sprintf("Worker %03d", i), Email: fmt.Sprintf("s%03d@example.org", i),
			Roles: []auth.Role{auth.Employee}, Employee: e})
		if err != nil {
			b.Fatal(err)
		}
		if i%2 == 1 {
			if _, err := svc.SetWantedHours(ctx, p.ID, WantedHours{MinutesPerWeek: 60 * (8 + i%24)}); err != nil {
				b.Fatal(err)
			}
		}
		a := Adjustments{}
		switch i % 10 {
		case 1:
			a.EarliestStart = "10:00"
		case 2:
			a.MaxWeekMinutes, a.BenefitCap = 16*60, PermittedWork
		case 3:
			a.DaysNeverWorked = []string{"saturday", "sunday"}
		case 4:
			a.FixedSites = []string{sites[i%60].ID, sites[(i+7)%60].ID, sites[(i+19)%60].ID}
		case 5:
			a.MaxConsecutiveDays = 3
		case 6:
			a.LatestFinish = "15:00"
		case 7:
			a.NoNights, a.MaxShiftMinutes = true, 4*60
		case 8:
			a.MaxDayMinutes, a.MaxWeekMinutes = 6*60, 24*60
		case 9:
			a.PhasedReturn = []PhaseStep{{From: mon.AddDays(-14), MaxWeekMinutes: 12 * 60}}
		}
		if i%10 != 0 {
			if _, err := svc.SetAdjustments(ctx, sup, p.ID, a); err != nil {
				b.Fatal(err)
			}
		}
		// Their last four weeks: three shifts a week at one of two sites.
		for wk := 1; wk <= 4; wk++ {
			for k := range 3 {
				d := mon.AddDays(-7*wk + (i+2*k)%7)
				h := 7 + (i % 8)
				id := p.ID
				history = append(history, shiftRow{ID: database.NewID(), SiteID: sites[(i+k%2*13)%60].ID, Slot: 1,
					StartsAt: d.At(h, 0, civil.London).UTC(), EndsAt: d.At(h+4, 0, civil.London).UTC(), WorkMinutes: 240,
					Status: Assigned, EmployeeID: &id, Version: 1, PublishedAt: &now, CreatedAt: now, UpdatedAt: now})
			}
		}
	}
	var open []shiftRow
	for s, site := range sites {
		for d := range 7 {
			day := mon.AddDays(d)
			for k := range 6 {
				h := 6 + (k*3+s)%14
				n := 3 + (s+d+k)%3
				open = append(open, shiftRow{ID: database.NewID(), SiteID: site.ID, Slot: k + 1,
					StartsAt: day.At(h, 0, civil.London).UTC(), EndsAt: day.At(h+n, 0, civil.London).UTC(), WorkMinutes: 60 * n,
					Status: Open, Version: 1, CreatedAt: now, UpdatedAt: now})
			}
		}
	}
	for _, rows := range [][]shiftRow{history, open} {
		if err := db.CreateInBatches(rows, 500).Error; err != nil {
			b.Fatal(err)
		}
	}
	return svc, mon
}

// BenchmarkPlanScale is a proposal for a week at product scale: 500
// employees, 2,520 open shifts at 60 sites. It reports the shifts covered,
// the upper bound on cover (a bipartite matching of shifts to the people
// allowed each on their own), the seconds to the proposal and the memory
// the process took from the system. Run (docs/benchmarks/planner.md):
//
//	go test ./internal/rota -run '^$' -bench 'PlanScale/sqlite' -benchtime 1x
func BenchmarkPlanScale(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB, ...database.Migrations) *gorm.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			g := db.open(b, people.Migrations, Migrations)
			svc, mon := scaleRota(b, g)
			ctx := context.Background()
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var pl Plan
			b.ResetTimer()
			for b.Loop() {
				var err error
				pl, err = svc.Propose(ctx, "bench", PlanRequest{From: mon, To: mon.AddDays(6), Mode: PlanFill})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			for _, o := range pl.Open {
				if len(o.Reasons) == 0 {
					b.Fatalf("open shift %s %s without reasons", o.Date, o.Times)
				}
			}
			b.ReportMetric(float64(pl.Shifts), "shifts")
			b.ReportMetric(float64(pl.Covered), "covered")
			b.ReportMetric(float64(pl.CoverBound), "bound")
			b.ReportMetric(100*float64(pl.CoverBound-pl.Covered)/float64(max(pl.CoverBound, 1)), "%below-bound")
			b.ReportMetric(float64(after.Sys)/(1<<20), "MB-from-OS")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20)/float64(b.N), "MB-allocated/op")
		})
	}
}
