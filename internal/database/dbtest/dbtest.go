// Package dbtest gives tests a fresh, migrated database on both engines
// Goodshift supports, so every store and HTTP test runs twice:
//
//	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) { ... })
//
// SQLite is a new file per test. PostgreSQL comes from
// GOODSHIFT_TEST_DATABASE_URL if set; otherwise the first test that needs it
// starts a throwaway cluster with initdb (once per test binary, stopped when
// the binary exits); otherwise the PostgreSQL subtests skip — or fail, when
// GOODSHIFT_TEST_REQUIRE includes "postgres". Each test gets its own database
// cloned from a migrated template (github.com/peterldowns/pgtestdb), dropped
// when the test passes.
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/testenv"
)

// Each runs fn as two subtests, "sqlite" and "postgres", each with a fresh
// database migrated with sets.
func Each(t *testing.T, sets []database.Migrations, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, sets...)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, sets...)) })
}

// SQLite returns a migrated database in a new file under t.TempDir().
func SQLite(t testing.TB, sets ...database.Migrations) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, database.Options{
		SQLitePath:   filepath.Join(t.TempDir(), "test.db"),
		MaxOpenConns: 8,
	})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	if err := database.Migrate(ctx, db, nil, sets...); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// Postgres returns a fresh migrated PostgreSQL database, or skips.
func Postgres(t testing.TB, sets ...database.Migrations) *gorm.DB {
	t.Helper()
	conf := ServerConfig(t)
	inst := pgtestdb.Custom(t, conf, migrator{sets})
	db, err := database.Open(context.Background(), database.Options{URL: inst.URL(), MaxOpenConns: 20})
	if err != nil {
		t.Fatalf("open postgres test database: %v", err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	return db
}

// ServerConfig is the PostgreSQL server tests use, or skips t.
func ServerConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	serverOnce.Do(func() { server, serverErr = findServer() })
	if serverErr != nil {
		testenv.Unavailable(t, testenv.Postgres, serverErr.Error())
	}
	return server
}

var (
	serverOnce sync.Once
	server     pgtestdb.Config
	serverErr  error
)

func findServer() (pgtestdb.Config, error) {
	if raw := strings.TrimSpace(getenv("GOODSHIFT_TEST_DATABASE_URL")); raw != "" {
		return configFromURL(raw)
	}
	c, err := startCluster()
	if err != nil {
		return pgtestdb.Config{}, fmt.Errorf("GOODSHIFT_TEST_DATABASE_URL is not set and no throwaway cluster could be started: %w", err)
	}
	return c, nil
}

func configFromURL(raw string) (pgtestdb.Config, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return pgtestdb.Config{}, fmt.Errorf("GOODSHIFT_TEST_DATABASE_URL %q is not a postgres:// URL", raw)
	}
	pw, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	// Throwaway test databases need no durability: without this every
	// commit waits for a WAL flush, and seeding the demo organisation into
	// each test's database took about 4 s instead of 2 on a shared server
	// with fsync on. The cluster startCluster runs is configured the same
	// way (synchronous_commit=off). pgx sends unknown URL parameters as
	// session settings.
	if q.Get("synchronous_commit") == "" {
		q.Set("synchronous_commit", "off")
	}
	dbname := strings.TrimPrefix(u.Path, "/")
	if dbname == "" {
		dbname = "postgres"
	}
	c := pgtestdb.Config{
		DriverName:                "pgx",
		Host:                      u.Hostname(),
		Port:                      port,
		User:                      u.User.Username(),
		Password:                  pw,
		Database:                  dbname,
		Options:                   q.Encode(),
		ForceTerminateConnections: true,
	}
	db, err := c.Connect()
	if err == nil {
		err = db.Ping()
		_ = db.Close()
	}
	if err != nil {
		return pgtestdb.Config{}, fmt.Errorf("cannot reach GOODSHIFT_TEST_DATABASE_URL: %w", err)
	}
	return c, nil
}

// migrator adapts database.Migrate to pgtestdb: the template is migrated once
// per distinct set of migration files.
type migrator struct{ sets []database.Migrations }

func (m migrator) Hash() (string, error) {
	h := sha256.New()
	for _, s := range m.sets {
		fmt.Fprintf(h, "set %s\n", s.Name)
		err := fs.WalkDir(s.FS, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(s.FS, path)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d\n", path, len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

func (m migrator) Migrate(ctx context.Context, sqlDB *sql.DB, _ pgtestdb.Config) error {
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{})
	if err != nil {
		return err
	}
	return database.Migrate(ctx, db, slog.New(slog.DiscardHandler), m.sets...)
}
