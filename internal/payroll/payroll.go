// Package payroll turns worked shifts into pay: clocking in and out from a
// phone, supervisor attendance and corrections, absences (dates and a type,
// never a reason), pay rates with effective dates checked against the
// statutory minimum and the organisation's policy floor, timesheets and
// their approval, pay periods, holiday accrual, SSP indicators, the
// permitted-work monitor, PDF timesheets and the payroll export.
//
// It never imports internal/wellbeing. It learns about shifts through
// Shifts, an interface it defines and internal/app satisfies over the rota;
// it tells the rota about rates, permitted work and leave through
// HourlyRatesFor, PermittedWorkOn and AbsentDaysFor (many employees at
// once; HourlyRate, PermittedWork and AbsentDays answer for one).
package payroll

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is this package's schema.
var Migrations = database.Migrations{Name: "payroll", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// ShiftRef is what payroll needs to know about a shift on the rota.
type ShiftRef struct {
	ID         string
	EmployeeID string // "" when nobody is assigned
	SiteID     string
	SiteName   string
	Start, End time.Time
	// BreakMinutes is the unpaid break the rota planned; -1 lets the
	// payroll policy decide (20 minutes on a shift over 6 hours).
	BreakMinutes int
	Cancelled    bool
}

// Shifts is the rota as payroll sees it. Shift returns an error with code
// errs.NotFound for an unknown shift.
type Shifts interface {
	Shift(ctx context.Context, id string) (ShiftRef, error)
	AssignedShifts(ctx context.Context, from, to time.Time, employeeID string) ([]ShiftRef, error)
}

// People is the employee directory payroll reads names, works numbers and
// birth dates from.
type People interface {
	Get(ctx context.Context, id string) (people.Person, error)
	Employees(ctx context.Context) ([]people.Person, error)
	Names(ctx context.Context, ids []string) (map[string]string, error)
}

var (
	// ErrEmployeeNotFound is returned for an unknown employee, or one the caller may not see.
	ErrEmployeeNotFound = errs.E(errs.NotFound, "There is no such employee.")
	// ErrShiftNotFound is returned for an unknown shift, or one that is not the caller's.
	ErrShiftNotFound = errs.E(errs.NotFound, "There is no such shift.")
	// ErrTimesheetNotFound is returned for an unknown timesheet.
	ErrTimesheetNotFound = errs.E(errs.NotFound, "There is no such timesheet.")
)

// Service is the payroll use cases.
type Service struct {
	db          *gorm.DB
	now         func() time.Time
	people      People
	shifts      Shifts
	cal         Calendar
	policyFloor money.Pence
	rolledUp    bool
	clockWindow time.Duration
	org         config.Organisation
	unpaidBreak bool
	// cancellations are the rota's short-notice cancellations (nil: none).
	cancellations Cancellations
	// leaveRota and notifier serve leave requests (leave.go; nil: approval
	// records the absence only, and nobody is told).
	leaveRota LeaveRota
	notifier  Notifier
	// queryNotifier and supervisors carry hours queries (myhours.go); nil: stored only.
	queryNotifier QueryNotifier
	supervisors   Supervisors
}

// Config configures a Service.
type Config struct {
	DB     *gorm.DB
	Now    func() time.Time
	People People
	// Shifts may be nil until the rota is wired: clocking then finds no shifts.
	Shifts          Shifts
	PayPeriod       string
	PayPeriodAnchor string
	PolicyPayFloor  money.Pence
	RolledUpHoliday bool
	ClockWindow     time.Duration
	Org             config.Organisation
	// UnpaidBreaks deducts the rota's planned break from paid time; when
	// false (the default) rest breaks are paid working time.
	UnpaidBreaks bool
}

// NewService builds the service; a bad pay-period setting is an error.
func NewService(c Config) (*Service, error) {
	if c.PayPeriod == "" {
		c.PayPeriod = Monthly
	}
	cal, err := NewCalendar(c.PayPeriod, c.PayPeriodAnchor)
	if err != nil {
		return nil, err
	}
	if c.ClockWindow <= 0 {
		c.ClockWindow = 30 * time.Minute
	}
	return &Service{
		db: c.DB, now: c.Now, people: c.People, shifts: c.Shifts, cal: cal,
		policyFloor: c.PolicyPayFloor, rolledUp: c.RolledUpHoliday, clockWindow: c.ClockWindow, org: c.Org, unpaidBreak: c.UnpaidBreaks,
	}, nil
}

// deductedBreak is the unpaid break to take off a shift whose rota break
// is b (-1: the rota named none, the 20-minute rule decides).
func (s *Service) deductedBreak(b int) int {
	if !s.unpaidBreak {
		return 0
	}
	if b < 0 {
		return -1
	}
	return b
}

// SetShifts wires the rota once it exists (internal/app).
func (s *Service) SetShifts(sh Shifts) { s.shifts = sh }

// employee returns a person who holds the employee role.
func (s *Service) employee(ctx context.Context, id string) (people.Person, error) {
	if !database.ValidID(id) {
		return people.Person{}, ErrEmployeeNotFound
	}
	p, err := s.people.Get(ctx, id)
	if errors.Is(err, people.ErrNotFound) {
		return people.Person{}, ErrEmployeeNotFound
	}
	if err != nil {
		return people.Person{}, err
	}
	if p.Employee == nil || !p.Has(auth.Employee) {
		return people.Person{}, ErrEmployeeNotFound
	}
	return p, nil
}

// canSeeEmployee: employees see only themselves; supervisors and finance
// see everyone. Anyone else gets 404.
func canSeeEmployee(p auth.Principal, employeeID string) bool {
	if p.HasAny(auth.Supervisor, auth.Finance) {
		return true
	}
	return p.Has(auth.Employee) && p.IsSelf(employeeID)
}

// seesPay: pay rates and money are for finance, and for an employee's own records.
func seesPay(p auth.Principal, employeeID string) bool {
	return p.Has(auth.Finance) || (p.Has(auth.Employee) && p.IsSelf(employeeID))
}
