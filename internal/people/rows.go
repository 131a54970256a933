package people

import (
	"time"

	"github.com/goodshift/goodshift/internal/civil"
)

type personRow struct {
	ID           string `gorm:"primaryKey"`
	Name         string
	Email        string
	PasswordHash string
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (personRow) TableName() string { return "people" }

type roleRow struct {
	PersonID string `gorm:"primaryKey"`
	Role     string `gorm:"primaryKey"`
}

func (roleRow) TableName() string { return "person_roles" }

type employeeRow struct {
	PersonID                 string `gorm:"primaryKey"`
	WorksNumber              string
	StartDate                civil.Date
	EndDate                  civil.Date
	DateOfBirth              civil.Date
	ContractType             string
	ContractedMinutesPerWeek int
	CreatedAt                time.Time
	UpdatedAt                time.Time
}

func (employeeRow) TableName() string { return "employees" }

func employeeRowFrom(id string, e Employee, now time.Time) *employeeRow {
	return &employeeRow{
		PersonID: id, WorksNumber: e.WorksNumber, StartDate: e.StartDate, EndDate: e.EndDate,
		DateOfBirth: e.DateOfBirth, ContractType: e.ContractType, ContractedMinutesPerWeek: e.ContractedMinutesPerWeek,
		CreatedAt: now, UpdatedAt: now,
	}
}

type sessionRow struct {
	ID         string `gorm:"primaryKey"`
	TokenHash  string
	PersonID   string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }
