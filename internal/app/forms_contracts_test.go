package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// contractsFormCases are the contracts area's forms in TestForms: clients,
// sites, contracts (prices, schedules, generating visits), visits, invoice
// runs and an invoice's lines, payments and credit notes.
var contractsFormCases = []formCase{
	{
		name: "add client: payment terms out of range, the rest kept",
		as:   "femi@goodshift.example", page: "/clients", form: `form[action="/clients"]`,
		set: url.Values{"legal_name": {"Acme Offices Ltd"}, "billing_email": {"accounts@acme.example"},
			"billing_address": {"1 High Street\nLondon"}, "vat_number": {"GB 123 4567 89"}, "payment_terms_days": {"200"}, "default_po_number": {"PO-9"}},
		bad: "payment_terms_days", want: "Payment terms must be a whole number of days from 0 to 120",
		state: tables("clients"),
	},
	{
		name: "add client: a VAT number the service refuses",
		as:   "femi@goodshift.example", page: "/clients", form: `form[action="/clients"]`,
		set: url.Values{"legal_name": {"Acme Offices Ltd"}, "billing_email": {"accounts@acme.example"},
			"billing_address": {"1 High Street\nLondon"}, "vat_number": {"not a vat number"}},
		bad: "vat_number", want: "VAT number must be a UK VAT number like GB 123 4567 89",
		state: tables("clients"),
	},
	{
		name: "client details: an email the service refuses",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/clients", `tbody a[href^="/clients/"]`),
		form: `form[action^="/clients/"]:not([action$="/sites"])`,
		set:  url.Values{"billing_email": {"not an email"}, "vat_number": {""}, "default_po_number": {"PO-77"}},
		bad:  "billing_email", want: "Billing email must be an email address like accounts@client.example",
		state: tables("clients"),
	},
	{
		name: "add site: a postcode the service refuses, the rest kept",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/clients", `tbody a[href^="/clients/"]`),
		form: `form[action$="/sites"]`,
		set:  url.Values{"name": {"Annexe"}, "address": {"2 High Street, London"}, "postcode": {"not a postcode"}, "access_notes": {"Key at reception"}},
		bad:  "postcode", want: "Postcode must be a UK postcode like E1 8JG",
		state: tables("sites"),
	},
	{
		name: "site access notes: too long",
		as:   "dana@goodshift.example", page: "/sites", form: `ul.cards > li:first-child form`,
		set: url.Values{"access_notes": {strings.Repeat("Key safe by the back door. ", 80)}},
		bad: "access_notes", want: "Access notes must be at most 2000 characters",
		state: tables("sites"),
	},
	{
		name: "new contract: a price typed wrong, the rest kept",
		as:   "femi@goodshift.example", page: "/contracts", form: `form[action="/contracts"]`,
		set: url.Values{"reference": {"NEW-77"}, "start_date": {"24/12/2030"}, "pricing": {"per_cleaner_hour"}, "price": {"12.345"},
			"vat_rate": {"5"}, "po_number": {"PO-1"}, "notes": {"Two floors"}, "status": {"active"}},
		bad: "price", want: "Price must be in pounds, like 48.50",
		state: tables("contracts", "contract_prices"),
	},
	{
		name: "new contract: a start date that does not exist",
		as:   "femi@goodshift.example", page: "/contracts", form: `form[action="/contracts"]`,
		set: url.Values{"reference": {"NEW-78"}, "start_date": {"31/11/2030"}, "price": {"48.50"}},
		bad: "start_date", want: "Start date must be a real date: there is no 31 November",
		state: tables("contracts", "contract_prices"),
	},
	{
		name: "contract price: an amount typed wrong",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/contracts?status=active", `tbody a[href^="/contracts/"]`),
		form: `form[action$="/prices"]`,
		set:  url.Values{"amount": {"fifty"}, "effective_from": {"1 Jan 2031"}},
		bad:  "amount", want: "New price must be in pounds, like 48.50",
		state: tables("contract_prices"),
	},
	{
		name: "contract schedule: crew size out of range, the days kept",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/contracts?status=active", `tbody a[href^="/contracts/"]`),
		form: `form[action$="/schedules"]`,
		set: url.Values{"weekdays": {"mon", "wed"}, "every_n_weeks": {"2"}, "valid_from": {"1/12/2030"}, "valid_to": {"31 Dec 2031"},
			"start_time": {"18:00"}, "end_time": {"20:30"}, "crew_size": {"0"}, "description": {"Evening clean"}},
		bad: "crew_size", want: "Crew size must be a whole number of people from 1 to 50",
		state: tables("visit_schedules"),
		check: func(t *testing.T, doc *goquery.Document, f *goquery.Selection) {
			if _, open := doc.Find(`details:has(form[action$="/schedules"])`).Attr("open"); !open {
				t.Errorf("the schedule form is folded away after an error")
			}
		},
	},
	{
		name: "contract schedule: a weekly pattern with no days",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/contracts?status=active", `tbody a[href^="/contracts/"]`),
		form: `form[action$="/schedules"]`,
		set:  url.Values{"valid_from": {"1/12/2030"}, "crew_size": {"3"}},
		bad:  "weekdays", want: "Choose at least one day",
		state: tables("visit_schedules"),
	},
	{
		name: "generate visits: to before from",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/contracts?status=active", `tbody a[href^="/contracts/"]`),
		form: `form[action$="/generate"]`,
		set:  url.Values{"from": {"24 Dec 2030"}, "to": {"20/12/2030"}},
		bad:  "to", want: "To must be the same as or after the from date",
		state: tables("visits", "shifts"),
	},
	{
		name: "record a visit: a charge typed wrong, the rest kept",
		as:   "dana@goodshift.example", page: "/visits?status=scheduled", form: `ul.cards > li:first-child form`,
		set: url.Values{"status": {"cancelled"}, "charge": {"twenty"}, "note": {"Building closed"}},
		bad: "charge", want: "Cancellation charge must be in pounds, like 48.50",
		state: tables("visits"),
	},
	{
		name: "invoice run: a month typed wrong",
		as:   "femi@goodshift.example", page: "/invoice-runs", form: `form[action="/invoice-runs"]`,
		set: url.Values{"period": {"Smarch 2026"}},
		bad: "period", want: "Month must be a month like November 2026",
		state: tables("invoice_runs", "invoices"),
	},
	{
		name: "invoice line: quantity out of range, the rest kept",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/invoices?status=draft", `tbody a[href^="/invoices/"]`),
		form: `form[action$="/lines"]`,
		set:  url.Values{"description": {"Window cleaning"}, "quantity": {"0"}, "unit_price": {"30.00"}},
		bad:  "quantity", want: "Quantity must be a whole number of items from 1 to 10000",
		state: tables("invoice_lines", "invoices"),
	},
	{
		name: "payment: an amount typed wrong, the rest kept",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/invoices?status=issued", `tbody a[href^="/invoices/"]`),
		form: `form[action$="/payments"]`,
		set:  url.Values{"amount": {"ten pounds"}, "method": {"cheque"}, "received_on": {"2/1/2026"}, "reference": {"CHQ 100234"}},
		bad:  "amount", want: "Amount must be in pounds, like 48.50",
		state: tables("payments", "invoices"),
	},
	{
		name: "payment: received in the future",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/invoices?status=issued", `tbody a[href^="/invoices/"]`),
		form: `form[action$="/payments"]`,
		set:  url.Values{"amount": {"1.00"}, "received_on": {"24 Dec 2099"}},
		bad:  "received_on", want: "Received on cannot be in the future",
		state: tables("payments", "invoices"),
	},
	{
		name: "credit note: neither everything nor an amount",
		as:   "femi@goodshift.example", pageF: firstLink("femi@goodshift.example", "/invoices?status=issued", `tbody a[href^="/invoices/"]`),
		form: `form[action$="/credit-notes"]`,
		set:  url.Values{"reason": {"Agreed discount"}},
		bad:  "credit_amount", want: `Enter an amount, or tick "Credit everything still uncredited"`,
		state: tables("credit_notes", "invoices"),
	},
}

