package people_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

const testPassword = "correct horse battery"

// A remembered session never outlives what would end it: signing out,
// deactivation, a role or name change and a password change take effect on
// the next request, and a change made behind this process's back (another
// server) within SessionCacheTTL.
func TestAuthenticateRemembersSessionsButNeverPastAChange(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		svc := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}})
		p, err := svc.Create(ctx, people.NewPerson{Name: "Sam Jones", Email: "sam@example.org", Password: testPassword,
			Roles: []auth.Role{auth.Supervisor, auth.Admin}})
		if err != nil {
			t.Fatal(err)
		}
		login := func() string {
			t.Helper()
			s, _, err := svc.Login(ctx, "sam@example.org", testPassword, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			return s.Token
		}
		refused := func(token, why string) {
			t.Helper()
			if _, err := svc.Authenticate(ctx, token); errs.CodeOf(err) != errs.Unauthenticated {
				t.Fatalf("%s: token still accepted (err %v)", why, err)
			}
		}
		tok := login()
		got, err := svc.Authenticate(ctx, tok)
		if err != nil || got.ID != p.ID || got.Name != "Sam Jones" || !slices.Equal(got.Roles, []auth.Role{auth.Supervisor, auth.Admin}) {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		got.Roles[0] = auth.Finance // a caller scribbling on its copy changes nothing
		if again, _ := svc.Authenticate(ctx, tok); again.Roles[0] != auth.Supervisor {
			t.Fatalf("cached roles were changed through a returned slice: %v", again.Roles)
		}

		// Roles and name changes show at once.
		name, roles := "Sam J. Jones", []auth.Role{auth.Employee, auth.Supervisor}
		if _, err := svc.Update(ctx, p.ID, people.Update{Name: &name, Roles: &roles, Employee: &people.Employee{WorksNumber: "E1",
			StartDate: civil.D(2026, 1, 5), DateOfBirth: civil.D(1990, 3, 1), ContractType: people.ZeroHours}}); err != nil {
			t.Fatal(err)
		}
		got, _ = svc.Authenticate(ctx, tok)
		if got.Name != name || !slices.Equal(got.Roles, []auth.Role{auth.Employee, auth.Supervisor}) {
			t.Fatalf("after update: %+v", got)
		}

		// Signing out ends this token only.
		other := login()
		if err := svc.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		refused(tok, "signed out")
		if _, err := svc.Authenticate(ctx, other); err != nil {
			t.Fatalf("the other session ended too: %v", err)
		}

		// Changing the password ends the other sessions.
		keep := login()
		if err := svc.ChangePassword(ctx, p.ID, testPassword, testPassword+"!", keep); err != nil {
			t.Fatal(err)
		}
		refused(other, "password changed")
		if _, err := svc.Authenticate(ctx, keep); err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}

		// A session deleted by another process lasts at most SessionCacheTTL here.
		if err := db.Exec("DELETE FROM sessions").Error; err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, keep); err != nil {
			t.Fatalf("within the cache time the remembered session should still answer: %v", err)
		}
		now = now.Add(people.SessionCacheTTL)
		refused(keep, "deleted elsewhere, cache time passed")

		// Deactivation ends every session at once.
		s, _, err := svc.Login(ctx, "sam@example.org", testPassword+"!", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		off := false
		if _, err := svc.Update(ctx, p.ID, people.Update{Active: &off}); err != nil {
			t.Fatal(err)
		}
		refused(s.Token, "deactivated")
	})
}

// A session is never remembered past its own expiry.
func TestAuthenticateHonoursExpiryWhileRemembered(t *testing.T) {
	db := dbtest.SQLite(t, people.Migrations)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	svc := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}, SessionTTL: 3 * time.Second})
	if _, err := svc.Create(ctx, people.NewPerson{Name: "Ana", Email: "ana@example.org", Password: testPassword, Roles: []auth.Role{auth.Finance}}); err != nil {
		t.Fatal(err)
	}
	s, _, err := svc.Login(ctx, "ana@example.org", testPassword, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Second)
	if _, err := svc.Authenticate(ctx, s.Token); errs.CodeOf(err) != errs.Unauthenticated {
		t.Fatalf("expired session accepted from memory: %v", err)
	}
}
