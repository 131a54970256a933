package contracts

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Number series.
const (
	invoiceSeries    = "invoice"
	creditNoteSeries = "credit_note"
)

// InvoiceNumber formats a sequence number: INV-000123.
func InvoiceNumber(seq int64) string { return fmt.Sprintf("INV-%06d", seq) }

// CreditNoteNumber formats a credit note's number: CN-000045.
func CreditNoteNumber(seq int64) string { return fmt.Sprintf("CN-%06d", seq) }

// nextNumber takes the next number of a series inside tx. The UPDATE locks
// the series row until tx ends (PostgreSQL row lock; SQLite's BEGIN
// IMMEDIATE write lock), so concurrent issues queue, and if tx rolls back
// the number is not used: no gap, no duplicate.
func nextNumber(tx *gorm.DB, series string) (int64, error) {
	res := tx.Exec("UPDATE number_sequences SET last_value = last_value + 1 WHERE name = ?", series)
	if res.Error != nil {
		return 0, res.Error
	}
	if res.RowsAffected != 1 {
		return 0, fmt.Errorf("number series %q is missing", series)
	}
	var n int64
	if err := tx.Raw("SELECT last_value FROM number_sequences WHERE name = ?", series).Scan(&n).Error; err != nil {
		return 0, err
	}
	return n, nil
}

// taxPoint is the tax point of services supplied over a month: the invoice
// date when it is issued within 14 days of the month's end (or earlier),
// otherwise the last day of the month, when the service was completed.
func taxPoint(period civil.Month, invoiceDate civil.Date) civil.Date {
	if end := period.Last(); invoiceDate.After(end.AddDays(14)) {
		return end
	}
	return invoiceDate
}

// Issue gives a draft its number, dates and freezes it, in one transaction:
// the next number of the gap-free invoice series, today's invoice date, the
// tax point and the due date from the client's payment terms. Then, outside
// the transaction, it goes to Stripe when Stripe is on; if that fails the
// invoice stays issued, marked "pending" for `goodshift stripe-sync`.
func (s *Service) Issue(ctx context.Context, id string) (Invoice, error) {
	now := s.now().UTC()
	today := civil.In(now, civil.London)
	var out Invoice
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inv, err := s.invoiceTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inv.State != StateDraft {
			return errs.E(errs.Conflict, "Invoice %s is already issued.", inv.Number)
		}
		if len(inv.Lines) == 0 || inv.Total <= 0 {
			return errs.E(errs.RuleViolation, "This draft has nothing to charge; add a line or run the month again.")
		}
		if today.Before(inv.Period.First()) {
			return errs.E(errs.RuleViolation, "An invoice for %s cannot be issued before the month starts.", inv.Period)
		}
		sync := ""
		if s.stripe != nil {
			sync = stripePending
		}
		due := today.AddDays(inv.PaymentTermsDays)
		// Claim the draft first: a second issue of the same invoice waits
		// here and then finds it is no longer a draft.
		res := tx.Model(&invoiceRow{}).Where("id = ? AND state = ? AND version = ?", id, string(StateDraft), inv.Version).Updates(map[string]any{
			"state": string(StateIssued), "invoice_date": today, "tax_point": taxPoint(inv.Period, today), "due_date": due,
			"issued_at": now, "stripe_sync": sync, "version": inv.Version + 1, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone else changed or issued this invoice; reload it.")
		}
		seq, err := nextNumber(tx, invoiceSeries)
		if err != nil {
			return err
		}
		if err := tx.Model(&invoiceRow{}).Where("id = ?", id).Updates(map[string]any{"seq": seq, "number": InvoiceNumber(seq)}).Error; err != nil {
			return err
		}
		// Email it to the client, with the issue or not at all.
		if err := s.queueIssuedSend(ctx, tx, inv); err != nil {
			return err
		}
		if s.beforeIssueCommit != nil {
			if err := s.beforeIssueCommit(id); err != nil {
				return err
			}
		}
		// What was written, without reading it back.
		inv.State, inv.Number, inv.InvoiceDate, inv.TaxPoint, inv.DueDate = StateIssued, InvoiceNumber(seq), today, taxPoint(inv.Period, today), due
		inv.IssuedAt, inv.Version, inv.Stripe.Sync, inv.Outstanding = &now, inv.Version+1, sync, inv.Total
		inv.Status = inv.statusOn(today)
		out = inv
		return nil
	})
	if err != nil {
		return Invoice{}, err
	}
	if s.stripe != nil {
		if err := s.SyncStripe(ctx, id); err != nil {
			s.logger.WarnContext(ctx, "stripe sync failed; the invoice is issued and marked for retry", "invoice", id, "error", err.Error())
		}
		return s.Invoice(ctx, id)
	}
	return out, nil
}

