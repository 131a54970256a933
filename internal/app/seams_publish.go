package app

import (
	"context"
	"time"

	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
)

// payrollCancellations gives payroll the rota's short-notice cancellations,
// which it pays as a share of the shift (the rota never sees a rate).
type payrollCancellations struct{ r *rota.Service }

func (a payrollCancellations) ShortNoticeCancellations(ctx context.Context, from, to time.Time) ([]payroll.CancelledShift, error) {
	cs, err := a.r.ShortNoticeCancellations(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]payroll.CancelledShift, len(cs))
	for i, c := range cs {
		out[i] = payroll.CancelledShift{ShiftID: c.ShiftID, EmployeeID: c.EmployeeID, SiteName: c.SiteName,
			Start: c.Start, End: c.End, BreakMinutes: c.BreakMinutes, Share: c.PayShare}
	}
	return out, nil
}
