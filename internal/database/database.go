// Package database opens Goodshift's store — PostgreSQL when a URL is given,
// otherwise an embedded SQLite file — and applies the versioned migrations
// that each package owns.
//
// Conventions every store follows (see docs/architecture.md):
//   - instants are time.Time in UTC (convert before writing or comparing);
//   - civil dates are civil.Date; money is money.Pence;
//   - IDs are NewID() strings;
//   - a use case is one db.Transaction; concurrency is settled with
//     conditional updates (UPDATE ... WHERE version = ?), which both
//     databases honour, never with SELECT ... FOR UPDATE (SQLite has none);
//     rules over a person's shifts hold because writers take LockPeople.
package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/google/uuid"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects, as reported by Dialect.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Options says which database to open and how to pool connections.
type Options struct {
	URL             string // postgres://...; empty means SQLite in DataDir
	DataDir         string
	SQLitePath      string // overrides DataDir/goodshift.db (tests)
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	Logger          *slog.Logger
	// Now is the clock GORM stamps created_at/updated_at with; the
	// application passes its own (app.New sets it again to be sure). Nil
	// leaves GORM's default, for tools that only migrate.
	Now func() time.Time
}

func (o Options) now() func() time.Time {
	if o.Now == nil {
		return nil
	}
	return func() time.Time { return o.Now().UTC() }
}

// Open connects and configures the pool. It does not migrate.
func Open(ctx context.Context, o Options) (*gorm.DB, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var dialector gorm.Dialector
	if o.URL != "" {
		dialector = postgres.Open(o.URL)
	} else {
		path := o.SQLitePath
		if path == "" {
			if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
				return nil, fmt.Errorf("create data directory %s: %w", o.DataDir, err)
			}
			path = filepath.Join(o.DataDir, "goodshift.db")
		}
		dialector = sqlite.Open(SQLiteDSN(path))
	}
	logCfg := logger.Config{
		SlowThreshold:             500 * time.Millisecond,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true, // values may be personal data: never log them
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 newQuietLogger(logger.NewSlogLogger(o.Logger, logCfg), logCfg),
		NowFunc:                o.now(),
		SkipDefaultTransaction: true,
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if o.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(o.MaxOpenConns)
	}
	// Keep as many idle connections as open ones unless told otherwise:
	// database/sql keeps only two, so under load every other query would
	// open (and PostgreSQL fork) a new connection and close it again.
	switch {
	case o.MaxIdleConns > 0:
		sqlDB.SetMaxIdleConns(o.MaxIdleConns)
	case o.MaxOpenConns > 0:
		sqlDB.SetMaxIdleConns(o.MaxOpenConns)
	}
	if o.ConnMaxLifetime > 0 {
		sqlDB.SetConnMaxLifetime(o.ConnMaxLifetime)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// SQLiteDSN is the connection string for a SQLite file: WAL for concurrent
// readers, a busy timeout so writers queue rather than fail, foreign keys on,
// and BEGIN IMMEDIATE so a transaction takes the write lock up front (two
// transactions can then never deadlock upgrading a read lock).
func SQLiteDSN(path string) string {
	return "file:" + path +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Dialect is Postgres or SQLite.
func Dialect(db *gorm.DB) string {
	if db.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

// Close closes the underlying pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks the database answers, for /readyz.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// NewID returns a new opaque, time-ordered ID (UUIDv7) for any row.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s looks like an ID we issued, so handlers can answer
// 404 for garbage without a query.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// IsForeignKeyViolation reports whether err is a foreign-key violation.
func IsForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}