// CreditNote corrects an issued invoice, which is never edited or deleted.
type CreditNote struct {
	ID            string           `json:"id"`
	Number        string           `json:"number"`
	InvoiceID     string           `json:"invoice_id"`
	InvoiceNumber string           `json:"invoice_number"`
	IssueDate     civil.Date       `json:"issue_date"`
	Reason        string           `json:"reason"`
	Full          bool             `json:"full"`
	Lines         []CreditNoteLine `json:"lines"`
	Net           money.Pence      `json:"net"`
	VAT           money.Pence      `json:"vat"`
	Total         money.Pence      `json:"total"`
}

// CreditNoteLine is an amount credited at one VAT rate.
type CreditNoteLine struct {
	Description string            `json:"description"`
	Net         money.Pence       `json:"net"`
	VATRate     money.BasisPoints `json:"vat_rate_bp"`
	VAT         money.Pence       `json:"vat"`
}

// CreditRequest asks for a full credit, or a partial one of Amount
// (including VAT). A reason is required.
type CreditRequest struct {
	Reason string       `json:"reason"`
	Full   bool         `json:"full"`
	Amount *money.Pence `json:"amount"`
}

// ErrCreditNoteNotFound is returned for an unknown credit note.
var ErrCreditNoteNotFound = errs.E(errs.NotFound, "There is no such credit note.")

