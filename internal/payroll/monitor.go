package payroll

import (
	"context"
	"fmt"
	"sort"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// Monitor states.
const (
	WithinLimits = "ok"
	NearLimit    = "warning" // at or over 80% of a limit
	OverLimit    = "over"
)

// PermittedWorkWeek is one opted-in employee's week (Monday to Sunday)
// against their limits: hours worked plus shifts still planned, and the
// estimated earnings for them.
type PermittedWorkWeek struct {
	EmployeeID        string      `json:"employee_id"`
	EmployeeName      string      `json:"employee_name"`
	Benefit           string      `json:"benefit"`
	WeekStart         civil.Date  `json:"week_start"`
	WorkedMinutes     int         `json:"worked_minutes"`
	PlannedMinutes    int         `json:"planned_minutes"`
	EstimatedEarnings money.Pence `json:"estimated_earnings_pence"`
	MaxWeeklyMinutes  int         `json:"max_weekly_minutes"`
	MaxWeeklyEarnings money.Pence `json:"max_weekly_earnings_pence"`
	Status            string      `json:"status"`
	Message           string      `json:"message"`
}

// WeekStart is the Monday on or before d.
func WeekStart(d civil.Date) civil.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

// PermittedWorkStatus compares a week's minutes and earnings with limits
// (0: no limit) and says so in words.
func PermittedWorkStatus(minutes int, earnings money.Pence, maxMinutes int, maxEarnings money.Pence) (string, string) {
	status, msg := WithinLimits, "Within the limits."
	check := func(used, limit int64, what string, show func(int64) string) {
		if limit <= 0 {
			return
		}
		switch {
		case used > limit:
			status = OverLimit
			msg = fmt.Sprintf("Over the %s limit: %s of %s.", what, show(used), show(limit))
		case used*10000 >= limit*WarnAtBasisPoints && status != OverLimit:
			status = NearLimit
			msg = fmt.Sprintf("Near the %s limit: %s of %s (%d%%).", what, show(used), show(limit), used*100/limit)
		}
	}
	check(int64(minutes), int64(maxMinutes), "weekly hours", func(v int64) string { return FormatMinutes(int(v)) })
	check(int64(earnings), int64(maxEarnings), "weekly earnings", func(v int64) string { return money.Pence(v).String() })
	return status, msg
}

// PermittedWorkMonitor reports every opted-in employee's weeks that overlap
// the period: worked time from attendance, planned time from the rota for
// shifts not yet worked, estimated earnings at their rates.
func (s *Service) PermittedWorkMonitor(ctx context.Context, period Period) ([]PermittedWorkWeek, error) {
	var recs []permittedWorkRow
	if err := s.db.WithContext(ctx).Find(&recs).Error; err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return []PermittedWorkWeek{}, nil
	}
	return s.permittedWeeks(ctx, recs, WeekStart(period.Start), WeekStart(period.End))
}

// permittedWeeks is the one calculation of permitted-work weeks: for each
// record, every week from the one starting first to the one starting last
// that the record covers. The finance monitor and the employee's own panel
// (myhours.go) both use it.
func (s *Service) permittedWeeks(ctx context.Context, recs []permittedWorkRow, first, last civil.Date) ([]PermittedWorkWeek, error) {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.EmployeeID
	}
	names, err := s.names(ctx, ids)
	if err != nil {
		return nil, err
	}
	rates, err := s.loadRates(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	var att []attendanceRow
	if err := s.db.WithContext(ctx).Where("employee_id IN ? AND work_date >= ? AND work_date <= ?", ids, first.AddDays(-1), last.AddDays(7)).Find(&att).Error; err != nil {
		return nil, err
	}
	type key struct {
		emp  string
		week civil.Date
	}
	worked, planned := map[key]int{}, map[key]int{}
	earned := map[key]money.Pence{}
	recorded := map[string]bool{}
	add := func(emp string, parts []DayPart, into map[key]int) {
		for _, p := range parts {
			k := key{emp, WeekStart(p.Date)}
			into[k] += p.Minutes
			if r, ok := rates.on(emp, p.Date); ok {
				earned[k] += money.MulDiv(r.HourlyPence, int64(p.Minutes), 60, money.HalfUp)
			}
		}
	}
	now := s.now()
	for _, a := range att {
		recorded[a.ShiftID] = true
		switch a.Status {
		case Worked:
			ps, pe := a.span()
			parts, _ := WorkedParts(ps, pe, a.BreakMinutes)
			add(a.EmployeeID, parts, worked)
		case ClockedIn:
			end := a.ScheduledEnd.UTC()
			parts, _ := WorkedParts(a.ClockIn.UTC(), end, a.BreakMinutes)
			add(a.EmployeeID, parts, planned)
		}
	}
	if s.shifts != nil {
		from, to := first.Time(civil.London), last.AddDays(7).Time(civil.London)
		for _, r := range recs {
			refs, err := s.shifts.AssignedShifts(ctx, from, to, r.EmployeeID)
			if err != nil {
				return nil, err
			}
			for _, ref := range refs {
				if recorded[ref.ID] || ref.Cancelled || ref.EmployeeID != r.EmployeeID || ref.End.Before(now) {
					continue
				}
				parts, _ := WorkedParts(ref.Start, ref.End, s.deductedBreak(ref.BreakMinutes))
				add(r.EmployeeID, parts, planned)
			}
		}
	}
	var out []PermittedWorkWeek
	for _, r := range recs {
		rec := r.record()
		for w := first; !w.After(last); w = w.AddDays(7) {
			if !rec.Covers(w.AddDays(6)) && !rec.Covers(w) {
				continue
			}
			k := key{r.EmployeeID, w}
			pw := PermittedWorkWeek{EmployeeID: r.EmployeeID, EmployeeName: names[r.EmployeeID], Benefit: r.Benefit, WeekStart: w,
				WorkedMinutes: worked[k], PlannedMinutes: planned[k], EstimatedEarnings: earned[k],
				MaxWeeklyMinutes: r.MaxWeeklyMinutes, MaxWeeklyEarnings: r.MaxWeeklyEarnings}
			pw.Status, pw.Message = PermittedWorkStatus(pw.WorkedMinutes+pw.PlannedMinutes, pw.EstimatedEarnings, r.MaxWeeklyMinutes, r.MaxWeeklyEarnings)
			out = append(out, pw)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].EmployeeName != out[j].EmployeeName {
			return out[i].EmployeeName < out[j].EmployeeName
		}
		return out[i].WeekStart.Before(out[j].WeekStart)
	})
	return out, nil
}
