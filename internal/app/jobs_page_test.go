package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
)

// plantFailedJobs leaves two failed jobs in the queue, each carrying text
// where a careless page would show it: an email to Sam whose subject and
// text are marker (given up after 12 attempts), and an evening reminder to
// Sam whose wording is marker (failed once, will retry). It returns the
// jobs' IDs, email first. The wellbeing leak test plants them too, so the
// failed-jobs page is swept with something to hide.
func plantFailedJobs(t *testing.T, srv *apptest.Server, db *gorm.DB, marker string) (emailJob, reminderJob int64) {
	t.Helper()
	ctx := context.Background()
	var sam string
	if err := db.Raw("SELECT id FROM people WHERE email = 'sam@goodshift.example'").Row().Scan(&sam); err != nil {
		t.Fatal(err)
	}
	later := &river.InsertOpts{ScheduledAt: time.Now().Add(24 * time.Hour)} // wall clock: River's own; no worker takes it meanwhile
	last := func() (id int64) {
		if err := db.Raw("SELECT MAX(id) FROM river_job").Row().Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if srv.App.Notify.Mailing() { // the email worker exists only then
		emailJob = plantEmail(t, srv, db, sam, marker, later, last)
	}
	if err := srv.App.Jobs.Insert(ctx, db, app.ReminderArgs{ShiftID: database.NewID(), EmployeeID: sam, Subject: marker + " reminder", Body: marker + " wording"}, later); err != nil {
		t.Fatal(err)
	}
	reminderJob = last()
	if emailJob != 0 {
		markFailed(t, db, emailJob, "discarded", 12, "451 try again later")
	}
	markFailed(t, db, reminderJob, "retryable", 1, "database is locked")
	return emailJob, reminderJob
}

// markFailed writes what River itself writes when a job's attempt fails
// (an AttemptError), as the job's only error.
func markFailed(t *testing.T, db *gorm.DB, id int64, state string, attempt int, msg string) {
	t.Helper()
	e, _ := json.Marshal([]map[string]any{{"at": time.Now().UTC(), "attempt": attempt, "error": msg, "trace": ""}}) // wall clock: River's
	finalized := "NULL"
	if state == "discarded" {
		finalized = "created_at"
	}
	q := "UPDATE river_job SET state = ?, attempt = ?, max_attempts = ?, finalized_at = " + finalized + ", errors = jsonb(?) WHERE id = ?"
	if database.Dialect(db) == database.Postgres {
		q = "UPDATE river_job SET state = ?, attempt = ?, max_attempts = ?, finalized_at = " + finalized + ", errors = ARRAY[?::jsonb] WHERE id = ?"
		var one []map[string]any
		_ = json.Unmarshal(e, &one)
		e, _ = json.Marshal(one[0])
	}
	if err := db.Exec(q, state, attempt, max(attempt, 3), string(e), id).Error; err != nil {
		t.Fatal(err)
	}
}

func plantEmail(t *testing.T, srv *apptest.Server, db *gorm.DB, sam, marker string, later *river.InsertOpts, last func() int64) int64 {
	t.Helper()
	emailID := database.NewID()
	if err := db.Exec("INSERT INTO emails (id, person_id, subject, body, status, attempts, last_error, created_at) VALUES (?, ?, ?, ?, 'queued', 12, '451 try again later', ?)",
		emailID, sam, marker+" subject", marker+" body", apptest.DefaultNow).Error; err != nil {
		t.Fatal(err)
	}
	if err := srv.App.Jobs.Insert(context.Background(), db, notify.EmailArgs{EmailID: emailID}, later); err != nil {
		t.Fatal(err)
	}
	return last()
}

// TestFailedJobsPage: finance and admins see failed jobs in plain words
// (what, when, what went wrong) and can retry them, on the page and the
// API; the link is in their navigation only; nothing a job carries is
// shown.
func TestFailedJobsPage(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		smtp := notifytest.StartSMTP(t, 0)
		srv := apptest.New(t, db, apptest.Options{Env: map[string]string{
			"SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(smtp.Port), "SMTP_FROM": "Goodshift <rota@goodshift.example>",
		}})
		const marker = "QZJOBSECRET"
		emailJob, reminderJob := plantFailedJobs(t, srv, db, marker)

		for _, email := range []string{"femi@goodshift.example", "alex@goodshift.example"} {
			c := srv.SignIn(t, email)
			res, doc := c.Page("/jobs")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: GET /jobs %d", email, res.StatusCode)
			}
			text := doc.Find("main").Text()
			for _, want := range []string{
				"Email to Sam", "a copy of a notification", "Gave up after 12 attempts", "451 try again later",
				"Reminder to Sam", "of their shift tomorrow", "it will try again by itself", "database is locked",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: the page lacks %q:\n%s", email, want, text)
				}
			}
			if strings.Contains(string(res.Body), marker) {
				t.Errorf("%s: the page shows what a job carries", email)
			}
			if doc.Find(`nav a[href="/jobs"]`).Length() == 0 {
				t.Errorf("%s: no link to /jobs in the navigation", email)
			}
			if doc.Find(`form[action="/jobs/`+itoa(emailJob)+`/retry"] button`).Length() != 1 {
				t.Errorf("%s: no retry button for the email job", email)
			}
		}
		for _, email := range []string{"sam@goodshift.example", "dana@goodshift.example", "jo@goodshift.example"} {
			c := srv.SignIn(t, email)
			_, doc := c.Page("/")
			if doc.Find(`a[href="/jobs"]`).Length() != 0 {
				t.Errorf("%s sees a link to failed jobs", email)
			}
			if res := c.Get("/jobs"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: GET /jobs %d, want 403", email, res.StatusCode)
			}
		}

		// The API lists the same, in words.
		api := srv.Login(t, "femi@goodshift.example")
		var list struct {
			Items []struct {
				ID     int64  `json:"id"`
				What   string `json:"what"`
				GaveUp bool   `json:"gave_up"`
				Error  string `json:"error"`
			} `json:"items"`
		}
		if res := api.JSON(http.MethodGet, "/api/v1/jobs/failed", nil, &list); res.StatusCode != http.StatusOK || strings.Contains(string(res.Body), marker) {
			t.Fatalf("GET /api/v1/jobs/failed: %d %s", res.StatusCode, res.Body)
		}
		if len(list.Items) != 2 || list.Items[0].ID != reminderJob || list.Items[1].ID != emailJob || !list.Items[1].GaveUp || list.Items[1].Error != "451 try again later" {
			t.Fatalf("failed jobs: %+v", list.Items)
		}

		// Retry on the page: the job is due again and leaves the list.
		state := func(id int64) (s string) {
			_ = db.Raw("SELECT state FROM river_job WHERE id = ?", id).Row().Scan(&s)
			return s
		}
		page := srv.SignIn(t, "femi@goodshift.example")
		res := page.Submit("/jobs/"+itoa(emailJob)+"/retry", nil)
		if res.StatusCode != http.StatusSeeOther || state(emailJob) != "available" {
			t.Fatalf("retry on the page: %d, job %s", res.StatusCode, state(emailJob))
		}
		if _, doc := page.Page("/jobs"); !strings.Contains(doc.Find(".flash").Text(), "Email to Sam Okafor (a copy of a notification in their inbox): it will run again") ||
			doc.Find(`form[action="/jobs/`+itoa(emailJob)+`/retry"]`).Length() != 0 {
			t.Errorf("after the retry: flash %q; the job is still listed: %v", doc.Find(".flash").Text(), doc.Find(`form[action="/jobs/`+itoa(emailJob)+`/retry"]`).Length() != 0)
		}
		// Retry on the API; a second retry of the same job is a 404.
		var out struct {
			Job struct {
				What string `json:"what"`
			} `json:"job"`
		}
		if res := api.JSON(http.MethodPost, "/api/v1/jobs/"+itoa(reminderJob)+"/retry", nil, &out); res.StatusCode != http.StatusOK || !strings.Contains(out.Job.What, "Reminder to Sam") {
			t.Fatalf("retry on the API: %d %s", res.StatusCode, res.Body)
		}
		if state(reminderJob) != "available" {
			t.Errorf("reminder job %s after retry", state(reminderJob))
		}
		if res := api.JSON(http.MethodPost, "/api/v1/jobs/"+itoa(reminderJob)+"/retry", nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("retrying a job that is not failed: %d", res.StatusCode)
		}
		if res := api.JSON(http.MethodPost, "/api/v1/jobs/not-a-job/retry", nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("retrying no job: %d", res.StatusCode)
		}
		api.JSON(http.MethodGet, "/api/v1/jobs/failed", nil, &list)
		if len(list.Items) != 0 {
			t.Errorf("after retrying both, %d failed jobs listed", len(list.Items))
		}

		// An invoice's job: finance see which invoice; an admin, who may not
		// see invoices, only that it is one.
		inv := issuedInvoice(t, srv, db)
		var job int64
		if err := db.Raw("SELECT MAX(id) FROM river_job WHERE kind = 'invoice-send'").Row().Scan(&job); err != nil || job == 0 {
			t.Fatalf("no invoice-send job queued on issue (%v)", err)
		}
		markFailed(t, db, job, "discarded", 10, "SMTP_FROM: mail: no address")
		for email, want := range map[string]string{
			"femi@goodshift.example": "Emailing invoice " + inv.Number + " (" + inv.ClientName + ") to the client",
			"alex@goodshift.example": "Emailing an invoice to the client",
		} {
			var got struct {
				Items []struct {
					What string `json:"what"`
				} `json:"items"`
			}
			res := srv.Login(t, email).JSON(http.MethodGet, "/api/v1/jobs/failed", nil, &got)
			if len(got.Items) != 1 || got.Items[0].What != want {
				t.Errorf("%s sees %s, want %q", email, res.Body, want)
			}
			if email == "alex@goodshift.example" && (strings.Contains(string(res.Body), inv.Number) || strings.Contains(string(res.Body), inv.ClientName)) {
				t.Errorf("an admin is shown the invoice: %s", res.Body)
			}
		}
	})
}

