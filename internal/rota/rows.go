package rota

import (
	"database/sql"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
)

type shiftRow struct {
	ID           string `gorm:"primaryKey"`
	SiteID       string
	VisitID      string
	Slot         int
	StartsAt     time.Time
	EndsAt       time.Time
	BreakMinutes int
	WorkMinutes  int
	Skills       string
	Notes        string
	Status       string
	EmployeeID   *string
	Flag         string
	CancelReason string
	Version      int
	PublishedAt  *time.Time // nil: a draft
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (shiftRow) TableName() string { return "shifts" }

func (r shiftRow) shift() Shift {
	s := Shift{
		ID: r.ID, SiteID: r.SiteID, VisitID: r.VisitID, Slot: r.Slot,
		Start: r.StartsAt.UTC(), End: r.EndsAt.UTC(), BreakMinutes: r.BreakMinutes, WorkMinutes: r.WorkMinutes,
		Skills: splitList(r.Skills), Notes: r.Notes, Status: r.Status, Flag: r.Flag, CancelReason: r.CancelReason,
		Version: r.Version, Published: r.PublishedAt != nil,
	}
	if r.EmployeeID != nil {
		s.EmployeeID = *r.EmployeeID
	}
	return s
}

type shiftEventRow struct {
	ID         string `gorm:"primaryKey"`
	ShiftID    string
	At         time.Time
	ActorID    string
	Kind       string
	EmployeeID string
	Detail     string
}

func (shiftEventRow) TableName() string { return "shift_events" }

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func newID() string { return database.NewID() }

func isUnique(err error) bool { return database.IsUniqueViolation(err) }

// shiftColumns are the columns findShiftRows reads, in its order.
const shiftColumns = "id, site_id, visit_id, slot, starts_at, ends_at, break_minutes, work_minutes, " +
	"skills, notes, status, employee_id, flag, cancel_reason, version, published_at"

// findShiftRows runs q, a query on shifts, and scans the rows by hand.
// Lists of shifts are the busiest reads (an employee's week, the board);
// GORM's reflection-based scan was the largest cost of serving one.
func findShiftRows(q *gorm.DB) ([]shiftRow, error) {
	rows, err := q.Model(&shiftRow{}).Select(shiftColumns).Rows()
	if err != nil {
		return nil, err
	}
	return scanShiftRows(rows)
}

// scanShiftRows reads rows of shiftColumns and closes rows.
func scanShiftRows(rows *sql.Rows) ([]shiftRow, error) {
	var out []shiftRow
	err := database.ScanEach(rows, func(rows *sql.Rows) error {
		var r shiftRow
		var emp sql.NullString
		if err := rows.Scan(&r.ID, &r.SiteID, &r.VisitID, &r.Slot, database.Instant{T: &r.StartsAt}, database.Instant{T: &r.EndsAt},
			&r.BreakMinutes, &r.WorkMinutes, &r.Skills, &r.Notes, &r.Status, &emp, &r.Flag, &r.CancelReason, &r.Version, nullInstant{&r.PublishedAt}); err != nil {
			return err
		}
		if emp.Valid {
			r.EmployeeID = &emp.String
		}

		out = append(out, r)
		return nil
	})
	return out, err
}
