package contracts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rickar/cal/v2/gb"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// ScheduleKind is a weekly pattern or a one-off job.
type ScheduleKind string

const (
	Weekly ScheduleKind = "weekly"
	OneOff ScheduleKind = "one_off"
)

// ClockTime is a site-local time of day, "06:00".
type ClockTime struct{ Hour, Minute int }

// ParseClockTime reads "HH:MM" (24-hour).
func ParseClockTime(s string) (ClockTime, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return ClockTime{}, fmt.Errorf("%q is not a time like 06:30", s)
	}
	return ClockTime{t.Hour(), t.Minute()}, nil
}

func (c ClockTime) String() string            { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }
func (c ClockTime) minutes() int              { return c.Hour*60 + c.Minute }
func (c ClockTime) on(d civil.Date) time.Time { return d.At(c.Hour, c.Minute, civil.London) }

// Schedule is when a contract's site is cleaned: a weekly pattern or a
// one-off job (a deep clean) on ValidFrom.
type Schedule struct {
	ID               string       `json:"id"`
	ContractID       string       `json:"contract_id"`
	SiteID           string       `json:"site_id"`
	Kind             ScheduleKind `json:"kind"`
	Weekdays         []string     `json:"weekdays"` // "mon".."sun"
	EveryNWeeks      int          `json:"every_n_weeks"`
	StartTime        string       `json:"start_time"` // site-local "06:00"
	EndTime          string       `json:"end_time"`   // earlier than start: ends the next day
	CrewSize         int          `json:"crew_size"`
	ValidFrom        civil.Date   `json:"valid_from"` // a one-off job's date
	ValidTo          civil.Date   `json:"valid_to"`
	SkipBankHolidays bool         `json:"skip_bank_holidays"`
	Description      string       `json:"description"`
	Version          int          `json:"version"`
	days             [7]bool      // by time.Weekday
	start, end       ClockTime
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func dayIndex(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) >= 3 {
		s = s[:3]
	}
	for i, n := range dayNames {
		if n == s {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// ScheduleInput is a new or replaced schedule.
type ScheduleInput struct {
	SiteID           string       `json:"site_id"`
	Kind             ScheduleKind `json:"kind"`
	Weekdays         []string     `json:"weekdays"`
	EveryNWeeks      int          `json:"every_n_weeks"`
	StartTime        string       `json:"start_time"`
	EndTime          string       `json:"end_time"`
	CrewSize         int          `json:"crew_size"`
	ValidFrom        civil.Date   `json:"valid_from"`
	ValidTo          civil.Date   `json:"valid_to"`
	Date             civil.Date   `json:"date"` // one-off: the day of the job
	SkipBankHolidays bool         `json:"skip_bank_holidays"`
	Description      string       `json:"description"`
}

// check validates a schedule against its contract.
func (in ScheduleInput) check(c Contract) (Schedule, error) {
	sc := Schedule{
		ContractID: c.ID, SiteID: in.SiteID, Kind: in.Kind, EveryNWeeks: in.EveryNWeeks, CrewSize: in.CrewSize,
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, SkipBankHolidays: in.SkipBankHolidays,
		Description: strings.TrimSpace(in.Description),
	}
	var bad []errs.FieldError
	if sc.SiteID == "" && len(c.SiteIDs) == 1 {
		sc.SiteID = c.SiteIDs[0]
	}
	if !c.HasSite(sc.SiteID) {
		bad = append(bad, errs.FieldError{Field: "site_id", Message: "must be one of the contract's sites"})
	}
	if sc.Kind == "" {
		sc.Kind = Weekly
	}
	switch sc.Kind {
	case Weekly:
		if sc.EveryNWeeks == 0 {
			sc.EveryNWeeks = 1
		}
		if sc.EveryNWeeks < 1 || sc.EveryNWeeks > 52 {
			bad = append(bad, errs.FieldError{Field: "every_n_weeks", Message: "must be between 1 and 52"})
		}
		for _, d := range in.Weekdays {
			wd, ok := dayIndex(d)
			if !ok {
				bad = append(bad, errs.FieldError{Field: "weekdays", Message: fmt.Sprintf("%q is not a weekday (mon, tue, ... sun)", d)})
				break
			}
			sc.days[wd] = true
		}
		if len(in.Weekdays) == 0 {
			bad = append(bad, errs.FieldError{Field: "weekdays", Message: "needs at least one day, like [\"mon\",\"wed\"]"})
		}
		if sc.ValidFrom.IsZero() {
			sc.ValidFrom = c.StartDate
		}
		if !in.Date.IsZero() {
			bad = append(bad, errs.FieldError{Field: "date", Message: "is only for one-off jobs; use valid_from and valid_to"})
		}
	case OneOff:
		if in.Date.IsZero() {
			bad = append(bad, errs.FieldError{Field: "date", Message: "is required for a one-off job"})
		}
		if len(in.Weekdays) > 0 || in.EveryNWeeks > 1 || !in.ValidTo.IsZero() {
			bad = append(bad, errs.FieldError{Field: "kind", Message: "a one-off job has a date, not weekdays or a repeat"})
		}
		sc.ValidFrom, sc.ValidTo, sc.EveryNWeeks = in.Date, in.Date, 1
	default:
		bad = append(bad, errs.FieldError{Field: "kind", Message: "must be weekly or one_off"})
	}
	var err error
	if sc.start, err = ParseClockTime(in.StartTime); err != nil {
		bad = append(bad, errs.FieldError{Field: "start_time", Message: err.Error()})
	}
	if sc.end, err = ParseClockTime(in.EndTime); err != nil {
		bad = append(bad, errs.FieldError{Field: "end_time", Message: err.Error()})
	} else if sc.end == sc.start {
		bad = append(bad, errs.FieldError{Field: "end_time", Message: "must differ from the start time"})
	}
	if sc.CrewSize < 1 || sc.CrewSize > 50 {
		bad = append(bad, errs.FieldError{Field: "crew_size", Message: "must be between 1 and 50 people"})
	}
	bad = appendWorkDate(bad, "valid_from", "the first date", sc.ValidFrom)
	bad = appendWorkDate(bad, "valid_to", "the last date", sc.ValidTo)
	if !sc.ValidFrom.IsZero() && sc.ValidFrom.Before(c.StartDate) {
		bad = append(bad, errs.FieldError{Field: "valid_from", Message: "must not be before the contract starts (" + c.StartDate.String() + ")"})
	}
	if !sc.ValidTo.IsZero() && sc.ValidTo.Before(sc.ValidFrom) {
		bad = append(bad, errs.FieldError{Field: "valid_to", Message: "must not be before valid_from"})
	}
	if len(sc.Description) > 500 {
		bad = append(bad, errs.FieldError{Field: "description", Message: "is at most 500 characters"})
	}
	if len(bad) > 0 {
		return Schedule{}, errs.Fields(bad...)
	}
	sc.fill()
	return sc, nil
}

// fill sets the JSON fields from the parsed ones.
func (s *Schedule) fill() {
	s.Weekdays = []string{}
	for _, wd := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if s.days[wd] {
			s.Weekdays = append(s.Weekdays, dayNames[wd])
		}
	}
	s.StartTime, s.EndTime = s.start.String(), s.end.String()
}

// Window is the instants of a visit on d: site-local start and end, so a
// 06:00 visit is at 06:00 in summer and in winter, and one over the clock
// change lasts an hour more or less. An end time earlier than the start
// ends the next day.
func (s Schedule) Window(d civil.Date) (start, end time.Time) {
	endDay := d
	if s.end.minutes() <= s.start.minutes() {
		endDay = d.AddDays(1)
	}
	return s.start.on(d).UTC(), s.end.on(endDay).UTC()
}

// Occurrences are the dates in [from, to] on which the schedule has a
// visit. Every N weeks counts from the week (Monday) of ValidFrom.
func (s Schedule) Occurrences(from, to civil.Date) []civil.Date {
	if from.Before(s.ValidFrom) {
		from = s.ValidFrom
	}
	if !s.ValidTo.IsZero() && to.After(s.ValidTo) {
		to = s.ValidTo
	}
	anchor := mondayOf(s.ValidFrom)
	var out []civil.Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if s.Kind == Weekly {
			if !s.days[d.Weekday()] || (anchor.DaysUntil(d)/7)%s.EveryNWeeks != 0 {
				continue
			}
		}
		if s.SkipBankHolidays && IsBankHoliday(d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func mondayOf(d civil.Date) civil.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

// IsBankHoliday reports whether d is a bank holiday in England and Wales
// (the observed day, so a Christmas on Saturday moves to Monday), from the
// maintained rickar/cal list rather than a hand-kept one.
func IsBankHoliday(d civil.Date) bool {
	for _, h := range gb.Holidays {
		_, obs := h.Calc(d.Year)
		if !obs.IsZero() && civil.Of(obs) == d {
			return true
		}
	}
	return false
}

// AddSchedule adds a schedule to a contract. Run generation to create its visits.
func (s *Service) AddSchedule(ctx context.Context, contractID string, in ScheduleInput) (Schedule, error) {
	c, err := s.Contract(ctx, contractID)
	if err != nil {
		return Schedule{}, err
	}
	if c.Status == Ended {
		return Schedule{}, errs.E(errs.RuleViolation, "This contract has ended; it cannot have new visits.")
	}
	sc, err := in.check(c)
	if err != nil {
		return Schedule{}, err
	}
	now := s.now().UTC()
	row := scheduleRowFrom(sc)
	row.ID, row.Version, row.CreatedAt, row.UpdatedAt = database.NewID(), 1, now, now
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return Schedule{}, err
	}
	return row.schedule(), nil
}

// UpdateSchedule replaces a schedule. Existing visits change only when
// generation is run again, and then only future, unassigned ones.
func (s *Service) UpdateSchedule(ctx context.Context, id string, in ScheduleInput) (Schedule, error) {
	old, err := s.Schedule(ctx, id)
	if err != nil {
		return Schedule{}, err
	}
	c, err := s.Contract(ctx, old.ContractID)
	if err != nil {
		return Schedule{}, err
	}
	sc, err := in.check(c)
	if err != nil {
		return Schedule{}, err
	}
	if sc.Kind != old.Kind {
		return Schedule{}, errs.Fields(errs.FieldError{Field: "kind", Message: "cannot change; add a new schedule instead"})
	}
	row := scheduleRowFrom(sc)
	res := s.db.WithContext(ctx).Model(&scheduleRow{}).Where("id = ? AND version = ?", id, old.Version).Updates(map[string]any{
		"site_id": row.SiteID, "weekdays": row.Weekdays, "every_n_weeks": row.EveryNWeeks, "start_time": row.StartTime,
		"end_time": row.EndTime, "crew_size": row.CrewSize, "valid_from": row.ValidFrom, "valid_to": row.ValidTo,
		"skip_bank_holidays": row.SkipBankHolidays, "description": row.Description, "version": old.Version + 1,
		"updated_at": s.now().UTC(),
	})
	if res.Error != nil {
		return Schedule{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Schedule{}, errs.E(errs.Conflict, "Someone else changed this schedule; reload it and try again.")
	}
	return s.Schedule(ctx, id)
}

// ErrScheduleNotFound is returned for an unknown schedule.
var ErrScheduleNotFound = errs.E(errs.NotFound, "There is no such schedule.")

// Schedule returns one schedule.
func (s *Service) Schedule(ctx context.Context, id string) (Schedule, error) {
	var row scheduleRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Schedule{}, ensureFound(err, ErrScheduleNotFound)
	}
	return row.schedule(), nil
}

// Schedules lists a contract's schedules.
func (s *Service) Schedules(ctx context.Context, contractID string) ([]Schedule, error) {
	var rows []scheduleRow
	if err := s.db.WithContext(ctx).Where("contract_id = ?", contractID).Order("valid_from, start_time, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Schedule, len(rows))
	for i, r := range rows {
		out[i] = r.schedule()
	}
	return out, nil
}