// Credit raises a credit note against an issued invoice, numbered from its
// own gap-free series (CN-000001) in the same transaction.
//
// A full credit reverses what is left uncredited, rate by rate. A partial
// credit of a gross amount is split at the invoice's VAT rate: VAT =
// amount × rate / (100% + rate), rounded to the nearest penny, and the
// rest is net.
func (s *Service) Credit(ctx context.Context, invoiceID string, r CreditRequest) (CreditNote, error) {
	r.Reason = strings.TrimSpace(r.Reason)
	if r.Reason == "" || len(r.Reason) > 500 {
		return CreditNote{}, errs.Fields(errs.FieldError{Field: "reason", Message: "is required (at most 500 characters): say why the invoice is corrected"})
	}
	if r.Full == (r.Amount != nil) {
		return CreditNote{}, errs.Fields(errs.FieldError{Field: "amount", Message: "give either full: true or an amount in pence (including VAT)"})
	}
	if r.Amount != nil && *r.Amount <= 0 {
		return CreditNote{}, errs.Fields(errs.FieldError{Field: "amount", Message: "must be more than zero pence"})
	}
	now := s.now().UTC()
	today := civil.In(now, civil.London)
	var noteID string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inv, err := s.invoiceTx(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		if inv.State != StateIssued {
			return errs.E(errs.RuleViolation, "Only an issued invoice can be credited; this one is %s.", inv.State)
		}
		left := inv.Total - inv.Credited
		if left <= 0 {
			return errs.E(errs.RuleViolation, "Invoice %s is already fully credited.", inv.Number)
		}
		var lines []CreditNoteLine
		if r.Full {
			lines = fullCreditLines(inv)
		} else {
			if *r.Amount > left {
				return errs.E(errs.RuleViolation, "At most %s of invoice %s is left to credit.", left, inv.Number)
			}
			rate := StandardVATRate
			if len(inv.VATGroups) > 0 {
				rate = inv.VATGroups[0].Rate
			}
			vat := money.MulDiv(*r.Amount, int64(rate), 10000+int64(rate), money.HalfUp)
			lines = []CreditNoteLine{{Description: "Credit against invoice " + inv.Number + ": " + r.Reason,
				Net: *r.Amount - vat, VATRate: rate, VAT: vat}}
		}
		var net, vat money.Pence
		for _, l := range lines {
			net += l.Net
			vat += l.VAT
		}
		total := net + vat
		credited := inv.Credited + total
		upd := map[string]any{"credited": int64(credited), "version": inv.Version + 1, "updated_at": now}
		if credited >= inv.Total && inv.Paid == 0 {
			upd["state"] = string(StateVoid)
		}
		res := tx.Model(&invoiceRow{}).Where("id = ? AND state = ? AND version = ?", inv.ID, string(StateIssued), inv.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone else changed this invoice; reload it and try again.")
		}
		seq, err := nextNumber(tx, creditNoteSeries)
		if err != nil {
			return err
		}
		noteID = database.NewID()
		if err := tx.Create(&creditNoteRow{ID: noteID, InvoiceID: inv.ID, Number: CreditNoteNumber(seq), Seq: seq,
			IssueDate: today, Reason: r.Reason, FullCredit: r.Full, Net: int64(net), VAT: int64(vat), Total: int64(total), CreatedAt: now}).Error; err != nil {
			return err
		}
		for i, l := range lines {
			if err := tx.Create(&creditNoteLineRow{ID: database.NewID(), CreditNoteID: noteID, Position: i + 1, Description: l.Description,
				Net: int64(l.Net), VATRateBP: int64(l.VATRate), VAT: int64(l.VAT)}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return CreditNote{}, err
	}
	return s.CreditNote(ctx, noteID)
}

// fullCreditLines reverse what is left of an invoice, rate by rate. When
// part was credited already, the rest is credited at the main rate.
func fullCreditLines(inv Invoice) []CreditNoteLine {
	if inv.Credited == 0 {
		var out []CreditNoteLine
		for _, g := range inv.VATGroups {
			out = append(out, CreditNoteLine{Description: fmt.Sprintf("Full credit of invoice %s (%s VAT)", inv.Number, g.Rate),
				Net: g.Net, VATRate: g.Rate, VAT: g.VAT})
		}
		return out
	}
	left := inv.Total - inv.Credited
	rate := inv.VATGroups[0].Rate
	vat := money.MulDiv(left, int64(rate), 10000+int64(rate), money.HalfUp)
	return []CreditNoteLine{{Description: "Credit of the balance of invoice " + inv.Number, Net: left - vat, VATRate: rate, VAT: vat}}
}

// CreditNote returns one credit note.
func (s *Service) CreditNote(ctx context.Context, id string) (CreditNote, error) {
	var row creditNoteRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return CreditNote{}, ensureFound(err, ErrCreditNoteNotFound)
	}
	notes, err := s.creditNotes(ctx, []creditNoteRow{row})
	if err != nil {
		return CreditNote{}, err
	}
	return notes[0], nil
}

// CreditNotes lists an invoice's credit notes ("" for all), by number.
func (s *Service) CreditNotes(ctx context.Context, invoiceID string) ([]CreditNote, error) {
	q := s.db.WithContext(ctx)
	if invoiceID != "" {
		q = q.Where("invoice_id = ?", invoiceID)
	}
	var rows []creditNoteRow
	if err := q.Order("seq").Find(&rows).Error; err != nil {
		return nil, err
	}
	return s.creditNotes(ctx, rows)
}

func (s *Service) creditNotes(ctx context.Context, rows []creditNoteRow) ([]CreditNote, error) {
	out := make([]CreditNote, len(rows))
	for i, r := range rows {
		var inv invoiceRow
		if err := s.db.WithContext(ctx).Select("number").Where("id = ?", r.InvoiceID).Take(&inv).Error; err != nil {
			return nil, err
		}
		var lines []creditNoteLineRow
		if err := s.db.WithContext(ctx).Where("credit_note_id = ?", r.ID).Order("position").Find(&lines).Error; err != nil {
			return nil, err
		}
		cn := CreditNote{ID: r.ID, Number: r.Number, InvoiceID: r.InvoiceID, InvoiceNumber: derefStr(inv.Number), IssueDate: r.IssueDate,
			Reason: r.Reason, Full: r.FullCredit, Net: money.Pence(r.Net), VAT: money.Pence(r.VAT), Total: money.Pence(r.Total)}
		for _, l := range lines {
			cn.Lines = append(cn.Lines, CreditNoteLine{Description: l.Description, Net: money.Pence(l.Net), VATRate: money.BasisPoints(l.VATRateBP), VAT: money.Pence(l.VAT)})
		}
		out[i] = cn
	}
	return out, nil
}

// Payment is money received against an invoice.
type Payment struct {
	ID         string      `json:"id"`
	InvoiceID  string      `json:"invoice_id"`
	Amount     money.Pence `json:"amount"`
	Method     string      `json:"method"`
	ReceivedOn civil.Date  `json:"received_on"`
	Reference  string      `json:"reference"`
}

// PaymentInput records a payment.
type PaymentInput struct {
	Amount     money.Pence `json:"amount"`
	Method     string      `json:"method"` // bacs or cheque (card and stripe come from Stripe)
	ReceivedOn civil.Date  `json:"received_on"`
	Reference  string      `json:"reference"`
}

// ErrAlreadyRecorded is returned when a payment from the same source (a
// Stripe event) was recorded before.
var ErrAlreadyRecorded = errs.E(errs.Conflict, "This payment was already recorded.")

// RecordPayment records a BACS or cheque payment; part payments are fine,
// more than is outstanding is not.
func (s *Service) RecordPayment(ctx context.Context, invoiceID string, in PaymentInput) (Invoice, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	var bad []errs.FieldError
	if in.Amount <= 0 || in.Amount > maxPrice {
		bad = append(bad, errs.FieldError{Field: "amount", Message: "must be a positive number of pence"})
	}
	if in.Method != "bacs" && in.Method != "cheque" {
		bad = append(bad, errs.FieldError{Field: "method", Message: "must be bacs or cheque"})
	}
	bad = appendWorkDate(bad, "received_on", "the date received", in.ReceivedOn)
	today := civil.In(s.now(), civil.London)
	if in.ReceivedOn.IsZero() {
		in.ReceivedOn = today
	}
	if in.ReceivedOn.After(today) {
		bad = append(bad, errs.FieldError{Field: "received_on", Message: "cannot be in the future"})
	}
	if len(in.Reference) > 100 {
		bad = append(bad, errs.FieldError{Field: "reference", Message: "is at most 100 characters"})
	}
	if len(bad) > 0 {
		return Invoice{}, errs.Fields(bad...)
	}
	if err := s.recordPayment(ctx, invoiceID, in, ""); err != nil {
		return Invoice{}, err
	}
	return s.Invoice(ctx, invoiceID)
}

// recordPayment adds a payment in one transaction. sourceKey, when set,
// makes it idempotent (a Stripe event ID).
func (s *Service) recordPayment(ctx context.Context, invoiceID string, in PaymentInput, sourceKey string) error {
	now := s.now().UTC()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv invoiceRow
		if err := tx.Where("id = ?", invoiceID).Take(&inv).Error; err != nil {
			return ensureFound(err, ErrInvoiceNotFound)
		}
		if inv.State != string(StateIssued) {
			return errs.E(errs.RuleViolation, "Payments are recorded against issued invoices; this one is %s.", inv.State)
		}
		left := money.Pence(inv.Total - inv.Credited - inv.Paid)
		if in.Amount > left {
			return errs.E(errs.RuleViolation, "Only %s is outstanding on invoice %s.", left, derefStr(inv.Number))
		}
		res := tx.Model(&invoiceRow{}).Where("id = ? AND version = ?", inv.ID, inv.Version).
			Updates(map[string]any{"paid": inv.Paid + int64(in.Amount), "version": inv.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone else changed this invoice; reload it and try again.")
		}
		row := paymentRow{ID: database.NewID(), InvoiceID: inv.ID, Amount: int64(in.Amount), Method: in.Method,
			ReceivedOn: in.ReceivedOn, Reference: in.Reference, CreatedAt: now}
		if sourceKey != "" {
			row.SourceKey = &sourceKey
		}
		return tx.Create(&row).Error
	})
	if database.IsUniqueViolation(err) {
		return ErrAlreadyRecorded
	}
	return err
}

