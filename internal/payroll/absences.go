package payroll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Absence types. An absence is dates and a type: never a reason or a
// condition (DESIGN.md rule 1).
const (
	Holiday    = "holiday"
	Sick       = "sick"
	Unpaid     = "unpaid"
	Authorised = "authorised"
)

// AbsenceTypes in the order forms show them.
var AbsenceTypes = []string{Holiday, Sick, Unpaid, Authorised}

// Absence is a run of days away from work.
type Absence struct {
	ID         string     `json:"id"`
	EmployeeID string     `json:"employee_id"`
	Type       string     `json:"type"`
	From       civil.Date `json:"from"`
	To         civil.Date `json:"to"`
	// PaidMinutesPerDay is holiday paid for each day (irregular hours:
	// taken from the accrued holiday). Zero for other types.
	PaidMinutesPerDay int       `json:"paid_minutes_per_day"`
	RecordedBy        string    `json:"recorded_by"`
	CreatedAt         time.Time `json:"created_at"`
}

func (r absenceRow) absence() Absence {
	return Absence{ID: r.ID, EmployeeID: r.EmployeeID, Type: r.Kind, From: r.StartDate, To: r.EndDate,
		PaidMinutesPerDay: r.PaidMinutes, RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt}
}

// Days is the number of calendar days in the absence.
func (a Absence) Days() int { return a.From.DaysUntil(a.To) + 1 }

// AbsenceInput records an absence. There is deliberately no reason field.
type AbsenceInput struct {
	Type              string     `json:"type"`
	From              civil.Date `json:"from"`
	To                civil.Date `json:"to"`
	PaidMinutesPerDay int        `json:"paid_minutes_per_day"`
}

// RecordAbsence adds an absence. Overlapping an existing absence is a conflict.
func (s *Service) RecordAbsence(ctx context.Context, by auth.Principal, employeeID string, in AbsenceInput) (Absence, error) {
	if _, err := s.employee(ctx, employeeID); err != nil {
		return Absence{}, err
	}
	var bad []errs.FieldError
	switch in.Type {
	case Holiday, Sick, Unpaid, Authorised:
	default:
		bad = append(bad, errs.FieldError{Field: "type", Message: "must be holiday, sick, unpaid or authorised"})
	}
	if in.From.IsZero() {
		bad = append(bad, errs.FieldError{Field: "from", Message: "is required, like 2026-11-30"})
	}
	if in.To.IsZero() {
		in.To = in.From
	}
	if !in.From.IsZero() && in.To.Before(in.From) {
		bad = append(bad, errs.FieldError{Field: "to", Message: "is before from"})
	} else if !in.From.IsZero() && in.From.DaysUntil(in.To) > 365 {
		bad = append(bad, errs.FieldError{Field: "to", Message: "must be within a year of from"})
	}
	if in.PaidMinutesPerDay < 0 || in.PaidMinutesPerDay > 12*60 {
		bad = append(bad, errs.FieldError{Field: "paid_minutes_per_day", Message: "must be between 0 and 720"})
	} else if in.PaidMinutesPerDay > 0 && in.Type != Holiday {
		bad = append(bad, errs.FieldError{Field: "paid_minutes_per_day", Message: "is only for holiday"})
	}
	if len(bad) > 0 {
		return Absence{}, errs.Fields(bad...)
	}
	row := absenceRow{ID: database.NewID(), EmployeeID: employeeID, Kind: in.Type, StartDate: in.From, EndDate: in.To,
		PaidMinutes: in.PaidMinutesPerDay, RecordedBy: by.Name, CreatedAt: s.now().UTC()}
	// Sickness recorded over rostered shifts sends them back to the open
	// pool in the same transaction (the person locked first), and the
	// supervisors are offered a plan to cover them (leave.go).
	releases := in.Type == Sick && s.leaveRota != nil
	var released []string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		released = nil
		if releases {
			if err := database.LockPeople(tx, employeeID); err != nil {
				return err
			}
		}
		if err := s.refuseIfClosed(ctx, tx, in.From, "an absence"); err != nil {
			return err
		}
		var clash []absenceRow
		if err := tx.Where("employee_id = ? AND start_date <= ? AND end_date >= ?", employeeID, in.To, in.From).Limit(1).Find(&clash).Error; err != nil {
			return err
		}
		if len(clash) > 0 {
			c := clash[0]
			return errs.E(errs.Conflict, "An absence (%s, %s to %s) is already recorded on some of these days; remove it first.", c.Kind, c.StartDate, c.EndDate)
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if releases {
			var err error
			released, err = s.leaveRota.ReleaseIn(tx, employeeID, in.From, in.To)
			return err
		}
		return nil
	})
	if err != nil {
		return Absence{}, err
	}
	if s.leaveRota != nil {
		s.leaveRota.Away(ctx, employeeID)
	}
	if len(released) > 0 {
		name := "Someone"
		if names, err := s.names(ctx, []string{employeeID}); err == nil && names[employeeID] != "" {
			name = names[employeeID]
		}
		s.leaveRota.Released(ctx, "Shifts to cover: absence recorded",
			fmt.Sprintf("%s is away on %s. %d shift(s) went back to the open pool.", name, datesText(in.From, in.To), len(released)), released)
	}
	return row.absence(), nil
}

