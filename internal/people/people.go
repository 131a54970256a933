// Package people holds the people who use Goodshift and their accounts:
// names, emails, roles, the employment record of employees, passwords and
// sign-in sessions. Every other package may import it to name people; it
// imports no domain package.
package people

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is this package's schema.
var Migrations = database.Migrations{Name: "people", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Contract types of an employee.
const (
	ZeroHours  = "zero_hours"
	Contracted = "contracted"
)

// Person is someone with an account.
type Person struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Email     string      `json:"email"`
	Active    bool        `json:"active"`
	Roles     []auth.Role `json:"roles"`
	Employee  *Employee   `json:"employee,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
}

// Employee is the employment record of a person with the employee role.
type Employee struct {
	WorksNumber              string     `json:"works_number"`
	StartDate                civil.Date `json:"start_date"`
	EndDate                  civil.Date `json:"end_date"`
	DateOfBirth              civil.Date `json:"date_of_birth"`
	ContractType             string     `json:"contract_type"`
	ContractedMinutesPerWeek int        `json:"contracted_minutes_per_week"`
}

// AgeOn is the employee's age in whole years on d (0 if no birth date).
func (e Employee) AgeOn(d civil.Date) int {
	b := e.DateOfBirth
	if b.IsZero() {
		return 0
	}
	age := d.Year - b.Year
	if d.Month < b.Month || (d.Month == b.Month && d.Day < b.Day) {
		age--
	}
	return age
}

// Principal is the person as the policy sees them.
func (p Person) Principal() auth.Principal {
	return auth.Principal{ID: p.ID, Name: p.Name, Email: p.Email, Roles: p.Roles}
}

// Has reports whether the person holds role r.
func (p Person) Has(r auth.Role) bool { return slices.Contains(p.Roles, r) }

// sortRoles puts roles in display order (auth.Roles).
func sortRoles(rs []auth.Role) {
	slices.SortFunc(rs, func(a, b auth.Role) int { return slices.Index(auth.Roles, a) - slices.Index(auth.Roles, b) })
}

// maxEmailLength is the longest email an account may have (RFC 5321).
const maxEmailLength = 254

// ErrNotFound is returned for a person who does not exist (or may not be seen).
var ErrNotFound = errs.E(errs.NotFound, "There is no such person.")

// Service manages people, passwords and sessions.
type Service struct {
	db        *gorm.DB
	now       func() time.Time
	passwords auth.Passwords
	ttl       time.Duration
	logger    *slog.Logger
	sessions  *sessionCache
}

// Config configures a Service.
type Config struct {
	DB         *gorm.DB
	Now        func() time.Time
	Passwords  auth.Passwords
	SessionTTL time.Duration
	Logger     *slog.Logger
}

// NewService builds the service.
func NewService(c Config) *Service {
	if c.SessionTTL == 0 {
		c.SessionTTL = 7 * 24 * time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: c.DB, now: c.Now, passwords: c.Passwords, ttl: c.SessionTTL, logger: c.Logger,
		sessions: newSessionCache()}
}

// NewPerson is what an admin supplies to create an account.
type NewPerson struct {
	Name     string      `json:"name"`
	Email    string      `json:"email"`
	Roles    []auth.Role `json:"roles"`
	Password string      `json:"password,omitempty"`
	Employee *Employee   `json:"employee,omitempty"`
}

func (n *NewPerson) normalise() error {
	n.Name = strings.TrimSpace(n.Name)
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	var bad []errs.FieldError
	if n.Name == "" || len(n.Name) > 200 {
		bad = append(bad, errs.FieldError{Field: "name", Message: "is required (at most 200 characters)"})
	}
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email || len(n.Email) > maxEmailLength {
		bad = append(bad, errs.FieldError{Field: "email", Message: "must be an email address like sam@example.org"})
	}
	bad = append(bad, checkRoles(n.Roles)...)
	slices.Sort(n.Roles)
	n.Roles = slices.Compact(n.Roles)
	if n.Password != "" {
		if err := auth.CheckStrength(n.Password); err != nil {
			bad = append(bad, errs.FieldError{Field: "password", Message: err.Error()})
		}
	}
	isEmployee := slices.Contains(n.Roles, auth.Employee)
	switch {
	case isEmployee && n.Employee == nil:
		bad = append(bad, errs.FieldError{Field: "employee", Message: "is required for someone with the employee role (works number, start date, contract type)"})
	case !isEmployee && n.Employee != nil:
		bad = append(bad, errs.FieldError{Field: "employee", Message: "is only for people with the employee role"})
	case isEmployee:
		bad = append(bad, n.Employee.check()...)
	}
	if len(bad) > 0 {
		return errs.Fields(bad...)
	}
	return nil
}

func checkRoles(roles []auth.Role) []errs.FieldError {
	if len(roles) == 0 {
		return []errs.FieldError{{Field: "roles", Message: "needs at least one role"}}
	}
	for _, r := range roles {
		if !r.Valid() {
			return []errs.FieldError{{Field: "roles", Message: "\"" + string(r) + "\" is not a role; use employee, supervisor, support_worker, finance or admin"}}
		}
	}
	return nil
}

func (e *Employee) check() []errs.FieldError {
	var bad []errs.FieldError
	e.WorksNumber = strings.TrimSpace(e.WorksNumber)
	if e.WorksNumber == "" || len(e.WorksNumber) > 20 {
		bad = append(bad, errs.FieldError{Field: "employee.works_number", Message: "is required (at most 20 characters)"})
	}
	if e.StartDate.IsZero() {
		bad = append(bad, errs.FieldError{Field: "employee.start_date", Message: "is required"})
	}
	if !e.EndDate.IsZero() && e.EndDate.Before(e.StartDate) {
		bad = append(bad, errs.FieldError{Field: "employee.end_date", Message: "is before the start date"})
	}
	if !e.DateOfBirth.IsZero() && e.AgeOn(e.StartDate) < 13 {
		bad = append(bad, errs.FieldError{Field: "employee.date_of_birth", Message: "makes them younger than 13 at the start date"})
	}
	if e.ContractType == "" {
		e.ContractType = ZeroHours
	}
	if e.ContractType != ZeroHours && e.ContractType != Contracted {
		bad = append(bad, errs.FieldError{Field: "employee.contract_type", Message: "must be zero_hours or contracted"})
	}
	if e.ContractedMinutesPerWeek < 0 || e.ContractedMinutesPerWeek > 48*60 {
		bad = append(bad, errs.FieldError{Field: "employee.contracted_minutes_per_week", Message: "must be between 0 and 2880 (48 hours)"})
	}
	return bad
}

// Create adds a person. Without a password the person cannot sign in until
// one is set; the caller may generate one (see TemporaryPassword).
func (s *Service) Create(ctx context.Context, n NewPerson) (Person, error) {
	if err := n.normalise(); err != nil {
		return Person{}, err
	}
	hash := ""
	if n.Password != "" {
		h, err := s.passwords.Hash(n.Password)
		if err != nil {
			return Person{}, err
		}
		hash = h
	}
	return s.insert(ctx, n, hash)
}

// CreateWithHash is Create with an already-hashed password (demo seeding
// hashes one shared password once).
func (s *Service) CreateWithHash(ctx context.Context, n NewPerson, hash string) (Person, error) {
	if err := n.normalise(); err != nil {
		return Person{}, err
	}
	return s.insert(ctx, n, hash)
}

func (s *Service) insert(ctx context.Context, n NewPerson, hash string) (Person, error) {
	now := s.now().UTC()
	row := personRow{ID: database.NewID(), Name: n.Name, Email: n.Email, PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "Someone already has the email %s.", n.Email)
			}
			return err
		}
		for _, r := range n.Roles {
			if err := tx.Create(&roleRow{PersonID: row.ID, Role: string(r)}).Error; err != nil {
				return err
			}
		}
		if n.Employee != nil {
			if err := tx.Create(employeeRowFrom(row.ID, *n.Employee, now)).Error; err != nil {
				if database.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "Works number %s is already used by another employee.", n.Employee.WorksNumber)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Person{}, err
	}
	return s.Get(ctx, row.ID)
}

// TemporaryPassword returns a random password a person can be given once.
func TemporaryPassword() string { return auth.RandomSecret(12) }

// Get returns one person.
func (s *Service) Get(ctx context.Context, id string) (Person, error) {
	ps, err := s.load(ctx, s.db.WithContext(ctx).Where("id = ?", id))
	if err != nil {
		return Person{}, err
	}
	if len(ps) == 0 {
		return Person{}, ErrNotFound
	}
	return ps[0], nil
}

// ByEmail returns the person with an email address.
func (s *Service) ByEmail(ctx context.Context, email string) (Person, error) {
	ps, err := s.load(ctx, s.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return Person{}, err
	}
	if len(ps) == 0 {
		return Person{}, ErrNotFound
	}
	return ps[0], nil
}

// Filter narrows List.
type Filter struct {
	Role       auth.Role // only people holding this role
	ActiveOnly bool
	IDs        []string // only these people
}

// List returns people sorted by name.
func (s *Service) List(ctx context.Context, f Filter) ([]Person, error) {
	q := s.db.WithContext(ctx).Model(&personRow{})
	if f.Role != "" {
		q = q.Where("id IN (?)", s.db.Model(&roleRow{}).Select("person_id").Where("role = ?", string(f.Role)))
	}
	if f.ActiveOnly {
		q = q.Where("active = ?", true)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		q = q.Where("id IN ?", f.IDs)
	}
	return s.load(ctx, q)
}

// Employees returns the active people with the employee role.
func (s *Service) Employees(ctx context.Context) ([]Person, error) {
	return s.List(ctx, Filter{Role: auth.Employee, ActiveOnly: true})
}

// Names maps IDs to names, for showing who did what.
func (s *Service) Names(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []personRow
	if err := s.db.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// Count returns how many people exist (zero means a fresh database).
func (s *Service) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&personRow{}).Count(&n).Error
	return n, err
}

// load reads the people q selects, with their roles and employee records.
// Ranking candidates loads every employee on each request, so the rows are
// scanned by hand rather than through GORM's reflection.
func (s *Service) load(ctx context.Context, q *gorm.DB) ([]Person, error) {
	var out []Person
	err := database.EachRow(q.Model(&personRow{}).Select("id, name, email, active, created_at").Order("name, id"), func(rows *sql.Rows) error {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Email, &p.Active, &p.CreatedAt); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	index := make(map[string]*Person, len(out))
	ids := make([]string, len(out))
	for i := range out {
		index[out[i].ID], ids[i] = &out[i], out[i].ID
	}
	db := s.db.WithContext(ctx)
	for chunk := range slices.Chunk(ids, 500) {
		err := database.EachRow(db.Model(&roleRow{}).Select("person_id, role").Where("person_id IN ?", chunk), func(rows *sql.Rows) error {
			var id, role string
			if err := rows.Scan(&id, &role); err != nil {
				return err
			}
			p := index[id]
			p.Roles = append(p.Roles, auth.Role(role))
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = database.EachRow(db.Model(&employeeRow{}).Select("person_id, works_number, start_date, end_date, date_of_birth, contract_type, contracted_minutes_per_week").
			Where("person_id IN ?", chunk), func(rows *sql.Rows) error {
			var id string
			var e Employee
			if err := rows.Scan(&id, &e.WorksNumber, &e.StartDate, &e.EndDate, &e.DateOfBirth, &e.ContractType, &e.ContractedMinutesPerWeek); err != nil {
				return err
			}
			index[id].Employee = &e
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i := range out {
		sortRoles(out[i].Roles)
	}
	return out, nil
}

// Update is a change an admin makes to a person. Nil fields are unchanged.
type Update struct {
	Name     *string      `json:"name,omitempty"`
	Roles    *[]auth.Role `json:"roles,omitempty"`
	Active   *bool        `json:"active,omitempty"`
	Employee *Employee    `json:"employee,omitempty"`
}

// Update changes a person. Deactivating someone ends all their sessions.
func (s *Service) Update(ctx context.Context, id string, u Update) (Person, error) {
	cur, err := s.Get(ctx, id)
	if err != nil {
		return Person{}, err
	}
	var bad []errs.FieldError
	if u.Name != nil {
		*u.Name = strings.TrimSpace(*u.Name)
		if *u.Name == "" || len(*u.Name) > 200 {
			bad = append(bad, errs.FieldError{Field: "name", Message: "is required (at most 200 characters)"})
		}
	}
	roles := cur.Roles
	if u.Roles != nil {
		bad = append(bad, checkRoles(*u.Roles)...)
		roles = slices.Compact(slices.Sorted(slices.Values(*u.Roles)))
	}
	if u.Employee != nil {
		bad = append(bad, u.Employee.check()...)
	}
	if slices.Contains(roles, auth.Employee) && cur.Employee == nil && u.Employee == nil {
		bad = append(bad, errs.FieldError{Field: "employee", Message: "is required to give someone the employee role"})
	}
	if len(bad) > 0 {
		return Person{}, errs.Fields(bad...)
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changes := map[string]any{"updated_at": now}
		if u.Name != nil {
			changes["name"] = *u.Name
		}
		if u.Active != nil {
			changes["active"] = *u.Active
			if !*u.Active {
				if err := tx.Where("person_id = ?", id).Delete(&sessionRow{}).Error; err != nil {
					return err
				}
			}
		}
		if err := tx.Model(&personRow{}).Where("id = ?", id).Updates(changes).Error; err != nil {
			return err
		}
		if u.Roles != nil {
			if err := tx.Where("person_id = ?", id).Delete(&roleRow{}).Error; err != nil {
				return err
			}
			for _, r := range roles {
				if err := tx.Create(&roleRow{PersonID: id, Role: string(r)}).Error; err != nil {
					return err
				}
			}
		}
		if u.Employee != nil {
			row := employeeRowFrom(id, *u.Employee, now)
			if cur.Employee != nil {
				row.CreatedAt = time.Time{}
				err := tx.Model(&employeeRow{}).Where("person_id = ?", id).Select(
					"works_number", "start_date", "end_date", "date_of_birth", "contract_type", "contracted_minutes_per_week", "updated_at",
				).Updates(row).Error
				if database.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "Works number %s is already used by another employee.", u.Employee.WorksNumber)
				}
				return err
			}
			if err := tx.Create(row).Error; err != nil {
				if database.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "Works number %s is already used by another employee.", u.Employee.WorksNumber)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Person{}, err
	}
	s.sessions.forgetPerson(id)
	return s.Get(ctx, id)
}

// SetPassword replaces a person's password (admin reset, CLI).
func (s *Service) SetPassword(ctx context.Context, id, password string) error {
	h, err := s.passwords.Hash(password)
	if err != nil {
		return errs.Fields(errs.FieldError{Field: "password", Message: err.Error()})
	}
	res := s.db.WithContext(ctx).Model(&personRow{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": h, "updated_at": s.now().UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	s.sessions.forgetPerson(id)
	return nil
}

// ChangePassword lets a person change their own password, proving the old one.
// Their other sessions end.
func (s *Service) ChangePassword(ctx context.Context, id, current, next, keepToken string) error {
	var row personRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		return err
	}
	if !s.passwords.Matches(row.PasswordHash, current) {
		return errs.Fields(errs.FieldError{Field: "current_password", Message: "is not your current password"})
	}
	if err := auth.CheckStrength(next); err != nil {
		return errs.Fields(errs.FieldError{Field: "new_password", Message: err.Error()})
	}
	if err := s.SetPassword(ctx, id, next); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Where("person_id = ? AND token_hash <> ?", id, auth.HashToken(keepToken)).Delete(&sessionRow{}).Error
	s.sessions.forgetPerson(id)
	return err
}
