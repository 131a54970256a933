package people_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// signInOutcomes fires n sign-ins at once and counts the answers by code
// (Unauthenticated = the password was checked, RateLimited = refused first).
func signInOutcomes(t *testing.T, svc *people.Service, n int, attempt func(i int) (email, password, ip string)) map[errs.Code]int {
	t.Helper()
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		start = make(chan struct{})
		got   = map[errs.Code]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email, pw, ip := attempt(i)
			<-start
			_, _, err := svc.Login(context.Background(), email, pw, ip)
			code := errs.Code("ok")
			if err != nil {
				code = errs.CodeOf(err)
			}
			mu.Lock()
			got[code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return got
}

func limitService(t *testing.T, db *gorm.DB, now *time.Time) *people.Service {
	t.Helper()
	var mu sync.Mutex
	svc := people.NewService(people.Config{DB: db, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return *now }, Passwords: auth.Passwords{Cost: 4}})
	if _, err := svc.Create(context.Background(), people.NewPerson{Name: "Sam Jones", Email: "sam@example.org", Password: testPassword, Roles: []auth.Role{auth.Supervisor}}); err != nil {
		t.Fatal(err)
	}
	return svc
}

// Forty wrong passwords sent at once to one account: the account's burst
// is checked, every other one is refused before its password is looked at.
// The same from forty addresses, and forty accounts from one address.
func TestConcurrentWrongSignInsAreLimited(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations}, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		svc := limitService(t, db, &now)

		got := signInOutcomes(t, svc, 40, func(int) (string, string, string) { return "Sam@Example.org ", "wrong password!", "198.51.100.7" })
		if got[errs.Unauthenticated] != people.AccountSignInBurst || got[errs.RateLimited] != 40-people.AccountSignInBurst {
			t.Fatalf("one account, one address: %v; want %d checked (401), the rest 429", got, people.AccountSignInBurst)
		}
		// Other addresses cannot add guesses at the same account.
		got = signInOutcomes(t, svc, 40, func(i int) (string, string, string) {
			return "sam@example.org", "wrong password!", fmt.Sprintf("203.0.113.%d", i)
		})
		if got[errs.RateLimited] != 40 {
			t.Fatalf("one account, forty addresses after the burst: %v; want all 429", got)
		}
		// One address guessing at many accounts is limited by the address.
		got = signInOutcomes(t, svc, 40, func(i int) (string, string, string) {
			return fmt.Sprintf("nobody%d@example.org", i), "wrong password!", "192.0.2.9"
		})
		if got[errs.Unauthenticated] != people.IPSignInBurst || got[errs.RateLimited] != 40-people.IPSignInBurst {
			t.Fatalf("forty accounts, one address: %v; want %d checked", got, people.IPSignInBurst)
		}
	})
}

// The buckets refill with the clock, a right password gives its token
// back, and the purge forgets only buckets that are full again.
func TestSignInLimitRefillsAndRefunds(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		svc := limitService(t, db, &now)
		try := func(pw string) errs.Code {
			t.Helper()
			_, _, err := svc.Login(ctx, "sam@example.org", pw, "198.51.100.7")
			if err == nil {
				return "ok"
			}
			return errs.CodeOf(err)
		}
		// Right passwords never use the account up.
		for i := range 3 * people.AccountSignInBurst {
			if c := try(testPassword); c != "ok" {
				t.Fatalf("right password %d: %s", i, c)
			}
		}
		for i := range people.AccountSignInBurst - 1 {
			if c := try("wrong password!"); c != errs.Unauthenticated {
				t.Fatalf("wrong password %d: %s", i, c)
			}
		}
		if c := try(testPassword); c != "ok" { // takes the last token and gives it back
			t.Fatalf("right password with one token left: %s", c)
		}
		if c := try("wrong password!"); c != errs.Unauthenticated {
			t.Fatalf("last token: %s", c)
		}
		if c := try(testPassword); c != errs.RateLimited {
			t.Fatalf("after the burst even the right password waits: %s", c)
		}
		now = now.Add(people.AccountSignInEvery - time.Second)
		if c := try(testPassword); c != errs.RateLimited {
			t.Fatalf("a second before the refill: %s", c)
		}
		now = now.Add(time.Second)
		if c := try(testPassword); c != "ok" {
			t.Fatalf("after one interval: %s", c)
		}
		if c := try("wrong password!"); c != errs.Unauthenticated {
			t.Fatalf("the refilled token (given back by the success): %s", c)
		}
		if c := try("wrong password!"); c != errs.RateLimited {
			t.Fatalf("one interval gives one guess: %s", c)
		}

		// Not yet full again: kept; full: purged.
		if n, err := svc.PurgeSignInAttempts(ctx); err != nil || n != 0 {
			t.Fatalf("purge while limited: %d %v", n, err)
		}
		now = now.Add(people.AccountSignInBurst * people.AccountSignInEvery)
		if n, err := svc.PurgeSignInAttempts(ctx); err != nil || n != 2 {
			t.Fatalf("purge when full again: %d %v, want 2 (account and address)", n, err)
		}
		if c := try(testPassword); c != "ok" {
			t.Fatalf("after the purge: %s", c)
		}
	})
}

// Emails no account can have are refused without touching the limits (or
// the database: a NUL would be an error on PostgreSQL).
func TestSignInWithImpossibleEmail(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations}, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		svc := limitService(t, db, &now)
		long := make([]byte, 300)
		for i := range long {
			long[i] = 'a'
		}
		for _, email := range []string{"sam\x00@example.org", "sam\xff@example.org", string(long) + "@example.org"} {
			if _, _, err := svc.Login(context.Background(), email, "x", "198.51.100.7"); errs.CodeOf(err) != errs.Unauthenticated {
				t.Errorf("%q: %v", email, err)
			}
		}
		var n int64
		if err := db.Table("signin_attempts").Count(&n).Error; err != nil || n != 0 {
			t.Errorf("limit rows: %d %v", n, err)
		}
	})
}
