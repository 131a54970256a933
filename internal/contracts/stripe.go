package contracts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	stripeclient "github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/web"
)

// Stripe sync states of an issued invoice.
const (
	stripePending = "pending" // not (fully) in Stripe yet: goodshift stripe-sync retries
	stripeSynced  = "synced"
)

// stripeClient is the Stripe API with our settings.
type stripeClient struct {
	api           *stripeclient.API
	webhookSecret string
}

func newStripeClient(c config.Stripe) *stripeClient {
	bc := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 30 * time.Second},
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		MaxNetworkRetries: stripe.Int64(2), // retries reuse the idempotency key
	}
	if c.APIBase != "" {
		bc.URL = stripe.String(c.APIBase)
	}
	api := &stripeclient.API{}
	api.Init(c.SecretKey, stripe.NewBackendsWithConfig(bc))
	return &stripeClient{api: api, webhookSecret: c.WebhookSecret}
}

// idem builds a Stripe idempotency key from our own IDs, so a retry after
// a crash or a timeout can never create a second customer, item or invoice.
func idem(parts ...string) *string {
	k := "goodshift"
	for _, p := range parts {
		k += ":" + p
	}
	return stripe.String(k)
}

// StripeEnabled reports whether invoices go to Stripe.
func (s *Service) StripeEnabled() bool { return s.stripe != nil }

