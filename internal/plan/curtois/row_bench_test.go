package curtois_test

import (
	"testing"

	"github.com/goodshift/goodshift/internal/plan"
)

// BenchmarkBestSchedule times one exact re-plan of an employee's row.
func BenchmarkBestSchedule(b *testing.B) {
	for _, name := range []string{"Instance1.txt", "Instance2.txt", "Instance3.txt", "Instance4.txt"} {
		in := mustParseFile(b, name)
		p := in.Problem()
		rs := p.Rules.(plan.RowSolver)
		price := make([]int64, len(p.Tasks))
		for i := range price {
			price[i] = int64(i%7) - 3
		}
		weights := make([]int64, plan.MaxTerms)
		for i := range weights {
			weights[i] = 1
		}
		b.Run(name, func(b *testing.B) {
			var dst []int
			for i := 0; b.Loop(); i++ {
				dst, _ = rs.BestSchedule(i%len(in.Staff), price, weights, dst)
			}
		})
	}
}
