package rota

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Availability is when an employee usually can work, and the one-off dates
// they cannot. An empty week means "any time".
type Availability struct {
	Weekly      []Window     `json:"weekly"`
	Unavailable []civil.Date `json:"unavailable"`
	Version     int          `json:"version"`
	// Unreadable is set when the stored availability could not be decoded:
	// the person is then placed on no shift (rule "unreadable") until it is
	// saved again. Ignored when sent.
	Unreadable bool `json:"unreadable,omitempty"`
}

// Window is a usual time on a day of the week, site-local ("07:00"–"15:00").
type Window struct {
	Day  string `json:"day"` // "monday"
	From string `json:"from"`
	To   string `json:"to"`
	// Preference is how the person feels about working then: "" (happy
	// to), WouldLike or RatherNot. It never stops a shift (the window
	// does); the planner gives hours at times people would like first.
	Preference string `json:"preference,omitempty"`
}

// Window preferences.
const (
	WouldLike = "would_like"
	RatherNot = "rather_not"
)

// preferenceFor is the preference of the window a shift falls in: "" when
// none says anything (or the person set no windows).
func (a Availability) preferenceFor(w Work) string {
	day := weekdays[w.Date().Weekday()]
	start := localMinutes(w.Start)
	end := start + w.RealMinutes()
	for _, win := range a.Weekly {
		if win.Day != day || win.Preference == "" {
			continue
		}
		from, _ := parseClock(win.From)
		to, ok := parseClock(win.To)
		if !ok {
			to = 24 * 60
		}
		if start < to && end > from {
			if win.Preference == RatherNot {
				return RatherNot // any overlap with a time they would rather not
			}
			if start >= from && end <= to {
				return WouldLike
			}
		}
	}
	return ""
}

// wouldLikeAny says whether the person marked any time they would like.
func (a Availability) wouldLikeAny() bool {
	return slices.ContainsFunc(a.Weekly, func(w Window) bool { return w.Preference == WouldLike })
}

func (a *Availability) normalise(today civil.Date) []errs.FieldError {
	var bad []errs.FieldError
	for i := range a.Weekly {
		w := &a.Weekly[i]
		w.Day = strings.ToLower(strings.TrimSpace(w.Day))
		f, ok1 := parseClock(w.From)
		t, ok2 := parseClock(w.To)
		if w.To == "24:00" {
			t, ok2 = 24*60, true
		}
		if !slices.Contains(weekdays, w.Day) || !ok1 || !ok2 || t <= f {
			bad = append(bad, errs.FieldError{Field: "weekly", Message: "each window needs a day (monday…sunday) and from/to times like 07:00 and 15:00, from before to"})
			break
		}
		if w.Preference != "" && w.Preference != WouldLike && w.Preference != RatherNot {
			bad = append(bad, errs.FieldError{Field: "weekly", Message: "a window's preference is would_like, rather_not or empty"})
			break
		}
	}
	if len(a.Weekly) > 28 {
		bad = append(bad, errs.FieldError{Field: "weekly", Message: "has at most 28 windows"})
	}
	var dates []civil.Date
	for _, d := range a.Unavailable {
		if d.IsZero() {
			continue
		}
		if !d.Before(today.AddDays(-1)) {
			dates = append(dates, d) // past dates drop off
		}
	}
	slices.SortFunc(dates, civil.Date.Compare)
	a.Unavailable = slices.Compact(dates)
	if len(a.Unavailable) > 366 {
		bad = append(bad, errs.FieldError{Field: "unavailable", Message: "has at most 366 dates"})
	}
	if a.Weekly == nil {
		a.Weekly = []Window{}
	}
	if a.Unavailable == nil {
		a.Unavailable = []civil.Date{}
	}
	return bad
}

type availabilityRow struct {
	EmployeeID  string `gorm:"primaryKey"`
	Weekly      string
	Unavailable string
	Version     int
	UpdatedAt   time.Time
}

func (availabilityRow) TableName() string { return "availability" }

// availability decodes the row. What does not decode is returned as
// Unreadable, with the error for the log: never as "any time".
func (r availabilityRow) availability() (Availability, error) {
	a := Availability{Version: r.Version}
	err := errors.Join(json.Unmarshal([]byte(r.Weekly), &a.Weekly), json.Unmarshal([]byte(r.Unavailable), &a.Unavailable))
	if err != nil {
		a = Availability{Version: r.Version, Unreadable: true}
	}
	if a.Weekly == nil {
		a.Weekly = []Window{}
	}
	if a.Unavailable == nil {
		a.Unavailable = []civil.Date{}
	}
	return a, err
}

