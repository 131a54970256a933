package contracts

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/people"
)

// BenchmarkInvoiceRunAtScale is the issue's benchmark: 2,000 active
// contracts with 20 completed visits each on PostgreSQL; run the month's
// invoices, issue every draft and render every PDF, once:
//
//	GOODSHIFT_TEST_DATABASE_URL=postgres://... \
//	  go test ./internal/contracts -run XXX -bench InvoiceRunAtScale -benchtime 1x -v
//
// (GOODSHIFT_SCALE changes the number of contracts.) It logs wall time per
// phase and peak memory (VmHWM) for docs/benchmarks/contracts.md.
func BenchmarkInvoiceRunAtScale(b *testing.B) {
	for b.Loop() {
		invoiceRunAtScale(b)
	}
}

func invoiceRunAtScale(t *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("GOODSHIFT_SCALE"))
	if n == 0 {
		n = 2000
	}
	t.StopTimer()
	db := dbtest.Postgres(t, people.Migrations, Migrations)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	cfg, _ := config.Load(func(string) string { return "" })
	svc := NewService(Config{DB: db, Now: func() time.Time { return now }, Org: cfg.Org})
	seedStart := time.Now()
	seedScale(t, db, n, 20)
	t.Logf("seeded %d contracts × 20 completed visits in %v", n, time.Since(seedStart).Round(time.Millisecond))
	runtime.GC()
	t.StartTimer()

	start := time.Now()
	sum, err := svc.RunInvoices(ctx, civil.Month{Year: 2026, Month: time.November}, nil)
	if err != nil {
		t.Fatal(err)
	}
	runTook := time.Since(start)
	if sum.Created != n {
		t.Fatalf("created %d drafts, want %d", sum.Created, n)
	}
	issueStart := time.Now()
	issued := make([]Invoice, len(sum.Invoices))
	if err := parallel(8, len(sum.Invoices), func(i int) (err error) {
		issued[i], err = svc.Issue(ctx, sum.Invoices[i])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	issueTook := time.Since(issueStart)
	pdfStart := time.Now()
	var pdfBytes atomic.Int64
	if err := parallel(runtime.GOMAXPROCS(0), len(issued), func(i int) error {
		b, err := InvoicePDF(issued[i], cfg.Org)
		pdfBytes.Add(int64(len(b)))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pdfTook := time.Since(pdfStart)
	total := time.Since(start)
	var last int64
	if err := db.Raw("SELECT last_value FROM number_sequences WHERE name = 'invoice'").Scan(&last).Error; err != nil || last != int64(n) {
		t.Fatalf("sequence at %d (%v), want %d", last, err, n)
	}
	t.Logf("invoice run: %d drafts (%d lines) in %v", sum.Created, n*20, runTook.Round(time.Millisecond))
	t.Logf("issue: %d invoices in %v (8 at once)", n, issueTook.Round(time.Millisecond))
	t.Logf("PDF: %d invoices, %d MB in %v", n, pdfBytes.Load()>>20, pdfTook.Round(time.Millisecond))
	t.Logf("TOTAL wall %v; peak RSS %s", total.Round(time.Millisecond), peakRSS())
}

// parallel runs f(0..n-1) on w goroutines and returns the first error.
func parallel(w, n int, f func(i int) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		err1 error
		next atomic.Int64
	)
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if err1 == nil {
						err1 = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return err1
}

// peakRSS is the process's high-water resident memory (Linux VmHWM).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}

// seedScale writes n active per-visit contracts with visits completed
// through November, in bulk.
func seedScale(t testing.TB, db *gorm.DB, n, visits int) {
	t.Helper()
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	cl := clientRow{ID: database.NewID(), LegalName: "Scale Client Ltd", BillingEmail: "a@scale.example", BillingAddress: "Scale Client Ltd\n1 Road\nLondon E1 1AA",
		VATNumber: "GB 123 4567 89", PaymentTermsDays: 30, CreatedAt: now, UpdatedAt: now}
	site := siteRow{ID: database.NewID(), ClientID: cl.ID, Name: "HQ", Address: "1 Road", Postcode: "E1 1AA", TimeZone: "Europe/London", CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&cl).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&site).Error; err != nil {
		t.Fatal(err)
	}
	var cs []contractRow
	var css []contractSiteRow
	var ps []contractPriceRow
	var scs []scheduleRow
	var vs []visitRow
	for i := range n {
		c := contractRow{ID: database.NewID(), Reference: fmt.Sprintf("SC-%05d", i), ClientID: cl.ID, StartDate: civil.D(2026, 10, 1),
			Status: string(Active), Pricing: string(PerVisit), VATRateBP: 2000, PONumber: "PO-1", Version: 1, CreatedAt: now, UpdatedAt: now}
		cs = append(cs, c)
		css = append(css, contractSiteRow{ContractID: c.ID, SiteID: site.ID})
		ps = append(ps, contractPriceRow{ID: database.NewID(), ContractID: c.ID, EffectiveFrom: civil.D(2026, 10, 1), Amount: int64(4000 + i%1000), CreatedAt: now})
		sc := scheduleRow{ID: database.NewID(), ContractID: c.ID, SiteID: site.ID, Kind: string(Weekly), Weekdays: 0b0111110, EveryNWeeks: 1,
			StartTime: "06:00", EndTime: "08:00", CrewSize: 2, ValidFrom: civil.D(2026, 10, 1), Version: 1, CreatedAt: now, UpdatedAt: now}
		scs = append(scs, sc)
		d := civil.D(2026, 11, 2)
		for range visits {
			for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				d = d.AddDays(1)
			}
			st := d.At(6, 0, civil.London).UTC()
			vs = append(vs, visitRow{ID: database.NewID(), ContractID: c.ID, ScheduleID: sc.ID, SiteID: site.ID, VisitDate: d, StartsAt: st,
				EndsAt: st.Add(2 * time.Hour), CrewSize: 2, Status: string(VisitCompleted), Version: 2, CreatedAt: now, UpdatedAt: now})
			d = d.AddDays(1)
		}
	}
	for _, batch := range []any{&cs, &css, &ps, &scs, &vs} {
		if err := db.CreateInBatches(batch, 1000).Error; err != nil {
			t.Fatal(err)
		}
	}
}
