package app

import (
	"context"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/outcomes"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// outcomesPayroll gives the outcomes reports paid time, rates and sickness
// dates from payroll.
type outcomesPayroll struct{ p *payroll.Service }

func (a outcomesPayroll) PaidDays(ctx context.Context, from, to civil.Date) ([]outcomes.PaidDay, error) {
	days, err := a.p.PaidDays(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]outcomes.PaidDay, len(days))
	for i, d := range days {
		out[i] = outcomes.PaidDay{EmployeeID: d.EmployeeID, Date: d.Date, Minutes: d.Minutes, HourlyRate: d.HourlyRate}
	}
	return out, nil
}

func (a outcomesPayroll) PayRates(ctx context.Context) (map[string][]outcomes.Rate, error) {
	rates, err := a.p.PayRateHistory(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]outcomes.Rate{}
	for _, r := range rates {
		out[r.EmployeeID] = append(out[r.EmployeeID], outcomes.Rate{From: r.From, Hourly: r.Hourly})
	}
	return out, nil
}

func (a outcomesPayroll) Sickness(ctx context.Context, from, to civil.Date) ([]outcomes.Span, error) {
	spans, err := a.p.SicknessSpans(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]outcomes.Span, len(spans))
	for i, s := range spans {
		out[i] = outcomes.Span{EmployeeID: s.EmployeeID, From: s.From, To: s.To}
	}
	return out, nil
}

// outcomesFlex gives the outcomes reports the dates of flex periods and
// nothing else: no kind, no limit, no reason.
type outcomesFlex struct{ w *wellbeing.Service }

func (a outcomesFlex) FlexDates(ctx context.Context, from, to civil.Date) ([]outcomes.Span, error) {
	fs, err := a.w.FlexDatesBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]outcomes.Span, len(fs))
	for i, f := range fs {
		out[i] = outcomes.Span{EmployeeID: f.EmployeeID, From: f.From, To: f.To}
	}
	return out, nil
}
