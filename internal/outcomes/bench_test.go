package outcomes

import (
	"fmt"
	"testing"

	"github.com/goodshift/goodshift/internal/civil"
)

// BenchmarkCompute: a year's report for an enterprise of n people, each
// paid three days a week for two years (the data a report reads).
func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{40, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			today := civil.D(2026, 11, 23)
			in := Input{From: civil.D(2026, 1, 1), To: civil.D(2026, 12, 31), Today: today, LivingWage: LondonLivingWage, Rates: map[string][]Rate{}}
			for i := range n {
				e := Employee{ID: fmt.Sprintf("e%04d", i), Start: today.AddDays(-730 + i%600), PostcodeDistrict: []string{"E1", "E14", ""}[i%3], Disabled: i%4 == 0}
				in.Employees = append(in.Employees, e)
				in.Rates[e.ID] = []Rate{{From: e.Start, Hourly: 1480}}
				for d := e.Start; d.Before(today); d = d.AddDays(1) {
					if wd := d.Weekday(); wd == 1 || wd == 3 || wd == 5 {
						in.Paid = append(in.Paid, PaidDay{EmployeeID: e.ID, Date: d, Minutes: 240, HourlyRate: 1480})
					}
				}
				if i%7 == 0 {
					in.Hard = append(in.Hard, Span{EmployeeID: e.ID, From: civil.D(2026, 3, 2), To: civil.D(2026, 3, 6)})
				}
			}
			b.ReportMetric(float64(len(in.Paid)), "paid-days")
			b.ResetTimer()
			for b.Loop() {
				Compute(in)
			}
		})
	}
}
