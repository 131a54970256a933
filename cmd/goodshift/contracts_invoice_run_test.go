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

// TestStripeSyncCommand: with Stripe off the command says so; with Stripe
// on and nothing pending it reports nothing to do. (Pending invoices and
// their retry are tested against stripe-mock in internal/contracts.)
func TestStripeSyncCommand(t *testing.T) {
	te := newTestEnv(t, "")
	ctx := t.Context()
	if err := te.run(ctx, "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	if err := te.run(ctx, "", "stripe-sync"); err == nil || !strings.Contains(err.Error(), "STRIPE_SECRET_KEY") {
		t.Errorf("Stripe off: %v", err)
	}
	te.vars["STRIPE_SECRET_KEY"] = "sk_test_123"
	te.vars["STRIPE_API_BASE"] = "http://127.0.0.1:1"
	err := te.run(ctx, "", "stripe-sync")
	// The demo invoices were issued with Stripe off, so nothing is pending.
	if err != nil || !strings.Contains(te.stdout.String(), "0 invoices synced, 0 still pending") {
		t.Errorf("nothing pending: %v\n%s", err, te.stdout.String())
	}
}
