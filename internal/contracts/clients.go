// Package contracts runs the commercial side of Goodshift: the client
// businesses and their sites, cleaning contracts and their visit schedules,
// visits, invoice runs, VAT invoices and credit notes (PDF and Stripe), and
// payments.
//
// It never imports internal/wellbeing. It creates open shifts for visits
// through ShiftPlanner, an interface it defines and the rota satisfies, so
// the rota never sees a price.
package contracts

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is this package's schema.
var Migrations = database.Migrations{Name: "contracts", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Client is a business that buys cleaning.
type Client struct {
	ID               string    `json:"id"`
	LegalName        string    `json:"legal_name"`
	BillingEmail     string    `json:"billing_email"`
	BillingAddress   []string  `json:"billing_address"`
	VATNumber        string    `json:"vat_number"`
	PaymentTermsDays int       `json:"payment_terms_days"`
	DefaultPONumber  string    `json:"default_po_number"`
	CreatedAt        time.Time `json:"created_at"`
}

// Site is a place a client has cleaned. Times at a site are in its time
// zone (always Europe/London today).
type Site struct {
	ID          string `json:"id"`
	ClientID    string `json:"client_id"`
	ClientName  string `json:"client_name"`
	Name        string `json:"name"`
	Address     string `json:"address"`
	Postcode    string `json:"postcode"`
	AccessNotes string `json:"access_notes"`
	TimeZone    string `json:"time_zone"`
}

var (
	// ErrClientNotFound is returned for an unknown client.
	ErrClientNotFound = errs.E(errs.NotFound, "There is no such client.")
	// ErrSiteNotFound is returned for an unknown site.
	ErrSiteNotFound = errs.E(errs.NotFound, "There is no such site.")
)

// Service is the contracts use cases.
type Service struct {
	db      *gorm.DB
	now     func() time.Time
	planner ShiftPlanner
	logger  *slog.Logger
	org     config.Organisation
	stripe  *stripeClient // nil: Stripe is off
	sending *sending      // nil: invoices are not emailed (sending.go)
	// sitesHook, when set, hears of every change to sites (sites.go).
	sitesHook atomic.Pointer[func()]
	// sitesVersion counts changes to sites and client names, so a cache of
	// the site list (the rota's) knows when to reload.
	sitesVersion atomic.Uint64

	// Test hooks, called inside transactions.
	afterDraftWrite   func(contractID string)
	beforeIssueCommit func(invoiceID string) error
}

// Config configures a Service.
type Config struct {
	DB  *gorm.DB
	Now func() time.Time
	// Planner puts visits on the rota; nil means visits only.
	Planner ShiftPlanner
	Logger  *slog.Logger
	// Org is printed on invoices and credit notes.
	Org config.Organisation
	// Stripe turns on Stripe invoicing when its secret key is set.
	Stripe config.Stripe
}

// NewService builds the service.
func NewService(c Config) *Service {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: c.DB, now: c.Now, planner: c.Planner, logger: c.Logger, org: c.Org}
	if c.Stripe.Enabled() {
		s.stripe = newStripeClient(c.Stripe)
	}
	return s
}

// UsePlanner connects the rota once both services exist (the rota needs
// this service's sites, and this service needs the rota's shifts). Call it
// while wiring, before serving.
func (s *Service) UsePlanner(p ShiftPlanner) { s.planner = p }

// ClientInput is what finance supplies for a client.
type ClientInput struct {
	LegalName        string   `json:"legal_name"`
	BillingEmail     string   `json:"billing_email"`
	BillingAddress   []string `json:"billing_address"`
	VATNumber        string   `json:"vat_number"`
	PaymentTermsDays *int     `json:"payment_terms_days"`
	DefaultPONumber  string   `json:"default_po_number"`
}

var ukVAT = regexp.MustCompile(`^GB ?(\d{3} ?\d{4} ?\d{2}|\d{3} ?\d{4} ?\d{2} ?\d{3}|GD\d{3}|HA\d{3})$`)

