package notify_test

import (
	"context"
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
