package payroll

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// LineShortNotice is a payment for a shift cancelled at short notice.
const LineShortNotice = "short_notice_cancellation"

// CancelledShift is a shift cancelled at short notice that the
// organisation's setting pays a share of (the rota records them).
type CancelledShift struct {
	ShiftID      string
	EmployeeID   string
	SiteName     string
	Start, End   time.Time
	BreakMinutes int               // the rota's planned break
	Share        money.BasisPoints // of the shift's pay; 0 = unpaid
}

// Cancellations is the rota's record of short-notice cancellations as
// payroll sees it (internal/app adapts the rota to it): those of shifts
// starting in [from, to).
type Cancellations interface {
	ShortNoticeCancellations(ctx context.Context, from, to time.Time) ([]CancelledShift, error)
}

// SetCancellations wires the rota's short-notice cancellations (internal/app).
func (s *Service) SetCancellations(c Cancellations) { s.cancellations = c }

// cancellationLines are the payment lines for paid short-notice
// cancellations of shifts in the period, per employee: the shift's paid
// hours at the employee's rate on its date, times the share, to the penny.
// Like rolled-up holiday, a line is 1.00 × its amount.
func (s *Service) cancellationLines(ctx context.Context, p Period) (map[string][]PayLine, error) {
	out := map[string][]PayLine{}
	if s.cancellations == nil {
		return out, nil
	}
	cs, err := s.cancellations.ShortNoticeCancellations(ctx, p.Start.Time(civil.London), p.End.AddDays(1).Time(civil.London))
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Share <= 0 || c.EmployeeID == "" {
			continue
		}
		day := civil.In(c.Start, civil.London)
		rates, err := s.HourlyRatesFor(ctx, []string{c.EmployeeID}, day)
		if err != nil {
			return nil, err
		}
		amt := CancellationPay(c, rates[c.EmployeeID], s.deductedBreak(c.BreakMinutes))
		if amt == 0 {
			continue
		}
		desc := fmt.Sprintf("Short-notice cancellation %s %s, %s of the shift's pay", day.Format("Mon 2 Jan"), c.SiteName, c.Share)
		out[c.EmployeeID] = append(out[c.EmployeeID], PayLine{Kind: LineShortNotice, Description: desc, Minutes: 0, CentiHours: 100, Rate: amt, Amount: amt})
	}
	return out, nil
}

// CancellationPay is what a cancelled shift pays: its paid hours (the
// whole shift less any deducted break; -1 means the 20-minute rule) at
// rate, times the share, rounded half up to the penny.
func CancellationPay(c CancelledShift, rate money.Pence, deductBreak int) money.Pence {
	minutes := int(c.End.Sub(c.Start) / time.Minute)
	switch {
	case deductBreak > 0:
		minutes -= deductBreak
	case deductBreak < 0 && minutes > 6*60:
		minutes -= 20
	}
	if minutes <= 0 || rate <= 0 {
		return 0
	}
	return money.Percent(LinePay(CentiHours(minutes), rate), c.Share, money.HalfUp)
}

// withCancelled adds an empty timesheet for each employee paid for a
// short-notice cancellation who has no timesheet in the period (nothing
// else happened to them), so that their payment line is exported.
func (s *Service) withCancelled(ctx context.Context, ts []Timesheet, lines map[string][]PayLine) ([]Timesheet, error) {
	have := map[string]bool{}
	for _, t := range ts {
		have[t.EmployeeID] = true
	}
	var missing []string
	for id := range lines {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		p, err := s.people.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		t := Timesheet{EmployeeID: id, EmployeeName: p.Name, Pay: &TimesheetPay{Lines: []PayLine{}}}
		if p.Employee != nil {
			t.WorksNumber = p.Employee.WorksNumber
		}
		ts = append(ts, t)
	}
	return ts, nil
}
