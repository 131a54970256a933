package app

import (
	"context"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// rotaFlexLimits gives the rota the limits of wellbeing flex periods: dates,
// "no shifts", a weekly-hours cap and a later start. Nothing else crosses: no reason, no
// kind label, no link into the plan.
type rotaFlexLimits struct{ w *wellbeing.Service }

func (a rotaFlexLimits) TemporaryLimits(ctx context.Context, employeeIDs []string, from, to civil.Date) (map[string][]rota.TemporaryLimit, error) {
	byEmployee, err := a.w.FlexLimitsFor(ctx, employeeIDs, from, to)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]rota.TemporaryLimit, len(byEmployee))
	for id, ls := range byEmployee {
		for _, l := range ls {
			if !l.NoShifts && l.MaxWeeklyMinutes == 0 && l.EarliestStartMinutes == 0 {
				continue
			}
			out[id] = append(out[id], rota.TemporaryLimit{From: l.From, To: l.To, NoShifts: l.NoShifts,
				MaxWeeklyMinutes: l.MaxWeeklyMinutes, EarliestStartMinutes: l.EarliestStartMinutes})
		}
	}
	return out, nil
}
