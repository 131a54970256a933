package contracts

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Pricing is how a contract is charged.
type Pricing string

const (
	PerVisit       Pricing = "per_visit"        // a price for each billable visit
	PerCleanerHour Pricing = "per_cleaner_hour" // hours worked × crew × rate
	FixedMonthly   Pricing = "fixed_monthly"    // the same fee every calendar month
)

// ContractStatus is where a contract is in its life.
type ContractStatus string

const (
	Draft     ContractStatus = "draft"
	Active    ContractStatus = "active"
	Suspended ContractStatus = "suspended"
	Ended     ContractStatus = "ended"
)

// StandardVATRate is the UK standard rate, the default for new contracts.
const StandardVATRate money.BasisPoints = 2000

// transitions lists the status changes a contract may make.
var transitions = map[ContractStatus][]ContractStatus{
	Draft:     {Active, Ended},
	Active:    {Suspended, Ended},
	Suspended: {Active, Ended},
}

// Price is the contract price in force from a date until the next price.
// Its meaning follows the contract's Pricing: per visit, per cleaner-hour,
// or per month.
type Price struct {
	EffectiveFrom civil.Date  `json:"effective_from"`
	Amount        money.Pence `json:"amount"`
}

// Contract is an agreement to clean one or more of a client's sites.
type Contract struct {
	ID         string            `json:"id"`
	Reference  string            `json:"reference"`
	ClientID   string            `json:"client_id"`
	ClientName string            `json:"client_name"`
	SiteIDs    []string          `json:"site_ids"`
	StartDate  civil.Date        `json:"start_date"`
	EndDate    civil.Date        `json:"end_date"`
	Status     ContractStatus    `json:"status"`
	Pricing    Pricing           `json:"pricing"`
	Prices     []Price           `json:"prices"` // oldest first
	VATRate    money.BasisPoints `json:"vat_rate_bp"`
	PONumber   string            `json:"po_number"`
	Notes      string            `json:"notes"`
	Version    int               `json:"version"`
	CreatedAt  time.Time         `json:"created_at"`
}

// PriceOn is the price in force on d: the latest price that took effect on
// or before d.
func (c Contract) PriceOn(d civil.Date) (money.Pence, bool) {
	var (
		p  money.Pence
		ok bool
	)
	for _, pr := range c.Prices {
		if pr.EffectiveFrom.After(d) {
			break
		}
		p, ok = pr.Amount, true
	}
	return p, ok
}

// Covers reports whether d is inside the contract's dates.
func (c Contract) Covers(d civil.Date) bool {
	return !d.Before(c.StartDate) && (c.EndDate.IsZero() || !d.After(c.EndDate))
}

// HasSite reports whether the contract covers a site.
func (c Contract) HasSite(siteID string) bool { return slices.Contains(c.SiteIDs, siteID) }

// ErrContractNotFound is returned for an unknown contract.
var ErrContractNotFound = errs.E(errs.NotFound, "There is no such contract.")

// ContractInput is a new contract.
type ContractInput struct {
	Reference string             `json:"reference"`
	ClientID  string             `json:"client_id"`
	SiteIDs   []string           `json:"site_ids"`
	StartDate civil.Date         `json:"start_date"`
	EndDate   civil.Date         `json:"end_date"`
	Pricing   Pricing            `json:"pricing"`
	Price     *money.Pence       `json:"price"`
	VATRate   *money.BasisPoints `json:"vat_rate_bp"`
	PONumber  *string            `json:"po_number"` // nil: the client's default PO number
	Notes     string             `json:"notes"`
	Status    ContractStatus     `json:"status"` // draft (default) or active
}

// appendWorkDate adds a field error when d (if set) is outside the years a
// date of work may fall in: 9999-12-31 is a typo, not an open end.
func appendWorkDate(bad []errs.FieldError, field, what string, d civil.Date) []errs.FieldError {
	if err := civil.CheckWorkDate(d, what); err != nil {
		return append(bad, errs.FieldError{Field: field, Message: err.Error()})
	}
	return bad
}

const maxPrice = money.Pence(100_000_000) // £1,000,000: anything above is a typo

func checkPrice(field string, p money.Pence) *errs.FieldError {
	if p < 0 || p > maxPrice {
		return &errs.FieldError{Field: field, Message: "must be a whole number of pence between 0 and 100000000 (£1,000,000)"}
	}
	return nil
}

func checkVAT(field string, r money.BasisPoints) *errs.FieldError {
	if r < 0 || r > 10000 {
		return &errs.FieldError{Field: field, Message: "must be basis points between 0 and 10000 (2000 is 20%)"}
	}
	return nil
}

