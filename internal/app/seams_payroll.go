package app

import (
	"context"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
)

// payrollShifts gives payroll the shifts it needs from the rota: who, where,
// when and the planned break. Payroll acts for employees (clocking in, their
// day, planned hours against permitted work, pay), so it sees published
// shifts only: a draft is nobody's shift yet.
type payrollShifts struct{ r *rota.Service }

func shiftRef(sh rota.Shift) payroll.ShiftRef {
	return payroll.ShiftRef{
		ID: sh.ID, EmployeeID: sh.EmployeeID, SiteID: sh.SiteID, SiteName: sh.SiteName,
		Start: sh.Start, End: sh.End, BreakMinutes: sh.BreakMinutes, Cancelled: sh.Status == rota.Cancelled,
	}
}

func (a payrollShifts) Shift(ctx context.Context, id string) (payroll.ShiftRef, error) {
	sh, err := a.r.Shift(ctx, id)
	if err != nil {
		return payroll.ShiftRef{}, err
	}
	if !sh.Published {
		return payroll.ShiftRef{}, rota.ErrNotFound
	}
	return shiftRef(sh), nil
}

// AssignedShifts lists assigned, published shifts overlapping [from, to),
// asking the rota in runs of dates it accepts.
func (a payrollShifts) AssignedShifts(ctx context.Context, from, to time.Time, employeeID string) ([]payroll.ShiftRef, error) {
	var out []payroll.ShiftRef
	first := civil.In(from, civil.London).AddDays(-1) // a night shift that started the day before
	last := civil.In(to.Add(-time.Nanosecond), civil.London)
	for d := first; !d.After(last); d = d.AddDays(rota.MaxRangeDays + 1) {
		end := d.AddDays(rota.MaxRangeDays)
		if end.After(last) {
			end = last
		}
		shs, err := a.r.Shifts(ctx, rota.Filter{From: d, To: end, EmployeeID: employeeID, Status: rota.Assigned, PublishedOnly: true})
		if err != nil {
			return nil, err
		}
		for _, sh := range shs {
			if sh.Start.Before(to) && sh.End.After(from) {
				out = append(out, shiftRef(sh))
			}
		}
	}
	return out, nil
}

// rotaPayroll gives the rota what payroll knows that its rules need, for
// many employees at once: days away (dates only), hourly rates and
// permitted-work limits.
type rotaPayroll struct{ p *payroll.Service }

func (a rotaPayroll) AbsentDays(ctx context.Context, employeeIDs []string, from, to civil.Date) (map[string][]civil.Date, error) {
	return a.p.AbsentDaysFor(ctx, employeeIDs, from, to)
}

func (a rotaPayroll) HourlyRates(ctx context.Context, employeeIDs []string, on civil.Date) (map[string]money.Pence, error) {
	return a.p.HourlyRatesFor(ctx, employeeIDs, on)
}

func (a rotaPayroll) PermittedWork(ctx context.Context, employeeIDs []string, on civil.Date) (map[string]rota.WeeklyLimits, error) {
	recs, err := a.p.PermittedWorkOn(ctx, employeeIDs, on)
	if err != nil {
		return nil, err
	}
	out := make(map[string]rota.WeeklyLimits, len(recs))
	for id, r := range recs {
		out[id] = rota.WeeklyLimits{Minutes: r.MaxWeeklyMinutes, Earnings: r.MaxWeeklyEarnings}
	}
	return out, nil
}
