package rota

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Adjustments are an employee's agreed reasonable adjustments, as rules the
// engine checks. Zero values mean "no such rule". They never carry a
// reason: supervisors see the rule, not why.
type Adjustments struct {
	EffectiveFrom civil.Date `json:"effective_from"`
	EffectiveTo   civil.Date `json:"effective_to"` // inclusive; empty = until changed
	ReviewDate    civil.Date `json:"review_date"`

	EarliestStart      string      `json:"earliest_start"` // "10:00", site-local
	LatestFinish       string      `json:"latest_finish"`  // "15:00"
	MaxShiftMinutes    int         `json:"max_shift_minutes"`
	MaxDayMinutes      int         `json:"max_day_minutes"`
	MaxWeekMinutes     int         `json:"max_week_minutes"`
	DaysNeverWorked    []string    `json:"days_never_worked"` // "saturday", "sunday"
	NoNights           bool        `json:"no_nights"`         // nothing between 23:00 and 06:00
	NotAlone           bool        `json:"not_alone"`         // at least one colleague on at the same site
	WorkWith           []string    `json:"work_with"`         // or: at least one of these colleagues (IDs)
	FixedSites         []string    `json:"fixed_sites"`       // only these sites (IDs)
	MinNoticeDays      int         `json:"min_notice_days"`   // shifts added or changed with at least this notice
	MaxConsecutiveDays int         `json:"max_consecutive_days"`
	BreakAfterMinutes  int         `json:"break_after_minutes"` // extra breaks: a shift longer than this...
	MinBreakMinutes    int         `json:"min_break_minutes"`   // ...has at least this much break
	PhasedReturn       []PhaseStep `json:"phased_return"`       // weekly hours stepping up
	BenefitCap         string      `json:"benefit_cap"`         // "", "permitted_work", "supported_permitted_work"
	// Version is for concurrent edits: send back the version you read.
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	// Unreadable is set when the stored rules could not be decoded: the
	// person is then placed on no shift (rule "unreadable") until they are
	// saved again. Ignored when sent.
	Unreadable bool `json:"unreadable,omitempty"`
}

// PhaseStep is one step of a phased return: from a date, at most so many
// minutes a week.
type PhaseStep struct {
	From           civil.Date `json:"from"`
	MaxWeekMinutes int        `json:"max_week_minutes"`
}

// Benefit caps.
const (
	PermittedWork          = "permitted_work"
	SupportedPermittedWork = "supported_permitted_work"
)

// PermittedWorkFigures are the ESA permitted-work limits by the date they
// took effect (DOMAIN.md): next April's figures are one more row.
var PermittedWorkFigures = []struct {
	From              civil.Date
	MaxWeeklyMinutes  int // "under 16 hours"
	MaxWeeklyEarnings money.Pence
}{
	{civil.D(2025, 4, 7), 16 * 60, 19550},
	{civil.D(2026, 4, 6), 16 * 60, 20350},
}

// permittedWorkOn is the figures in force on d.
func permittedWorkOn(d civil.Date) (int, money.Pence) {
	m, e := 0, money.Pence(0)
	for _, f := range PermittedWorkFigures {
		if !d.Before(f.From) {
			m, e = f.MaxWeeklyMinutes, f.MaxWeeklyEarnings
		}
	}
	return m, e
}

var weekdays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// parseClock reads "HH:MM" into minutes after midnight.
func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Empty reports whether no rule is set.
func (a Adjustments) Empty() bool {
	b := a
	b.EffectiveFrom, b.EffectiveTo, b.ReviewDate, b.Version, b.UpdatedAt = civil.Date{}, civil.Date{}, civil.Date{}, 0, time.Time{}
	if b.Unreadable {
		return false
	}
	c, _ := json.Marshal(b)
	e, _ := json.Marshal(Adjustments{})
	return string(c) == string(e)
}

// AppliesOn reports whether the adjustments are in force on d.
func (a Adjustments) AppliesOn(d civil.Date) bool {
	return (a.EffectiveFrom.IsZero() || !d.Before(a.EffectiveFrom)) && (a.EffectiveTo.IsZero() || !d.After(a.EffectiveTo))
}

