package contracts

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// InvoiceState is what is stored; InvoiceStatus adds what follows from
// payments, credits and the date.
type InvoiceState string

const (
	StateDraft  InvoiceState = "draft"
	StateIssued InvoiceState = "issued"
	StateVoid   InvoiceState = "void" // voided in Stripe, or fully credited before any payment
)

// Invoice statuses as people see them.
const (
	StatusDraft         = "draft"
	StatusIssued        = "issued"
	StatusPartiallyPaid = "partially_paid"
	StatusPaid          = "paid"
	StatusOverdue       = "overdue"
	StatusVoid          = "void"
)

// LineKind says where an invoice line came from.
type LineKind string

const (
	LineVisit        LineKind = "visit"        // a per-visit price
	LineHours        LineKind = "hours"        // cleaner-minutes × hourly rate
	LineCancellation LineKind = "cancellation" // a client's late cancellation charge
	LineFixed        LineKind = "fixed"        // the monthly fee
	LineManual       LineKind = "manual"       // added by finance; kept when a run refreshes the draft
)

// Line is one line of an invoice. Quantity is in Unit: visits, minutes (an
// hours line, printed as hours), months or units.
type Line struct {
	ID          string            `json:"id"`
	Position    int               `json:"position"`
	Kind        LineKind          `json:"kind"`
	VisitID     string            `json:"visit_id,omitempty"`
	ServiceDate civil.Date        `json:"service_date"`
	Description string            `json:"description"`
	Quantity    int64             `json:"quantity"`
	Unit        string            `json:"unit"`
	UnitPrice   money.Pence       `json:"unit_price"` // excluding VAT; per hour for an hours line
	Net         money.Pence       `json:"net"`
	VATRate     money.BasisPoints `json:"vat_rate_bp"`
}