// Payments lists an invoice's payments.
func (s *Service) Payments(ctx context.Context, invoiceID string) ([]Payment, error) {
	var rows []paymentRow
	if err := s.db.WithContext(ctx).Where("invoice_id = ?", invoiceID).Order("received_on, created_at").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Payment, len(rows))
	for i, r := range rows {
		out[i] = Payment{ID: r.ID, InvoiceID: r.InvoiceID, Amount: money.Pence(r.Amount), Method: r.Method, ReceivedOn: r.ReceivedOn, Reference: r.Reference}
	}
	return out, nil
}

// AgedDebtors is who owes what, by how long past due.
type AgedDebtors struct {
	AsOf    civil.Date   `json:"as_of"`
	Clients []DebtorLine `json:"clients"`
	Total   DebtorLine   `json:"total"`
}

// DebtorLine is one client's (or the total) outstanding by age.
type DebtorLine struct {
	ClientID   string      `json:"client_id,omitempty"`
	ClientName string      `json:"client_name,omitempty"`
	Current    money.Pence `json:"current"` // not yet due
	Days1to30  money.Pence `json:"days_1_30"`
	Days31to60 money.Pence `json:"days_31_60"`
	Days61to90 money.Pence `json:"days_61_90"`
	Over90     money.Pence `json:"days_over_90"`
	Total      money.Pence `json:"total"`
}