// SyncStripe puts an issued invoice into Stripe: it creates (or reuses) the
// client's Customer, creates a draft Stripe invoice (collection by
// send_invoice, due in the client's payment terms, in GBP), adds each line
// as an invoice item with its net Amount plus one item per VAT rate, then
// finalizes and sends it. Each step carries an idempotency key derived from
// our IDs, and each Stripe ID is saved as soon as it exists, so running it
// again after a failure resumes rather than duplicates. On failure the
// invoice stays issued and marked "pending".
func (s *Service) SyncStripe(ctx context.Context, invoiceID string) error {
	if s.stripe == nil {
		return errs.E(errs.RuleViolation, "Stripe is not switched on (STRIPE_SECRET_KEY is not set).")
	}
	inv, err := s.Invoice(ctx, invoiceID)
	if err != nil {
		return err
	}
	if inv.State != StateIssued {
		return errs.E(errs.RuleViolation, "Only issued invoices go to Stripe; this one is %s.", inv.State)
	}
	if inv.Stripe.Sync == stripeSynced {
		return nil
	}
	fail := func(step string, err error) error {
		msg := fmt.Sprintf("%s: %v", step, err)
		_ = s.db.WithContext(ctx).Model(&invoiceRow{}).Where("id = ?", invoiceID).
			Updates(map[string]any{"stripe_sync": stripePending, "stripe_error": truncate(msg, 500)}).Error
		return fmt.Errorf("stripe %s: %w", step, err)
	}
	api := s.stripe.api
	customerID := inv.Stripe.CustomerID
	if customerID == "" {
		var cl clientRow
		if err := s.db.WithContext(ctx).Where("id = ?", inv.ClientID).Take(&cl).Error; err != nil {
			return err
		}
		customerID = cl.StripeCustomerID
		if customerID == "" {
			// Made by an earlier attempt whose answer was lost? (stripe_lookup.go)
			if customerID, err = s.findStripeCustomer(ctx, cl.ID); err != nil {
				return fail("look up customer", err)
			}
		}
		if customerID == "" {
			p := &stripe.CustomerParams{Name: stripe.String(cl.LegalName), Email: stripe.String(cl.BillingEmail)}
			p.Context = ctx
			p.IdempotencyKey = idem("customer", cl.ID)
			p.AddMetadata("goodshift_client_id", cl.ID)
			c, err := api.Customers.New(p)
			if err != nil {
				return fail("create customer", err)
			}
			customerID = c.ID
		}
		if cl.StripeCustomerID == "" {
			if err := s.db.WithContext(ctx).Model(&clientRow{}).Where("id = ? AND stripe_customer_id = ''", cl.ID).
				Update("stripe_customer_id", customerID).Error; err != nil {
				return err
			}
		}
		if err := s.db.WithContext(ctx).Model(&invoiceRow{}).Where("id = ?", invoiceID).Update("stripe_customer_id", customerID).Error; err != nil {
			return err
		}
	}
	stripeID := inv.Stripe.InvoiceID
	found, final := false, false // made by an earlier attempt whose ID we never saved; finalized already
	if stripeID == "" {
		id, status, err := s.findStripeInvoice(ctx, inv.ID) // stripe_lookup.go
		if err != nil {
			return fail("look up invoice", err)
		}
		if id != "" {
			stripeID, found = id, true
			if err := s.db.WithContext(ctx).Model(&invoiceRow{}).Where("id = ?", invoiceID).Update("stripe_invoice_id", stripeID).Error; err != nil {
				return err
			}
			final = status != string(stripe.InvoiceStatusDraft) // items and totals are fixed

		}
	}
	if stripeID == "" {
		p := &stripe.InvoiceParams{
			Customer:                    stripe.String(customerID),
			CollectionMethod:            stripe.String(string(stripe.InvoiceCollectionMethodSendInvoice)),
			DaysUntilDue:                stripe.Int64(int64(max(inv.PaymentTermsDays, 1))),
			Currency:                    stripe.String(string(stripe.CurrencyGBP)),
			Description:                 stripe.String(fmt.Sprintf("%s: cleaning, %s (contract %s)", inv.Number, inv.Period.First().Format("January 2006"), inv.ContractReference)),
			PendingInvoiceItemsBehavior: stripe.String("exclude"),
			AutoAdvance:                 stripe.Bool(false),
		}
		p.Context = ctx
		p.IdempotencyKey = idem("invoice", inv.ID)
		p.AddMetadata("goodshift_invoice_id", inv.ID)
		p.AddMetadata("goodshift_invoice_number", inv.Number)
		si, err := api.Invoices.New(p)
		if err != nil {
			return fail("create invoice", err)
		}
		stripeID = si.ID
		if err := s.db.WithContext(ctx).Model(&invoiceRow{}).Where("id = ?", invoiceID).Update("stripe_invoice_id", stripeID).Error; err != nil {
			return err
		}
	}
	// Items: our lines at their net amounts, and the VAT per rate, so
	// Stripe's total is exactly ours. A retry sends the same idempotency
	// keys, which Stripe answers with the items it already made.
	made := map[string]bool{}
	if !final && (found || inv.Stripe.InvoiceID != "") {
		// Items an earlier attempt made, whatever became of their keys.
		if made, err = s.stripeItemsMade(ctx, stripeID); err != nil {
			return fail("list invoice items", err)
		}
	}
	for _, it := range stripeItems(inv) {
		if final || made[it.key] {
			continue
		}
		p := &stripe.InvoiceItemParams{
			Customer: stripe.String(customerID), Invoice: stripe.String(stripeID),
			Amount: stripe.Int64(int64(it.amount)), Currency: stripe.String(string(stripe.CurrencyGBP)),
			Description: stripe.String(it.description),
		}
		p.Context = ctx
		p.IdempotencyKey = idem("item", inv.ID, it.key)
		p.AddMetadata("goodshift_item", it.key)
		if _, err := api.InvoiceItems.New(p); err != nil {
			return fail("add invoice item", err)
		}
	}
	fin := &stripe.Invoice{}
	if !final {
		fp := &stripe.InvoiceFinalizeInvoiceParams{AutoAdvance: stripe.Bool(false)}
		fp.Context = ctx
		fp.IdempotencyKey = idem("finalize", inv.ID)
		if fin, err = api.Invoices.FinalizeInvoice(stripeID, fp); err != nil {
			return fail("finalize invoice", err)
		}
	}
	sp := &stripe.InvoiceSendInvoiceParams{}
	sp.Context = ctx
	sp.IdempotencyKey = idem("send", inv.ID)
	sent, err := api.Invoices.SendInvoice(stripeID, sp)
	if err != nil {
		return fail("send invoice", err)
	}
	url := sent.HostedInvoiceURL
	if url == "" {
		url = fin.HostedInvoiceURL
	}
	return s.db.WithContext(ctx).Model(&invoiceRow{}).Where("id = ?", invoiceID).Updates(map[string]any{
		"stripe_sync": stripeSynced, "stripe_error": "", "stripe_hosted_url": url,
	}).Error
}

type stripeItem struct {
	key, description string
	amount           money.Pence
}

// stripeItems are the invoice's lines as Stripe invoice items.
func stripeItems(inv Invoice) []stripeItem {
	var out []stripeItem
	for _, l := range inv.Lines {
		out = append(out, stripeItem{key: l.ID, description: l.Description + " (" + l.QuantityText() + ")", amount: l.Net})
	}
	for _, g := range inv.VATGroups {
		if g.VAT > 0 {
			out = append(out, stripeItem{key: "vat-" + fmt.Sprint(int64(g.Rate)), description: "VAT at " + g.Rate.String() + " on " + g.Net.String(), amount: g.VAT})
		}
	}
	return out
}