func (s *Service) availabilities(db *gorm.DB, ids []string) (map[string]Availability, error) {
	var rows []availabilityRow
	q := db
	if ids != nil {
		q = q.Where("employee_id IN ?", ids)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]Availability, len(rows))
	for _, r := range rows {
		a, err := r.availability()
		if err != nil {
			s.cfg.Logger.ErrorContext(db.Statement.Context, "stored availability could not be read; nobody can be assigned to this person until it is saved again",
				"employee_id", r.EmployeeID, "error", err.Error())
		}
		out[r.EmployeeID] = a
	}
	return out, nil
}

// AvailabilityOf returns an employee's availability (supervisors see it on
// the board; employees their own).
func (s *Service) AvailabilityOf(ctx context.Context, employeeID string) (Availability, error) {
	all, err := s.availabilities(s.cfg.DB.WithContext(ctx), []string{employeeID})
	if err != nil {
		return Availability{}, err
	}
	a, ok := all[employeeID]
	if !ok {
		return Availability{Weekly: []Window{}, Unavailable: []civil.Date{}}, nil
	}
	return a, nil
}

// SetAvailability replaces an employee's own availability. Send the version
// you read (0 the first time).
func (s *Service) SetAvailability(ctx context.Context, employeeID string, a Availability) (Availability, error) {
	a.Unreadable = false
	if bad := a.normalise(civil.In(s.now(), civil.London)); len(bad) > 0 {
		return Availability{}, errs.Fields(bad...)
	}
	weekly, _ := json.Marshal(a.Weekly)
	dates, _ := json.Marshal(a.Unavailable)
	now := s.now()
	conflict := errs.E(errs.Conflict, "Your availability changed on another device. Reload and try again.")
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockPeople(tx, employeeID); err != nil {
			return err
		}
		var cur availabilityRow
		err := tx.Where("employee_id = ?", employeeID).Take(&cur).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			err := tx.Create(&availabilityRow{EmployeeID: employeeID, Weekly: string(weekly), Unavailable: string(dates), Version: 1, UpdatedAt: now}).Error
			if database.IsUniqueViolation(err) {
				return conflict
			}
			return err
		}
		if err != nil {
			return err
		}
		if a.Version != 0 && a.Version != cur.Version {
			return conflict
		}
		res := tx.Model(&availabilityRow{}).Where("employee_id = ? AND version = ?", employeeID, cur.Version).Updates(map[string]any{
			"weekly": string(weekly), "unavailable": string(dates), "version": gorm.Expr("version + 1"), "updated_at": now,
		})
		if res.Error == nil && res.RowsAffected == 0 {
			return conflict
		}
		return res.Error
	})
	if err != nil {
		return Availability{}, err
	}
	return s.AvailabilityOf(ctx, employeeID)
}

func ruleAvailability(f Facts) []Violation {
	av := f.Person.Availability
	name := f.Person.FirstName()
	for _, d := range f.Shift.days() {
		if slices.Contains(av.Unavailable, d) {
			return []Violation{hard("availability", "%s said they cannot work on %s.", name, dateText(d))}
		}
	}
	if len(av.Weekly) == 0 {
		return nil
	}
	day := weekdays[f.Shift.Date().Weekday()]
	start := localMinutes(f.Shift.Start)
	end := start + f.Shift.RealMinutes()
	var times []string
	for _, w := range av.Weekly {
		if w.Day != day {
			continue
		}
		from, _ := parseClock(w.From)
		to, ok := parseClock(w.To)
		if !ok {
			to = 24 * 60
		}
		if start >= from && end <= to {
			return nil
		}
		times = append(times, w.From+"–"+w.To)
	}
	if len(times) == 0 {
		return []Violation{soft("availability", "%s is not usually available on %ss. Ask them first.", name, title(day))}
	}
	return []Violation{soft("availability", "%s is usually available on %ss %s only; this shift is %s–%s. Ask them first.",
		name, title(day), strings.Join(times, ", "), clock(f.Shift.Start), clock(f.Shift.End))}
}
