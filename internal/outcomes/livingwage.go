package outcomes

import (
	"fmt"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// LivingWageRate is the London Living Wage (the Living Wage Foundation's
// voluntary rate) from the date it was announced. It is data, not a rule:
// next year's rate is one more row (or Config.LivingWage).
type LivingWageRate struct {
	From   civil.Date
	London money.Pence
}

// LondonLivingWage is the table from DOMAIN.md, oldest first. Employers
// accredited by the Foundation have until the following 1 May to pay a new
// rate; the reports compare with the rate from its announcement, the
// stricter reading.
var LondonLivingWage = []LivingWageRate{
	{From: civil.D(2023, 10, 24), London: 1315},
	{From: civil.D(2024, 10, 22), London: 1385},
	{From: civil.D(2025, 10, 22), London: 1480},
}

// LivingWageOn is the rate in force on d (0 before the first row).
func LivingWageOn(table []LivingWageRate, d civil.Date) money.Pence {
	var r money.Pence
	for _, x := range table {
		if x.From.After(d) {
			break
		}
		r = x.London
	}
	return r
}

// LivingWageNote says which rates a report compared with.
func LivingWageNote(table []LivingWageRate, to civil.Date) string {
	return fmt.Sprintf("London Living Wage %s an hour from %s", LivingWageOn(table, to), latestFrom(table, to).Format("2 Jan 2006"))
}

func latestFrom(table []LivingWageRate, d civil.Date) civil.Date {
	var f civil.Date
	for _, x := range table {
		if x.From.After(d) {
			break
		}
		f = x.From
	}
	return f
}