// SyncPendingStripe retries every issued invoice still pending in Stripe.
func (s *Service) SyncPendingStripe(ctx context.Context) (synced, failed int, err error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&invoiceRow{}).Where("state = ? AND stripe_sync = ?", string(StateIssued), stripePending).
		Order("seq").Pluck("id", &ids).Error; err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		if err := s.SyncStripe(ctx, id); err != nil {
			s.logger.WarnContext(ctx, "stripe sync failed", "invoice", id, "error", err.Error())
			failed++
			continue
		}
		synced++
	}
	return synced, failed, nil
}

// ErrBadSignature is a webhook whose signature does not verify.
var ErrBadSignature = errs.E(errs.Invalid, "The Stripe-Signature header does not verify.")

// WebhookResult says what a webhook did.
type WebhookResult struct {
	EventID string `json:"event_id"`
	Type    string `json:"type"`
	Outcome string `json:"outcome"` // handled, replay, ignored
}

// HandleWebhook verifies a Stripe event with the signing secret and applies
// it once: invoice.paid records the payment, invoice.payment_failed,
// invoice.voided and invoice.marked_uncollectible record Stripe's status
// (voided also voids our invoice). The event ID is stored in the same
// transaction, so a replay changes nothing.
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, signature string) (WebhookResult, error) {
	if s.stripe == nil || s.stripe.webhookSecret == "" {
		return WebhookResult{}, errs.E(errs.NotFound, "Stripe webhooks are not switched on here.")
	}
	ev, err := webhook.ConstructEventWithOptions(payload, signature, s.stripe.webhookSecret, webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return WebhookResult{}, ErrBadSignature
	}
	// Signed is not the same as storable: refuse NUL and invalid UTF-8,
	// which the event decoder would pass on (NUL) or silently replace.
	if err := web.CheckJSONText(payload); err != nil {
		return WebhookResult{}, err
	}
	res := WebhookResult{EventID: ev.ID, Type: string(ev.Type), Outcome: "ignored"}
	if ev.ID == "" {
		return res, errs.E(errs.Invalid, "The event has no ID.")
	}
	switch ev.Type {
	case "invoice.paid", "invoice.payment_failed", "invoice.voided", "invoice.marked_uncollectible":
	default:
		return res, nil
	}
	var si stripe.Invoice
	if ev.Data == nil || si.UnmarshalJSON(ev.Data.Raw) != nil || si.ID == "" {
		return res, errs.E(errs.Invalid, "The event does not carry an invoice.")
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&stripeEventRow{ID: ev.ID, Type: string(ev.Type), ReceivedAt: now}).Error; err != nil {
			return err
		}
		var inv invoiceRow
		q := tx.Where("stripe_invoice_id = ?", si.ID)
		if id := si.Metadata["goodshift_invoice_id"]; database.ValidID(id) {
			q = tx.Where("stripe_invoice_id = ? OR id = ?", si.ID, id)
		}
		if err := q.Take(&inv).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil // not ours: recorded, nothing to do
			}
			return err
		}
		if err := tx.Model(&stripeEventRow{}).Where("id = ?", ev.ID).Update("invoice_id", inv.ID).Error; err != nil {
			return err
		}
		upd := map[string]any{"updated_at": now, "version": gorm.Expr("version + 1")}
		switch ev.Type {
		case "invoice.paid":
			var stripePaid int64
			if err := tx.Model(&paymentRow{}).Where("invoice_id = ? AND method = ?", inv.ID, "stripe").
				Select("COALESCE(SUM(amount), 0)").Scan(&stripePaid).Error; err != nil {
				return err
			}
			amount := min(si.AmountPaid-stripePaid, inv.Total-inv.Credited-inv.Paid)
			upd["stripe_status"] = "paid"
			if amount > 0 && inv.State == string(StateIssued) {
				key := "stripe:" + ev.ID
				if err := tx.Create(&paymentRow{ID: database.NewID(), InvoiceID: inv.ID, Amount: amount, Method: "stripe",
					ReceivedOn: civil.In(time.Unix(ev.Created, 0), civil.London), Reference: "Stripe " + si.ID, SourceKey: &key, CreatedAt: now}).Error; err != nil {
					return err
				}
				upd["paid"] = gorm.Expr("paid + ?", amount)
			}
		case "invoice.payment_failed":
			upd["stripe_status"] = "payment_failed"
		case "invoice.voided":
			upd["stripe_status"] = "void"
			if inv.State == string(StateIssued) && inv.Paid == 0 {
				upd["state"] = string(StateVoid)
			}
		case "invoice.marked_uncollectible":
			upd["stripe_status"] = "uncollectible"
		}
		return tx.Model(&invoiceRow{}).Where("id = ?", inv.ID).Updates(upd).Error
	})
	if database.IsUniqueViolation(err) {
		res.Outcome = "replay"
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Outcome = "handled"
	return res, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
