package contracts_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/testenv"
)

// startStripeMock runs stripe-mock on random local ports for the test and
// returns its HTTP base URL. Missing stripe-mock skips the test locally and
// fails it in CI (GOODSHIFT_TEST_REQUIRE=stripe).
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("stripe-mock")
	if err != nil {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, _ := os.UserHomeDir()
			gopath = filepath.Join(home, "go")
		}
		bin = filepath.Join(gopath, "bin", "stripe-mock")
		if _, err := os.Stat(bin); err != nil {
			testenv.Unavailable(t, testenv.Stripe, "stripe-mock not found (go install github.com/stripe/stripe-mock@v0.203.0)")
		}
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		testenv.Unavailable(t, testenv.Stripe, err.Error())
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatal("stripe-mock exited before listening")
		}
		return "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("stripe-mock did not start within a minute")
	}
	return ""
}

// stripeCall is a request the code made to Stripe.
type stripeCall struct {
	Method, Path, IdempotencyKey string
	Form                         url.Values
}

// recordingProxy forwards to stripe-mock and records each call.
func recordingProxy(t *testing.T, target string) (string, func() []stripeCall) {
	var mu sync.Mutex
	var calls []stripeCall
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		mu.Lock()
		calls = append(calls, stripeCall{r.Method, r.URL.Path, r.Header.Get("Idempotency-Key"), form})
		mu.Unlock()
		req, _ := http.NewRequest(r.Method, target+r.URL.RequestURI(), strings.NewReader(string(body)))
		req.Header = r.Header.Clone()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []stripeCall {
		mu.Lock()
		defer mu.Unlock()
		return append([]stripeCall(nil), calls...)
	}
}

const webhookSecret = "whsec_test_goodshift"

func stripeService(db *gorm.DB, base string) *contracts.Service {
	return contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) },
		Org: testOrg(), Stripe: config.Stripe{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIBase: base}})
}

func TestStripeIssueAgainstStripeMock(t *testing.T) {
	mock := startStripeMock(t)
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		base, calls := recordingProxy(t, mock)
		// Stripe down at first: the invoice is still issued, marked pending.
		down := stripeService(db, "http://127.0.0.1:1")
		fixedContracts(t, down, 2)
		if _, err := down.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := down.Invoices(ctx, contracts.InvoiceFilter{})
		inv, err := down.Issue(ctx, drafts[0].ID)
		if err != nil {
			t.Fatalf("issue with Stripe down: %v", err)
		}
		if inv.Number != "INV-000001" || inv.Stripe.Sync != "pending" || inv.Stripe.Error == "" {
			t.Fatalf("with Stripe down: %+v", inv.Stripe)
		}
		// Stripe back: the retry path finishes it.
		up := stripeService(db, base)
		synced, failed, err := up.SyncPendingStripe(ctx)
		if err != nil || synced != 1 || failed != 0 {
			t.Fatalf("stripe-sync: %d %d %v", synced, failed, err)
		}
		inv, _ = up.Invoice(ctx, inv.ID)
		if inv.Stripe.Sync != "synced" || inv.Stripe.CustomerID == "" || inv.Stripe.InvoiceID == "" { // stripe-mock's fixtures have no hosted URL
			t.Errorf("after sync: %+v", inv.Stripe)
		}
		// Issuing the second invoice reuses the client's customer.
		if _, err := up.Issue(ctx, drafts[1].ID); err != nil {
			t.Fatal(err)
		}
		var customers, invoices, items, finals, sends int
		for _, c := range calls() {
			if c.Method == http.MethodPost && c.IdempotencyKey == "" {
				t.Errorf("%s %s has no idempotency key", c.Method, c.Path)
			}
			switch {
			case c.Path == "/v1/customers":
				customers++
			case c.Path == "/v1/invoices":
				invoices++
				if c.Form.Get("collection_method") != "send_invoice" || c.Form.Get("days_until_due") != "30" || c.Form.Get("currency") != "gbp" {
					t.Errorf("invoice params: %v", c.Form)
				}
				if !strings.HasPrefix(c.IdempotencyKey, "goodshift:invoice:") {
					t.Errorf("invoice idempotency key %q", c.IdempotencyKey)
				}
			case c.Path == "/v1/invoiceitems":
				items++
				if c.Form.Get("amount") == "" || c.Form.Get("unit_amount") != "" || c.Form.Get("currency") != "gbp" || c.Form.Get("invoice") == "" {
					t.Errorf("item params: %v", c.Form)
				}
			case strings.HasSuffix(c.Path, "/finalize"):
				finals++
			case strings.HasSuffix(c.Path, "/send"):
				sends++
			}
		}
		// One customer for the client; per invoice: one invoice, a line and a VAT item, finalize, send.
		if customers != 1 || invoices != 2 || items != 4 || finals != 2 || sends != 2 {
			t.Errorf("calls: customers %d invoices %d items %d finalize %d send %d", customers, invoices, items, finals, sends)
		}
	})
}

