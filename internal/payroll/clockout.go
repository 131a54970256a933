package payroll

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// The clock-out safeguard (issue 17): clocking out before the shift's end
// asks first, and a clock-out from the phone can be undone for a short
// while, so a double tap or a slip of the thumb costs nothing.

// UndoClockOutWindow is how long after clocking out from the phone an
// employee may undo it.
const UndoClockOutWindow = 2 * time.Minute

// EarlyClockOut reports whether clocking out of the employee's shift now
// would be before its scheduled end, and that end.
func (s *Service) EarlyClockOut(ctx context.Context, by auth.Principal, shiftID string) (end time.Time, early bool, err error) {
	ref, err := s.ownShift(ctx, by, shiftID)
	if err != nil {
		return time.Time{}, false, err
	}
	return ref.End.UTC(), s.now().Before(ref.End), nil
}

// undoableUntil is when a clock-out on row can no longer be undone (zero
// when it cannot be undone at all): only the employee's own clock-out from
// the phone, never one a supervisor recorded or corrected.
func undoableUntil(r attendanceRow) time.Time {
	if r.Status != Worked || r.Source != FromPhone || r.Corrected || r.ClockOut == nil {
		return time.Time{}
	}
	return r.ClockOut.UTC().Add(UndoClockOutWindow)
}

// UndoClockOut puts the employee back on shift: the clock-out is forgotten
// and they can clock out again. Only within UndoClockOutWindow of clocking
// out from the phone, and not once the timesheet is approved.
func (s *Service) UndoClockOut(ctx context.Context, by auth.Principal, shiftID string) (Attendance, error) {
	ref, err := s.ownShift(ctx, by, shiftID)
	if err != nil {
		return Attendance{}, err
	}
	now := s.now().UTC()
	var out attendanceRow
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, found, err := s.attendanceByShift(ctx, tx, ref.ID)
		if err != nil {
			return err
		}
		until := undoableUntil(row)
		if !found || until.IsZero() {
			return errs.E(errs.RuleViolation, "There is no clock-out to undo on this shift.")
		}
		if now.After(until) {
			return errs.E(errs.RuleViolation, "You clocked out at %s; it can be undone for %d minutes only. Ask your supervisor to correct your times.", hhmm(*row.ClockOut), int(UndoClockOutWindow/time.Minute))
		}
		if err := s.lockTimesheet(ctx, tx, row.EmployeeID, row.WorkDate); err != nil {
			return err
		}
		if approved, err := s.timesheetApproved(ctx, tx, row.EmployeeID, row.WorkDate); err != nil {
			return err
		} else if approved {
			return errs.E(errs.RuleViolation, "Your timesheet was approved in the meantime. Ask your supervisor to correct your times.")
		}
		res := tx.Model(&attendanceRow{}).Where("id = ? AND version = ? AND status = ?", row.ID, row.Version, Worked).
			Updates(map[string]any{"clock_out": nil, "status": ClockedIn, "version": row.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Your attendance changed at the same moment; reload and try again.")
		}
		row.ClockOut, row.Status, row.Version = nil, ClockedIn, row.Version+1
		out = row
		return nil
	})
	if err != nil {
		return Attendance{}, err
	}
	return out.attendance(), nil
}

// clockOutSubmit clocks out, asking first when the shift has not ended
// ("Your shift runs to 13:00 — clock out now?"); the answer posts back
// with confirm=yes.
func (h *Handler) clockOutSubmit(c *gin.Context) {
	p := web.MustPrincipal(c)
	if c.PostForm("confirm") != "yes" {
		end, early, err := h.svc.EarlyClockOut(c.Request.Context(), p, c.Param("id"))
		if err != nil {
			h.problem(c, err, "/clock")
			return
		}
		if early {
			h.shell.Renderer.HTML(c, http.StatusOK, "payroll/clock_confirm", gin.H{"ShiftID": c.Param("id"), "End": end})
			return
		}
	}
	a, err := h.svc.ClockOut(c.Request.Context(), p, c.Param("id"))
	if err != nil {
		h.problem(c, err, "/clock")
		return
	}
	web.Success(c, fmt.Sprintf("You clocked out at %s: %s paid for this shift. Thank you. Tapped by mistake? You can undo it until %s.",
		hhmm(*a.ClockOut), FormatMinutes(a.PaidMinutes), hhmm(a.ClockOut.Add(UndoClockOutWindow))))
	web.Redirect(c, "/clock")
}

func (h *Handler) undoClockOutSubmit(c *gin.Context) {
	if _, err := h.svc.UndoClockOut(c.Request.Context(), web.MustPrincipal(c), c.Param("id")); err != nil {
		h.problem(c, err, "/clock")
		return
	}
	web.Success(c, "Your clock-out is undone: you are still clocked in. Clock out when you leave.")
	web.Redirect(c, "/clock")
}
