package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/people"
)

// BenchmarkHTTPLoad is the rota's load test against a running server (real
// HTTP over loopback, the whole middleware stack, PostgreSQL): 500 employees
// and a year of shifts (~100,000 rows), then
//
//  1. GET /healthz and GET /api/v1/me/shifts for one week, each at 100
//     concurrent connections (100 different employees), three alternating
//     rounds of 20,000 requests, reporting p50/p99 latency and throughput
//     of each round and the medians;
//  2. 200 different employees claiming one open shift at the same moment:
//     exactly one 200, the rest 409, no 5xx.
//
// Run it (it is not part of go test ./...):
//
//	GOODSHIFT_TEST_DATABASE_URL=postgres://... go test ./internal/app -run '^$' -bench HTTPLoad -benchtime 1x -v
func BenchmarkHTTPLoad(b *testing.B) {
	db := dbtest.Postgres(b, app.Migrations()...)
	srv := apptest.New(b, db, apptest.Options{})
	ctx := context.Background()

	var sites struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if r := srv.Login(b, "femi@goodshift.example").JSON(http.MethodGet, "/api/v1/sites", nil, &sites); r.StatusCode != 200 || len(sites.Items) == 0 {
		b.Fatalf("sites: %d", r.StatusCode)
	}
	site := sites.Items[0].ID

	const employees = 500
	tokens := make([]string, employees)
	ids := make([]string, employees)
	for i := range employees {
		email := fmt.Sprintf("load%03d@goodshift.example", i)
		p, err := srv.App.People.Create(ctx, people.NewPerson{Name: fmt.Sprintf("Load Worker %03d", i), Email: email, Password: demo.Password,
			Roles: []auth.Role{auth.Employee}, Employee: &people.Employee{WorksNumber: fmt.Sprintf("L%04d", i),
				StartDate: civil.D(2024, 1, 1), DateOfBirth: civil.D(1970+i%30, 5, 1), ContractType: people.ZeroHours}})
		if err != nil {
			b.Fatal(err)
		}
		s, _, err := srv.App.People.Login(ctx, email, demo.Password, "127.0.0.1")
		if err != nil {
			b.Fatal(err)
		}
		ids[i], tokens[i] = p.ID, s.Token
	}

	// A year of shifts: five days in seven for each employee, 1 Dec 2025 to 30 Nov 2026.
	now := srv.Clock.Now().UTC()
	n := insertWeekdayShifts(b, db, site, ids, civil.D(2025, 12, 1), 365, now)
	openID := database.NewID()
	if err := db.Table("shifts").Create(map[string]any{
		"id": openID, "site_id": site, "slot": 1,
		"starts_at": civil.D(2027, 1, 6).At(10, 0, civil.London).UTC(), "ends_at": civil.D(2027, 1, 6).At(13, 0, civil.London).UTC(),
		"work_minutes": 180, "status": "open", "version": 1, "created_at": now, "updated_at": now, "published_at": now,
	}).Error; err != nil {
		b.Fatal(err)
	}
	b.Logf("%d employees, %d shifts", employees, n+1)

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 300, MaxIdleConnsPerHost: 300, MaxConnsPerHost: 300}, Timeout: 30 * time.Second}
	do := func(method, path, token string) (int, time.Duration) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, time.Since(t0)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, time.Since(t0)
	}
	// load sends total requests over conc connections and reports the
	// latency percentiles and requests per second.
	load := func(name, path string, auth bool, conc, total int) (rps, p99 float64) {
		lat := make([]time.Duration, total)
		codes := make([]int, total)
		var wg sync.WaitGroup
		next := make(chan int, total)
		for i := range total {
			next <- i
		}
		close(next)
		cpu0, pg0 := processCPU(), postgresCPU()
		t0 := time.Now()
		for w := range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					tok := ""
					if auth {
						tok = tokens[w%employees]
					}
					codes[i], lat[i] = do(http.MethodGet, path, tok)
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(t0)
		perReq := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(total) }
		b.Logf("%-10s CPU per request: %.0f µs in this process (server and load generator), %.0f µs in PostgreSQL",
			name, perReq(processCPU()-cpu0), perReq(postgresCPU()-pg0))
		for i, c := range codes {
			if c != http.StatusOK {
				b.Fatalf("%s: request %d answered %d", name, i, c)
			}
		}
		slices.Sort(lat)
		rps = float64(total) / elapsed.Seconds()
		p := func(q float64) float64 { return float64(lat[int(q*float64(total-1))].Microseconds()) / 1000 }
		b.Logf("%-10s %d requests, %d connections: %.0f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms", name, total, conc, rps, p(.50), p(.99), p(1))
		return rps, p(.99)
	}

	b.ResetTimer()
	for range b.N {
		_, _ = load("warm-up", "/api/v1/me/shifts?from=2026-11-23&to=2026-11-29", true, 100, 1000)
		// Three alternating rounds of each, so that a burst of other work
		// on a shared machine does not land on one side only; the medians
		// are compared.
		var health, mine, p99s []float64
		for range 3 {
			h, _ := load("healthz", "/healthz", false, 100, 20000)
			if path := os.Getenv("GOODSHIFT_LOAD_PROFILE"); path != "" { // a CPU profile of the me-shifts rounds
				if f, err := os.Create(path); err == nil {
					_ = pprof.StartCPUProfile(f)
					defer f.Close()
				}
			}
			m, p99 := load("me-shifts", "/api/v1/me/shifts?from=2026-11-23&to=2026-11-29", true, 100, 20000)
			pprof.StopCPUProfile()
			health, mine, p99s = append(health, h), append(mine, m), append(p99s, p99)
		}
		slices.Sort(health)
		slices.Sort(mine)
		slices.Sort(p99s)
		b.Logf("medians: healthz %.0f req/s, me-shifts %.0f req/s (ratio %.2f), me-shifts p99 %.1f ms",
			health[1], mine[1], mine[1]/health[1], p99s[1])
		b.ReportMetric(mine[1]/health[1], "me-shifts/healthz")
		b.ReportMetric(p99s[1], "me-shifts-p99-ms")

		const claimers = 200
		codes := make([]int, claimers)
		var ready, wg sync.WaitGroup
		gate := make(chan struct{})
		ready.Add(claimers)
		for i := range claimers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ready.Done()
				<-gate
				codes[i], _ = do(http.MethodPost, "/api/v1/shifts/"+openID+"/claim", tokens[i])
			}()
		}
		ready.Wait()
		close(gate)
		wg.Wait()
		count := map[int]int{}
		for _, c := range codes {
			count[c]++
		}
		b.Logf("%d concurrent claims of one open shift: %v", claimers, count)
		if count[200] != 1 || count[409] != claimers-1 {
			b.Errorf("claims: %v, want exactly one 200 and %d 409", count, claimers-1)
		}
	}
}

// insertWeekdayShifts adds, for each employee, an assigned four-hour shift
// at site on five days in seven for days days from from (starting between
// 06:00 and 13:00, varying by employee), and returns how many.
func insertWeekdayShifts(tb testing.TB, db *gorm.DB, site string, ids []string, from civil.Date, days int, now time.Time) int {
	tb.Helper()
	var rows []map[string]any
	for d := range days {
		day := from.AddDays(d)
		for i, id := range ids {
			if (i+d)%7 >= 5 {
				continue
			}
			rows = append(rows, map[string]any{
				"id": database.NewID(), "site_id": site, "slot": 1,
				"starts_at": day.At(6+i%8, 0, civil.London).UTC(), "ends_at": day.At(10+i%8, 0, civil.London).UTC(),
				"work_minutes": 240, "status": "assigned", "employee_id": id, "version": 1, "created_at": now, "updated_at": now,
				"published_at": now, // employees see published shifts only
			})
		}
	}
	if err := db.Table("shifts").CreateInBatches(rows, 1000).Error; err != nil {
		tb.Fatal(err)
	}
	return len(rows)
}