func (in *ClientInput) check() (Client, error) {
	c := Client{
		LegalName:       strings.TrimSpace(in.LegalName),
		BillingEmail:    strings.ToLower(strings.TrimSpace(in.BillingEmail)),
		VATNumber:       strings.ToUpper(strings.TrimSpace(in.VATNumber)),
		DefaultPONumber: strings.TrimSpace(in.DefaultPONumber),
	}
	for _, l := range in.BillingAddress {
		if l = strings.TrimSpace(l); l != "" {
			c.BillingAddress = append(c.BillingAddress, l)
		}
	}
	c.PaymentTermsDays = 30
	if in.PaymentTermsDays != nil {
		c.PaymentTermsDays = *in.PaymentTermsDays
	}
	var bad []errs.FieldError
	if c.LegalName == "" || len(c.LegalName) > 200 {
		bad = append(bad, errs.FieldError{Field: "legal_name", Message: "is required (at most 200 characters)"})
	}
	if a, err := mail.ParseAddress(c.BillingEmail); err != nil || a.Address != c.BillingEmail {
		bad = append(bad, errs.FieldError{Field: "billing_email", Message: "must be an email address like accounts@client.example"})
	}
	if len(c.BillingAddress) == 0 || len(c.BillingAddress) > 8 {
		bad = append(bad, errs.FieldError{Field: "billing_address", Message: "needs one to eight lines"})
	}
	if c.VATNumber != "" && !ukVAT.MatchString(c.VATNumber) {
		bad = append(bad, errs.FieldError{Field: "vat_number", Message: "must be a UK VAT number like GB 123 4567 89 (or left empty)"})
	}
	if c.PaymentTermsDays < 0 || c.PaymentTermsDays > 120 {
		bad = append(bad, errs.FieldError{Field: "payment_terms_days", Message: "must be between 0 and 120 days"})
	}
	if len(c.DefaultPONumber) > 50 {
		bad = append(bad, errs.FieldError{Field: "default_po_number", Message: "is at most 50 characters"})
	}
	if len(bad) > 0 {
		return Client{}, errs.Fields(bad...)
	}
	return c, nil
}

// CreateClient adds a client.
func (s *Service) CreateClient(ctx context.Context, in ClientInput) (Client, error) {
	c, err := in.check()
	if err != nil {
		return Client{}, err
	}
	now := s.now().UTC()
	row := clientRowFrom(c)
	row.ID, row.CreatedAt, row.UpdatedAt = database.NewID(), now, now
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if database.IsUniqueViolation(err) {
			return Client{}, errs.E(errs.Conflict, "A client called %q already exists.", c.LegalName)
		}
		return Client{}, err
	}
	return row.client(), nil
}

// UpdateClient replaces a client's details.
func (s *Service) UpdateClient(ctx context.Context, id string, in ClientInput) (Client, error) {
	c, err := in.check()
	if err != nil {
		return Client{}, err
	}
	row := clientRowFrom(c)
	res := s.db.WithContext(ctx).Model(&clientRow{}).Where("id = ?", id).Select(
		"legal_name", "billing_email", "billing_address", "vat_number", "payment_terms_days", "default_po_number", "updated_at",
	).Updates(&clientRow{
		LegalName: row.LegalName, BillingEmail: row.BillingEmail, BillingAddress: row.BillingAddress,
		VATNumber: row.VATNumber, PaymentTermsDays: row.PaymentTermsDays, DefaultPONumber: row.DefaultPONumber,
		UpdatedAt: s.now().UTC(),
	})
	if res.Error != nil {
		if database.IsUniqueViolation(res.Error) {
			return Client{}, errs.E(errs.Conflict, "A client called %q already exists.", c.LegalName)
		}
		return Client{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Client{}, ErrClientNotFound
	}
	s.sitesChanged() // site lists carry the client's name
	return s.Client(ctx, id)
}

// Client returns one client.
func (s *Service) Client(ctx context.Context, id string) (Client, error) {
	var row clientRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Client{}, ErrClientNotFound
	}
	if err != nil {
		return Client{}, err
	}
	return row.client(), nil
}

// Clients returns every client by name.
func (s *Service) Clients(ctx context.Context) ([]Client, error) {
	var rows []clientRow
	if err := s.db.WithContext(ctx).Order("legal_name").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Client, len(rows))
	for i, r := range rows {
		out[i] = r.client()
	}
	return out, nil
}

