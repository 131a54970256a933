package rota

import (
	"github.com/goodshift/goodshift/internal/database"
	"strings"
	"time"
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
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (shiftRow) TableName() string { return "shifts" }

func (r shiftRow) shift() Shift {
	s := Shift{
		ID: r.ID, SiteID: r.SiteID, VisitID: r.VisitID, Slot: r.Slot,
		Start: r.StartsAt.UTC(), End: r.EndsAt.UTC(), BreakMinutes: r.BreakMinutes, WorkMinutes: r.WorkMinutes,
		Skills: splitList(r.Skills), Notes: r.Notes, Status: r.Status, Flag: r.Flag, CancelReason: r.CancelReason,
		Version: r.Version,
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