func init() { formCases = append(formCases, contractsFormCases...) }

// firstLink is a formCase.pageF: the first link matching sel on page, as
// the person signing in as email sees it.
func firstLink(email, page, sel string) func(*testing.T, *apptest.Server) string {
	return func(t *testing.T, srv *apptest.Server) string {
		_, doc := srv.SignIn(t, email).Page(page)
		href, ok := doc.Find(sel).First().Attr("href")
		if !ok {
			t.Fatalf("%s has no %s", page, sel)
		}
		return href
	}
}

// TestVisitsFilterForgives: the visits filter reads dates as people type
// them, and one that is not a date is shown by its field, kept, with the
// list still there (not an error page).
func TestVisitsFilterForgives(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	sup := srv.SignIn(t, "dana@goodshift.example")
	res, doc := sup.Page("/visits?from=" + url.QueryEscape("24/12/2030") + "&to=" + url.QueryEscape("31 Dec 2030"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dates typed as people do: %d", res.StatusCode)
	}
	if v, _ := doc.Find(`#from`).Attr("value"); v != "2030-12-24" {
		t.Errorf("from shown as %q", v)
	}
	res, doc = sup.Page("/visits?from=" + url.QueryEscape("32/12/2030"))
	in := doc.Find(`form[action="/visits"] [name="from"]`)
	v, _ := in.Attr("value")
	desc, _ := in.Attr("aria-describedby")
	if res.StatusCode != http.StatusUnprocessableEntity || v != "32/12/2030" || desc == "" ||
		!strings.Contains(doc.Find("#"+desc).Text(), "From must be a date like 24 December 2026") || doc.Find("h1").Text() != "Visits" {
		t.Errorf("a date that is not one: %d, value %q, message %q", res.StatusCode, v, doc.Find("#"+desc).Text())
	}
}
