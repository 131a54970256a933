package notify_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/people"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func person(t *testing.T, ps *people.Service, name, email string) people.Person {
	t.Helper()
	p, err := ps.Create(context.Background(), people.NewPerson{Name: name, Email: email, Roles: []auth.Role{auth.Supervisor}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInbox(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ps := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }})
		a, b := person(t, ps, "Ann", "ann@example.org"), person(t, ps, "Bob", "bob@example.org")
		svc := notify.NewService(notify.Config{DB: db, Now: func() time.Time { return now }})
		if err := svc.Notify(ctx, []string{a.ID, b.ID, a.ID, ""}, "Swap done", "Bob now has the shift.", "/rota/week"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Notify(ctx, []string{a.ID}, "New shift", "You are on Tue 1 Dec.", ""); err != nil {
			t.Fatal(err)
		}
		items, unread, err := svc.Inbox(ctx, a.ID, 0)
		if err != nil || len(items) != 2 || unread != 2 {
			t.Fatalf("inbox: %d %d %v", len(items), unread, err)
		}
		if err := svc.MarkRead(ctx, b.ID, items[0].ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("someone else's notification: %v", err)
		}
		if err := svc.MarkRead(ctx, a.ID, items[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := svc.UnreadCount(ctx, a.ID); n != 1 {
			t.Fatalf("unread after one read: %d", n)
		}
		if err := svc.MarkAllRead(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := svc.UnreadCount(ctx, a.ID); n != 0 {
			t.Fatalf("unread after all read: %d", n)
		}
		if n, _ := svc.UnreadCount(ctx, b.ID); n != 1 {
			t.Fatalf("Bob's unread: %d", n)
		}
	})
}

// fakeSMTP accepts one message and hands back what it received.
func fakeSMTP(t *testing.T) (port int, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		say := func(s string) { conn.Write([]byte(s + "\r\n")) }
		say("220 fake ESMTP")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					say("250 queued")
					out <- data.String()
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 fake")
			case cmd == "DATA":
				inData = true
				say("354 go ahead")
			case cmd == "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, out
}

func TestEmailWhenSMTPIsConfigured(t *testing.T) {
	db := dbtest.SQLite(t, people.Migrations, notify.Migrations)
	ctx := context.Background()
	ps := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }})
	a := person(t, ps, "Ann", "ann@example.org")
	port, got := fakeSMTP(t)
	svc := notify.NewService(notify.Config{DB: db, Now: func() time.Time { return now }, People: ps, BaseURL: "https://goodshift.example",
		SMTP: notify.SMTP{Host: "127.0.0.1", Port: port, From: "Goodshift <rota@goodshift.example>"}})
	if err := svc.Notify(ctx, []string{a.ID}, "Swap to approve", "Sam → Priya: Tue 1 Dec.", "/rota/approvals"); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		for _, want := range []string{"To: ann@example.org", "Subject: Swap to approve", "Sam → Priya", "https://goodshift.example/rota/approvals"} {
			if !strings.Contains(msg, want) {
				t.Errorf("email lacks %q:\n%s", want, msg)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no email arrived at the SMTP server")
	}
}
