package pdfdoc_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/pdfdoc"
	"github.com/goodshift/goodshift/internal/testenv"
)

func sample(rows int, client string) ([]byte, error) {
	d := pdfdoc.New(pdfdoc.Meta{
		Title: "Sample", Author: "Goodshift Cleaning CIC", Footer: "Goodshift Cleaning CIC · VAT GB 123 4567 89",
		Created: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
	})
	d.Title("Invoice INV-000042")
	d.Blocks("Bill to", []string{client, "1 Example Road", "London E1 1AA"},
		[]pdfdoc.Field{{Label: "Invoice date", Value: "1 Nov 2026"}, {Label: "Total", Value: "£1,234.56"}})
	t := pdfdoc.Table{Columns: []pdfdoc.Column{
		{Title: "Description", Width: 0.6}, {Title: "Qty", Width: 0.15, Align: "R"}, {Title: "Amount", Width: 0.25, Align: "R"},
	}}
	for i := 1; i <= rows; i++ {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("Office clean, visit %d — a description long enough that it has to wrap onto a second line in its column", i), "1", "£61.73"})
	}
	t.Foot = [][]string{{"Total", "", "£1,234.56"}}
	d.Table(t)
	d.SignatureLines("Employee", "Supervisor")
	return d.Bytes()
}

// Both font paths: Windows-1252 text uses the fast 8-bit font, anything
// else the UTF-8 font.
var clients = map[string]string{"cp1252": "Søren Café & Sons Ltd", "utf8": "Łukasz Nowak & Søn Ltd"}

func TestDocumentReadsBackWithPoundSignsAndPages(t *testing.T) {
	for path, client := range clients {
		t.Run(path, func(t *testing.T) { checkSample(t, client) })
	}
}

func checkSample(t *testing.T, client string) {
	pdf, err := sample(60, client)
	if err != nil {
		t.Fatal(err)
	}
	text := testenv.PDFText(t, pdf)
	for _, want := range []string{"Invoice INV-000042", "£1,234.56", "£61.73", client, "visit 60", "Page 1 of", "Description"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	pages := testenv.PDFPages(text)
	if pages < 3 {
		t.Errorf("60 wrapped rows fit on %d pages; expected the table to break across pages", pages)
	}
	if !strings.Contains(text, fmt.Sprintf("Page %d of %d", pages, pages)) {
		t.Errorf("last page footer missing: want %q", fmt.Sprintf("Page %d of %d", pages, pages))
	}
	if strings.Count(text, "Description") != pages {
		t.Errorf("table header printed %d times over %d pages", strings.Count(text, "Description"), pages)
	}
	_ = os.WriteFile(filepath.Join(testenv.OutputDir(t, "pdf"), "pdfdoc-"+strings.Fields(client)[0]+".pdf"), pdf, 0o644)
}

func TestDocumentIsDeterministic(t *testing.T) {
	for path, client := range clients {
		a, err := sample(30, client)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			b, err := sample(30, client)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("%s run %d: same document gave different bytes", path, i)
			}
		}
	}
}

func BenchmarkSmallDocument(b *testing.B) {
	for _, path := range []string{"cp1252", "utf8"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sample(10, clients[path]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
