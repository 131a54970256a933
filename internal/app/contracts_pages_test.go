package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

func flash(doc *goquery.Document) string { return strings.TrimSpace(doc.Find(".flash").Text()) }

// formError is a refused form post: its status and the text of the error
// summary on the page shown again.
func formError(res apptest.Response) (int, string) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(res.Body)))
	if err != nil {
		return res.StatusCode, ""
	}
	return res.StatusCode, strings.Join(strings.Fields(doc.Find(".error-summary").Text()), " ")
}

// TestFinancePages walks finance through the demo month: every page
// renders, a run is summarised, a draft is issued, paid and credited
// through forms, and the demo invoices show their states.
func TestFinancePages(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		fin := srv.SignIn(t, "femi@goodshift.example")
		for _, p := range []string{"/clients", "/contracts", "/invoices", "/invoice-runs", "/aged-debtors", "/sites", "/visits"} {
			res, doc := fin.Page(p)
			if res.StatusCode != http.StatusOK || doc.Find("h1").Length() == 0 {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
		_, doc := fin.Page("/invoices")
		for _, want := range []string{"Paid", "Partially paid", "Draft"} {
			if !strings.Contains(doc.Find("tbody").Text(), want) {
				t.Errorf("the demo invoices have no %q one", want)
			}
		}
		if doc.Find(`tbody a[href^="/invoices/"]`).Length() < 6 {
			t.Errorf("too few demo invoices listed")
		}
		// Run November again from the page: a summary, nothing new.
		fin.Page("/invoice-runs")
		res := fin.Submit("/invoice-runs", url.Values{"period": {"2026-11"}})
		_, doc = fin.Follow(res)
		if msg := flash(doc); !strings.Contains(msg, "0 new drafts") {
			t.Errorf("run summary: %q", msg)
		}
		fin.Page("/invoice-runs")
		if res, doc := formError(fin.Submit("/invoice-runs", url.Values{"period": {"not a month"}})); res != http.StatusUnprocessableEntity || !strings.Contains(doc, "Month must be a month like November 2026") {
			t.Errorf("bad period: %d %q", res, doc)
		}
		// Issue a draft, pay part, credit the rest.
		_, doc = fin.Page("/invoices?status=draft")
		href, _ := doc.Find(`tbody a[href^="/invoices/"]`).First().Attr("href")
		_, doc = fin.Page(href)
		if doc.Find(`a[href$=".pdf"]`).Length() == 0 {
			t.Errorf("no PDF link on %s", href)
		}
		_, doc = fin.Follow(fin.Submit(href+"/issue", nil))
		if msg := flash(doc); !strings.Contains(msg, "INV-") {
			t.Fatalf("issue: %q", msg)
		}
		_, doc = fin.Follow(fin.Submit(href+"/payments", url.Values{"amount": {"1.00"}, "method": {"bacs"}, "received_on": {"2026-11-23"}}))
		if msg := flash(doc); msg != "Payment recorded." {
			t.Errorf("payment: %q", msg)
		}
		if res, doc := formError(fin.Submit(href+"/payments", url.Values{"amount": {"-5"}, "method": {"bacs"}})); res != http.StatusUnprocessableEntity || !strings.Contains(doc, "Amount must be") {
			t.Errorf("negative payment: %d %q", res, doc)
		}
		_, doc = fin.Follow(fin.Submit(href+"/credit-notes", url.Values{"reason": {"Agreed discount"}, "full": {"1"}}))
		if msg := flash(doc); !strings.Contains(msg, "CN-") {
			t.Errorf("credit: %q", msg)
		}
		if doc.Find(`a[href^="/api/v1/credit-notes/"]`).Length() != 1 {
			t.Errorf("the credit note is not listed")
		}
		pdf := fin.Get(strings.Replace(href, "/invoices/", "/api/v1/invoices/", 1) + ".pdf")
		if pdf.StatusCode != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("PDF through the session: %d", pdf.StatusCode)
		}
		// Supervisors see visits and sites, not money.
		sup := srv.SignIn(t, "dana@goodshift.example")
		if res := sup.Get("/invoices"); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor on /invoices: %d", res.StatusCode)
		}
	})
}

// TestSupervisorVisitsPage: a supervisor records visits and edits site
// access notes from a phone-sized page.
func TestSupervisorVisitsPage(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		sup := srv.SignIn(t, "dana@goodshift.example")
		res, doc := sup.Page("/visits?from=2026-11-23&to=2026-11-23&status=scheduled")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("visits: %d", res.StatusCode)
		}
		forms := doc.Find(`form[action^="/visits/"]`)
		if forms.Length() == 0 {
			t.Fatal("no scheduled visits to record today")
		}
		if strings.Contains(doc.Text(), "£48.50") {
			t.Errorf("a supervisor sees contract prices")
		}
		action, _ := forms.First().Attr("action")
		version, _ := forms.First().Find(`input[name="version"]`).Attr("value")
		_, doc = sup.Follow(sup.Submit(action, url.Values{"status": {"cancelled"}, "charge": {"25.00"}, "note": {"Building closed"}, "version": {version}, "back": {"/visits?from=2026-11-23&to=2026-11-23"}}))
		if msg := flash(doc); !strings.Contains(msg, "cancelled") {
			t.Errorf("cancel: %q", msg)
		}
		if res, doc := formError(sup.Submit(action, url.Values{"status": {"missed"}, "back": {"https://evil.example/"}})); res != http.StatusUnprocessableEntity || !strings.Contains(doc, "already cancelled") {
			t.Errorf("second update: %d %q", res, doc)
		}
		_, doc = sup.Page("/sites")
		notes, _ := doc.Find(`form[action^="/sites/"]`).First().Attr("action")
		_, doc = sup.Follow(sup.Submit(notes, url.Values{"access_notes": {"Key safe 4321"}}))
		if msg := flash(doc); !strings.Contains(msg, "saved") || !strings.Contains(doc.Text(), "Key safe 4321") {
			t.Errorf("notes: %q", msg)
		}
		if res := sup.Submit("/clients", url.Values{"legal_name": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor adding a client: %d", res.StatusCode)
		}
	})
}