func event(t *testing.T, id, typ, stripeInvoiceID, ourID string, amountPaid int64) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": "2023-10-16", "created": time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC).Unix(),
		"data": map[string]any{"object": map[string]any{
			"id": stripeInvoiceID, "object": "invoice", "amount_paid": amountPaid, "currency": "gbp",
			"metadata": map[string]string{"goodshift_invoice_id": ourID},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(payload []byte, secret string) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret}).Header
}

func TestStripeWebhooks(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := stripeService(db, "http://127.0.0.1:1") // Stripe calls fail; webhooks need none
		fixedContracts(t, svc, 3)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		var issued []contracts.Invoice
		for _, d := range drafts {
			inv, err := svc.Issue(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			issued = append(issued, inv)
		}
		paid := event(t, "evt_paid_1", "invoice.paid", "in_1", issued[0].ID, int64(issued[0].Total))
		res, err := svc.HandleWebhook(ctx, paid, sign(paid, webhookSecret))
		if err != nil || res.Outcome != "handled" {
			t.Fatalf("invoice.paid: %+v %v", res, err)
		}
		inv, _ := svc.Invoice(ctx, issued[0].ID)
		if inv.Status != "paid" || inv.Paid != inv.Total || inv.Stripe.Status != "paid" {
			t.Errorf("after invoice.paid: %s paid %d", inv.Status, inv.Paid)
		}
		res, err = svc.HandleWebhook(ctx, paid, sign(paid, webhookSecret))
		if err != nil || res.Outcome != "replay" {
			t.Errorf("replay: %+v %v", res, err)
		}
		if again, _ := svc.Invoice(ctx, issued[0].ID); again.Paid != inv.Paid || again.Version != inv.Version {
			t.Errorf("a replay changed the invoice")
		}
		// Forged: wrong secret, tampered body, no header.
		forged := event(t, "evt_forged", "invoice.paid", "in_2", issued[1].ID, int64(issued[1].Total))
		for name, sig := range map[string]string{
			"wrong secret": sign(forged, "whsec_attacker"),
			"tampered":     sign(paid, webhookSecret),
			"none":         "",
			"garbage":      "t=1,v1=zz",
		} {
			if _, err := svc.HandleWebhook(ctx, forged, sig); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%s signature: %v", name, err)
			}
		}
		if inv, _ := svc.Invoice(ctx, issued[1].ID); inv.Paid != 0 {
			t.Errorf("a forged webhook recorded a payment")
		}
		for _, tc := range []struct {
			typ, status, stripeStatus string
			inv                       contracts.Invoice
		}{
			{"invoice.voided", "void", "void", issued[1]},
			{"invoice.marked_uncollectible", "issued", "uncollectible", issued[2]},
		} {
			p := event(t, "evt_"+tc.typ, tc.typ, "in_x", tc.inv.ID, 0)
			if res, err := svc.HandleWebhook(ctx, p, sign(p, webhookSecret)); err != nil || res.Outcome != "handled" {
				t.Fatalf("%s: %+v %v", tc.typ, res, err)
			}
			got, _ := svc.Invoice(ctx, tc.inv.ID)
			if got.Status != tc.status || got.Stripe.Status != tc.stripeStatus {
				t.Errorf("%s: status %s stripe %s", tc.typ, got.Status, got.Stripe.Status)
			}
		}
		other := event(t, "evt_other", "customer.created", "in_x", "", 0)
		if res, err := svc.HandleWebhook(ctx, other, sign(other, webhookSecret)); err != nil || res.Outcome != "ignored" {
			t.Errorf("unused event: %+v %v", res, err)
		}
	})
}

// FuzzWebhook: whatever arrives, a webhook never panics and never
// succeeds without the signature.
func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"id":"evt_1","type":"invoice.paid","data":{"object":{"id":"in_1"}}}`), "t=1,v1=00")
	f.Add([]byte(`{}`), "")
	db := dbtest.SQLite(f, migrations...)
	svc := stripeService(db, "http://127.0.0.1:1")
	f.Fuzz(func(t *testing.T, payload []byte, sig string) {
		if _, err := svc.HandleWebhook(context.Background(), payload, sig); err == nil {
			t.Errorf("an unsigned webhook was accepted")
		}
	})
}
