// Package rota plans who works where and when: shifts at client sites, the
// rules engine that respects each employee's agreed adjustments and the law,
// assignment, swaps, open shifts and claims, availability, and calendar
// feeds.
//
// The rota never imports contracts (it must not see prices) or wellbeing (it
// must not see a reason). It learns what it needs through the small
// interfaces below, which internal/app satisfies.
package rota

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is this package's schema (after people).
var Migrations = database.Migrations{Name: "rota", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Site is a place shifts happen, as the rota needs it.
type Site struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ClientName  string `json:"client_name"`
	Address     string `json:"address"`
	Postcode    string `json:"postcode"`
	AccessNotes string `json:"access_notes"`
	TimeZone    string `json:"time_zone"`
}

// Location is the site's time zone (Europe/London when unknown).
func (s Site) Location() *time.Location {
	if s.TimeZone != "" && s.TimeZone != "Europe/London" {
		if loc, err := time.LoadLocation(s.TimeZone); err == nil {
			return loc
		}
	}
	return civil.London
}

// Sites tells the rota about sites. internal/app adapts contracts to it.
type Sites interface {
	Site(ctx context.Context, id string) (Site, error)
	Sites(ctx context.Context) ([]Site, error)
}

// PayInfo tells the rota employees' hourly rates and permitted-work limits
// (payroll satisfies it, through internal/app). The rota uses a rate only to
// estimate weekly earnings against a benefit cap; it never shows it. Each
// call answers for many employees at once (ranking candidates asks about
// everyone); employees with nothing to say are left out of the map.
type PayInfo interface {
	// HourlyRates is each employee's hourly rate on a date.
	HourlyRates(ctx context.Context, employeeIDs []string, on civil.Date) (map[string]money.Pence, error)
	// PermittedWork is each employee's permitted-work limits on a date.
	PermittedWork(ctx context.Context, employeeIDs []string, on civil.Date) (map[string]WeeklyLimits, error)
}

// WeeklyLimits are permitted-work limits for a week. A zero limit means no
// limit on that measure.
type WeeklyLimits struct {
	Minutes  int
	Earnings money.Pence
}

// Leave tells the rota the days employees are away (approved leave,
// sickness) between two dates, inclusive: dates only, never a reason.
// Employees with no such day are left out of the map.
type Leave interface {
	AbsentDays(ctx context.Context, employeeIDs []string, from, to civil.Date) (map[string][]civil.Date, error)
}

// TemporaryLimit is a temporary change to when someone can work, agreed
// elsewhere (a flex period in a wellness plan). It carries no reason.
type TemporaryLimit struct {
	From     civil.Date `json:"from"`
	To       civil.Date `json:"to"` // inclusive
	NoShifts bool       `json:"no_shifts"`
	// MaxWeeklyMinutes caps the hours in each week of the period (0 = no cap).
	MaxWeeklyMinutes int `json:"max_weekly_minutes"`
	// MaxShiftMinutes caps each shift in the period (0 = no cap).
	MaxShiftMinutes int `json:"max_shift_minutes"`
	// EarliestStartMinutes is the earliest local start in the period, in
	// minutes after midnight (0 = no limit).
	EarliestStartMinutes int `json:"earliest_start_minutes"`
}

// TemporaryLimits tells the rota about employees' temporary limits in force
// on any day between two dates, inclusive (wellbeing satisfies it). A nil
// TemporaryLimits means no limits; employees with none are left out of the
// map.
type TemporaryLimits interface {
	TemporaryLimits(ctx context.Context, employeeIDs []string, from, to civil.Date) (map[string][]TemporaryLimit, error)
}

// Caseload tells the rota whether a support worker supports an employee
// (support workers may read and write adjustments for their caseload only).
type Caseload interface {
	InCaseload(ctx context.Context, supportWorkerID, employeeID string) (bool, error)
}

// Notifier tells people about changes (internal/notify satisfies it). Nil
// means nobody is told.
type Notifier interface {
	Notify(ctx context.Context, personIDs []string, subject, body, link string) error
}

// People is what the rota needs to know about people.
type People interface {
	Get(ctx context.Context, id string) (people.Person, error)
	Employees(ctx context.Context) ([]people.Person, error)
	Names(ctx context.Context, ids []string) (map[string]string, error)
	List(ctx context.Context, f people.Filter) ([]people.Person, error)
}

var (
	// ErrNotFound is a shift that does not exist or may not be seen.
	ErrNotFound = errs.E(errs.NotFound, "There is no such shift.")
	// ErrTaken is a shift someone else got first.
	ErrTaken = errs.E(errs.Conflict, "Someone else has just taken this shift. Pick another open shift.")
	// ErrChanged is a shift that changed while you were looking at it.
	ErrChanged = errs.E(errs.Conflict, "This shift changed while you were looking at it. Reload and try again.")
)

// Config configures a Service.
type Config struct {
	DB              *gorm.DB
	Now             func() time.Time
	Logger          *slog.Logger
	People          People
	Sites           Sites
	PayInfo         PayInfo
	Leave           Leave
	TemporaryLimits TemporaryLimits
	Caseload        Caseload
	Notifier        Notifier
	BaseURL         string // for calendar feed links
}

// Service is the rota's use cases.
type Service struct {
	cfg   Config
	rules rulesMemo
}

// NewService builds the service.
func NewService(c Config) *Service {
	if c.Now == nil {
		panic("rota: Config.Now (the clock) is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: c}
}

// UseTemporaryLimits wires the provider of temporary limits after
// construction (wellbeing may be built after the rota).
func (s *Service) UseTemporaryLimits(t TemporaryLimits) { s.cfg.TemporaryLimits = t }

// UseNotifier wires the notifier after construction.
func (s *Service) UseNotifier(n Notifier) { s.cfg.Notifier = n }

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

func (s *Service) notify(ctx context.Context, ids []string, subject, body, link string) {
	if s.cfg.Notifier == nil || len(ids) == 0 {
		return
	}
	if err := s.cfg.Notifier.Notify(ctx, ids, subject, body, link); err != nil {
		s.cfg.Logger.WarnContext(ctx, "notification not sent", "error", err.Error())
	}
}
