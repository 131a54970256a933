package payroll_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/people"
)

// TestPayrollAtScale is the benchmark in docs/benchmarks/payroll.md: 500
// employees, a monthly period with ~20 shifts each, on PostgreSQL —
// period summaries, the CSV export and all 500 PDF timesheets. It runs only
// with GOODSHIFT_BENCH=1 and prints its numbers:
//
//	GOODSHIFT_BENCH=1 go test ./internal/payroll -run TestPayrollAtScale -v -count=1
func TestPayrollAtScale(t *testing.T) {
	if os.Getenv("GOODSHIFT_BENCH") == "" {
		t.Skip("set GOODSHIFT_BENCH=1 to run the payroll benchmark")
	}
	db := dbtest.Postgres(t, migrations...)
	ctx := context.Background()
	f := newFixture(t, db)
	f.now = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	const employees = 500
	period := "2026-10"
	sup := auth.Principal{ID: "bench-sup", Name: "Dana Whitfield", Roles: []auth.Role{auth.Supervisor}}

	setup := time.Now()
	var ids []string
	for i := range employees {
		p, err := f.people.Create(ctx, people.NewPerson{
			Name: fmt.Sprintf("Employee %03d Bench", i), Email: fmt.Sprintf("e%03d@bench.example", i), Roles: []auth.Role{auth.Employee},
			Employee: &people.Employee{WorksNumber: fmt.Sprintf("B%04d", i), StartDate: civil.D(2024, 1, 8), DateOfBirth: civil.D(1990, 1, 1), ContractType: people.ZeroHours},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		if _, err := f.svc.SetPayRate(ctx, finance, p.ID, payroll.RateInput{HourlyRate: payroll.Amount(1480 + i%5*10), EffectiveFrom: civil.D(2026, 4, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	// ~20 shifts each: weekdays, 4-7 hours, some over midnight; recorded by
	// a supervisor (the same path as phones, as far as the timesheet goes).
	shifts := 0
	for i, id := range ids {
		for d := civil.D(2026, 10, 1); d.Month == time.October; d = d.AddDays(1) {
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || (d.Day+i)%7 == 0 {
				continue
			}
			h := 6 + (i+d.Day)%14
			sh := payroll.ShiftRef{ID: database.NewID(), EmployeeID: id, SiteName: "Cable Street common parts",
				Start: d.At(h, 0, civil.London), End: d.At(h, 0, civil.London).Add(time.Duration(4+(i+d.Day)%4) * time.Hour), BreakMinutes: 20}
			f.shifts.add(sh)
			if _, err := f.svc.RecordAttendance(ctx, sup, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End}); err != nil {
				t.Fatal(err)
			}
			shifts++
		}
	}
	t.Logf("setup: %d employees, %d shifts in %s", employees, shifts, time.Since(setup).Round(time.Millisecond))

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := peakSampler()
	start := time.Now()
	sum, err := f.svc.Summary(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	tSummary := time.Since(start)
	ts, err := f.svc.PeriodTimesheets(ctx, payroll.Period{Key: period, Start: civil.D(2026, 10, 1), End: civil.D(2026, 10, 31)})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if _, err := f.svc.ApproveTimesheet(ctx, sup, x.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.ClosePeriod(ctx, finance, period); err != nil {
		t.Fatal(err)
	}
	tApproveClose := time.Since(start) - tSummary
	s2 := time.Now()
	var csvBuf bytes.Buffer
	tot, err := f.svc.WriteExport(ctx, period, payroll.FormatBrightPay, &csvBuf)
	if err != nil {
		t.Fatal(err)
	}
	tCSV := time.Since(s2)
	s3 := time.Now()
	n, err := f.svc.WriteTimesheetsZip(ctx, period, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tPDF := time.Since(s3)
	total := tSummary + tCSV + tPDF
	peakHeap := peak()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if tot.Amount != sum.Totals.Gross || n != employees {
		t.Fatalf("export %s vs summary %s; %d PDFs", tot.Amount, sum.Totals.Gross, n)
	}
	t.Logf("summary of %d timesheets: %s", len(sum.Timesheets), tSummary.Round(time.Millisecond))
	t.Logf("approve 500 timesheets + close: %s (not counted)", tApproveClose.Round(time.Millisecond))
	t.Logf("BrightPay CSV, %d rows, %d bytes: %s", tot.Rows, csvBuf.Len(), tCSV.Round(time.Millisecond))
	t.Logf("%d PDF timesheets (zip): %s", n, tPDF.Round(time.Millisecond))
	t.Logf("summary + CSV + PDFs: %s", total.Round(time.Millisecond))
	t.Logf("peak Go heap in use while running: %.1f MB; process peak RSS (VmHWM, whole test binary incl. setup): %s",
		float64(peakHeap)/(1<<20), vmHWM())
	t.Logf("gross %s, total allocated during the run %.0f MB", sum.Totals.Gross, float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
}

// peakSampler samples HeapInuse every 5 ms until the returned func is called.
func peakSampler() func() uint64 {
	done := make(chan struct{})
	res := make(chan uint64)
	go func() {
		var peak uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				res <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-res }
}

func vmHWM() string {
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
