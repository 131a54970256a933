package wellbeing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Kinds of flex period.
const (
	NoShifts   = "no_shifts"   // no shifts at all between the dates
	WeeklyCap  = "weekly_cap"  // at most so many hours in each week
	LaterStart = "later_start" // no shift starting before a time of day
)

// FlexKinds are the kinds with their plain-word labels.
var FlexKinds = []struct{ Kind, Label string }{
	{NoShifts, "No shifts"},
	{WeeklyCap, "Fewer hours each week"},
	{LaterStart, "Later start"},
}

// FlexPeriod is a temporary change to when an employee works, put in place
// by them or their support worker. It carries no reason: the optional link
// to an early-warning action is an ID inside the plan.
type FlexPeriod struct {
	ID                   string     `json:"id"`
	EmployeeID           string     `json:"employee_id"`
	Kind                 string     `json:"kind"`
	From                 civil.Date `json:"from"`
	To                   civil.Date `json:"to"` // inclusive
	MaxWeeklyMinutes     int        `json:"max_weekly_minutes,omitempty"`
	EarliestStart        string     `json:"earliest_start,omitempty"` // "10:00"
	EarlyWarningActionID string     `json:"early_warning_action_id,omitempty"`
	ReleasedShifts       int        `json:"released_shifts"`
	RotaNotified         bool       `json:"rota_notified"`
	CreatedAt            time.Time  `json:"created_at"`
	EndedAt              *time.Time `json:"ended_at,omitempty"`
	Cancelled            bool       `json:"cancelled"` // ended before it began
}

// Describe is the period in plain words ("No shifts, Mon 30 Nov – Fri 11 Dec").
func (f FlexPeriod) Describe() string {
	what := ""
	switch f.Kind {
	case NoShifts:
		what = "No shifts"
	case WeeklyCap:
		what = "At most " + hoursText(f.MaxWeeklyMinutes) + " a week"
	case LaterStart:
		what = "No start before " + f.EarliestStart
	}
	return what + ", " + f.From.Format("Mon 2 Jan") + " – " + f.To.Format("Mon 2 Jan 2006")
}

func hoursText(min int) string {
	if min%60 == 0 {
		return fmt.Sprintf("%d hours", min/60)
	}
	return fmt.Sprintf("%dh %02dm", min/60, min%60)
}

// ActiveOn reports whether the period limits work on d.
func (f FlexPeriod) ActiveOn(d civil.Date) bool {
	return !f.Cancelled && !d.Before(f.From) && !d.After(f.To)
}

// FlexInput is a new flex period. Give max_weekly_minutes for weekly_cap and
// earliest_start ("10:00") for later_start.
type FlexInput struct {
	Kind                 string     `json:"kind"`
	From                 civil.Date `json:"from"`
	To                   civil.Date `json:"to"`
	MaxWeeklyMinutes     int        `json:"max_weekly_minutes"`
	EarliestStart        string     `json:"earliest_start"`
	EarlyWarningActionID string     `json:"early_warning_action_id"`
}

// MaxFlexDays is the longest a flex period may run; a longer change is an
// agreed adjustment, reviewed with the supervisor.
const MaxFlexDays = 92

func (in *FlexInput) check(today civil.Date) (earliest int, err error) {
	var bad []errs.FieldError
	in.Kind = strings.TrimSpace(in.Kind)
	in.EarliestStart = strings.TrimSpace(in.EarliestStart)
	in.EarlyWarningActionID = strings.TrimSpace(in.EarlyWarningActionID)
	switch in.Kind {
	case NoShifts:
		if in.MaxWeeklyMinutes != 0 || in.EarliestStart != "" {
			bad = append(bad, errs.FieldError{Field: "kind", Message: "no_shifts takes no hours or start time"})
		}
	case WeeklyCap:
		if in.MaxWeeklyMinutes < 60 || in.MaxWeeklyMinutes > 47*60 {
			bad = append(bad, errs.FieldError{Field: "max_weekly_minutes", Message: "must be between 60 (1 hour) and 2820 (47 hours) for a weekly cap"})
		}
		if in.EarliestStart != "" {
			bad = append(bad, errs.FieldError{Field: "earliest_start", Message: "is only for a later start"})
		}
	case LaterStart:
		t, perr := time.Parse("15:04", in.EarliestStart)
		if perr != nil || t.Hour() < 1 {
			bad = append(bad, errs.FieldError{Field: "earliest_start", Message: "must be a time of day like 10:00 (from 01:00)"})
		} else {
			earliest = t.Hour()*60 + t.Minute()
			in.EarliestStart = t.Format("15:04")
		}
		if in.MaxWeeklyMinutes != 0 {
			bad = append(bad, errs.FieldError{Field: "max_weekly_minutes", Message: "is only for a weekly cap"})
		}
	default:
		bad = append(bad, errs.FieldError{Field: "kind", Message: "must be no_shifts, weekly_cap or later_start"})
	}
	switch {
	case in.From.IsZero():
		bad = append(bad, errs.FieldError{Field: "from", Message: "is required"})
	case in.From.Before(today):
		bad = append(bad, errs.FieldError{Field: "from", Message: "cannot be in the past"})
	case in.From.After(today.AddDays(366)):
		bad = append(bad, errs.FieldError{Field: "from", Message: "must be within a year"})
	}
	switch {
	case in.To.IsZero():
		bad = append(bad, errs.FieldError{Field: "to", Message: "is required"})
	case !in.From.IsZero() && in.To.Before(in.From):
		bad = append(bad, errs.FieldError{Field: "to", Message: "is before from"})
	case !in.From.IsZero() && in.From.DaysUntil(in.To) >= MaxFlexDays:
		bad = append(bad, errs.FieldError{Field: "to", Message: fmt.Sprintf("makes the period longer than %d days; agree a longer change as an adjustment", MaxFlexDays)})
	}
	if in.EarlyWarningActionID != "" && !database.ValidID(in.EarlyWarningActionID) {
		bad = append(bad, errs.FieldError{Field: "early_warning_action_id", Message: "must be the ID of an early-warning sign in the plan"})
	}
	if len(bad) > 0 {
		return 0, errs.Fields(bad...)
	}
	return earliest, nil
}

