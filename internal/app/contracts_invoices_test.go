package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/testenv"
)

type invoiceJSON struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	ContractID  string `json:"contract_id"`
	Status      string `json:"status"`
	Net         int64  `json:"net"`
	VAT         int64  `json:"vat"`
	Total       int64  `json:"total"`
	Outstanding int64  `json:"outstanding"`
	Lines       []any  `json:"lines"`
}

// TestInvoicingScenario is the acceptance scenario through the API alone:
// client, site, contract, schedule; a month of visits, completed; invoices
// run twice; issue; the PDF matches to the penny; credit half; pay the
// rest; aged debtors shows it settled.
func TestInvoicingScenario(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		fin, sup := srv.Login(t, "femi@goodshift.example"), srv.Login(t, "dana@goodshift.example")
		contractID, _ := setupContract(t, fin)
		var gen struct {
			Created []struct {
				ID  string `json:"id"`
				End string `json:"end"`
			} `json:"created"`
		}
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts/"+contractID+"/visits/generate", map[string]string{"from": "2026-11-01", "to": "2026-11-30"}, &gen), http.StatusOK)
		completed := 0
		for _, v := range gen.Created {
			r := sup.JSON(http.MethodPatch, "/api/v1/visits/"+v.ID, map[string]any{"status": "completed"}, nil)
			if r.StatusCode == http.StatusOK {
				completed++
			} else if r.StatusCode != http.StatusUnprocessableEntity { // future visits cannot be completed yet
				t.Fatalf("complete: %d %s", r.StatusCode, r.Body)
			}
		}
		if completed != 7 { // Mon/Thu 2–23 November, before the demo clock (23 Nov 09:00)
			t.Fatalf("completed %d visits, want 7", completed)
		}
		type runJSON struct {
			Created, Unchanged int
			Invoices           []string `json:"invoice_ids"`
		}
		var run1, run2 runJSON
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoice-runs", map[string]string{"period": "2026-11"}, &run1), http.StatusOK)
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoice-runs", map[string]string{"period": "2026-11"}, &run2), http.StatusOK)
		if run2.Created != 0 || len(run2.Invoices) != len(run1.Invoices) {
			t.Errorf("second run: %+v (first %+v)", run2, run1)
		}
		var list struct{ Items []invoiceJSON }
		mustStatus(t, fin.JSON(http.MethodGet, "/api/v1/invoices?period=2026-11", nil, &list), http.StatusOK)
		var inv invoiceJSON
		n := 0
		for _, i := range list.Items {
			if i.ContractID == contractID {
				inv, n = i, n+1
			}
		}
		if n != 1 {
			t.Fatalf("%d invoices for the contract", n)
		}
		if inv.Net != 31500 || inv.VAT != 6300 || inv.Total != 37800 || inv.Status != "draft" {
			t.Fatalf("draft: %+v", inv)
		}
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoices/"+inv.ID+"/issue", nil, &inv), http.StatusOK)
		if !strings.HasPrefix(inv.Number, "INV-") || inv.Status != "issued" || inv.Outstanding != 37800 {
			t.Fatalf("issued: %+v", inv)
		}
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoices/"+inv.ID+"/issue", nil, nil), http.StatusConflict)
		pdf := fin.Get("/api/v1/invoices/" + inv.ID + ".pdf")
		mustStatus(t, pdf, http.StatusOK)
		if pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("content type %s", pdf.Header.Get("Content-Type"))
		}
		text := testenv.PDFText(t, pdf.Body)
		for _, want := range []string{inv.Number, "GB 123 4567 89", "GB 987 6543 21", "£315.00", "£63.00", "£378.00", "PO-4471",
			"Riverside Dental Practice Ltd", "Sort code", "60-83-01", "Tax point", "Goodshift Cleaning CIC"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
		if again := fin.Get("/api/v1/invoices/" + inv.ID + ".pdf"); string(again.Body) != string(pdf.Body) {
			t.Errorf("the same invoice gave different PDF bytes")
		}
		var cn struct {
			ID     string `json:"id"`
			Number string `json:"number"`
			Total  int64  `json:"total"`
		}
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoices/"+inv.ID+"/credit-notes", map[string]any{"reason": "Half the visits were short", "amount": 18900}, &cn), http.StatusCreated)
		if !strings.HasPrefix(cn.Number, "CN-") || cn.Total != 18900 {
			t.Errorf("credit note: %+v", cn)
		}
		cnPDF := fin.Get("/api/v1/credit-notes/" + cn.ID + ".pdf")
		mustStatus(t, cnPDF, http.StatusOK)
		if ct := testenv.PDFText(t, cnPDF.Body); !strings.Contains(ct, cn.Number) || !strings.Contains(ct, inv.Number) || !strings.Contains(ct, "£189.00") || !strings.Contains(ct, "Half the visits were short") {
			t.Errorf("credit note PDF:\n%s", ct)
		}
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoices/"+inv.ID+"/payments", map[string]any{"amount": 18901, "method": "bacs"}, nil), http.StatusUnprocessableEntity)
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoices/"+inv.ID+"/payments", map[string]any{"amount": 18900, "method": "bacs", "reference": "RDP NOV"}, &inv), http.StatusCreated)
		if inv.Status != "paid" || inv.Outstanding != 0 {
			t.Errorf("after payment: %+v", inv)
		}
		var ad struct {
			Clients []struct {
				ClientName string `json:"client_name"`
			} `json:"clients"`
		}
		mustStatus(t, fin.JSON(http.MethodGet, "/api/v1/reports/aged-debtors", nil, &ad), http.StatusOK)
		for _, c := range ad.Clients {
			if c.ClientName == "Riverside Dental Practice Ltd" {
				t.Errorf("a settled client is in aged debtors")
			}
		}
		csv := fin.Get("/api/v1/reports/aged-debtors.csv")
		if csv.StatusCode != 200 || !strings.HasPrefix(string(csv.Body), "client,current,") {
			t.Errorf("CSV: %d %s", csv.StatusCode, csv.Body)
		}
		// Supervisors see no invoices.
		mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/invoices", nil, nil), http.StatusForbidden)
	})
}