func (d *DebtorLine) add(daysLate int, amount money.Pence) {
	switch {
	case daysLate <= 0:
		d.Current += amount
	case daysLate <= 30:
		d.Days1to30 += amount
	case daysLate <= 60:
		d.Days31to60 += amount
	case daysLate <= 90:
		d.Days61to90 += amount
	default:
		d.Over90 += amount
	}
	d.Total += amount
}

// AgedDebtors buckets every outstanding issued invoice by days past its due date.
func (s *Service) AgedDebtors(ctx context.Context) (AgedDebtors, error) {
	today := civil.In(s.now(), civil.London)
	out := AgedDebtors{AsOf: today, Clients: []DebtorLine{}}
	var rows []invoiceRow
	if err := s.db.WithContext(ctx).Where("state = ? AND total - credited - paid > 0", string(StateIssued)).
		Order("client_name, seq").Find(&rows).Error; err != nil {
		return out, err
	}
	idx := map[string]int{}
	for _, r := range rows {
		i, ok := idx[r.ClientID]
		if !ok {
			i = len(out.Clients)
			idx[r.ClientID] = i
			out.Clients = append(out.Clients, DebtorLine{ClientID: r.ClientID, ClientName: r.ClientName})
		}
		amount := money.Pence(r.Total - r.Credited - r.Paid)
		late := r.DueDate.DaysUntil(today)
		out.Clients[i].add(late, amount)
		out.Total.add(late, amount)
	}
	return out, nil
}