// CreateContract adds a contract with its first price.
func (s *Service) CreateContract(ctx context.Context, in ContractInput) (Contract, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	in.Notes = strings.TrimSpace(in.Notes)
	var bad []errs.FieldError
	if in.Reference == "" || len(in.Reference) > 50 {
		bad = append(bad, errs.FieldError{Field: "reference", Message: "is required (at most 50 characters)"})
	}
	if !database.ValidID(in.ClientID) {
		bad = append(bad, errs.FieldError{Field: "client_id", Message: "must be the ID of a client"})
	}
	if len(in.SiteIDs) == 0 || len(in.SiteIDs) > 50 {
		bad = append(bad, errs.FieldError{Field: "site_ids", Message: "needs one or more of the client's sites"})
	}
	if in.StartDate.IsZero() {
		bad = append(bad, errs.FieldError{Field: "start_date", Message: "is required (like 2026-11-01)"})
	}
	if !in.EndDate.IsZero() && in.EndDate.Before(in.StartDate) {
		bad = append(bad, errs.FieldError{Field: "end_date", Message: "must not be before the start date"})
	}
	bad = appendWorkDate(bad, "start_date", "the start date", in.StartDate)
	bad = appendWorkDate(bad, "end_date", "the end date", in.EndDate)
	switch in.Pricing {
	case PerVisit, PerCleanerHour, FixedMonthly:
	default:
		bad = append(bad, errs.FieldError{Field: "pricing", Message: "must be per_visit, per_cleaner_hour or fixed_monthly"})
	}
	if in.Price == nil {
		bad = append(bad, errs.FieldError{Field: "price", Message: "is required, in pence"})
	} else if f := checkPrice("price", *in.Price); f != nil {
		bad = append(bad, *f)
	}
	vat := StandardVATRate
	if in.VATRate != nil {
		vat = *in.VATRate
		if f := checkVAT("vat_rate_bp", vat); f != nil {
			bad = append(bad, *f)
		}
	}
	if in.Status == "" {
		in.Status = Draft
	}
	if in.Status != Draft && in.Status != Active {
		bad = append(bad, errs.FieldError{Field: "status", Message: "a new contract is draft or active"})
	}
	if len(in.Notes) > 4000 {
		bad = append(bad, errs.FieldError{Field: "notes", Message: "is at most 4000 characters"})
	}
	if in.PONumber != nil && len(strings.TrimSpace(*in.PONumber)) > 50 {
		bad = append(bad, errs.FieldError{Field: "po_number", Message: "is at most 50 characters"})
	}
	if len(bad) > 0 {
		return Contract{}, errs.Fields(bad...)
	}
	client, err := s.Client(ctx, in.ClientID)
	if err != nil {
		return Contract{}, errs.Fields(errs.FieldError{Field: "client_id", Message: "is not a client"})
	}
	po := client.DefaultPONumber
	if in.PONumber != nil {
		po = strings.TrimSpace(*in.PONumber)
	}
	sites, err := s.Sites(ctx, in.ClientID)
	if err != nil {
		return Contract{}, err
	}
	siteIDs, err := ownSites(in.SiteIDs, sites)
	if err != nil {
		return Contract{}, err
	}
	now := s.now().UTC()
	row := contractRow{
		ID: database.NewID(), Reference: in.Reference, ClientID: in.ClientID, StartDate: in.StartDate,
		EndDate: in.EndDate, Status: string(in.Status), Pricing: string(in.Pricing), VATRateBP: int64(vat),
		PONumber: po, Notes: in.Notes, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		for _, id := range siteIDs {
			if err := tx.Create(&contractSiteRow{ContractID: row.ID, SiteID: id}).Error; err != nil {
				return err
			}
		}
		return tx.Create(&contractPriceRow{ID: database.NewID(), ContractID: row.ID, EffectiveFrom: in.StartDate, Amount: int64(*in.Price), CreatedAt: now}).Error
	})
	if err != nil {
		if database.IsUniqueViolation(err) {
			return Contract{}, errs.E(errs.Conflict, "A contract with reference %q already exists.", in.Reference)
		}
		return Contract{}, err
	}
	return s.Contract(ctx, row.ID)
}