func (r flexRow) period() FlexPeriod {
	f := FlexPeriod{
		ID: r.ID, EmployeeID: r.EmployeeID, Kind: r.Kind, From: r.FromDate, To: r.ToDate,
		MaxWeeklyMinutes: r.MaxWeeklyMinutes, EarlyWarningActionID: r.EarlyWarningActionID,
		ReleasedShifts: r.ReleasedShifts, RotaNotified: r.RotaNotified, CreatedAt: r.CreatedAt, EndedAt: r.EndedAt,
	}
	if r.Kind == LaterStart {
		f.EarliestStart = fmt.Sprintf("%02d:%02d", r.EarliestStartMinutes/60, r.EarliestStartMinutes%60)
	}
	if r.EndedAt != nil && !civil.In(*r.EndedAt, civil.London).After(r.FromDate) {
		f.Cancelled = true
	}
	return f
}

// StartFlex puts a flex period in place for employeeID and tells the rota at
// once. If the rota cannot be told, the period is still kept (and limits
// assignments through FlexLimits); RotaNotified is false and the rota is
// told again on the next flex change for this person.
func (s *Service) StartFlex(ctx context.Context, p auth.Principal, employeeID string, in FlexInput) (FlexPeriod, error) {
	earliest, err := in.check(s.today())
	if err != nil {
		return FlexPeriod{}, err
	}
	row := flexRow{
		ID: database.NewID(), EmployeeID: employeeID, Kind: in.Kind, FromDate: in.From, ToDate: in.To,
		MaxWeeklyMinutes: in.MaxWeeklyMinutes, EarliestStartMinutes: earliest, EarlyWarningActionID: in.EarlyWarningActionID,
		CreatedBy: p.ID, CreatedAt: s.now().UTC(),
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		if in.EarlyWarningActionID != "" {
			var plan planRow
			err := tx.Where("employee_id = ?", employeeID).Take(&plan).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			found := false
			if err == nil {
				secs, err := s.openSections(plan.Content, planAAD(employeeID, "content"))
				if err != nil {
					return err
				}
				for _, w := range secs.EarlyWarningActions {
					found = found || w.ID == in.EarlyWarningActionID
				}
			}
			if !found {
				return errs.Fields(errs.FieldError{Field: "early_warning_action_id", Message: "is not an early-warning sign in this person's plan"})
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return s.logAccess(ctx, tx, p, a.role(), employeeID, "write", "flex period")
	})
	if err != nil {
		return FlexPeriod{}, err
	}
	s.applyPending(ctx, employeeID)
	if err := s.db.WithContext(ctx).Where("id = ?", row.ID).Take(&row).Error; err != nil {
		return FlexPeriod{}, err
	}
	return row.period(), nil
}

// applyPending tells the rota about this employee's flex periods it has not
// yet heard of. Failures are logged (IDs only) and retried next time.
func (s *Service) applyPending(ctx context.Context, employeeID string) {
	if s.rota == nil {
		return
	}
	var rows []flexRow
	if err := s.db.WithContext(ctx).Where("employee_id = ? AND rota_notified = ? AND ended_at IS NULL", employeeID, false).
		Order("created_at").Find(&rows).Error; err != nil {
		s.logger.WarnContext(ctx, "flex periods not read", "error", err.Error())
		return
	}
	for _, r := range rows {
		if r.ToDate.Before(s.today()) {
			continue
		}
		released, err := s.rota.FlexPeriodStarted(ctx, r.EmployeeID, r.FromDate, r.ToDate, r.Kind == NoShifts)
		if err != nil {
			s.logger.WarnContext(ctx, "flex period not yet applied in the rota; it will be retried", "flex_period_id", r.ID, "error", err.Error())
			continue
		}
		if err := s.db.WithContext(ctx).Model(&flexRow{}).Where("id = ? AND rota_notified = ?", r.ID, false).
			Updates(map[string]any{"rota_notified": true, "released_shifts": released}).Error; err != nil {
			s.logger.WarnContext(ctx, "flex period applied but not marked", "flex_period_id", r.ID, "error", err.Error())
		}
	}
}

// EndFlex ends a flex period early: from today it no longer limits work (a
// period that had not begun is cancelled).
func (s *Service) EndFlex(ctx context.Context, p auth.Principal, employeeID, flexID string) (FlexPeriod, error) {
	var out FlexPeriod
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		var row flexRow
		err = tx.Where("id = ? AND employee_id = ?", flexID, employeeID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errs.E(errs.NotFound, "There is no such flex period.")
		}
		if err != nil {
			return err
		}
		today := s.today()
		if row.EndedAt != nil || row.ToDate.Before(today) {
			return errs.E(errs.Conflict, "This flex period has already ended.")
		}
		now := s.now().UTC()
		changes := map[string]any{"ended_at": now}
		if row.FromDate.Before(today) {
			changes["to_date"] = today.AddDays(-1)
		}
		res := tx.Model(&flexRow{}).Where("id = ? AND ended_at IS NULL", row.ID).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This flex period has already ended.")
		}
		if err := tx.Where("id = ?", row.ID).Take(&row).Error; err != nil {
			return err
		}
		out = row.period()
		return s.logAccess(ctx, tx, p, a.role(), employeeID, "write", "flex period ended")
	})
	return out, err
}