func (a *Adjustments) normalise() []errs.FieldError {
	var bad []errs.FieldError
	add := func(f, m string) { bad = append(bad, errs.FieldError{Field: f, Message: m}) }
	a.EarliestStart, a.LatestFinish = strings.TrimSpace(a.EarliestStart), strings.TrimSpace(a.LatestFinish)
	if a.EarliestStart != "" {
		if _, ok := parseClock(a.EarliestStart); !ok {
			add("earliest_start", "must be a time like 10:00")
		}
	}
	if a.LatestFinish != "" {
		if _, ok := parseClock(a.LatestFinish); !ok {
			add("latest_finish", "must be a time like 15:00")
		}
	}
	for _, x := range []struct {
		f      string
		v, max int
	}{
		{"max_shift_minutes", a.MaxShiftMinutes, 16 * 60}, {"max_day_minutes", a.MaxDayMinutes, 16 * 60},
		{"max_week_minutes", a.MaxWeekMinutes, 60 * 60}, {"min_notice_days", a.MinNoticeDays, 60},
		{"max_consecutive_days", a.MaxConsecutiveDays, 13}, {"break_after_minutes", a.BreakAfterMinutes, 12 * 60},
		{"min_break_minutes", a.MinBreakMinutes, 180},
	} {
		if x.v < 0 || x.v > x.max {
			add(x.f, fmt.Sprintf("must be between 0 (no rule) and %d", x.max))
		}
	}
	if a.MinBreakMinutes > 0 && a.BreakAfterMinutes == 0 {
		add("break_after_minutes", "is needed with min_break_minutes: breaks for shifts longer than how many minutes?")
	}
	var days []string
	for _, d := range a.DaysNeverWorked {
		d = strings.ToLower(strings.TrimSpace(d))
		if !slices.Contains(weekdays, d) {
			add("days_never_worked", "must be days of the week like saturday, sunday")
			break
		}
		days = append(days, d)
	}
	mondayFirst := func(d string) int { return (slices.Index(weekdays, d) + 6) % 7 }
	slices.SortFunc(days, func(x, y string) int { return mondayFirst(x) - mondayFirst(y) })
	a.DaysNeverWorked = slices.Compact(days)
	for _, l := range []struct {
		f   string
		ids *[]string
		max int
	}{{"work_with", &a.WorkWith, MaxWorkWith}, {"fixed_sites", &a.FixedSites, MaxFixedSites}} {
		if len(*l.ids) > l.max {
			add(l.f, fmt.Sprintf("names at most %d; this names %d", l.max, len(*l.ids)))
			*l.ids = nil
		}
		for _, id := range *l.ids {
			if !database.ValidID(id) {
				add(l.f, "must be a list of IDs")
				break
			}
		}
		slices.Sort(*l.ids)
		*l.ids = slices.Compact(*l.ids)
		if *l.ids == nil {
			*l.ids = []string{}
		}
	}
	if len(a.WorkWith) > 0 {
		a.NotAlone = true
	}
	if len(a.PhasedReturn) > MaxPhasedSteps {
		add("phased_return", fmt.Sprintf("has at most %d steps; this has %d", MaxPhasedSteps, len(a.PhasedReturn)))
		a.PhasedReturn = nil
	}
	slices.SortFunc(a.PhasedReturn, func(x, y PhaseStep) int { return x.From.Compare(y.From) })
	for i, p := range a.PhasedReturn {
		if p.From.IsZero() || p.MaxWeekMinutes <= 0 || p.MaxWeekMinutes > 60*60 {
			add("phased_return", "each step needs a from date and max_week_minutes between 1 and 3600")
			break
		}
		if i > 0 && p.From == a.PhasedReturn[i-1].From {
			add("phased_return", "has two steps on the same date")
			break
		}
	}
	if a.PhasedReturn == nil {
		a.PhasedReturn = []PhaseStep{}
	}
	if a.BenefitCap != "" && a.BenefitCap != PermittedWork && a.BenefitCap != SupportedPermittedWork {
		add("benefit_cap", "must be permitted_work, supported_permitted_work or empty")
	}
	if !a.EffectiveTo.IsZero() && !a.EffectiveFrom.IsZero() && a.EffectiveTo.Before(a.EffectiveFrom) {
		add("effective_to", "is before effective_from")
	}
	return bad
}

type adjustmentRow struct {
	EmployeeID    string `gorm:"primaryKey"`
	Rules         string
	EffectiveFrom *civil.Date
	EffectiveTo   *civil.Date
	ReviewDate    *civil.Date
	Version       int
	UpdatedBy     string
	UpdatedAt     time.Time
}

func (adjustmentRow) TableName() string { return "adjustments" }

func datePtr(d civil.Date) *civil.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

// rulesMemo remembers the decoded rules of each rules text it has seen.
// Ranking candidates reads everyone's adjustments, and decoding hundreds of
// JSON documents on every request was a fifth of its CPU. The text itself
// is the key (the row is always read, on the writer's transaction when
// placing someone), so a changed adjustment is simply a new entry: an
// answer is never stale.
type rulesMemo struct {
	mu sync.Mutex
	m  map[string]decoded
}

type decoded struct {
	a   Adjustments
	err error
}

