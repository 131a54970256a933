package contracts_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/testenv"
)

// mailedService is the contracts service emailing invoices through a
// running queue to a fake SMTP server; the clock can be moved.
func mailedService(t *testing.T, db *gorm.DB, at *atomic.Pointer[time.Time]) (*contracts.Service, *notifytest.SMTP) {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return *at.Load() }
	smtp := notifytest.StartSMTP(t, 0)
	ns := notify.NewService(notify.Config{DB: db, Now: clock, People: people.NewService(people.Config{DB: db, Now: clock}), Queue: q,
		SMTP: notify.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "Goodshift <accounts@goodshift.example>"}})
	svc := contracts.NewService(contracts.Config{DB: db, Now: clock, Org: testOrg()})
	svc.UseMail(ns, q, []int{7, 30})
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
	return svc, smtp
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition
	}
}

// parts splits a raw message into its text and its PDF attachment.
func parts(t *testing.T, raw string) (headers mail.Header, text string, pdf []byte, pdfName string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "application/pdf") {
			pdfName = p.FileName()
			pdf, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", ""))
			if err != nil {
				t.Fatal(err)
			}
		} else {
			text = string(b)
		}
	}
	return m.Header, text, pdf, pdfName
}

func TestIssuedInvoiceEmailsItselfOnceThenReminds(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations, contracts.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		var at atomic.Pointer[time.Time]
		start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		at.Store(&start)
		svc, smtp := mailedService(t, db, &at)
		fixedContracts(t, svc, 1)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		inv, err := svc.Issue(ctx, drafts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the invoice email", func() bool { return len(smtp.Messages()) >= 1 })
		h, text, pdf, name := parts(t, smtp.Messages()[0])
		if h.Get("To") != "accounts@acme.example" || !strings.Contains(h.Get("Subject"), inv.Number) || name != inv.Number+".pdf" {
			t.Errorf("email to %q, subject %q, attachment %q", h.Get("To"), h.Get("Subject"), name)
		}
		if !strings.Contains(text, "due by") {
			t.Errorf("text: %s", text)
		}
		if got := testenv.PDFText(t, pdf); !strings.Contains(got, inv.Number) || !strings.Contains(got, inv.ClientName) {
			t.Errorf("the attached PDF does not show %s:\n%s", inv.Number, got)
		}
		sends, err := svc.InvoiceSends(ctx, inv.ID)
		if err != nil || len(sends) != 1 || sends[0].What != "issued" {
			t.Fatalf("sends %+v, %v", sends, err)
		}

		// Overdue reminders: nothing the day before the seventh day late,
		// one on it, and nothing more however often the task runs.
		for _, c := range []struct {
			late int
			want int
		}{{6, 0}, {7, 1}, {7, 0}, {8, 0}} {
			day := inv.DueDate.AddDays(c.late).At(9, 0, time.UTC)
			at.Store(&day)
			n, err := svc.SendOverdueReminders(ctx)
			if err != nil || n != c.want {
				t.Fatalf("%d days late: %d reminders (%v), want %d", c.late, n, err, c.want)
			}
		}
		waitUntil(t, "the reminder email", func() bool { return len(smtp.Messages()) >= 2 })
		_, text, pdf, _ = parts(t, smtp.Messages()[1])
		// DOMAIN.md: 8% over base rate, and £40 fixed compensation under £1,000.
		if inv.Outstanding >= 1_000_00 {
			t.Fatalf("the fixture's invoice is %s; the check below expects under £1,000", inv.Outstanding)
		}
		for _, want := range []string{"7 days late", "Late Payment of Commercial Debts (Interest) Act 1998", "8% a year above the Bank of England base rate", "fixed compensation of £40.00"} {
			if !strings.Contains(strings.ReplaceAll(text, "\r\n", " "), want) {
				t.Errorf("reminder lacks %q:\n%s", want, text)
			}
		}
		if len(pdf) == 0 {
			t.Error("the reminder has no PDF attached")
		}
		waitUntil(t, "both sends marked sent", func() bool {
			sends, _ = svc.InvoiceSends(ctx, inv.ID)
			return len(sends) == 2 && sends[0].State == contracts.SendSent && sends[1].State == contracts.SendSent
		})
		if sends[1].What != "overdue-7" || sends[1].Reminder != 1 || sends[1].DaysLate != 7 || sends[0].Reminder != 0 || sends[1].SentAt == nil {
			t.Errorf("sends %+v", sends)
		}
		if got := len(smtp.Messages()); got != 2 {
			t.Errorf("%d emails, want 2", got)
		}
	})
}

// TestFixedCompensation: the statutory sums of DOMAIN.md, at their edges.
func TestFixedCompensation(t *testing.T) {
	for _, c := range []struct{ debt, want money.Pence }{
		{1, 40_00}, {999_99, 40_00}, {1_000_00, 70_00}, {9_999_99, 70_00}, {10_000_00, 100_00}, {1_000_000_00, 100_00},
	} {
		if got := contracts.FixedCompensation(c.debt); got != c.want {
			t.Errorf("FixedCompensation(%s) = %s, want %s", c.debt, got, c.want)
		}
	}
}
