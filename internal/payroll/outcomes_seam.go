package payroll

import (
	"context"
	"slices"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// This file is what payroll offers the outcomes reports (internal/outcomes,
// through an adapter in internal/app): paid time by day with the rate in
// force, rate history and sickness as dates. Nothing here says why anyone
// was off.

// PaidDay is one employee's paid time on one London date, at the hourly
// rate in force that day (0 when no rate is set).
type PaidDay struct {
	EmployeeID string
	Date       civil.Date
	Minutes    int
	HourlyRate money.Pence
}

// PaidDays lists paid time from worked shifts on every date in [from, to],
// one entry per employee and date, ordered by employee then date. Paid time
// is worked out as on a timesheet (real time worked within the shift, less
// the unpaid break, split at midnight). Holiday and sick pay are not in it.
func (s *Service) PaidDays(ctx context.Context, from, to civil.Date) ([]PaidDay, error) {
	var att []attendanceRow
	if err := s.db.WithContext(ctx).Where("status = ? AND work_date >= ? AND work_date <= ?", Worked, from.AddDays(-1), to).
		Order("employee_id, scheduled_start, id").Find(&att).Error; err != nil {
		return nil, err
	}
	rates, err := s.loadRates(ctx, s.db, nil)
	if err != nil {
		return nil, err
	}
	type key struct {
		id string
		d  civil.Date
	}
	minutes := map[key]int{}
	for _, a := range att {
		if a.ClockIn == nil || a.ClockOut == nil {
			continue
		}
		start, end := a.span()
		parts, _ := WorkedParts(start, end, a.BreakMinutes)
		for _, p := range parts {
			if p.Date.Before(from) || p.Date.After(to) || p.Minutes <= 0 {
				continue
			}
			minutes[key{a.EmployeeID, p.Date}] += p.Minutes
		}
	}
	out := make([]PaidDay, 0, len(minutes))
	for k, m := range minutes {
		r, _ := rates.on(k.id, k.d)
		out = append(out, PaidDay{EmployeeID: k.id, Date: k.d, Minutes: m, HourlyRate: r.HourlyPence})
	}
	slices.SortFunc(out, func(a, b PaidDay) int {
		if a.EmployeeID != b.EmployeeID {
			if a.EmployeeID < b.EmployeeID {
				return -1
			}
			return 1
		}
		return a.Date.Compare(b.Date)
	})
	return out, nil
}

// DatedRate is an hourly rate and the date it took effect.
type DatedRate struct {
	EmployeeID string
	From       civil.Date
	Hourly     money.Pence
}

// PayRateHistory lists every employee's hourly rates, oldest first.
func (s *Service) PayRateHistory(ctx context.Context) ([]DatedRate, error) {
	var rows []payRateRow
	if err := s.db.WithContext(ctx).Order("employee_id, effective_from").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]DatedRate, len(rows))
	for i, r := range rows {
		out[i] = DatedRate{EmployeeID: r.EmployeeID, From: r.EffectiveFrom, Hourly: r.HourlyPence}
	}
	return out, nil
}

// DateSpan is a run of dates for one employee.
type DateSpan struct {
	EmployeeID string
	From, To   civil.Date
}

// SicknessSpans lists sickness absences that overlap [from, to], as dates
// only.
func (s *Service) SicknessSpans(ctx context.Context, from, to civil.Date) ([]DateSpan, error) {
	rows, err := s.absenceRows(ctx, s.db, nil, from, to)
	if err != nil {
		return nil, err
	}
	var out []DateSpan
	for _, r := range rows {
		if r.Kind == Sick {
			out = append(out, DateSpan{EmployeeID: r.EmployeeID, From: r.StartDate, To: r.EndDate})
		}
	}
	return out, nil
}