// decode is json.Unmarshal of rules into Adjustments, remembered. The
// slices of the result are the caller's own. Rules that do not decode give
// no rules at all and the error.
func (c *rulesMemo) decode(rules string) (Adjustments, error) {
	c.mu.Lock()
	d, ok := c.m[rules]
	c.mu.Unlock()
	if !ok {
		if d.err = json.Unmarshal([]byte(rules), &d.a); d.err != nil {
			d.a = Adjustments{}
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= 10000 { // a bound, far above any organisation's count of people
			c.m = map[string]decoded{}
		}
		c.m[rules] = d
		c.mu.Unlock()
	}
	a := d.a
	a.DaysNeverWorked, a.WorkWith, a.FixedSites = slices.Clone(a.DaysNeverWorked), slices.Clone(a.WorkWith), slices.Clone(a.FixedSites)
	a.PhasedReturn = slices.Clone(a.PhasedReturn)
	return a, d.err
}

// adjustments decodes the row. Rules that do not decode are returned as
// Unreadable, with the error for the log: never as "no rules".
func (r adjustmentRow) adjustments(memo *rulesMemo) (Adjustments, error) {
	a, err := memo.decode(r.Rules)
	a.Unreadable = err != nil
	a.EffectiveFrom, a.EffectiveTo, a.ReviewDate = civil.Date{}, civil.Date{}, civil.Date{}
	if r.EffectiveFrom != nil {
		a.EffectiveFrom = *r.EffectiveFrom
	}
	if r.EffectiveTo != nil {
		a.EffectiveTo = *r.EffectiveTo
	}
	if r.ReviewDate != nil {
		a.ReviewDate = *r.ReviewDate
	}
	a.Version, a.UpdatedAt = r.Version, r.UpdatedAt.UTC()
	return a.filled(), err
}

func (a Adjustments) filled() Adjustments {
	if a.DaysNeverWorked == nil {
		a.DaysNeverWorked = []string{}
	}
	if a.WorkWith == nil {
		a.WorkWith = []string{}
	}
	if a.FixedSites == nil {
		a.FixedSites = []string{}
	}
	if a.PhasedReturn == nil {
		a.PhasedReturn = []PhaseStep{}
	}
	return a
}

// canSeeAdjustments is the scope check: employees see their own, support
// workers their caseload, supervisors everyone. Others get 404.
func (s *Service) canSeeAdjustments(ctx context.Context, by auth.Principal, employeeID string, write bool) error {
	switch {
	case by.Has(auth.Supervisor):
		return nil
	case by.Has(auth.SupportWorker) && s.cfg.Caseload != nil:
		ok, err := s.cfg.Caseload.InCaseload(ctx, by.ID, employeeID)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	case !write && by.ID == employeeID && by.Has(auth.Employee):
		return nil
	}
	return errs.E(errs.NotFound, "There is no such employee.")
}

// AdjustmentsOf returns an employee's adjustments (empty if none agreed).
func (s *Service) AdjustmentsOf(ctx context.Context, by auth.Principal, employeeID string) (Adjustments, error) {
	if err := s.canSeeAdjustments(ctx, by, employeeID, false); err != nil {
		return Adjustments{}, err
	}
	if _, err := s.employee(ctx, employeeID); err != nil {
		return Adjustments{}, errs.E(errs.NotFound, "There is no such employee.")
	}
	all, err := s.adjustments(s.cfg.DB.WithContext(ctx), []string{employeeID})
	return all[employeeID].filled(), err
}

func (s *Service) adjustments(db *gorm.DB, ids []string) (map[string]Adjustments, error) {
	var rows []adjustmentRow
	q := db
	if ids != nil {
		q = q.Where("employee_id IN ?", ids)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]Adjustments, len(rows))
	for _, r := range rows {
		a, err := r.adjustments(&s.rules)
		if err != nil {
			// IDs and the decoder's words only: the rules are personal.
			s.cfg.Logger.ErrorContext(db.Statement.Context, "stored adjustments could not be read; nobody can be assigned to this person until they are saved again",
				"employee_id", r.EmployeeID, "error", err.Error())
		}
		out[r.EmployeeID] = a
	}
	return out, nil
}

