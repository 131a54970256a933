package curtois_test

import (
	"os"
	"testing"

	"github.com/goodshift/goodshift/internal/plan"
	"github.com/goodshift/goodshift/internal/plan/curtois"
)

func BenchmarkRow(b *testing.B) {
	for _, name := range []string{"Instance2", "Instance4", "Instance5", "Instance8", "Instance10", "Instance12"} {
		f, _ := os.Open("/tmp/curtois/" + name + ".txt")
		in, _ := curtois.Parse(f)
		f.Close()
		p := in.Problem()
		rs := p.Rules.(plan.RowSolver)
		price := make([]int64, len(p.Tasks))
		for i := range price {
			price[i] = int64(i%7) - 3
		}
		w := make([]int64, plan.MaxTerms)
		for i := range w {
			w[i] = 1
		}
		b.Run(name, func(b *testing.B) {
			var dst []int
			for i := 0; i < b.N; i++ {
				dst, _ = rs.BestSchedule(i%len(in.Staff), price, w, dst)
			}
		})
	}
}
