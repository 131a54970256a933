// Package wellbeing keeps what is private about an employee's wellbeing:
// their wellness plan (written and owned by them, with a version kept on
// every save), the in-work support notes their support worker writes,
// temporary flex periods, and the access log of every read and write.
//
// Plan contents and note texts are sealed with AES-256-GCM under a key that
// is not in the database (see Keyring). Only three things leave this
// package for other roles: the short summary an employee chose to share
// with their supervisor, whether a person is on a support worker's
// caseload, and flex-period limits for the rota (dates and limits, never a
// reason). It imports no other domain package; the rota is reached through
// RotaEffects, an interface defined here.
package wellbeing

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is this package's schema.
var Migrations = database.Migrations{Name: "wellbeing", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// People is what wellbeing needs to know about people (internal/people
// satisfies it).
type People interface {
	Get(ctx context.Context, id string) (people.Person, error)
	List(ctx context.Context, f people.Filter) ([]people.Person, error)
}

// RotaEffects is how a flex period takes effect in the rota at once: shifts
// already assigned inside it are flagged, and for "no shifts" released to
// the open pool with the supervisor notified. The rota satisfies it; it
// never learns why.
type RotaEffects interface {
	FlexPeriodStarted(ctx context.Context, employeeID string, from, to civil.Date, noShifts bool) (released int, err error)
}

// ErrNotFound is the answer for anything outside a person's reach: a plan,
// notes or log they may not see look exactly like ones that do not exist.
var ErrNotFound = errs.E(errs.NotFound, "Not found.")

// Service is the wellbeing use cases.
type Service struct {
	db     *gorm.DB
	now    func() time.Time
	keys   *Keyring
	people People
	rota   RotaEffects
	logger *slog.Logger
}

// Config configures a Service.
type Config struct {
	DB     *gorm.DB
	Now    func() time.Time
	Keys   *Keyring
	People People
	// Rota may be nil (no rota wired): flex periods are then recorded only.
	Rota   RotaEffects
	Logger *slog.Logger
}

// NewService builds the service.
func NewService(c Config) *Service {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: c.DB, now: c.Now, keys: c.Keys, people: c.People, rota: c.Rota, logger: c.Logger}
}

// SetRota wires the rota after construction (internal/app builds the rota
// and wellbeing services in either order).
func (s *Service) SetRota(r RotaEffects) { s.rota = r }

// Keys is the service's keyring.
func (s *Service) Keys() *Keyring { return s.keys }

func (s *Service) today() civil.Date { return civil.In(s.now(), civil.London) }

// access is how a principal reaches an employee's wellbeing records.
type access int

const (
	noAccess access = iota
	asSelf
	asSupportWorker
)

func (a access) role() string {
	if a == asSupportWorker {
		return string(auth.SupportWorker)
	}
	return string(auth.Employee)
}

// reach decides how p may reach employeeID's records: as the employee
// themselves, or as a support worker with them on their caseload. Anything
// else is ErrNotFound.
func (s *Service) reach(ctx context.Context, db *gorm.DB, p auth.Principal, employeeID string) (access, error) {
	if p.ID == "" || !database.ValidID(employeeID) {
		return noAccess, ErrNotFound
	}
	if p.IsSelf(employeeID) && p.Has(auth.Employee) {
		return asSelf, nil
	}
	if p.Has(auth.SupportWorker) {
		ok, err := inCaseload(ctx, db, p.ID, employeeID)
		if err != nil {
			return noAccess, err
		}
		if ok {
			return asSupportWorker, nil
		}
	}
	return noAccess, ErrNotFound
}

// logAccess records who read or wrote what. It runs in the caller's
// transaction: content is never returned unless its reading was recorded.
func (s *Service) logAccess(ctx context.Context, db *gorm.DB, p auth.Principal, role, employeeID, action, what string) error {
	return db.WithContext(ctx).Create(&accessRow{
		ID: database.NewID(), EmployeeID: employeeID, ActorID: p.ID, ActorName: p.Name, ActorRole: role,
		Action: action, What: what, At: s.now().UTC(),
	}).Error
}
