package contracts_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestStripeRetryAfterKeyExpiryCreatesNothing: the first attempt creates
// the Stripe invoice but never learns its ID (the answer is lost); Stripe
// has since forgotten the idempotency key (stripe-mock never remembers
// one). The retry finds the invoice by our ID in its metadata and creates
// no second one.
func TestStripeRetryAfterKeyExpiryCreatesNothing(t *testing.T) {
	mock := startStripeMock(t)
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var creates []string // POST /v1/invoices made
		var ours, made string
		var itemsOn []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			form, _ := url.ParseQuery(string(body))
			mu.Lock()
			defer mu.Unlock()
			if r.Method == http.MethodGet && r.URL.Path == "/v1/invoices/search" {
				// Stripe's search, as it would answer once the invoice exists.
				var data []map[string]any
				if made != "" && strings.Contains(r.URL.Query().Get("query"), ours) {
					data = append(data, map[string]any{"id": made, "object": "invoice", "status": "draft",
						"metadata": map[string]string{"goodshift_invoice_id": ours}})
				}
				_ = json.NewEncoder(w).Encode(map[string]any{"object": "search_result", "url": "/v1/invoices/search", "has_more": false, "data": data})
				return
			}
			if r.Method == http.MethodPost && r.URL.Path == "/v1/invoiceitems" {
				itemsOn = append(itemsOn, form.Get("invoice"))
			}
			req, _ := http.NewRequest(r.Method, mock+r.URL.RequestURI(), strings.NewReader(string(body)))
			req.Header = r.Header.Clone()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer res.Body.Close()
			out, _ := io.ReadAll(res.Body)
			if r.Method == http.MethodPost && r.URL.Path == "/v1/invoices" {
				creates = append(creates, r.Header.Get("Idempotency-Key"))
				if made == "" {
					// Created in Stripe; the answer never reaches us.
					var si struct{ ID string }
					_ = json.Unmarshal(out, &si)
					made, ours = si.ID, form.Get("metadata[goodshift_invoice_id]")
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"the answer was lost"}}`))
					return
				}
			}
			for k, v := range res.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(res.StatusCode)
			_, _ = w.Write(out)
		}))
		t.Cleanup(srv.Close)

		svc := stripeService(db, srv.URL)
		fixedContracts(t, svc, 1)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		inv, err := svc.Issue(ctx, drafts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Stripe.Sync != "pending" || inv.Stripe.InvoiceID != "" || made == "" || ours != inv.ID {
			t.Fatalf("first attempt: %+v (made %q for %q)", inv.Stripe, made, ours)
		}
		// Days later: the retry.
		if err := svc.SyncStripe(ctx, inv.ID); err != nil {
			t.Fatal(err)
		}
		inv, _ = svc.Invoice(ctx, inv.ID)
		mu.Lock()
		defer mu.Unlock()
		if len(creates) != 1 {
			t.Errorf("%d Stripe invoices created, want 1 (keys %q)", len(creates), creates)
		}
		if inv.Stripe.Sync != "synced" || inv.Stripe.InvoiceID != made {
			t.Errorf("after the retry: %+v, want synced to %s", inv.Stripe, made)
		}
		for _, on := range itemsOn {
			if on != made {
				t.Errorf("an item went to invoice %q, want %q", on, made)
			}
		}
	})
}
