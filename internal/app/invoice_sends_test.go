package app_test

import (
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
)

// TestInvoiceShowsWhatItsClientWasSent: an issued invoice's page and its
// API answer list the email its client was sent, in plain words, with what
// became of it; a draft says it is not sent yet, and an invoice without a
// billing address says so. Only those who may read invoices see any of it.
func TestInvoiceShowsWhatItsClientWasSent(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		smtp := notifytest.StartSMTP(t, 0)
		srv := apptest.New(t, db, apptest.Options{Env: map[string]string{
			"SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(smtp.Port), "SMTP_FROM": "Goodshift <accounts@goodshift.example>",
		}})
		inv := issuedInvoice(t, srv, db)
		page := srv.SignIn(t, "femi@goodshift.example")
		api := srv.Login(t, "femi@goodshift.example")

		// Issued, its email job not yet run: nothing sent yet.
		if _, doc := page.Page("/invoices/" + inv.ID); !strings.Contains(doc.Find("#sends").Text(), "Not sent yet") || doc.Find("#sends li").Length() != 0 {
			t.Errorf("before the email job ran: %q", doc.Find("#sends").Text())
		}

		startWorkers(t, srv)
		var got struct {
			Number string `json:"number"`
			Sends  []struct {
				Kind     string     `json:"kind"`
				To       string     `json:"to"`
				State    string     `json:"state"`
				QueuedAt time.Time  `json:"queued_at"`
				SentAt   *time.Time `json:"sent_at"`
			} `json:"sends"`
		}
		waitUntil(t, "the invoice's email sent", 30*time.Second, func() bool {
			mustStatus(t, api.JSON(http.MethodGet, "/api/v1/invoices/"+inv.ID, nil, &got), http.StatusOK)
			return len(got.Sends) == 1 && got.Sends[0].State == contracts.SendSent
		})
		n := 0
		for _, m := range smtp.Messages() {
			msg, err := mail.ReadMessage(strings.NewReader(m))
			if err != nil {
				t.Fatal(err)
			}
			if to, err := mail.ParseAddress(msg.Header.Get("To")); err == nil && to.Address == inv.ClientEmail && strings.Contains(msg.Header.Get("Subject"), inv.Number) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d emails about %s to %s, want 1", n, inv.Number, inv.ClientEmail)
		}
		s := got.Sends[0]
		if got.Number != inv.Number || s.Kind != "issued" || s.To != inv.ClientEmail || s.SentAt == nil || !s.SentAt.Equal(srv.Clock.Now()) || !s.QueuedAt.Equal(srv.Clock.Now()) {
			t.Errorf("GET /api/v1/invoices/%s: %+v (sent at %v)", inv.ID, got, s.SentAt)
		}

		// The page says it in words: what, to whom, when (London time), sent.
		when := srv.Clock.Now().In(civil.London).Format("Mon 2 Jan, 15:04") // this year: no year
		res, doc := page.Page("/invoices/" + inv.ID)
		li := doc.Find("#sends li.send.sent")
		if res.StatusCode != http.StatusOK || doc.Find("#sends h2").Text() != "Sent to the client" || li.Length() != 1 ||
			strings.Join(strings.Fields(li.Text()), " ") != "The invoice to "+inv.ClientEmail+", "+when+": sent" {
			t.Errorf("page %d, sends %q", res.StatusCode, doc.Find("#sends").Text())
		}

		// An email that gave up shows as failed; one still trying, as waiting.
		for _, c := range []struct {
			attempts int
			state    string
			words    string
		}{{12, "failed", "failed"}, {2, "queued", "waiting to send"}} {
			if err := db.Exec("UPDATE emails SET status = 'queued', sent_at = NULL, attempts = ? WHERE regarding = ?", c.attempts, "invoice:"+inv.ID).Error; err != nil {
				t.Fatal(err)
			}
			_, doc := page.Page("/invoices/" + inv.ID)
			li := doc.Find("#sends li.send." + c.state)
			if li.Length() != 1 || !strings.HasSuffix(strings.TrimSpace(li.Text()), ": "+c.words) {
				t.Errorf("%d attempts: sends %q", c.attempts, doc.Find("#sends").Text())
			}
			got.Sends = nil
			mustStatus(t, api.JSON(http.MethodGet, "/api/v1/invoices/"+inv.ID, nil, &got), http.StatusOK)
			if len(got.Sends) != 1 || got.Sends[0].State != c.state || got.Sends[0].SentAt != nil {
				t.Errorf("%d attempts: API sends %+v", c.attempts, got.Sends)
			}
		}

		// A draft with a billing address is not sent yet; one without says
		// what to do.
		drafts, err := srv.App.Contracts.Invoices(t.Context(), contracts.InvoiceFilter{Status: contracts.StatusDraft})
		if err != nil || len(drafts) == 0 {
			t.Fatalf("no drafts (%v)", err)
		}
		draft := drafts[0]
		if err := db.Exec("UPDATE invoices SET client_email = 'ap@client.example' WHERE id = ?", draft.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, doc := page.Page("/invoices/" + draft.ID); strings.Join(strings.Fields(doc.Find("#sends p").Text()), " ") != "Not sent yet: it is emailed to ap@client.example when issued." {
			t.Errorf("draft with an address: %q", doc.Find("#sends").Text())
		}
		if err := db.Exec("UPDATE invoices SET client_email = '' WHERE id = ?", draft.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, doc := page.Page("/invoices/" + draft.ID); strings.TrimSpace(doc.Find("#sends p").Text()) != "No billing email: add one to the client to send invoices." {
			t.Errorf("draft without an address: %q", doc.Find("#sends").Text())
		}
		got.Sends = nil
		mustStatus(t, api.JSON(http.MethodGet, "/api/v1/invoices/"+draft.ID, nil, &got), http.StatusOK)
		if got.Sends == nil || len(got.Sends) != 0 {
			t.Errorf("a draft's sends: %+v", got.Sends)
		}

		// Those who may not read invoices see none of it.
		for _, email := range []string{"sam@goodshift.example", "dana@goodshift.example"} {
			if res := srv.SignIn(t, email).Get("/invoices/" + inv.ID); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: invoice page %d", email, res.StatusCode)
			}
			if res := srv.Login(t, email).JSON(http.MethodGet, "/api/v1/invoices/"+inv.ID, nil, nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: invoice API %d", email, res.StatusCode)
			}
		}
	})
}