// QuantityText is the quantity as printed: "2", "4.5 h", "3 h 20 min".
func (l Line) QuantityText() string {
	if l.Unit != "minute" {
		return fmt.Sprint(l.Quantity)
	}
	h, m := l.Quantity/60, l.Quantity%60
	switch {
	case m == 0:
		return fmt.Sprintf("%d h", h)
	case m%6 == 0: // a tenth of an hour
		return fmt.Sprintf("%d.%d h", h, m/6)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// VATGroup is the total at one VAT rate.
type VATGroup struct {
	Rate money.BasisPoints `json:"rate_bp"`
	Net  money.Pence       `json:"net"`
	VAT  money.Pence       `json:"vat"`
}

// Totals works out an invoice's VAT and totals from its lines.
//
// VAT rounding (HMRC VAT Notice 700, section 16, "rounding of amounts of
// VAT"): VAT is calculated on the invoice total of the lines at each rate,
// not line by line, and the fraction of a penny is rounded DOWN — HMRC
// accepts rounding the total VAT on an invoice down to a whole penny. All
// other arithmetic is exact integer pence.
func Totals(lines []Line) (groups []VATGroup, net, vat, total money.Pence) {
	byRate := map[money.BasisPoints]money.Pence{}
	for _, l := range lines {
		byRate[l.VATRate] += l.Net
	}
	for r, n := range byRate {
		groups = append(groups, VATGroup{Rate: r, Net: n, VAT: money.Percent(n, r, money.Down)})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Rate > groups[j].Rate })
	for _, g := range groups {
		net += g.Net
		vat += g.VAT
	}
	return groups, net, vat, net + vat
}

// Invoice is a VAT invoice for one contract and month.
type Invoice struct {
	ID                string       `json:"id"`
	Number            string       `json:"number"`
	ContractID        string       `json:"contract_id"`
	ContractReference string       `json:"contract_reference"`
	ClientID          string       `json:"client_id"`
	ClientName        string       `json:"client_name"`
	ClientAddress     []string     `json:"client_address"`
	ClientVATNumber   string       `json:"client_vat_number"`
	ClientEmail       string       `json:"client_email"`
	Period            civil.Month  `json:"period"`
	State             InvoiceState `json:"state"`
	Status            string       `json:"status"`
	InvoiceDate       civil.Date   `json:"invoice_date"`
	TaxPoint          civil.Date   `json:"tax_point"`
	DueDate           civil.Date   `json:"due_date"`
	PONumber          string       `json:"po_number"`
	PaymentTermsDays  int          `json:"payment_terms_days"`
	Lines             []Line       `json:"lines"`
	VATGroups         []VATGroup   `json:"vat_summary"`
	Net               money.Pence  `json:"net"`
	VAT               money.Pence  `json:"vat"`
	Total             money.Pence  `json:"total"`
	Paid              money.Pence  `json:"paid"`
	Credited          money.Pence  `json:"credited"`
	Outstanding       money.Pence  `json:"outstanding"`
	Stripe            StripeRef    `json:"stripe"`
	Version           int          `json:"version"`
	IssuedAt          *time.Time   `json:"issued_at,omitempty"`
}

// StripeRef is an invoice's twin in Stripe, when Stripe is on.
type StripeRef struct {
	CustomerID string `json:"customer_id,omitempty"`
	InvoiceID  string `json:"invoice_id,omitempty"`
	HostedURL  string `json:"hosted_invoice_url,omitempty"`
	Sync       string `json:"sync,omitempty"` // pending (retry with goodshift stripe-sync) or synced
	Error      string `json:"error,omitempty"`
	Status     string `json:"status,omitempty"` // Stripe's: paid, payment_failed, void, uncollectible
}

// statusOn is the invoice's status as of a date.
func (inv Invoice) statusOn(today civil.Date) string {
	switch {
	case inv.State == StateDraft:
		return StatusDraft
	case inv.State == StateVoid:
		return StatusVoid
	case inv.Outstanding <= 0:
		return StatusPaid
	case !inv.DueDate.IsZero() && today.After(inv.DueDate):
		return StatusOverdue
	case inv.Paid > 0:
		return StatusPartiallyPaid
	}
	return StatusIssued
}

// ErrInvoiceNotFound is returned for an unknown invoice.
var ErrInvoiceNotFound = errs.E(errs.NotFound, "There is no such invoice.")

// RunSummary says what an invoice run did.
type RunSummary struct {
	ID        string      `json:"id"`
	Period    civil.Month `json:"period"`
	StartedAt time.Time   `json:"started_at"`
	Contracts int         `json:"contracts"`
	Created   int         `json:"created"`   // new drafts
	Refreshed int         `json:"refreshed"` // drafts whose lines changed
	Unchanged int         `json:"unchanged"` // drafts already right
	Issued    int         `json:"issued"`    // already issued: never touched
	Removed   int         `json:"removed"`   // drafts with nothing left to bill, deleted
	Nothing   int         `json:"nothing"`   // contracts with nothing to bill
	Net       money.Pence `json:"net"`       // total of the drafts made or refreshed
	Invoices  []string    `json:"invoice_ids"`
}

// RunProgress is told about each contract as the run finishes it.
type RunProgress func(done, total int)

// RunInvoices makes or refreshes one draft invoice per billable contract
// for the month: lines for billable visits at the price in force on each
// visit's date, or the monthly fee, plus any manual lines already on the
// draft. Each contract is one transaction and the database allows one
// invoice per contract and month, so a run that is interrupted (or run
// twice, or twice at once) leaves exactly one invoice per contract. Issued
// invoices are never touched.
func (s *Service) RunInvoices(ctx context.Context, period civil.Month, progress RunProgress) (RunSummary, error) {
	if period.Year < 2000 || period.Year > 2100 {
		return RunSummary{}, errs.Fields(errs.FieldError{Field: "period", Message: "must be a month like 2026-11"})
	}
	now := s.now().UTC()
	sum := RunSummary{ID: database.NewID(), Period: period, StartedAt: now, Invoices: []string{}}
	first, last := period.First(), period.Last()
	if err := s.db.WithContext(ctx).Create(&invoiceRunRow{ID: sum.ID, Period: period.String(), StartedAt: now}).Error; err != nil {
		return sum, err
	}
	all, err := s.Contracts(ctx, ContractFilter{})
	if err != nil {
		return sum, err
	}
	var cs []Contract
	for _, c := range all {
		overlaps := !c.StartDate.After(last) && (c.EndDate.IsZero() || !c.EndDate.Before(first))
		if c.Status != Draft && overlaps {
			cs = append(cs, c)
		}
	}
	sum.Contracts = len(cs)
	visits, err := s.billableVisits(ctx, first, last)
	if err != nil {
		return sum, err
	}
	sites, err := s.Sites(ctx, "")
	if err != nil {
		return sum, err
	}
	siteNames := map[string]string{}
	for _, st := range sites {
		siteNames[st.ID] = st.Name
	}
	clients, err := s.Clients(ctx)
	if err != nil {
		return sum, err
	}
	clientByID := map[string]Client{}
	for _, c := range clients {
		clientByID[c.ID] = c
	}
	var existing []invoiceRow
	if err := s.db.WithContext(ctx).Where("period = ?", period.String()).Find(&existing).Error; err != nil {
		return sum, err
	}
	invByContract := map[string]invoiceRow{}
	for _, r := range existing {
		invByContract[r.ContractID] = r
	}
	// Contracts are independent: on PostgreSQL a few workers write drafts
	// side by side; SQLite takes one writer at a time anyway.
	workers := 1
	if database.Dialect(s.db) == database.Postgres {
		workers = 4
	}
	var (
		mu       sync.Mutex
		firstErr error
		finished int
		wg       sync.WaitGroup
		next     = make(chan Contract)
	)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				lines := billLines(c, period, visits[c.ID], siteNames)
				outcome, id, net, err := s.writeDraft(wctx, c, clientByID[c.ClientID], period, lines, invByContract[c.ID])
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("contract %s: %w", c.Reference, err)
						cancel()
					}
					mu.Unlock()
					continue
				}
				switch outcome {
				case "created":
					sum.Created++
				case "refreshed":
					sum.Refreshed++
				case "unchanged":
					sum.Unchanged++
				case "issued":
					sum.Issued++
				case "removed":
					sum.Removed++
				case "nothing":
					sum.Nothing++
				}
				if id != "" && outcome != "issued" {
					sum.Invoices = append(sum.Invoices, id)
					sum.Net += net
				}
				finished++
				if progress != nil {
					progress(finished, len(cs))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, c := range cs {
		select {
		case next <- c:
		case <-wctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return sum, firstErr
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	sort.Strings(sum.Invoices)
	fin := s.now().UTC()
	err = s.db.WithContext(ctx).Model(&invoiceRunRow{}).Where("id = ?", sum.ID).Updates(map[string]any{
		"finished_at": fin, "contracts": sum.Contracts, "created": sum.Created, "refreshed": sum.Refreshed,
		"unchanged": sum.Unchanged, "issued": sum.Issued, "removed": sum.Removed, "nothing_to_bill": sum.Nothing,
	}).Error
	return sum, err
}

// billableVisits are the period's billable visits by contract.
func (s *Service) billableVisits(ctx context.Context, first, last civil.Date) (map[string][]Visit, error) {
	var rows []visitRow
	err := s.db.WithContext(ctx).Where("visit_date >= ? AND visit_date <= ? AND (status = ? OR (status = ? AND cancellation_charge > 0))",
		first, last, string(VisitCompleted), string(VisitCancelled)).Order("starts_at, id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[string][]Visit{}
	for _, r := range rows {
		out[r.ContractID] = append(out[r.ContractID], r.visit())
	}
	return out, nil
}

// billLines are the lines a contract earns in a month (manual lines aside).
func billLines(c Contract, period civil.Month, visits []Visit, siteNames map[string]string) []Line {
	var lines []Line
	rate := c.VATRate
	for _, v := range visits {
		when := v.Date.Format("Mon 2 Jan 2006") + " " + v.LocalStart + "–" + v.LocalEnd
		site := siteNames[v.SiteID]
		if v.Status == VisitCancelled {
			lines = append(lines, Line{Kind: LineCancellation, VisitID: v.ID, ServiceDate: v.Date,
				Description: "Late cancellation charge: " + site + ", " + when,
				Quantity:    1, Unit: "visit", UnitPrice: v.CancellationCharge, Net: v.CancellationCharge, VATRate: rate})
			continue
		}
		price, ok := c.PriceOn(v.Date)
		if !ok {
			continue
		}
		switch c.Pricing {
		case PerVisit:
			lines = append(lines, Line{Kind: LineVisit, VisitID: v.ID, ServiceDate: v.Date,
				Description: "Cleaning visit: " + site + ", " + when,
				Quantity:    1, Unit: "visit", UnitPrice: price, Net: price, VATRate: rate})
		case PerCleanerHour:
			mins := v.WorkedMinutes()
			crew := len(v.Crew)
			if crew == 0 {
				crew = v.CrewSize
			}
			lines = append(lines, Line{Kind: LineHours, VisitID: v.ID, ServiceDate: v.Date,
				Description: fmt.Sprintf("Cleaning: %s, %s (%d cleaner%s), per cleaner-hour", site, when, crew, plural(crew)),
				Quantity:    mins, Unit: "minute", UnitPrice: price, Net: money.MulDiv(price, mins, 60, money.HalfUp), VATRate: rate})
		}
	}
	if c.Pricing == FixedMonthly && c.Status != Suspended {
		first, last := period.First(), period.Last()
		from, to := first, last
		if c.StartDate.After(from) {
			from = c.StartDate
		}
		if !c.EndDate.IsZero() && c.EndDate.Before(to) {
			to = c.EndDate
		}
		if price, ok := c.PriceOn(from); ok && !to.Before(from) {
			days, covered := int64(first.DaysUntil(last)+1), int64(from.DaysUntil(to)+1)
			desc := "Contract cleaning, " + first.Format("January 2006") + " (monthly fee)"
			net := price
			if covered < days {
				// Part month: the fee pro rata by calendar days, rounded to the nearest penny.
				net = money.MulDiv(price, covered, days, money.HalfUp)
				desc += fmt.Sprintf(", %d of %d days", covered, days)
			}
			lines = append(lines, Line{Kind: LineFixed, ServiceDate: last, Description: desc,
				Quantity: 1, Unit: "month", UnitPrice: net, Net: net, VATRate: rate})
		}
	}
	return lines
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// writeDraft creates, refreshes or leaves the contract's invoice for the
// month, in one transaction.
func (s *Service) writeDraft(ctx context.Context, c Contract, cl Client, period civil.Month, auto []Line, known invoiceRow) (outcome, id string, net money.Pence, err error) {
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv invoiceRow
		found := known.ID != ""
		if found {
			// Re-read inside the transaction: someone may have issued it since.
			if err := tx.Where("id = ?", known.ID).Take(&inv).Error; err != nil {
				return err
			}
		}
		if found && inv.State != string(StateDraft) {
			outcome, id = "issued", inv.ID
			return nil
		}
		var manual []invoiceLineRow
		var old []invoiceLineRow
		if found {
			if err := tx.Where("invoice_id = ?", inv.ID).Order("position").Find(&old).Error; err != nil {
				return err
			}
			for _, l := range old {
				if l.Kind == string(LineManual) {
					manual = append(manual, l)
				}
			}
		}
		if len(auto) == 0 && len(manual) == 0 {
			if !found {
				outcome = "nothing"
				return nil
			}
			if err := tx.Where("invoice_id = ?", inv.ID).Delete(&invoiceLineRow{}).Error; err != nil {
				return err
			}
			res := tx.Where("id = ? AND state = ? AND version = ?", inv.ID, string(StateDraft), inv.Version).Delete(&invoiceRow{})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errs.E(errs.Conflict, "The invoice changed while the run was working on it; run again.")
			}
			outcome = "removed"
			return nil
		}
		lines := make([]Line, 0, len(auto)+len(manual))
		lines = append(lines, auto...)
		for _, m := range manual {
			lines = append(lines, m.line())
		}
		for i := range lines {
			lines[i].Position = i + 1
		}
		_, n, v, t := Totals(lines)
		net = n
		head := invoiceRow{
			ContractID: c.ID, ClientID: c.ClientID, Period: period.String(), State: string(StateDraft),
			ContractReference: c.Reference, ClientName: cl.LegalName, ClientAddress: strings.Join(cl.BillingAddress, "\n"),
			ClientVATNumber: cl.VATNumber, ClientEmail: cl.BillingEmail, PONumber: c.PONumber,
			PaymentTermsDays: cl.PaymentTermsDays, Net: int64(n), VAT: int64(v), Total: int64(t), UpdatedAt: now,
		}
		if !found {
			head.ID, head.Version, head.CreatedAt = database.NewID(), 1, now
			if err := tx.Create(&head).Error; err != nil {
				return err
			}
			id, outcome = head.ID, "created"
		} else {
			id = inv.ID
			if sameLines(old, lines) && sameHead(inv, head) {
				outcome = "unchanged"
				return nil
			}
			res := tx.Model(&invoiceRow{}).Where("id = ? AND state = ? AND version = ?", inv.ID, string(StateDraft), inv.Version).Updates(map[string]any{
				"contract_reference": head.ContractReference, "client_name": head.ClientName, "client_address": head.ClientAddress,
				"client_vat_number": head.ClientVATNumber, "client_email": head.ClientEmail, "po_number": head.PONumber,
				"payment_terms_days": head.PaymentTermsDays, "net": head.Net, "vat": head.VAT, "total": head.Total,
				"version": inv.Version + 1, "updated_at": now,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errs.E(errs.Conflict, "The invoice changed while the run was working on it; run again.")
			}
			if err := tx.Where("invoice_id = ?", inv.ID).Delete(&invoiceLineRow{}).Error; err != nil {
				return err
			}
			outcome = "refreshed"
		}
		rows := make([]invoiceLineRow, len(lines))
		for i, l := range lines {
			rows[i] = lineRowFrom(id, l, now)
			if l.Kind == LineManual && l.ID != "" {
				rows[i].ID = l.ID
			}
		}
		if err := tx.CreateInBatches(rows, 200).Error; err != nil {
			return err
		}
		if s.afterDraftWrite != nil {
			s.afterDraftWrite(c.ID)
		}
		return nil
	})
	if err != nil && database.IsUniqueViolation(err) {
		// Another run created it a moment ago: that one stands.
		return "unchanged", "", 0, nil
	}
	return outcome, id, net, err
}

func sameLines(old []invoiceLineRow, lines []Line) bool {
	if len(old) != len(lines) {
		return false
	}
	for i, o := range old {
		l := lines[i]
		if o.Kind != string(l.Kind) || o.Description != l.Description || o.Quantity != l.Quantity ||
			o.UnitPrice != int64(l.UnitPrice) || o.Net != int64(l.Net) || o.VATRateBP != int64(l.VATRate) ||
			derefStr(o.VisitID) != l.VisitID || o.Unit != l.Unit {
			return false
		}
	}
	return true
}

func sameHead(a, b invoiceRow) bool {
	return a.ContractReference == b.ContractReference && a.ClientName == b.ClientName && a.ClientAddress == b.ClientAddress &&
		a.ClientVATNumber == b.ClientVATNumber && a.ClientEmail == b.ClientEmail && a.PONumber == b.PONumber &&
		a.PaymentTermsDays == b.PaymentTermsDays && a.Net == b.Net && a.VAT == b.VAT && a.Total == b.Total
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// InvoiceFilter narrows Invoices.
type InvoiceFilter struct {
	Period   string
	ClientID string
	Status   string
}

// Invoices lists invoices, newest period first, then by number and contract.
func (s *Service) Invoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	q := s.db.WithContext(ctx).Model(&invoiceRow{})
	if f.Period != "" {
		q = q.Where("period = ?", f.Period)
	}
	if f.ClientID != "" {
		q = q.Where("client_id = ?", f.ClientID)
	}
	var rows []invoiceRow
	if err := q.Order("period DESC, seq, contract_reference").Limit(5000).Find(&rows).Error; err != nil {
		return nil, err
	}
	today := civil.In(s.now(), civil.London)
	out := make([]Invoice, 0, len(rows))
	for _, r := range rows {
		inv := r.invoice(today)
		if f.Status != "" && inv.Status != f.Status {
			continue
		}
		out = append(out, inv)
	}
	return out, nil
}

// Invoice returns one invoice with its lines.
func (s *Service) Invoice(ctx context.Context, id string) (Invoice, error) {
	return s.invoiceTx(ctx, s.db.WithContext(ctx), id)
}

func (s *Service) invoiceTx(_ context.Context, db *gorm.DB, id string) (Invoice, error) {
	var row invoiceRow
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		return Invoice{}, ensureFound(err, ErrInvoiceNotFound)
	}
	inv := row.invoice(civil.In(s.now(), civil.London))
	var lines []invoiceLineRow
	if err := db.Where("invoice_id = ?", id).Order("position").Find(&lines).Error; err != nil {
		return Invoice{}, err
	}
	inv.Lines = make([]Line, len(lines))
	for i, l := range lines {
		inv.Lines[i] = l.line()
	}
	inv.VATGroups, _, _, _ = Totals(inv.Lines)
	if inv.VATGroups == nil {
		inv.VATGroups = []VATGroup{}
	}
	return inv, nil
}

// ManualLine is an extra line finance adds to a draft.
type ManualLine struct {
	Description string             `json:"description"`
	Quantity    int64              `json:"quantity"`
	UnitPrice   money.Pence        `json:"unit_price"`
	VATRate     *money.BasisPoints `json:"vat_rate_bp"`
	Date        civil.Date         `json:"date"`
}

// AddManualLine adds an extra line to a draft invoice. Invoice runs keep it.
func (s *Service) AddManualLine(ctx context.Context, invoiceID string, m ManualLine) (Invoice, error) {
	m.Description = strings.TrimSpace(m.Description)
	var bad []errs.FieldError
	if m.Description == "" || len(m.Description) > 300 {
		bad = append(bad, errs.FieldError{Field: "description", Message: "is required (at most 300 characters)"})
	}
	if m.Quantity < 1 || m.Quantity > 10000 {
		bad = append(bad, errs.FieldError{Field: "quantity", Message: "must be a whole number from 1 to 10000"})
	}
	if f := checkPrice("unit_price", m.UnitPrice); f != nil {
		bad = append(bad, *f)
	}
	bad = appendWorkDate(bad, "date", "the service date", m.Date)
	if m.VATRate != nil {
		if f := checkVAT("vat_rate_bp", *m.VATRate); f != nil {
			bad = append(bad, *f)
		}
	}
	if len(bad) > 0 {
		return Invoice{}, errs.Fields(bad...)
	}
	now := s.now().UTC()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inv, err := s.invoiceTx(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		if inv.State != StateDraft {
			return errs.E(errs.RuleViolation, "Invoice %s is issued and cannot change; raise a credit note instead.", inv.Number)
		}
		rate := StandardVATRate
		if len(inv.Lines) > 0 {
			rate = inv.Lines[0].VATRate
		}
		if m.VATRate != nil {
			rate = *m.VATRate
		}
		date := m.Date
		if date.IsZero() {
			date = inv.Period.Last()
		}
		l := Line{Position: len(inv.Lines) + 1, Kind: LineManual, ServiceDate: date, Description: m.Description,
			Quantity: m.Quantity, Unit: "unit", UnitPrice: m.UnitPrice, Net: money.Pence(m.Quantity) * m.UnitPrice, VATRate: rate}
		if err := tx.Create(ptrTo(lineRowFrom(inv.ID, l, now))).Error; err != nil {
			return err
		}
		return s.retotal(tx, inv.ID, inv.Version, append(inv.Lines, l), now)
	})
	if err != nil {
		return Invoice{}, err
	}
	return s.Invoice(ctx, invoiceID)
}

