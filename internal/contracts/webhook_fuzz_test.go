package contracts_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// FuzzSignedWebhook: a correctly signed webhook with any payload never
// panics, never fails as our fault (a 500), and stores only text both
// databases store alike. (FuzzWebhook covers unsigned payloads.)
func FuzzSignedWebhook(f *testing.F) {
	seed := func(id, typ, invoice string, paid int64) []byte {
		b, _ := json.Marshal(map[string]any{
			"id": id, "object": "event", "type": typ, "api_version": "2023-10-16", "created": 1796904000,
			"data": map[string]any{"object": map[string]any{
				"id": invoice, "object": "invoice", "amount_paid": paid, "currency": "gbp",
				"metadata": map[string]string{"goodshift_invoice_id": "01a20000-0000-7000-8000-000000000000"},
			}},
		})
		return b
	}
	f.Add(seed("evt_1", "invoice.paid", "in_1", 1000))
	f.Add(seed("evt_2", "invoice.voided", "in_2", 0))
	f.Add(seed("evt_3", "customer.created", "in_3", 0))
	f.Add(seed("evt_\x00", "invoice.paid", "in_\x00", -1))
	f.Add(seed("", "invoice.paid", "", 0))
	f.Add([]byte(`{"id":"evt_4","type":"invoice.paid","data":{"object":{"id":"in_\ud800"}}}`))
	f.Add([]byte("{\"id\":\"evt_\xff\",\"type\":\"invoice.marked_uncollectible\",\"data\":{\"object\":{\"id\":\"in_5\"}}}"))
	f.Add([]byte(`{"id":"evt_6","type":"invoice.paid","data":{"object":"not an invoice"}}`))
	f.Add([]byte(`{"id":"evt_7","type":"invoice.paid","data":null}`))
	f.Add([]byte(`[]`))
	db := dbtest.SQLite(f, migrations...)
	svc := stripeService(db, "http://127.0.0.1:1")
	f.Fuzz(func(t *testing.T, payload []byte) {
		sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: webhookSecret}).Header
		res, err := svc.HandleWebhook(context.Background(), payload, sig)
		if err != nil {
			if errs.CodeOf(err) == errs.Internal {
				t.Fatalf("a signed payload failed as our fault: %v\n%q", err, payload)
			}
			return
		}
		if res.Outcome != "ignored" && !web.ValidText(res.EventID) {
			t.Fatalf("stored an event ID with NUL or invalid UTF-8: %q", res.EventID)
		}
	})
}
