package wellbeing

import (
	"time"

	"github.com/goodshift/goodshift/internal/civil"
)

type caseloadRow struct {
	SupportWorkerID string `gorm:"primaryKey"`
	EmployeeID      string `gorm:"primaryKey"`
	CreatedAt       time.Time
}

func (caseloadRow) TableName() string { return "wellbeing_caseloads" }

type planRow struct {
	EmployeeID   string `gorm:"primaryKey"`
	Version      int
	Content      string // ciphertext of the sections (JSON)
	Summary      string // ciphertext of the supervisor summary
	ShareSummary bool
	UpdatedBy    string
	UpdatedAt    time.Time
}

func (planRow) TableName() string { return "wellbeing_plans" }

type planVersionRow struct {
	ID           string `gorm:"primaryKey"`
	EmployeeID   string
	Version      int
	Content      string
	Summary      string
	ShareSummary bool
	SavedBy      string
	SavedByName  string
	SavedAt      time.Time
}

func (planVersionRow) TableName() string { return "wellbeing_plan_versions" }

type noteRow struct {
	ID         string `gorm:"primaryKey"`
	EmployeeID string
	AuthorID   string
	AuthorName string
	NoteDate   civil.Date
	Kind       string
	Body       string // ciphertext
	CorrectsID *string
	CreatedAt  time.Time
}

func (noteRow) TableName() string { return "wellbeing_notes" }

type accessRow struct {
	ID         string `gorm:"primaryKey"`
	EmployeeID string
	ActorID    string
	ActorName  string
	ActorRole  string
	Action     string
	What       string
	At         time.Time
}

func (accessRow) TableName() string { return "wellbeing_access_log" }

type flexRow struct {
	ID                   string `gorm:"primaryKey"`
	EmployeeID           string
	Kind                 string
	FromDate             civil.Date
	ToDate               civil.Date
	MaxWeeklyMinutes     int
	EarliestStartMinutes int
	EarlyWarningActionID string
	ReleasedShifts       int
	RotaNotified         bool
	CreatedBy            string
	CreatedAt            time.Time
	EndedAt              *time.Time
}

func (flexRow) TableName() string { return "wellbeing_flex_periods" }

// Additional data binding each ciphertext to its place.
func planAAD(employeeID, field string) string { return "wellbeing_plans/" + employeeID + "/" + field }
func versionAAD(id, field string) string      { return "wellbeing_plan_versions/" + id + "/" + field }
func noteAAD(id string) string                { return "wellbeing_notes/" + id + "/body" }