func ownSites(ids []string, sites []Site) ([]string, error) {
	var out []string
	for _, id := range ids {
		if !slices.ContainsFunc(sites, func(s Site) bool { return s.ID == id }) {
			return nil, errs.Fields(errs.FieldError{Field: "site_ids", Message: "must be sites of this contract's client"})
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// ContractChanges edits a contract's terms. Nil fields are left alone.
type ContractChanges struct {
	EndDate  *civil.Date        `json:"end_date"`
	VATRate  *money.BasisPoints `json:"vat_rate_bp"`
	PONumber *string            `json:"po_number"`
	Notes    *string            `json:"notes"`
	SiteIDs  []string           `json:"site_ids"`
	Version  int                `json:"version"` // optional: refuse if someone changed it since
}

// UpdateContract changes a contract's end date, VAT rate, PO number, notes
// or sites. Invoices already issued keep what they were issued with.
func (s *Service) UpdateContract(ctx context.Context, id string, ch ContractChanges) (Contract, error) {
	c, err := s.Contract(ctx, id)
	if err != nil {
		return Contract{}, err
	}
	if ch.Version != 0 && ch.Version != c.Version {
		return Contract{}, errs.E(errs.Conflict, "Someone else changed this contract; reload it and try again.")
	}
	upd := map[string]any{}
	var bad []errs.FieldError
	if ch.EndDate != nil {
		if !ch.EndDate.IsZero() && ch.EndDate.Before(c.StartDate) {
			bad = append(bad, errs.FieldError{Field: "end_date", Message: "must not be before the start date"})
		}
		bad = appendWorkDate(bad, "end_date", "the end date", *ch.EndDate)
		upd["end_date"] = *ch.EndDate
	}
	if ch.VATRate != nil {
		if f := checkVAT("vat_rate_bp", *ch.VATRate); f != nil {
			bad = append(bad, *f)
		}
		upd["vat_rate_bp"] = int64(*ch.VATRate)
	}
	if ch.PONumber != nil {
		po := strings.TrimSpace(*ch.PONumber)
		if len(po) > 50 {
			bad = append(bad, errs.FieldError{Field: "po_number", Message: "is at most 50 characters"})
		}
		upd["po_number"] = po
	}
	if ch.Notes != nil {
		n := strings.TrimSpace(*ch.Notes)
		if len(n) > 4000 {
			bad = append(bad, errs.FieldError{Field: "notes", Message: "is at most 4000 characters"})
		}
		upd["notes"] = n
	}
	var siteIDs []string
	if ch.SiteIDs != nil {
		sites, err := s.Sites(ctx, c.ClientID)
		if err != nil {
			return Contract{}, err
		}
		if len(ch.SiteIDs) == 0 {
			bad = append(bad, errs.FieldError{Field: "site_ids", Message: "needs one or more of the client's sites"})
		} else if siteIDs, err = ownSites(ch.SiteIDs, sites); err != nil {
			return Contract{}, err
		}
	}
	if len(bad) > 0 {
		return Contract{}, errs.Fields(bad...)
	}
	upd["updated_at"] = s.now().UTC()
	upd["version"] = gorm.Expr("version + 1")
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&contractRow{}).Where("id = ? AND version = ?", id, c.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone else changed this contract; reload it and try again.")
		}
		if siteIDs != nil {
			if err := tx.Where("contract_id = ?", id).Delete(&contractSiteRow{}).Error; err != nil {
				return err
			}
			for _, sid := range siteIDs {
				if err := tx.Create(&contractSiteRow{ContractID: id, SiteID: sid}).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Contract{}, err
	}
	return s.Contract(ctx, id)
}

// SetStatus moves a contract to a new status. Ending a contract with no end
// date ends it today; suspending or ending it withdraws its future,
// unassigned visits (and their open shifts), never past ones.
func (s *Service) SetStatus(ctx context.Context, id string, to ContractStatus) (Contract, StatusChange, error) {
	c, err := s.Contract(ctx, id)
	if err != nil {
		return Contract{}, StatusChange{}, err
	}
	if !slices.Contains(transitions[c.Status], to) {
		return Contract{}, StatusChange{}, errs.E(errs.RuleViolation, "A %s contract cannot become %s.", c.Status, to)
	}
	upd := map[string]any{"status": string(to), "updated_at": s.now().UTC(), "version": gorm.Expr("version + 1")}
	today := civil.In(s.now(), civil.London)
	if to == Ended && (c.EndDate.IsZero() || c.EndDate.After(today)) {
		end := today
		if today.Before(c.StartDate) {
			end = c.StartDate
		}
		upd["end_date"] = end
	}
	res := s.db.WithContext(ctx).Model(&contractRow{}).Where("id = ? AND version = ?", id, c.Version).Updates(upd)
	if res.Error != nil {
		return Contract{}, StatusChange{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Contract{}, StatusChange{}, errs.E(errs.Conflict, "Someone else changed this contract; reload it and try again.")
	}
	var change StatusChange
	if to == Suspended || to == Ended {
		if change, err = s.withdrawFutureVisits(ctx, id, "contract "+string(to)); err != nil {
			return Contract{}, StatusChange{}, err
		}
	}
	c, err = s.Contract(ctx, id)
	return c, change, err
}

// AddPrice records a price that takes effect from a date. Earlier prices
// stay in the history and still apply to visits before that date.
func (s *Service) AddPrice(ctx context.Context, id string, p Price) (Contract, error) {
	c, err := s.Contract(ctx, id)
	if err != nil {
		return Contract{}, err
	}
	if p.EffectiveFrom.IsZero() {
		return Contract{}, errs.Fields(errs.FieldError{Field: "effective_from", Message: "is required (like 2027-04-01)"})
	}
	if f := checkPrice("amount", p.Amount); f != nil {
		return Contract{}, errs.Fields(*f)
	}
	if bad := appendWorkDate(nil, "effective_from", "the date the price takes effect", p.EffectiveFrom); len(bad) > 0 {
		return Contract{}, errs.Fields(bad...)
	}
	if p.EffectiveFrom.Before(c.StartDate) {
		return Contract{}, errs.Fields(errs.FieldError{Field: "effective_from", Message: "must not be before the contract starts"})
	}
	err = s.db.WithContext(ctx).Create(&contractPriceRow{
		ID: database.NewID(), ContractID: id, EffectiveFrom: p.EffectiveFrom, Amount: int64(p.Amount), CreatedAt: s.now().UTC(),
	}).Error
	if database.IsUniqueViolation(err) {
		return Contract{}, errs.E(errs.Conflict, "A price already takes effect on %s.", p.EffectiveFrom.Format("Mon 2 Jan 2006"))
	}
	if err != nil {
		return Contract{}, err
	}
	return s.Contract(ctx, id)
}

// Contract returns one contract with its sites and price history.
func (s *Service) Contract(ctx context.Context, id string) (Contract, error) {
	cs, err := s.contracts(ctx, s.db.WithContext(ctx).Where("contracts.id = ?", id))
	if err != nil {
		return Contract{}, err
	}
	if len(cs) == 0 {
		return Contract{}, ErrContractNotFound
	}
	return cs[0], nil
}

// ContractFilter narrows Contracts.
type ContractFilter struct {
	ClientID string
	Status   ContractStatus
}

// Contracts lists contracts by reference.
func (s *Service) Contracts(ctx context.Context, f ContractFilter) ([]Contract, error) {
	q := s.db.WithContext(ctx)
	if f.ClientID != "" {
		q = q.Where("contracts.client_id = ?", f.ClientID)
	}
	if f.Status != "" {
		q = q.Where("contracts.status = ?", string(f.Status))
	}
	return s.contracts(ctx, q)
}

func (s *Service) contracts(_ context.Context, q *gorm.DB) ([]Contract, error) {
	var rows []contractRow
	if err := q.Order("contracts.reference").Find(&rows).Error; err != nil || len(rows) == 0 {
		return nil, err
	}
	db := q.Session(&gorm.Session{NewDB: true})
	names := map[string]string{}
	var clients []clientRow
	if err := db.Select("id", "legal_name").Find(&clients).Error; err != nil {
		return nil, err
	}
	for _, c := range clients {
		names[c.ID] = c.LegalName
	}
	ids := make([]string, len(rows))
	byID := map[string]*Contract{}
	out := make([]Contract, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		out[i] = r.contract()
		out[i].ClientName = names[r.ClientID]
		byID[r.ID] = &out[i]
	}
	for chunk := range slices.Chunk(ids, 500) {
		var sites []contractSiteRow
		if err := db.Where("contract_id IN ?", chunk).Order("site_id").Find(&sites).Error; err != nil {
			return nil, err
		}
		for _, r := range sites {
			byID[r.ContractID].SiteIDs = append(byID[r.ContractID].SiteIDs, r.SiteID)
		}
		var prices []contractPriceRow
		if err := db.Where("contract_id IN ?", chunk).Order("effective_from").Find(&prices).Error; err != nil {
			return nil, err
		}
		for _, r := range prices {
			c := byID[r.ContractID]
			c.Prices = append(c.Prices, Price{EffectiveFrom: r.EffectiveFrom, Amount: money.Pence(r.Amount)})
		}
	}
	for i := range out {
		sort.Slice(out[i].Prices, func(a, b int) bool { return out[i].Prices[a].EffectiveFrom.Before(out[i].Prices[b].EffectiveFrom) })
		if out[i].SiteIDs == nil {
			out[i].SiteIDs = []string{}
		}
	}
	return out, nil
}

// ensureFound turns gorm's not-found into err.
func ensureFound(err, notFound error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound
	}
	return err
}