// TestInvoicingRefusesBadInput: malformed or hostile input gets 4xx and
// changes nothing.
func TestInvoicingRefusesBadInput(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		fin := srv.Login(t, "femi@goodshift.example")
		var run struct {
			Invoices []string `json:"invoice_ids"`
		}
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoice-runs", map[string]string{"period": "2026-11"}, &run), http.StatusOK)
		if len(run.Invoices) == 0 {
			t.Fatal("the demo month made no drafts")
		}
		draft := run.Invoices[0]
		before := fin.Get("/api/v1/invoices/" + draft)
		unknown := "0193a000-0000-7000-8000-00000000dead"
		for _, tc := range []struct {
			method, path string
			body         any
			want         int
		}{
			{http.MethodPost, "/api/v1/invoice-runs", map[string]string{"period": "2026-13"}, 400},
			{http.MethodPost, "/api/v1/invoice-runs", map[string]string{"period": "November"}, 400},
			{http.MethodPost, "/api/v1/invoice-runs", map[string]any{}, 400},
			{http.MethodPost, "/api/v1/invoice-runs", map[string]any{"period": 202611}, 400},
			{http.MethodGet, "/api/v1/invoices/" + unknown, nil, 404},
			{http.MethodGet, "/api/v1/invoices/" + unknown + ".pdf", nil, 404},
			{http.MethodGet, "/api/v1/invoices/..%2f..%2fetc.pdf", nil, 404},
			{http.MethodPost, "/api/v1/invoices/" + unknown + "/issue", nil, 404},
			{http.MethodPost, "/api/v1/invoices/" + draft + "/lines", map[string]any{"description": "Discount", "quantity": 1, "unit_price": -500}, 400},
			{http.MethodPost, "/api/v1/invoices/" + draft + "/lines", map[string]any{"description": "x", "quantity": 0, "unit_price": 5}, 400},
			{http.MethodPost, "/api/v1/invoices/" + draft + "/payments", map[string]any{"amount": 100, "method": "bacs"}, 422},
			{http.MethodPost, "/api/v1/invoices/" + draft + "/credit-notes", map[string]any{"reason": "x", "full": true}, 422},
			{http.MethodPost, "/api/v1/invoices/" + draft + "/credit-notes", map[string]any{"full": true}, 400},
			{http.MethodGet, "/api/v1/invoices?period=13-2026", nil, 400},
			{http.MethodGet, "/api/v1/invoices?status=late", nil, 400},
		} {
			r := fin.JSON(tc.method, tc.path, tc.body, nil)
			if r.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, r.StatusCode, tc.want, r.Body)
			}
		}
		after := fin.Get("/api/v1/invoices/" + draft)
		var a, b map[string]any
		_ = json.Unmarshal(before.Body, &a)
		_ = json.Unmarshal(after.Body, &b)
		if a["version"] != b["version"] || a["total"] != b["total"] {
			t.Errorf("refused requests changed the draft: %v -> %v", a["version"], b["version"])
		}
	})
}
