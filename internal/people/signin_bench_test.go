package people_test

import (
	"context"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// BenchmarkLogin is a sign-in with the right password (bcrypt cost 4, so
// the database work shows) and a wrong one refused by the limit, on both
// databases; numbers in docs/benchmarks.md.
//
//	GOODSHIFT_TEST_DATABASE_URL=postgres://... go test ./internal/people -run '^$' -bench Login
func BenchmarkLogin(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := dbtest.SQLite(b, people.Migrations)
			if engine == "postgres" {
				db = dbtest.Postgres(b, people.Migrations)
			}
			ctx := context.Background()
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			svc := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}})
			if _, err := svc.Create(ctx, people.NewPerson{Name: "Sam Jones", Email: "sam@example.org", Password: testPassword, Roles: []auth.Role{auth.Supervisor}}); err != nil {
				b.Fatal(err)
			}
			b.Run("right", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := svc.Login(ctx, "sam@example.org", testPassword, "198.51.100.7"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("limited", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := svc.Login(ctx, "sam@example.org", "wrong password!", "198.51.100.8"); err != nil && errs.CodeOf(err) != errs.RateLimited && errs.CodeOf(err) != errs.Unauthenticated {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
