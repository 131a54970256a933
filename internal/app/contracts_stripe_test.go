package app_test

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestStripeWebhookEndpoint: /webhooks/stripe is public but proves itself
// by signature; a forged one gets 400 and changes nothing. With Stripe off
// there is no webhook to call.
func TestStripeWebhookEndpoint(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		off := apptest.New(t, db, apptest.Options{NoDemo: true})
		r := off.Anonymous(t).Do(http.MethodPost, "/webhooks/stripe", strings.NewReader(`{}`), nil)
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("Stripe off: %d %s", r.StatusCode, r.Body)
		}
		on := apptest.New(t, db, apptest.Options{NoDemo: true, Env: map[string]string{
			"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_x", "STRIPE_API_BASE": "http://127.0.0.1:1",
		}})
		anon := on.Anonymous(t)
		forged := `{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1","object":"invoice","amount_paid":100}}}`
		for _, sig := range []string{"", "t=1,v1=00", "garbage"} {
			h := http.Header{"Stripe-Signature": {sig}, "Content-Type": {"application/json"}}
			r := anon.Do(http.MethodPost, "/webhooks/stripe", strings.NewReader(forged), h)
			if r.StatusCode != http.StatusBadRequest {
				t.Errorf("forged webhook (%q): %d %s", sig, r.StatusCode, r.Body)
			}
			apptest.ErrorBody(t, r)
		}
	})
}