// DeleteAbsence removes an absence recorded in error (not in a closed period).
func (s *Service) DeleteAbsence(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row absenceRow
		err := tx.Where("id = ?", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errs.E(errs.NotFound, "There is no such absence.")
		}
		if err != nil {
			return err
		}
		if err := s.refuseIfClosed(ctx, tx, row.StartDate, "an absence"); err != nil {
			return err
		}
		return tx.Where("id = ?", id).Delete(&absenceRow{}).Error
	})
}

// Absences lists an employee's absences overlapping [from, to] (zero
// dates: unbounded), newest first. The caller must be allowed to see them.
func (s *Service) Absences(ctx context.Context, by auth.Principal, employeeID string, from, to civil.Date) ([]Absence, error) {
	if !canSeeEmployee(by, employeeID) {
		return nil, ErrEmployeeNotFound
	}
	if _, err := s.employee(ctx, employeeID); err != nil {
		return nil, err
	}
	rows, err := s.absenceRows(ctx, s.db, []string{employeeID}, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]Absence, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.absence()
	}
	return out, nil
}

func (s *Service) absenceRows(ctx context.Context, db *gorm.DB, employeeIDs []string, from, to civil.Date) ([]absenceRow, error) {
	q := db.WithContext(ctx).Order("employee_id, start_date")
	if employeeIDs != nil {
		if len(employeeIDs) == 0 {
			return nil, nil
		}
		q = q.Where("employee_id IN ?", employeeIDs)
	}
	if !from.IsZero() {
		q = q.Where("end_date >= ?", from)
	}
	if !to.IsZero() {
		q = q.Where("start_date <= ?", to)
	}
	var rows []absenceRow
	return rows, q.Find(&rows).Error
}

// AbsentDays is every date in [from, to] on which the employee has an
// absence recorded, in order. The rota uses it to keep people off shifts
// while they are on leave or off sick.
func (s *Service) AbsentDays(ctx context.Context, employeeID string, from, to civil.Date) ([]civil.Date, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("payroll: AbsentDays from %s after to %s", from, to)
	}
	rows, err := s.absenceRows(ctx, s.db, []string{employeeID}, from, to)
	if err != nil {
		return nil, err
	}
	return absentDays(rows, from, to), nil
}

// AbsentDaysFor is AbsentDays for many employees in one query (a few for
// very long lists): the rota ranks everyone for a shift at once. Employees
// with no absence in [from, to] are left out of the map.
func (s *Service) AbsentDaysFor(ctx context.Context, employeeIDs []string, from, to civil.Date) (map[string][]civil.Date, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("payroll: AbsentDaysFor from %s after to %s", from, to)
	}
	byEmployee := map[string][]absenceRow{}
	for chunk := range slices.Chunk(employeeIDs, 500) {
		rows, err := s.absenceRows(ctx, s.db, chunk, from, to)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			byEmployee[r.EmployeeID] = append(byEmployee[r.EmployeeID], r)
		}
	}
	out := make(map[string][]civil.Date, len(byEmployee))
	for id, rows := range byEmployee {
		if days := absentDays(rows, from, to); len(days) > 0 {
			out[id] = days
		}
	}
	return out, nil
}

// absentDays is every date in [from, to] covered by one employee's rows, in order.
func absentDays(rows []absenceRow, from, to civil.Date) []civil.Date {
	seen := map[civil.Date]bool{}
	var out []civil.Date
	for _, r := range rows {
		for d := maxDate(r.StartDate, from); !d.After(r.EndDate) && !d.After(to); d = d.AddDays(1) {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

func maxDate(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}
