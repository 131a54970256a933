package contracts_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/testenv"
)

func longInvoice(n int) contracts.Invoice {
	issued := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	inv := contracts.Invoice{
		ID: "x", Number: "INV-000123", ContractReference: "HLHA-CS-01", ClientName: "Harbour Lane Housing Association",
		ClientAddress: []string{"Harbour Lane Housing Association", "3 Dock Street", "London", "E1 8LG"}, ClientVATNumber: "GB 287 5521 08",
		Period: november, State: contracts.StateIssued, InvoiceDate: civil.D(2026, 12, 2), TaxPoint: civil.D(2026, 12, 2),
		DueDate: civil.D(2027, 1, 1), PONumber: "HLHA-2026-114", PaymentTermsDays: 30, IssuedAt: &issued,
	}
	for i := range n {
		inv.Lines = append(inv.Lines, contracts.Line{Position: i + 1, Kind: contracts.LineVisit, ServiceDate: civil.D(2026, 11, 1+i%30),
			Description: fmt.Sprintf("Cleaning visit %d: Cable Street common parts, 06:00–08:00", i+1), Quantity: 1, Unit: "visit",
			UnitPrice: 4850, Net: 4850, VATRate: 2000})
	}
	inv.Lines = append(inv.Lines, contracts.Line{Position: n + 1, Kind: contracts.LineManual, ServiceDate: civil.D(2026, 11, 30),
		Description: "Printed safety signs (zero-rated)", Quantity: 2, Unit: "unit", UnitPrice: 333, Net: 666, VATRate: 0})
	inv.VATGroups, inv.Net, inv.VAT, inv.Total = contracts.Totals(inv.Lines)
	inv.Outstanding = inv.Total
	return inv
}

func TestInvoicePDF(t *testing.T) {
	inv := longInvoice(90)
	b, err := contracts.InvoicePDF(inv, testOrg())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := contracts.InvoicePDF(inv, testOrg())
	if !bytes.Equal(b, again) {
		t.Errorf("the same invoice gave different bytes")
	}
	_ = os.WriteFile(filepath.Join(testenv.OutputDir(t, "contracts"), "invoice-long.pdf"), b, 0o644)
	text := testenv.PDFText(t, b)
	if pages := testenv.PDFPages(text); pages < 2 {
		t.Errorf("%d pages for 91 lines", pages)
	}
	if strings.Count(text, "Unit price") < 2 {
		t.Errorf("the table header does not repeat on every page")
	}
	// 90 × £48.50 = £4,365.00 at 20% + £6.66 zero-rated.
	for _, want := range []string{
		"VAT invoice INV-000123", "Invoice number", "INV-000123", "Invoice date", "2 December 2026", "Tax point", "Due date", "1 January 2027",
		"Goodshift Cleaning CIC", "Unit 4, 12 Cable Street", "VAT registration number: GB 123 4567 89",
		"Harbour Lane Housing Association", "3 Dock Street", "VAT number: GB 287 5521 08", "HLHA-2026-114",
		"£48.50", "20%", "0% (zero-rated)", "£4,371.66", "£873.00", "£5,244.66",
		"Total excluding VAT", "Total VAT", "Sort code", "60-83-01", "20123456", "Unity Trust Bank", "Page 2 of",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	draft := longInvoice(1)
	draft.State, draft.Number, draft.IssuedAt = contracts.StateDraft, "", nil
	b, err = contracts.InvoicePDF(draft, testOrg())
	if err != nil {
		t.Fatal(err)
	}
	if text := testenv.PDFText(t, b); !strings.Contains(text, "DRAFT") || !strings.Contains(text, "not a VAT invoice") {
		t.Errorf("a draft does not say it is a draft:\n%s", text)
	}
}

func TestCreditNotePDF(t *testing.T) {
	inv := longInvoice(3)
	cn := contracts.CreditNote{ID: "c", Number: "CN-000007", InvoiceNumber: inv.Number, IssueDate: civil.D(2026, 12, 10),
		Reason: "Visit on 2 November was missed", Lines: []contracts.CreditNoteLine{{Description: "Credit against invoice INV-000123", Net: 4850, VATRate: 2000, VAT: 970}},
		Net: 4850, VAT: 970, Total: money.Pence(5820)}
	b, err := contracts.CreditNotePDF(cn, inv, testOrg())
	if err != nil {
		t.Fatal(err)
	}
	text := testenv.PDFText(t, b)
	for _, want := range []string{"Credit note CN-000007", "INV-000123", "Visit on 2 November was missed", "£48.50", "£9.70", "£58.20", "GB 123 4567 89"} {
		if !strings.Contains(text, want) {
			t.Errorf("the credit note lacks %q:\n%s", want, text)
		}
	}
}