// FlexPeriods lists employeeID's flex periods, newest first.
func (s *Service) FlexPeriods(ctx context.Context, p auth.Principal, employeeID string) ([]FlexPeriod, error) {
	if _, err := s.reach(ctx, s.db, p, employeeID); err != nil {
		return nil, err
	}
	var rows []flexRow
	if err := s.db.WithContext(ctx).Where("employee_id = ?", employeeID).Order("from_date DESC, created_at DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]FlexPeriod, len(rows))
	for i, r := range rows {
		out[i] = r.period()
	}
	return out, nil
}

// Limit is what the rota may know of a flex period: dates and limits, never
// a reason or a link into the plan.
type Limit struct {
	From                 civil.Date
	To                   civil.Date // inclusive
	NoShifts             bool
	MaxWeeklyMinutes     int // 0: no cap
	EarliestStartMinutes int // minutes after midnight; 0: no limit
}

// FlexLimits returns the limits in force for employeeID on any day from
// from to to (inclusive). internal/app adapts it to rota.TemporaryLimits.
func (s *Service) FlexLimits(ctx context.Context, employeeID string, from, to civil.Date) ([]Limit, error) {
	var rows []flexRow
	if err := s.db.WithContext(ctx).Where("employee_id = ? AND from_date <= ? AND to_date >= ?", employeeID, to, from).
		Order("from_date, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	var out []Limit
	for _, r := range rows {
		if l, ok := r.limit(); ok {
			out = append(out, l)
		}
	}
	return out, nil
}

// FlexLimitsFor is FlexLimits for many employees in one query (a few for
// very long lists): the rota ranks everyone for a shift at once. Employees
// with no limits are left out of the map.
func (s *Service) FlexLimitsFor(ctx context.Context, employeeIDs []string, from, to civil.Date) (map[string][]Limit, error) {
	out := map[string][]Limit{}
	for chunk := range slices.Chunk(employeeIDs, 500) {
		var rows []flexRow
		if err := s.db.WithContext(ctx).Where("employee_id IN ? AND from_date <= ? AND to_date >= ?", chunk, to, from).
			Order("employee_id, from_date, id").Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if l, ok := r.limit(); ok {
				out[r.EmployeeID] = append(out[r.EmployeeID], l)
			}
		}
	}
	return out, nil
}

// limit is what the rota may know of a flex period; false when the period
// was cancelled before it began.
func (r flexRow) limit() (Limit, bool) {
	f := r.period()
	if f.Cancelled {
		return Limit{}, false
	}
	return Limit{
		From: f.From, To: f.To, NoShifts: f.Kind == NoShifts, MaxWeeklyMinutes: f.MaxWeeklyMinutes,
		EarliestStartMinutes: r.EarliestStartMinutes,
	}, true
}
