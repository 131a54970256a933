package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// BenchmarkCandidatesApp is GET /api/v1/shifts/{id}/candidates with the
// real wiring: the demo organisation plus 500 employees with 24 weeks of
// shifts around the open one (about 60,000 rows, so the 17-week average has
// history), a mix of adjustments, and through the seams leave (payroll),
// pay rates and permitted work (payroll) and flex periods (wellbeing).
// "rota" times App.Rota.Candidates; "http" the endpoint, signed in as the
// supervisor. GOODSHIFT_TEST_DATABASE_URL adds PostgreSQL:
//
//	go test ./internal/app -run '^$' -bench CandidatesApp -benchtime 20x
func BenchmarkCandidatesApp(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB, ...database.Migrations) *gorm.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			srv := apptest.New(b, db.open(b, app.Migrations()...), apptest.Options{})
			shiftID := candidatesFixture(b, srv)
			ctx := context.Background()
			b.Run("rota", func(b *testing.B) {
				cpu := cpuPerOp(b, db.name)
				for b.Loop() {
					if _, err := srv.App.Rota.Candidates(ctx, shiftID); err != nil {
						b.Fatal(err)
					}
				}
				cpu()
			})
			b.Run("http", func(b *testing.B) {
				dana := srv.Login(b, "dana@goodshift.example")
				cpu := cpuPerOp(b, db.name)
				for b.Loop() {
					if r := dana.Get("/api/v1/shifts/" + shiftID + "/candidates"); r.StatusCode != http.StatusOK {
						b.Fatalf("%d %s", r.StatusCode, r.Body)
					}
				}
				cpu()
			})
		})
	}
}

// candidatesFixture adds the 500 employees and their records, and returns
// an open shift on Wednesday 2 December 2026, 18:00–21:00.
func candidatesFixture(b *testing.B, srv *apptest.Server) string {
	b.Helper()
	ctx := context.Background()
	a := srv.App
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	sites, err := a.Contracts.Sites(ctx, "")
	must(err)
	site := sites[0].ID
	finance := auth.Principal{ID: database.NewID(), Name: "Femi Adeyemi", Roles: []auth.Role{auth.Finance}}
	supervisor := auth.Principal{ID: database.NewID(), Name: "Dana Whitfield", Roles: []auth.Role{auth.Supervisor}}
	day := civil.D(2026, 12, 2)
	var emps []people.Person
	for i := range 500 {
		p, err := a.People.Create(ctx, people.NewPerson{Name: fmt.Sprintf("Bench Worker %03d", i), Email: fmt.Sprintf("bench%03d@goodshift.example", i),
			Roles: []auth.Role{auth.Employee}, Employee: &people.Employee{WorksNumber: fmt.Sprintf("B%04d", i),
				StartDate: civil.D(2024, 1, 1), DateOfBirth: civil.D(1970+i%30, 5, 1), ContractType: people.ZeroHours}})
		must(err)
		emps = append(emps, p)
	}
	// 24 weeks of shifts, five days in seven, from 20 weeks before the open
	// shift's week.
	ids := make([]string, len(emps))
	for i, p := range emps {
		ids[i] = p.ID
	}
	nShifts := insertWeekdayShifts(b, a.DB, site, ids, civil.D(2026, 7, 13), 24*7, srv.Clock.Now().UTC())
	// As autovacuum would in production: table statistics, and (PostgreSQL)
	// the visibility map index-only scans need.
	vacuum := "VACUUM ANALYZE shifts"
	if a.DB.Dialector.Name() == "sqlite" {
		vacuum = "ANALYZE shifts"
	}
	must(a.DB.Exec(vacuum).Error)

	for i, p := range emps {
		switch {
		case i%10 == 0: // away on the day, or the week before
			at := day.AddDays(-1)
			if i%20 == 0 {
				at = day.AddDays(-14)
			}
			_, err := a.Payroll.RecordAbsence(ctx, finance, p.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: at, To: at.AddDays(2)})
			must(err)
		case i%11 == 0: // a flex period
			in := wellbeing.FlexInput{Kind: wellbeing.WeeklyCap, From: day.AddDays(-2), To: day.AddDays(20), MaxWeeklyMinutes: 600}
			if i%22 == 0 {
				in = wellbeing.FlexInput{Kind: wellbeing.LaterStart, From: day.AddDays(-2), To: day.AddDays(20), EarliestStart: "19:00"}
			}
			_, err := a.Wellbeing.StartFlex(ctx, p.Principal(), p.ID, in)
			must(err)
		}
		if i%3 == 0 {
			_, err := a.Payroll.SetPayRate(ctx, finance, p.ID, payroll.RateInput{HourlyRate: 1500, EffectiveFrom: civil.D(2026, 11, 1)})
			must(err)
		}
		if i%7 == 0 {
			_, _, err := a.Payroll.SetPermittedWork(ctx, finance, p.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitESAPermitted, From: civil.D(2026, 11, 1)})
			must(err)
		}
		adj := rota.Adjustments{}
		switch i % 5 {
		case 0:
			adj.EarliestStart = "08:00"
		case 1:
			adj.MaxWeekMinutes, adj.BenefitCap = 16*60, rota.PermittedWork
		case 2:
			adj.DaysNeverWorked, adj.MaxConsecutiveDays = []string{"saturday", "sunday"}, 4
		case 3:
			adj.NotAlone = true
		}
		if i%5 != 4 {
			_, err := a.Rota.SetAdjustments(ctx, supervisor, p.ID, adj)
			must(err)
		}
	}
	open, err := a.Rota.CreateShift(ctx, "", rota.ShiftInput{SiteID: site, Start: day.At(18, 0, civil.London), End: day.At(21, 0, civil.London)})
	must(err)

	// Every seam is really asked, and answers.
	cs, err := a.Rota.Candidates(ctx, open.ID)
	must(err)
	seen := map[string]int{}
	for _, c := range cs {
		for _, v := range c.Violations {
			seen[v.Rule]++
		}
	}
	for _, rule := range []string{"away", "temporary_limit", "benefit_cap", "max_consecutive_days"} {
		if seen[rule] == 0 {
			b.Fatalf("no candidate meets the %s rule: %v", rule, seen)
		}
	}
	b.Logf("%d candidates, %d shifts; violations by rule: %s", len(cs), nShifts+1, strings.TrimPrefix(fmt.Sprint(seen), "map"))
	return open.ID
}

// cpuPerOp starts counting CPU time; the function it returns reports the
// CPU per operation of this process and (on PostgreSQL) of the postgres
// processes, which counts anything else using the server at the time.
func cpuPerOp(b *testing.B, dbName string) func() {
	cpu0, pg0 := processCPU(), postgresCPU()
	return func() {
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
		b.ReportMetric(per(processCPU()-cpu0), "cpu-ms/op")
		if dbName == "postgres" {
			b.ReportMetric(per(postgresCPU()-pg0), "pg-cpu-ms/op")
		}
	}
}
