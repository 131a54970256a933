package payroll

import (
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

type payRateRow struct {
	ID            string `gorm:"primaryKey"`
	EmployeeID    string
	EffectiveFrom civil.Date
	HourlyPence   money.Pence
	Apprentice    bool
	SetBy         string
	CreatedAt     time.Time
}

func (payRateRow) TableName() string { return "pay_rates" }

type absenceRow struct {
	ID          string `gorm:"primaryKey"`
	EmployeeID  string
	Kind        string
	StartDate   civil.Date
	EndDate     civil.Date
	PaidMinutes int
	RecordedBy  string
	CreatedAt   time.Time
	// LeaveRequestID is the approved leave request that recorded it ("" if none).
	LeaveRequestID string
}

func (absenceRow) TableName() string { return "absences" }

type permittedWorkRow struct {
	EmployeeID        string `gorm:"primaryKey"`
	Benefit           string
	MaxWeeklyMinutes  int
	MaxWeeklyEarnings money.Pence
	StartDate         civil.Date
	EndDate           civil.Date
	SetBy             string
	UpdatedAt         time.Time
}

func (permittedWorkRow) TableName() string { return "permitted_work" }

type attendanceRow struct {
	ID             string `gorm:"primaryKey"`
	ShiftID        string
	EmployeeID     string
	SiteID         string
	SiteName       string
	ScheduledStart time.Time
	ScheduledEnd   time.Time
	BreakMinutes   int
	ClockIn        *time.Time
	ClockOut       *time.Time
	Status         string
	Source         string
	Corrected      bool
	WorkDate       civil.Date
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (attendanceRow) TableName() string { return "attendance" }

type correctionRow struct {
	ID            string `gorm:"primaryKey"`
	AttendanceID  string
	EmployeeID    string
	WorkDate      civil.Date
	OldStatus     string
	NewStatus     string
	OldClockIn    *time.Time
	OldClockOut   *time.Time
	NewClockIn    *time.Time
	NewClockOut   *time.Time
	OldBreak      int
	NewBreak      int
	Reason        string
	AfterApproval bool
	DeltaMinutes  int
	CorrectedBy   string
	CreatedAt     time.Time
}

func (correctionRow) TableName() string { return "attendance_corrections" }

type timesheetRow struct {
	ID              string `gorm:"primaryKey"`
	EmployeeID      string
	Period          string
	StartDate       civil.Date
	EndDate         civil.Date
	Status          string
	ApprovedBy      string
	ApprovedByName  string
	ApprovedAt      *time.Time
	ApprovedMinutes int
	Version         int
	CreatedAt       time.Time
}

func (timesheetRow) TableName() string { return "timesheets" }

type payPeriodRow struct {
	Period    string `gorm:"primaryKey"`
	StartDate civil.Date
	EndDate   civil.Date
	ClosedBy  string
	ClosedAt  time.Time
}

func (payPeriodRow) TableName() string { return "pay_periods" }
