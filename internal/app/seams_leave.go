package app

import (
	"context"
	"log/slog"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
)

// leaveRota gives leave requests (payroll) what they need from the rota:
// the person's shifts on the dates (drafts too: a supervisor deciding
// sees everything that will move), their release inside the approval's
// transaction, and the supervisors' notice with a cover plan.
type leaveRota struct {
	r   *rota.Service
	log *slog.Logger
}

func (a leaveRota) AffectedShifts(ctx context.Context, employeeID string, from, to civil.Date) ([]payroll.LeaveShift, error) {
	var out []payroll.LeaveShift
	for d := from; !d.After(to); d = d.AddDays(rota.MaxRangeDays + 1) {
		end := d.AddDays(rota.MaxRangeDays)
		if end.After(to) {
			end = to
		}
		shs, err := a.r.Shifts(ctx, rota.Filter{From: d, To: end, EmployeeID: employeeID, Status: rota.Assigned})
		if err != nil {
			return nil, err
		}
		for _, sh := range shs {
			out = append(out, payroll.LeaveShift{ID: sh.ID, SiteName: sh.SiteName, Start: sh.Start, End: sh.End, Published: sh.Published})
		}
	}
	return out, nil
}

func (a leaveRota) ReleaseIn(tx *gorm.DB, employeeID string, from, to civil.Date) ([]string, error) {
	return a.r.ReleaseShiftsIn(tx, employeeID, from, to, "leave")
}

func (a leaveRota) Released(ctx context.Context, subject, body string, ids []string) {
	a.r.ReleasedNotice(ctx, subject, body, ids)
}

// Away re-checks the pending swap requests involving someone now away, so
// one that can no longer complete is cancelled and both people told at
// once (the every-minute swaps job would catch it too, later).
func (a leaveRota) Away(ctx context.Context, employeeID string) {
	if _, err := a.r.RecheckSwaps(ctx, employeeID); err != nil {
		a.log.WarnContext(ctx, "swap requests not re-checked after an absence; the swaps job will", "error", err.Error())
	}
}
