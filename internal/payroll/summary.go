package payroll

import (
	"context"

	"github.com/goodshift/goodshift/internal/money"
)

// Summary is a pay period for finance: every timesheet with pay, and totals.
type Summary struct {
	Period     PeriodStatus  `json:"period"`
	Timesheets []Timesheet   `json:"timesheets"`
	Totals     SummaryTotals `json:"totals"`
	Warnings   []string      `json:"warnings"`
}

// SummaryTotals add up the period.
type SummaryTotals struct {
	Employees             int         `json:"employees"`
	PaidMinutes           int         `json:"paid_minutes"`
	PaidCentiHours        int64       `json:"paid_centi_hours"`
	HolidayAccruedMinutes int         `json:"holiday_accrued_minutes"`
	HolidayTakenMinutes   int         `json:"holiday_taken_minutes"`
	SickDays              int         `json:"sick_days"`
	Gross                 money.Pence `json:"gross_pence"`
	RolledUpHoliday       money.Pence `json:"rolled_up_holiday_pence"`
}

// Summary builds the period summary.
func (s *Service) Summary(ctx context.Context, key string) (Summary, error) {
	p, err := s.cal.Parse(key)
	if err != nil {
		return Summary{}, err
	}
	st, err := s.periodStatus(ctx, p)
	if err != nil {
		return Summary{}, err
	}
	ts, err := s.PeriodTimesheets(ctx, p)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Period: st, Timesheets: ts, Warnings: []string{}}
	for _, t := range ts {
		sum.Totals.Employees++
		sum.Totals.PaidMinutes += t.Totals.PaidMinutes
		sum.Totals.PaidCentiHours += t.Totals.PaidCentiHours
		sum.Totals.HolidayAccruedMinutes += t.Totals.HolidayAccruedMinutes
		sum.Totals.HolidayTakenMinutes += t.Totals.HolidayTakenMinutes
		sum.Totals.SickDays += t.Totals.SickDays
		sum.Totals.Gross += t.Pay.Gross
		sum.Totals.RolledUpHoliday += t.Pay.RolledUpHoliday
		sum.Warnings = append(sum.Warnings, t.Warnings...)
		sum.Warnings = append(sum.Warnings, t.Pay.Warnings...)
	}
	return sum, nil
}
