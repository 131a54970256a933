package contracts

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/web"
)

// The contracts area's HTML forms (web.Form, docs/phone.md "Forms"). On any
// error a handler shows the same page again with every value kept and each
// message by its field; the service's messages, written for the API ("in
// pence", "like 2026-11-01", field keys), are put in the page's words by
// fromService.

func clientFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "legal_name", Label: "Legal name"},
		web.Field{Name: "billing_email", Label: "Billing email", Kind: web.KindEmail},
		web.Field{Name: "billing_address", Label: "Billing address", Kind: web.KindLong},
		web.Field{Name: "vat_number", Label: "VAT number"},
		web.Field{Name: "payment_terms_days", Label: "Payment terms", Kind: web.KindNumber},
		web.Field{Name: "default_po_number", Label: "Default PO number"},
	)
}

func siteFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "name", Label: "Site name"},
		web.Field{Name: "address", Label: "Address"},
		web.Field{Name: "postcode", Label: "Postcode"},
		web.Field{Name: "access_notes", Label: "Access notes", Kind: web.KindLong},
	)
}

func siteNotesFields() *web.Form {
	return web.NewForm(web.Field{Name: "access_notes", Label: "Access notes", Kind: web.KindLong})
}

func contractFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "reference", Label: "Reference"},
		web.Field{Name: "site_id", Label: "Site", Kind: web.KindSelect, Keys: []string{"site_ids", "client_id"}},
		web.Field{Name: "start_date", Label: "Start date", Kind: web.KindDate},
		web.Field{Name: "pricing", Label: "Pricing", Kind: web.KindSelect},
		web.Field{Name: "price", Label: "Price", Kind: web.KindMoney},
		web.Field{Name: "vat_rate", Label: "VAT rate", Kind: web.KindMoney, Keys: []string{"vat_rate_bp"}},
		web.Field{Name: "po_number", Label: "PO number"},
		web.Field{Name: "notes", Label: "Notes", Kind: web.KindLong},
		web.Field{Name: "status", Label: "Status", Kind: web.KindSelect},
	)
}

func priceFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "amount", Label: "New price", Kind: web.KindMoney},
		web.Field{Name: "effective_from", Label: "Takes effect from", Kind: web.KindDate},
	)
}

func scheduleFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "kind", Label: "Kind", Kind: web.KindSelect},
		web.Field{Name: "site_id", Label: "Site", Kind: web.KindSelect},
		web.Field{Name: "weekdays", Label: "Days", Kind: web.KindChoice},
		web.Field{Name: "every_n_weeks", Label: "Every how many weeks", Kind: web.KindNumber},
		web.Field{Name: "valid_from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "valid_to", Label: "Until", Kind: web.KindDate},
		web.Field{Name: "date", Label: "Date", Kind: web.KindDate},
		web.Field{Name: "start_time", Label: "Start", Kind: web.KindTime},
		web.Field{Name: "end_time", Label: "End", Kind: web.KindTime},
		web.Field{Name: "crew_size", Label: "Crew size", Kind: web.KindNumber},
		web.Field{Name: "description", Label: "Description"},
	)
}

func generateFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "to", Label: "To", Kind: web.KindDate},
	)
}

func visitFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "status", Label: "Record as", Kind: web.KindSelect},
		web.Field{Name: "charge", Label: "Cancellation charge", Kind: web.KindMoney, Keys: []string{"cancellation_charge"}},
		web.Field{Name: "note", Label: "Note"},
	)
}

func runFields() *web.Form {
	return web.NewForm(web.Field{Name: "period", Label: "Month"})
}

func lineFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "description", Label: "Description"},
		web.Field{Name: "quantity", Label: "Quantity", Kind: web.KindNumber},
		web.Field{Name: "unit_price", Label: "Unit price", Kind: web.KindMoney},
	)
}

func paymentFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "amount", Label: "Amount", Kind: web.KindMoney},
		web.Field{Name: "method", Label: "Method", Kind: web.KindSelect},
		web.Field{Name: "received_on", Label: "Received on", Kind: web.KindDate},
		web.Field{Name: "reference", Label: "Reference"},
	)
}

// creditFields: the amount is credit_amount on the page (the payment form
// beside it has an amount too), amount to the service.
func creditFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "reason", Label: "Reason"},
		web.Field{Name: "credit_amount", Label: "Amount", Kind: web.KindMoney, Keys: []string{"amount"}},
	)
}

// pounds reads a money field ("48.50", "£1,234.56"); required says whether
// empty is an error. It records a plain message and returns 0 on error.
func pounds(f *web.Form, name string, required bool) money.Pence {
	v := f.Value(name)
	if v == "" {
		if required {
			f.Required(name)
		}
		return 0
	}
	p, err := money.Parse(v)
	switch {
	case err != nil:
		f.Error(name, f.Label(name)+" must be in pounds, like 48.50")
	case p < 0 || p > maxPrice:
		f.Error(name, f.Label(name)+" must be from £0.00 to £1,000,000.00")
	}
	return p
}

// whole reads a whole number from lo to hi; empty is def.
func whole(f *web.Form, name string, lo, hi, def int, unit string) int {
	v := f.Value(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		f.Error(name, f.Label(name)+" must be a whole number of "+unit+" from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
		return def
	}
	return n
}

// personMonth reads a month as a person types it: what a month input sends
// (2026-11), "November 2026", "Nov 2026", "11/2026".
func personMonth(s string) (civil.Month, bool) {
	s = strings.TrimSpace(s)
	if m, err := civil.ParseMonth(s); err == nil {
		return m, true
	}
	for _, layout := range []string{"January 2006", "Jan 2006", "1/2006", "01/2006", "1/06", "01/06", "January 06", "Jan 06"} {
		if t, err := time.Parse(layout, s); err == nil {
			if m, err := civil.ParseMonth(t.Format("2006-01")); err == nil {
				return m, true
			}
		}
	}
	// Case does not matter: "november 2026".
	if t, err := time.Parse("January 2006", titleWords(s)); err == nil {
		if m, err := civil.ParseMonth(t.Format("2006-01")); err == nil {
			return m, true
		}
	}
	if t, err := time.Parse("Jan 2006", titleWords(s)); err == nil {
		if m, err := civil.ParseMonth(t.Format("2006-01")); err == nil {
			return m, true
		}
	}
	return civil.Month{}, false
}

func titleWords(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		ws[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(ws, " ")
}

// monthWords is a month as people read it: "November 2026".
func monthWords(m civil.Month) string { return m.First().Format("January 2006") }

// fromService puts a service's error on the form (web.Form.FromError), first
// putting field messages in the page's words: words(field, message) returns
// the sentence to show instead, or "" to keep the service's. A date of work
// outside the years allowed is said the same way for every field.
func fromService(f *web.Form, err error, words func(field, msg string) string) bool {
	var e *errs.Error
	if errors.As(err, &e) {
		if fes, ok := e.Details.([]errs.FieldError); ok {
			out := make([]errs.FieldError, len(fes))
			for i, fe := range fes {
				out[i] = fe
				w := ""
				if words != nil {
					w = words(fe.Field, fe.Message)
				}
				if w == "" && strings.Contains(fe.Message, "must be between 2000 and 2100") {
					w = f.Label(fe.Field) + " must be in the years 2000 to 2100"
				}
				if w != "" {
					out[i].Message = w
				}
			}
			cp := *e
			cp.Details = out
			err = &cp
		}
	}
	return f.FromError(err)
}
