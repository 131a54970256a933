package main

import (
	"strings"
	"testing"
)

// TestInvoiceRunCommand runs the demo month's invoices twice from the
// command line: the second run creates nothing.
func TestInvoiceRunCommand(t *testing.T) {
	te := newTestEnv(t, "")
	ctx := t.Context()
	if err := te.run(ctx, "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	if err := te.run(ctx, "", "invoice-run", "--period", "2026-13"); err == nil {
		t.Errorf("a bad period was accepted")
	}
	te.stdout.Reset()
	if err := te.run(ctx, "", "invoice-run", "--period", "2026-10"); err != nil {
		t.Fatal(err)
	}
	first := te.stdout.String()
	if !strings.Contains(first, "Invoice run for 2026-10: 4 contracts") {
		t.Fatalf("summary: %s", first)
	}
	te.stdout.Reset()
	if err := te.run(ctx, "", "invoice-run", "--period", "2026-10", "--quiet"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(te.stdout.String(), "0 new drafts, 0 drafts refreshed") {
		t.Errorf("second run: %s", te.stdout.String())
	}
}