// issuedInvoice issues an invoice for October 2026 on a new fixed-price
// contract with a demo client (whose billing address is set, so issuing
// queues its email).
func issuedInvoice(t *testing.T, srv *apptest.Server, db *gorm.DB) contracts.Invoice {
	t.Helper()
	ctx := context.Background()
	var client, site string
	if err := db.Raw("SELECT c.id, s.id FROM clients c JOIN sites s ON s.client_id = c.id WHERE c.billing_email <> '' ORDER BY c.legal_name LIMIT 1").Row().Scan(&client, &site); err != nil {
		t.Fatal(err)
	}
	price := money.Pence(250_00)
	svc := srv.App.Contracts
	if _, err := svc.CreateContract(ctx, contracts.ContractInput{Reference: "JOBS-1", ClientID: client, SiteIDs: []string{site},
		StartDate: civil.D(2026, 10, 1), Pricing: contracts.FixedMonthly, Price: &price, Status: contracts.Active}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RunInvoices(ctx, civil.Month{Year: 2026, Month: time.October}, nil); err != nil {
		t.Fatal(err)
	}
	drafts, err := svc.Invoices(ctx, contracts.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drafts {
		if d.ContractReference == "JOBS-1" {
			inv, err := svc.Issue(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			return inv
		}
	}
	t.Fatal("no draft for the contract")
	return contracts.Invoice{}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