// SiteInput is a new site.
type SiteInput struct {
	Name        string `json:"name"`
	Address     string `json:"address"`
	Postcode    string `json:"postcode"`
	AccessNotes string `json:"access_notes"`
}

var ukPostcode = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`)

// CreateSite adds a site to a client.
func (s *Service) CreateSite(ctx context.Context, clientID string, in SiteInput) (Site, error) {
	if _, err := s.Client(ctx, clientID); err != nil {
		return Site{}, err
	}
	in.Name, in.Address = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address)
	in.Postcode = strings.ToUpper(strings.TrimSpace(in.Postcode))
	in.AccessNotes = strings.TrimSpace(in.AccessNotes)
	var bad []errs.FieldError
	if in.Name == "" || len(in.Name) > 120 {
		bad = append(bad, errs.FieldError{Field: "name", Message: "is required (at most 120 characters)"})
	}
	if in.Address == "" || len(in.Address) > 300 {
		bad = append(bad, errs.FieldError{Field: "address", Message: "is required (at most 300 characters)"})
	}
	if !ukPostcode.MatchString(in.Postcode) {
		bad = append(bad, errs.FieldError{Field: "postcode", Message: "must be a UK postcode like E1 8JG"})
	}
	if len(in.AccessNotes) > 2000 {
		bad = append(bad, errs.FieldError{Field: "access_notes", Message: "is at most 2000 characters"})
	}
	if len(bad) > 0 {
		return Site{}, errs.Fields(bad...)
	}
	now := s.now().UTC()
	row := siteRow{
		ID: database.NewID(), ClientID: clientID, Name: in.Name, Address: in.Address, Postcode: in.Postcode,
		AccessNotes: in.AccessNotes, TimeZone: "Europe/London", CreatedAt: now, UpdatedAt: now,
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if database.IsUniqueViolation(err) {
			return Site{}, errs.E(errs.Conflict, "This client already has a site called %q.", in.Name)
		}
		return Site{}, err
	}
	s.sitesChanged()
	return s.Site(ctx, row.ID)
}

// SetAccessNotes replaces a site's notes for the crew (door codes, where the
// cupboard is). Supervisors keep them current.
func (s *Service) SetAccessNotes(ctx context.Context, siteID, notes string) (Site, error) {
	notes = strings.TrimSpace(notes)
	if len(notes) > 2000 {
		return Site{}, errs.Fields(errs.FieldError{Field: "access_notes", Message: "is at most 2000 characters"})
	}
	res := s.db.WithContext(ctx).Model(&siteRow{}).Where("id = ?", siteID).
		Updates(map[string]any{"access_notes": notes, "updated_at": s.now().UTC()})
	if res.Error != nil {
		return Site{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Site{}, ErrSiteNotFound
	}
	s.sitesChanged()
	return s.Site(ctx, siteID)
}

// SitesVersion changes whenever a site is added or changed, or a client is
// renamed, through this Service. Caches of the site list compare it.
func (s *Service) SitesVersion() uint64 { return s.sitesVersion.Load() }

// Site returns one site with its client's name.
func (s *Service) Site(ctx context.Context, id string) (Site, error) {
	sites, err := s.sites(ctx, s.db.WithContext(ctx).Where("sites.id = ?", id))
	if err != nil {
		return Site{}, err
	}
	if len(sites) == 0 {
		return Site{}, ErrSiteNotFound
	}
	return sites[0], nil
}

// Sites returns every site, by client then name. clientID "" means all.
func (s *Service) Sites(ctx context.Context, clientID string) ([]Site, error) {
	q := s.db.WithContext(ctx)
	if clientID != "" {
		q = q.Where("sites.client_id = ?", clientID)
	}
	return s.sites(ctx, q)
}

func (s *Service) sites(_ context.Context, q *gorm.DB) ([]Site, error) {
	var out []Site
	err := q.Table("sites").Select("sites.id, sites.client_id, clients.legal_name AS client_name, sites.name, " +
		"sites.address, sites.postcode, sites.access_notes, sites.time_zone").
		Joins("JOIN clients ON clients.id = sites.client_id").
		Order("clients.legal_name, sites.name").Scan(&out).Error
	return out, err
}