// RemoveManualLine takes a manual line off a draft invoice.
func (s *Service) RemoveManualLine(ctx context.Context, invoiceID, lineID string) (Invoice, error) {
	now := s.now().UTC()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inv, err := s.invoiceTx(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		if inv.State != StateDraft {
			return errs.E(errs.RuleViolation, "Invoice %s is issued and cannot change; raise a credit note instead.", inv.Number)
		}
		var keep []Line
		found := false
		for _, l := range inv.Lines {
			if l.ID == lineID && l.Kind == LineManual {
				found = true
				continue
			}
			keep = append(keep, l)
		}
		if !found {
			return errs.E(errs.NotFound, "This draft has no such manual line.")
		}
		if err := tx.Where("id = ?", lineID).Delete(&invoiceLineRow{}).Error; err != nil {
			return err
		}
		return s.retotal(tx, inv.ID, inv.Version, keep, now)
	})
	if err != nil {
		return Invoice{}, err
	}
	return s.Invoice(ctx, invoiceID)
}

func ptrTo[T any](v T) *T { return &v }

// retotal stores a draft's totals after its lines changed.
func (s *Service) retotal(tx *gorm.DB, id string, version int, lines []Line, now time.Time) error {
	_, n, v, t := Totals(lines)
	res := tx.Model(&invoiceRow{}).Where("id = ? AND state = ? AND version = ?", id, string(StateDraft), version).
		Updates(map[string]any{"net": int64(n), "vat": int64(v), "total": int64(t), "version": version + 1, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.E(errs.Conflict, "Someone else changed this invoice; reload it and try again.")
	}
	return nil
}

// InvoiceRuns lists past runs, newest first.
func (s *Service) InvoiceRuns(ctx context.Context, limit int) ([]RunSummary, error) {
	var rows []invoiceRunRow
	if err := s.db.WithContext(ctx).Order("started_at DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]RunSummary, len(rows))
	for i, r := range rows {
		p, _ := civil.ParseMonth(r.Period)
		out[i] = RunSummary{ID: r.ID, Period: p, StartedAt: r.StartedAt.UTC(), Contracts: r.Contracts, Created: r.Created,
			Refreshed: r.Refreshed, Unchanged: r.Unchanged, Issued: r.Issued, Removed: r.Removed, Nothing: r.Nothing, Invoices: []string{}}
	}
	return out, nil
}
