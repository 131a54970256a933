package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

// Preferences are what a person wants pushed, when not, and whether they
// get the evening-before shift reminder at all (inbox, email and push).
type Preferences struct {
	Swaps, Shifts, Leave bool
	Reminders            bool
	// QuietStart and QuietEnd are minutes after midnight, London time, or
	// both -1 for no quiet hours; they may run over midnight.
	QuietStart, QuietEnd int
}

// DefaultPreferences: every kind on, no quiet hours, reminders on.
var DefaultPreferences = Preferences{Swaps: true, Shifts: true, Leave: true, Reminders: true, QuietStart: -1, QuietEnd: -1}

// Wants reports whether a notification of kind should be pushed.
func (p Preferences) Wants(kind string) bool {
	switch kind {
	case KindSwaps:
		return p.Swaps
	case KindShifts:
		return p.Shifts
	case KindLeave:
		return p.Leave
	case KindReminders:
		return p.Reminders
	}
	return false
}

// HasQuietHours reports whether quiet hours are set.
func (p Preferences) HasQuietHours() bool {
	return p.QuietStart >= 0 && p.QuietEnd >= 0 && p.QuietStart != p.QuietEnd
}

// QuietUntil reports whether now is inside the quiet hours and, if so, when
// they end.
func (p Preferences) QuietUntil(now time.Time) (time.Time, bool) {
	if !p.HasQuietHours() {
		return time.Time{}, false
	}
	m := londonMinutes(now)
	var quiet bool
	if p.QuietStart < p.QuietEnd {
		quiet = m >= p.QuietStart && m < p.QuietEnd
	} else {
		quiet = m >= p.QuietStart || m < p.QuietEnd
	}
	if !quiet {
		return time.Time{}, false
	}
	day := civil.In(now, civil.London)
	end := day.At(p.QuietEnd/60, p.QuietEnd%60, civil.London)
	if !end.After(now) {
		end = day.AddDays(1).At(p.QuietEnd/60, p.QuietEnd%60, civil.London)
	}
	return end, true
}

// Clock formats minutes after midnight as "22:00" ("" for none).
func Clock(minutes int) string {
	if minutes < 0 {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}

// ParseClock reads "22:00" or "7:30" as minutes after midnight.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

type preferencesRow struct {
	PersonID       string `gorm:"primaryKey"`
	PushSwaps      bool
	PushShifts     bool
	PushLeave      bool
	ShiftReminders bool
	QuietStart     *int
	QuietEnd       *int
	UpdatedAt      time.Time
}

func (preferencesRow) TableName() string { return "notification_preferences" }

func (r preferencesRow) preferences() Preferences {
	p := Preferences{Swaps: r.PushSwaps, Shifts: r.PushShifts, Leave: r.PushLeave, Reminders: r.ShiftReminders, QuietStart: -1, QuietEnd: -1}
	if r.QuietStart != nil && r.QuietEnd != nil {
		p.QuietStart, p.QuietEnd = *r.QuietStart, *r.QuietEnd
	}
	return p
}

// preferencesIn reads the preferences of ids on db (a transaction or not);
// everyone is in the map, with the defaults when they chose nothing.
func preferencesIn(ctx context.Context, db *gorm.DB, ids []string) (map[string]Preferences, error) {
	out := make(map[string]Preferences, len(ids))
	for _, id := range ids {
		out[id] = DefaultPreferences
	}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []preferencesRow
	if err := db.WithContext(ctx).Where("person_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.PersonID] = r.preferences()
	}
	return out, nil
}

// PreferencesOf is a person's preferences.
func (s *Service) PreferencesOf(ctx context.Context, personID string) (Preferences, error) {
	m, err := preferencesIn(ctx, s.cfg.DB, []string{personID})
	return m[personID], err
}

// SetPreferences saves a person's preferences. Quiet hours need both ends,
// different from each other.
func (s *Service) SetPreferences(ctx context.Context, personID string, p Preferences) error {
	r := preferencesRow{PersonID: personID, PushSwaps: p.Swaps, PushShifts: p.Shifts, PushLeave: p.Leave, ShiftReminders: p.Reminders, UpdatedAt: s.cfg.Now().UTC()}
	switch {
	case p.QuietStart < 0 && p.QuietEnd < 0:
	case p.QuietStart < 0 || p.QuietEnd < 0 || p.QuietStart >= 24*60 || p.QuietEnd >= 24*60:
		return errs.E(errs.Invalid, "Give both the start and the end of your quiet hours, or neither.")
	case p.QuietStart == p.QuietEnd:
		return errs.E(errs.Invalid, "Quiet hours must start and end at different times.")
	default:
		qs, qe := p.QuietStart, p.QuietEnd
		r.QuietStart, r.QuietEnd = &qs, &qe
	}
	return s.cfg.DB.WithContext(ctx).Save(&r).Error
}

// RemindersOff reports which of employeeIDs turned the evening-before
// shift reminder off (internal/rota asks before it queues reminders).
func (s *Service) RemindersOff(ctx context.Context, employeeIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(employeeIDs) == 0 {
		return out, nil
	}
	var ids []string
	if err := s.cfg.DB.WithContext(ctx).Model(&preferencesRow{}).Where("person_id IN ? AND shift_reminders = ?", employeeIDs, false).
		Pluck("person_id", &ids).Error; err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
