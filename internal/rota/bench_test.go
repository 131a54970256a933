package rota

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/people"
)

// benchFacts is 500 people, each with a fortnight of four-hour shifts
// around the proposed one and a mix of adjustments.
func benchFacts() []Facts {
	shift := Work{ShiftID: "s", SiteID: "site", Start: civil.D(2026, 12, 2).At(7, 0, civil.London), End: civil.D(2026, 12, 2).At(11, 0, civil.London)}
	out := make([]Facts, 500)
	for i := range out {
		var other []Work
		for d := -7; d <= 7; d++ {
			if (i+d)%3 == 0 {
				day := civil.D(2026, 12, 2+d)
				other = append(other, Work{ShiftID: fmt.Sprint(i, d), SiteID: "site", Start: day.At(6+i%10, 0, civil.London), End: day.At(10+i%10, 0, civil.London)})
			}
		}
		a := Adjustments{}
		switch i % 5 {
		case 0:
			a.EarliestStart = "08:00"
		case 1:
			a.MaxWeekMinutes = 16 * 60
			a.BenefitCap = PermittedWork
		case 2:
			a.DaysNeverWorked = []string{"saturday", "sunday"}
			a.MaxConsecutiveDays = 4
		case 3:
			a.NotAlone = true
		}
		out[i] = Facts{Now: civil.D(2026, 11, 23).At(9, 0, civil.London), Shift: shift, SiteName: "Site",
			Person: Person{ID: fmt.Sprint(i), Name: fmt.Sprintf("Person %03d", i), Age: 18 + i%50, Other: other, PriorMinutes: 16 * 30 * 60, Adjustments: a}}
	}
	return out
}

// BenchmarkRank500 is the rules engine ranking 500 people for one shift,
// with their facts already loaded.
func BenchmarkRank500(b *testing.B) {
	facts := benchFacts()
	b.ReportAllocs()
	for b.Loop() {
		if len(Rank(facts)) != 500 {
			b.Fatal("lost someone")
		}
	}
}

// BenchmarkCandidates500 is GET /shifts/{id}/candidates without HTTP:
// loading the facts of 500 employees (about 11,000 shifts over 8 weeks) from
// the database and ranking them. GOODSHIFT_TEST_DATABASE_URL adds PostgreSQL.
func BenchmarkCandidates500(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB, ...database.Migrations) *gorm.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			g := db.open(b, people.Migrations, Migrations)
			svc, shiftID := benchRota(b, g)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				cs, err := svc.Candidates(ctx, shiftID)
				if err != nil || len(cs) != 500 {
					b.Fatalf("%d %v", len(cs), err)
				}
			}
		})
	}
}

// BenchmarkMyShiftsWeek is GET /me/shifts for a week without HTTP, with
// 500 employees and a year of shifts (~100,000) in the table.
func BenchmarkMyShiftsWeek(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB, ...database.Migrations) *gorm.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			g := db.open(b, people.Migrations, Migrations)
			svc, _ := benchRotaYear(b, g)
			ids := benchEmployees
			ctx := context.Background()
			from := civil.D(2026, 11, 30)
			i := 0
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.MyShifts(ctx, ids[i%len(ids)], from, from.AddDays(6)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

var benchEmployees []string

func benchPeople(b *testing.B, db *gorm.DB) (*people.Service, []people.Person) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ps := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}})
	var out []people.Person
	for i := range 500 {
		p, err := ps.Create(context.Background(), people.NewPerson{Name: fmt.Sprintf("Worker %03d", i), Email: fmt.Sprintf("w%03d@example.org", i),
			Roles: []auth.Role{auth.Employee}, Employee: &people.Employee{WorksNumber: fmt.Sprintf("B%04d", i), StartDate: civil.D(2024, 1, 1), DateOfBirth: civil.D(1980+i%25, 1, 1)}})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, p)
	}
	benchEmployees = benchEmployees[:0]
	for _, p := range out {
		benchEmployees = append(benchEmployees, p.ID)
	}
	return ps, out
}

func insertShifts(b *testing.B, db *gorm.DB, emps []people.Person, site string, from civil.Date, days int) string {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var rows []shiftRow
	for d := range days {
		day := from.AddDays(d)
		for i, e := range emps {
			if (i+d)%7 >= 5 { // five days in seven
				continue
			}
			id := e.ID
			rows = append(rows, shiftRow{ID: database.NewID(), SiteID: site, Slot: 1, StartsAt: day.At(6+i%8, 0, civil.London).UTC(),
				EndsAt: day.At(10+i%8, 0, civil.London).UTC(), WorkMinutes: 240, Status: Assigned, EmployeeID: &id, Version: 1, CreatedAt: now, UpdatedAt: now})
		}
	}
	if err := db.CreateInBatches(rows, 500).Error; err != nil {
		b.Fatal(err)
	}
	open := shiftRow{ID: database.NewID(), SiteID: site, Slot: 1, StartsAt: civil.D(2026, 12, 2).At(18, 0, civil.London).UTC(),
		EndsAt: civil.D(2026, 12, 2).At(21, 0, civil.London).UTC(), WorkMinutes: 180, Status: Open, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&open).Error; err != nil {
		b.Fatal(err)
	}
	return open.ID
}

func benchService(db *gorm.DB, ps *people.Service, site string) *Service {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	return NewService(Config{DB: db, Now: func() time.Time { return now }, People: ps,
		Sites: benchSites{Site{ID: site, Name: "Bench site", TimeZone: "Europe/London"}}})
}

type benchSites struct{ s Site }

func (f benchSites) Site(context.Context, string) (Site, error) { return f.s, nil }
func (f benchSites) Sites(context.Context) ([]Site, error)      { return []Site{f.s}, nil }

func benchRota(b *testing.B, db *gorm.DB) (*Service, string) {
	ps, emps := benchPeople(b, db)
	site := database.NewID()
	id := insertShifts(b, db, emps, site, civil.D(2026, 11, 16), 28)
	return benchService(db, ps, site), id
}

func benchRotaYear(b *testing.B, db *gorm.DB) (*Service, string) {
	ps, emps := benchPeople(b, db)
	site := database.NewID()
	id := insertShifts(b, db, emps, site, civil.D(2026, 3, 1), 280) // 500 × 280 × 5/7 ≈ 100,000 shifts
	return benchService(db, ps, site), id
}

// BenchmarkAssignLocked is one supervisor assignment through the writer's
// path: the other packages asked before the transaction, then in one
// transaction the per-person locks (the one leaving and the one joining),
// the rules evaluated on the transaction one query at a time, the
// conditional update and the overlap check. 500 employees, 4 weeks of
// shifts; the shift moves between eligible people.
func BenchmarkAssignLocked(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB, ...database.Migrations) *gorm.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			g := db.open(b, people.Migrations, Migrations)
			svc, shiftID := benchRota(b, g)
			ctx := context.Background()
			cs, err := svc.Candidates(ctx, shiftID)
			if err != nil {
				b.Fatal(err)
			}
			var ids []string
			for _, c := range cs {
				if c.Eligible {
					ids = append(ids, c.EmployeeID)
				}
			}
			if len(ids) < 2 {
				b.Fatalf("%d eligible", len(ids))
			}
			i := 0
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.Assign(ctx, "", shiftID, ids[i%len(ids)], "agreed for the benchmark"); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
