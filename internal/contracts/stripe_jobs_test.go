package contracts_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
	"github.com/goodshift/goodshift/internal/people"
)

// TestStripeSyncJobRetriesWithBackoff: an invoice issued while Stripe is
// unreachable stays pending; its sync job fails, is retried with growing
// delays, and succeeds once Stripe answers, exactly once.
func TestStripeSyncJobRetriesWithBackoff(t *testing.T) {
	mock := startStripeMock(t)
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		var searches, customers, invoices atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/customers/search" && searches.Add(1) <= 3 {
				// Down for Issue's own try and the job's first two.
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":{"type":"api_error","message":"Stripe is having a bad day"}}`))
				return
			}
			if r.Method == http.MethodPost && r.URL.Path == "/v1/customers" {
				customers.Add(1)
			}
			if r.Method == http.MethodPost && r.URL.Path == "/v1/invoices" {
				invoices.Add(1)
			}
			body, _ := io.ReadAll(r.Body)
			req, _ := http.NewRequest(r.Method, mock+r.URL.RequestURI(), strings.NewReader(string(body)))
			req.Header = r.Header.Clone()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer res.Body.Close()
			out, _ := io.ReadAll(res.Body)
			for k, v := range res.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(res.StatusCode)
			_, _ = w.Write(out)
		}))
		t.Cleanup(srv.Close)

		if err := jobs.Migrate(ctx, db, nil); err != nil {
			t.Fatal(err)
		}
		const base = 100 * time.Millisecond
		q, err := jobs.New(jobs.Config{DB: db, RetryBase: base, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		svc := contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) },
			Org: testOrg(), Stripe: config.Stripe{SecretKey: "sk_test_123", APIBase: srv.URL}})
		svc.UseStripeJobs(q)
		if err := q.Seal(ctx, true); err != nil {
			t.Fatal(err)
		}
		fixedContracts(t, svc, 1)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		inv, err := svc.Issue(ctx, drafts[0].ID)
		if err != nil || inv.Stripe.Sync != "pending" {
			t.Fatalf("issued while Stripe is down: %+v %v", inv.Stripe, err)
		}
		if n, err := svc.QueuePendingStripe(ctx, q); n != 1 || err != nil {
			t.Fatalf("queued %d (%v), want 1", n, err)
		}
		if n, err := svc.QueuePendingStripe(ctx, q); n != 1 || err != nil { // the next run of the task: still one job
			t.Fatalf("queued again: %d (%v)", n, err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(sctx)
		})
		waitUntil(t, "the invoice to be synced", func() bool {
			inv, _ = svc.Invoice(ctx, inv.ID)
			return inv.Stripe.Sync == "synced"
		})
		var n int64
		var state string
		var attempt int
		waitUntil(t, "the job to complete", func() bool {
			_ = db.Raw("SELECT COUNT(*) FROM river_job WHERE kind = 'stripe-sync'").Row().Scan(&n)
			_ = db.Raw("SELECT state, attempt FROM river_job WHERE kind = 'stripe-sync'").Row().Scan(&state, &attempt)
			return state == "completed"
		})
		if n != 1 || attempt != 3 {
			t.Errorf("%d sync jobs, %d attempts; want 1 job, 3 attempts", n, attempt)
		}
		// What River recorded: two failures, the second the base delay
		// after the first, and the last attempt twice that after the
		// second (backoff doubles).
		res, err := q.Client().JobList(ctx, river.NewJobListParams().Kinds("stripe-sync"))
		if err != nil || len(res.Jobs) != 1 {
			t.Fatalf("jobs %v, %v", res, err)
		}
		j := res.Jobs[0]
		if len(j.Errors) != 2 || j.AttemptedAt == nil {
			t.Fatalf("errors %+v, attempted %v", j.Errors, j.AttemptedAt)
		}
		// A retry is scheduled from the start of the failed attempt
		// (jobs.backoff), and River records each error at its end, so
		// these gaps are short by up to an attempt's own length (a call to
		// stripe-mock: allow 50 ms on a loaded machine).
		const slack = 50 * time.Millisecond
		first, second := j.Errors[1].At.Sub(j.Errors[0].At), j.AttemptedAt.Sub(j.Errors[1].At)
		if first < base-slack || second < 2*base-slack {
			t.Errorf("retried %v after the first failure and %v after the second; want at least %v and %v", first, second, base, 2*base)
		}
		if !strings.Contains(j.Errors[0].Error, "bad day") {
			t.Errorf("recorded error %q", j.Errors[0].Error)
		}
		if customers.Load() != 1 || invoices.Load() != 1 {
			t.Errorf("%d customers and %d invoices created in Stripe, want 1 each", customers.Load(), invoices.Load())
		}
	})
}

// TestInvoiceEmailCarriesStripeLink: with Stripe on, the invoice emailed to
// the client carries Stripe's payment link beside the PDF, once.
func TestInvoiceEmailCarriesStripeLink(t *testing.T) {
	mock := startStripeMock(t)
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations, contracts.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		const link = "https://invoice.stripe.com/i/acct_test/inv_goodshift"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			req, _ := http.NewRequest(r.Method, mock+r.URL.RequestURI(), strings.NewReader(string(body)))
			req.Header = r.Header.Clone()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer res.Body.Close()
			out, _ := io.ReadAll(res.Body)
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/send") {
				// stripe-mock's fixtures have no hosted page; Stripe's do.
				var obj map[string]any
				if json.Unmarshal(out, &obj) == nil {
					obj["hosted_invoice_url"] = link
					out, _ = json.Marshal(obj)
				}
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(res.StatusCode)
			_, _ = w.Write(out)
		}))
		t.Cleanup(srv.Close)
		if err := jobs.Migrate(ctx, db, nil); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(jobs.Config{DB: db, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		clock := func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }
		smtp := notifytest.StartSMTP(t, 0)
		ns := notify.NewService(notify.Config{DB: db, Now: clock, People: people.NewService(people.Config{DB: db, Now: clock}), Queue: q,
			SMTP: notify.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "Goodshift <accounts@goodshift.example>"}})
		svc := contracts.NewService(contracts.Config{DB: db, Now: clock, Org: testOrg(), Stripe: config.Stripe{SecretKey: "sk_test_123", APIBase: srv.URL}})
		svc.UseMail(ns, q, []int{7})
		svc.UseStripeJobs(q)
		if err := q.Seal(ctx, true); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(sctx)
		})
		fixedContracts(t, svc, 1)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		inv, err := svc.Issue(ctx, drafts[0].ID)
		if err != nil || inv.Stripe.Sync != "synced" {
			t.Fatalf("issue: %+v %v", inv.Stripe, err)
		}
		waitUntil(t, "the invoice email", func() bool { return len(smtp.Messages()) >= 1 })
		waitUntil(t, "the queue to settle", func() bool {
			var left int64
			db.Raw("SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed')").Row().Scan(&left)
			return left == 0
		})
		msgs := smtp.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d emails, want 1", len(msgs))
		}
		_, text, pdf, name := parts(t, msgs[0])
		if !strings.Contains(strings.ReplaceAll(text, "\r\n", "\n"), "You can pay online: "+link) || name != inv.Number+".pdf" || len(pdf) == 0 {
			t.Errorf("email (attachment %q, %d bytes):\n%s", name, len(pdf), text)
		}
	})
}
