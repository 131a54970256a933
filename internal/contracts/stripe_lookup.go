package contracts

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v76"
)

// Stripe keeps an idempotency key for 24 hours. A retry within that time
// gets the object the first attempt made; a retry days later (the first
// attempt created the invoice, then the process died before saving its ID)
// would create a second. So before creating, SyncStripe looks the object up
// by our own ID, which every object we create carries in its metadata.

// findStripeInvoice returns the Stripe invoice made for our invoice, if any
// (a voided one does not count), and its status.
func (s *Service) findStripeInvoice(ctx context.Context, invoiceID string) (id, status string, err error) {
	p := &stripe.InvoiceSearchParams{}
	p.Context = ctx
	p.Query = fmt.Sprintf("metadata['goodshift_invoice_id']:'%s'", invoiceID)
	it := s.stripe.api.Invoices.Search(p)
	for it.Next() {
		si := it.Invoice()
		if si.Metadata["goodshift_invoice_id"] == invoiceID && si.Status != stripe.InvoiceStatusVoid {
			return si.ID, string(si.Status), nil
		}
	}
	return "", "", it.Err()
}

// stripeItemsMade is the set of our item keys already on a Stripe invoice.
func (s *Service) stripeItemsMade(ctx context.Context, stripeInvoiceID string) (map[string]bool, error) {
	p := &stripe.InvoiceItemListParams{Invoice: stripe.String(stripeInvoiceID)}
	p.Context = ctx
	it := s.stripe.api.InvoiceItems.List(p)
	out := map[string]bool{}
	for it.Next() {
		if k := it.InvoiceItem().Metadata["goodshift_item"]; k != "" {
			out[k] = true
		}
	}
	return out, it.Err()
}

// findStripeCustomer returns the Stripe customer made for our client, if
// any (a deleted one does not count).
func (s *Service) findStripeCustomer(ctx context.Context, clientID string) (string, error) {
	p := &stripe.CustomerSearchParams{}
	p.Context = ctx
	p.Query = fmt.Sprintf("metadata['goodshift_client_id']:'%s'", clientID)
	it := s.stripe.api.Customers.Search(p)
	for it.Next() {
		c := it.Customer()
		if c.Metadata["goodshift_client_id"] == clientID && !c.Deleted {
			return c.ID, nil
		}
	}
	return "", it.Err()
}
