package contracts_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// forgetfulStripe stands between the code and stripe-mock as Stripe looks
// days after a first attempt: every idempotency key is replaced by a fresh
// one (Stripe keeps keys for 24 hours; stripe-mock never remembers one, and
// the fresh key makes sure nothing is answered from a remembered key), the
// answer to the first customer and the first invoice created is lost on
// the way back (they exist in Stripe; we never learn their IDs), and
// Stripe's search finds objects by the metadata they were created with.
type forgetfulStripe struct {
	mu        sync.Mutex
	creates   map[string][]string          // path -> the keys it was created with
	made      map[string]map[string]string // path -> our ID -> Stripe ID
	itemsOn   []string                     // the invoice each item went to
	customers int                          // customer searches answered
}

func (f *forgetfulStripe) start(t *testing.T, mock string) string {
	f.creates, f.made = map[string][]string{}, map[string]map[string]string{"/v1/customers": {}, "/v1/invoices": {}}
	ours := map[string]string{"/v1/customers": "metadata[goodshift_client_id]", "/v1/invoices": "metadata[goodshift_invoice_id]"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/search") {
			path := strings.TrimSuffix(r.URL.Path, "/search")
			object, key := strings.TrimSuffix(strings.TrimPrefix(path, "/v1/"), "s"), "goodshift_client_id"
			if path == "/v1/invoices" {
				key = "goodshift_invoice_id"
			} else {
				f.customers++
			}
			var data []map[string]any
			for our, id := range f.made[path] {
				if strings.Contains(r.URL.Query().Get("query"), "'"+our+"'") {
					data = append(data, map[string]any{"id": id, "object": object, "status": "draft", "metadata": map[string]string{key: our}})
				}
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"object": "search_result", "url": r.URL.Path, "has_more": false, "data": data})
			return
		}
		if r.Method == http.MethodPost && r.URL.Path == "/v1/invoiceitems" {
			f.itemsOn = append(f.itemsOn, form.Get("invoice"))
		}
		req, _ := http.NewRequest(r.Method, mock+r.URL.RequestURI(), strings.NewReader(string(body)))
		req.Header = r.Header.Clone()
		if req.Header.Get("Idempotency-Key") != "" {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			req.Header.Set("Idempotency-Key", "fresh-"+hex.EncodeToString(b))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if meta, ok := ours[r.URL.Path]; ok && r.Method == http.MethodPost {
			f.creates[r.URL.Path] = append(f.creates[r.URL.Path], req.Header.Get("Idempotency-Key"))
			if len(f.made[r.URL.Path]) == 0 {
				// Created in Stripe; the answer never reaches us.
				var obj struct{ ID string }
				_ = json.Unmarshal(out, &obj)
				f.made[r.URL.Path][form.Get(meta)] = obj.ID
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
	return srv.URL
}

// TestStripeRetryAfterKeyExpiryCreatesNothing: the first attempt creates
// the client's Stripe customer but never learns its ID; the second finds
// the customer by our client ID and creates the invoice, whose answer is
// lost too; the third finds the invoice by our invoice ID. Every retry
// goes with a fresh idempotency key (the old one has expired), and still
// exactly one customer and one invoice are created.
func TestStripeRetryAfterKeyExpiryCreatesNothing(t *testing.T) {
	mock := startStripeMock(t)
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := &forgetfulStripe{}
		svc := stripeService(db, f.start(t, mock))
		fixedContracts(t, svc, 1)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		inv, err := svc.Issue(ctx, drafts[0].ID) // attempt 1: the customer's answer is lost
		if err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		customer := f.made["/v1/customers"][inv.ClientID]
		f.mu.Unlock()
		if inv.Stripe.Sync != "pending" || inv.Stripe.CustomerID != "" || customer == "" {
			t.Fatalf("first attempt: %+v (customer made: %q)", inv.Stripe, customer)
		}
		// Days later: attempt 2 finds the customer, creates the invoice
		// and loses its answer.
		if err := svc.SyncStripe(ctx, inv.ID); err == nil {
			t.Fatal("the second attempt lost the invoice's answer but reports success")
		}
		f.mu.Lock()
		made := f.made["/v1/invoices"][inv.ID]
		f.mu.Unlock()
		if made == "" {
			t.Fatal("the second attempt created no Stripe invoice")
		}
		// Attempt 3 finds the invoice and finishes it.
		if err := svc.SyncStripe(ctx, inv.ID); err != nil {
			t.Fatal(err)
		}
		inv, _ = svc.Invoice(ctx, inv.ID)
		var clientCustomer string
		if err := db.Raw("SELECT stripe_customer_id FROM clients WHERE id = ?", inv.ClientID).Row().Scan(&clientCustomer); err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if n := len(f.creates["/v1/customers"]); n != 1 {
			t.Errorf("%d Stripe customers created, want 1 (keys %q)", n, f.creates["/v1/customers"])
		}
		if n := len(f.creates["/v1/invoices"]); n != 1 {
			t.Errorf("%d Stripe invoices created, want 1 (keys %q)", n, f.creates["/v1/invoices"])
		}
		if f.customers == 0 {
			t.Error("the retry never searched for the customer")
		}
		if inv.Stripe.Sync != "synced" || inv.Stripe.InvoiceID != made || inv.Stripe.CustomerID != customer || clientCustomer != customer {
			t.Errorf("after the retries: %+v, client's customer %q; want synced to %s for customer %s", inv.Stripe, clientCustomer, made, customer)
		}
		if len(f.itemsOn) == 0 {
			t.Error("no items were added")
		}
		for _, on := range f.itemsOn {
			if on != made {
				t.Errorf("an item went to invoice %q, want %q", on, made)
			}
		}
	})
}
