package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
	"github.com/goodshift/goodshift/internal/people"
)

// mailer is the inbox with email through a running queue (short backoff).
func mailer(t *testing.T, db *gorm.DB, smtp *notifytest.SMTP) (*notify.Service, *people.Service) {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	ps := people.NewService(people.Config{DB: db, Now: clock})
	svc := notify.NewService(notify.Config{DB: db, Now: clock, People: ps, BaseURL: "https://goodshift.example", Queue: q,
		SMTP: notify.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "Goodshift <rota@goodshift.example>"}})
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
	return svc, ps
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, not synchronising
	}
}

func TestEmailRetriesWithBackoffThenDeliversOnce(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		smtp := notifytest.StartSMTP(t, 2) // refuses twice, then accepts
		svc, ps := mailer(t, db, smtp)
		a := person(t, ps, "Ann", "ann@example.org")
		if err := svc.Notify(ctx, []string{a.ID}, "Swap to approve", "Sam → Priya: Tue 1 Dec.", "/rota/approvals"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the email to be delivered", 20*time.Second, func() bool { return len(smtp.Messages()) > 0 })
		// Let the queue settle: the row is marked sent, no job is left to run.
		var status string
		var attempts int
		waitFor(t, "the email to be recorded as sent", 10*time.Second, func() bool {
			_ = db.Raw("SELECT status, attempts FROM emails").Row().Scan(&status, &attempts)
			return status == notify.EmailSent
		})
		if smtp.Refused() != 2 || attempts != 3 {
			t.Errorf("refused %d, attempts %d; want 2 refusals and 3 attempts", smtp.Refused(), attempts)
		}
		msgs := smtp.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d deliveries, want exactly 1", len(msgs))
		}
		for _, want := range []string{"To: ann@example.org", "Subject: Swap to approve", "Sam → Priya", "https://goodshift.example/rota/approvals", "Message-ID: <"} {
			if !strings.Contains(msgs[0], want) {
				t.Errorf("email lacks %q:\n%s", want, msgs[0])
			}
		}
	})
}

func TestEnqueueRolledBackSendsNothing(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		smtp := notifytest.StartSMTP(t, 0)
		svc, ps := mailer(t, db, smtp)
		a := person(t, ps, "Ann", "ann@example.org")
		b := person(t, ps, "Bo", "bo@example.org")
		boom := errors.New("the change failed")
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := svc.NotifyTx(ctx, tx, []string{a.ID}, "Rolled back", "never", ""); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		// A committed one after it: once it arrives, the rolled-back one had
		// every chance to arrive first (one queue, first in first out).
		if err := db.Transaction(func(tx *gorm.DB) error {
			return svc.NotifyTx(ctx, tx, []string{b.ID}, "Committed", "yes", "")
		}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the committed email", 20*time.Second, func() bool { return len(smtp.Messages()) > 0 })
		var jobsLeft int64
		waitFor(t, "the queue to empty", 10*time.Second, func() bool {
			db.Raw("SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed')").Row().Scan(&jobsLeft)
			return jobsLeft == 0
		})
		msgs := smtp.Messages()
		if len(msgs) != 1 || !strings.Contains(msgs[0], "Subject: Committed") {
			t.Fatalf("deliveries %q; want only the committed one", msgs)
		}
		var inbox, jobRows int64
		db.Raw("SELECT COUNT(*) FROM notifications WHERE person_id = ?", a.ID).Row().Scan(&inbox)
		db.Raw("SELECT COUNT(*) FROM river_job").Row().Scan(&jobRows)
		if inbox != 0 || jobRows != 1 {
			t.Errorf("rolled back: %d inbox rows, %d job rows in all; want 0 and 1", inbox, jobRows)
		}
	})
}