// SetAdjustments replaces an employee's adjustments (supervisors, and
// support workers for their caseload). Send the version you read; 0 for a
// first agreement.
func (s *Service) SetAdjustments(ctx context.Context, by auth.Principal, employeeID string, a Adjustments) (Adjustments, error) {
	if err := s.canSeeAdjustments(ctx, by, employeeID, true); err != nil {
		return Adjustments{}, err
	}
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return Adjustments{}, errs.E(errs.NotFound, "There is no such employee.")
	}
	a.Unreadable = false
	if bad := a.normalise(); len(bad) > 0 {
		return Adjustments{}, errs.Fields(bad...)
	}
	if slices.Contains(a.WorkWith, employeeID) {
		return Adjustments{}, errs.Fields(errs.FieldError{Field: "work_with", Message: "cannot name the employee themselves"})
	}
	body := a
	body.EffectiveFrom, body.EffectiveTo, body.ReviewDate, body.Version, body.UpdatedAt = civil.Date{}, civil.Date{}, civil.Date{}, 0, time.Time{}
	rules, err := json.Marshal(body)
	if err != nil {
		return Adjustments{}, err
	}
	now := s.now()
	row := adjustmentRow{EmployeeID: employeeID, Rules: string(rules), EffectiveFrom: datePtr(a.EffectiveFrom),
		EffectiveTo: datePtr(a.EffectiveTo), ReviewDate: datePtr(a.ReviewDate), Version: 1, UpdatedBy: by.ID, UpdatedAt: now}
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// New rules wait for any assignment of this person being checked
		// against the old ones, and the next is checked against these.
		if err := lockPeople(tx, employeeID); err != nil {
			return err
		}
		var cur adjustmentRow
		err := tx.Where("employee_id = ?", employeeID).Take(&cur).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if a.Version != 0 {
				return errs.E(errs.Conflict, "These adjustments were removed while you were editing. Reload and try again.")
			}
			if err := tx.Create(&row).Error; err != nil {
				if database.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "Someone else saved adjustments for this person at the same moment. Reload and try again.")
				}
				return err
			}
			return nil
		}
		if err != nil {
			return err
		}
		if a.Version != cur.Version {
			return errs.E(errs.Conflict, "Someone else changed these adjustments while you were editing. Reload and try again.")
		}
		res := tx.Model(&adjustmentRow{}).Where("employee_id = ? AND version = ?", employeeID, cur.Version).Updates(map[string]any{
			"rules": row.Rules, "effective_from": row.EffectiveFrom, "effective_to": row.EffectiveTo, "review_date": row.ReviewDate,
			"version": gorm.Expr("version + 1"), "updated_by": by.ID, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone else changed these adjustments while you were editing. Reload and try again.")
		}
		return nil
	})
	if err != nil {
		return Adjustments{}, err
	}
	s.notify(ctx, []string{p.ID}, "Your agreed adjustments were updated",
		"Your agreed adjustments have been updated. You can read them under Availability and adjustments.", "/rota/adjustments")
	all, err := s.adjustments(s.cfg.DB.WithContext(ctx), []string{employeeID})
	return all[employeeID], err
}

// Explain lists each rule in an employee's adjustments in plain words.
func (a Adjustments) Explain() []string {
	var out []string
	if a.Unreadable {
		out = append(out, "These adjustments could not be read. Nobody can be assigned to this person until they are saved again.")
	}
	if a.EarliestStart != "" {
		out = append(out, "No starts before "+a.EarliestStart+".")
	}
	if a.LatestFinish != "" {
		out = append(out, "No finishes after "+a.LatestFinish+".")
	}
	if a.MaxShiftMinutes > 0 {
		out = append(out, "Shifts of at most "+hm(a.MaxShiftMinutes)+".")
	}
	if a.MaxDayMinutes > 0 {
		out = append(out, "At most "+hm(a.MaxDayMinutes)+" a day.")
	}
	if a.MaxWeekMinutes > 0 {
		out = append(out, "At most "+hm(a.MaxWeekMinutes)+" a week.")
	}
	if len(a.DaysNeverWorked) > 0 {
		out = append(out, "Never on "+strings.Join(a.DaysNeverWorked, ", ")+".")
	}
	if a.NoNights {
		out = append(out, "No night work (23:00–06:00).")
	}
	if len(a.WorkWith) > 0 {
		out = append(out, "Works with a named colleague.")
	} else if a.NotAlone {
		out = append(out, "Does not work alone.")
	}
	if len(a.FixedSites) > 0 {
		out = append(out, fmt.Sprintf("Fixed sites only (%d).", len(a.FixedSites)))
	}
	if a.MinNoticeDays > 0 {
		out = append(out, fmt.Sprintf("At least %d days' notice of new or changed shifts.", a.MinNoticeDays))
	}
	if a.MaxConsecutiveDays > 0 {
		out = append(out, fmt.Sprintf("At most %d days in a row.", a.MaxConsecutiveDays))
	}
	if a.MinBreakMinutes > 0 {
		out = append(out, fmt.Sprintf("A break of at least %d minutes in shifts over %s.", a.MinBreakMinutes, hm(a.BreakAfterMinutes)))
	}
	for _, p := range a.PhasedReturn {
		out = append(out, "Phased return: up to "+hm(p.MaxWeekMinutes)+" a week from "+dateText(p.From)+".")
	}
	switch a.BenefitCap {
	case PermittedWork:
		out = append(out, "Benefit cap: ESA permitted work (hours and earnings).")
	case SupportedPermittedWork:
		out = append(out, "Benefit cap: ESA supported permitted work (earnings).")
	}
	return out
}
