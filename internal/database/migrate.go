package database

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"
)

// Migrations is one package's versioned schema: numbered goose SQL files
// (00001_create_shifts.sql ...) embedded in that package. Each set keeps its
// own version table, goose_<Name>, so packages evolve their schemas
// independently; sets are applied in the order the application lists them
// (people before rota, for example, because shifts refer to people).
//
// The SQL is written once, for PostgreSQL, using a small portable subset.
// For SQLite these type names are rewritten: TIMESTAMPTZ -> DATETIME,
// BYTEA -> BLOB, JSONB -> TEXT. Use TEXT ids, BIGINT money, BOOLEAN flags,
// DATE civil dates, and no PostgreSQL-only functions.
type Migrations struct {
	Name string
	FS   fs.FS // directory holding the .sql files
}

var sqliteTypes = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)\bTIMESTAMPTZ\b`), "DATETIME"},
	{regexp.MustCompile(`(?i)\bBYTEA\b`), "BLOB"},
	{regexp.MustCompile(`(?i)\bJSONB\b`), "TEXT"},
}

// sourceFor returns the migration files as the dialect needs them.
func (m Migrations) sourceFor(dialect string) (fs.FS, error) {
	if dialect == Postgres {
		return m.FS, nil
	}
	out := fstest.MapFS{}
	err := fs.WalkDir(m.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(m.FS, path)
		if err != nil {
			return err
		}
		s := string(b)
		for _, t := range sqliteTypes {
			s = t.re.ReplaceAllString(s, t.with)
		}
		out[path] = &fstest.MapFile{Data: []byte(s), Mode: 0o444}
		return nil
	})
	return out, err
}

// Migrate applies every pending migration of each set, in order. It is safe
// to run from several processes at once on PostgreSQL (an advisory lock
// serialises them) and on SQLite (the file lock does).
func Migrate(ctx context.Context, db *gorm.DB, logger *slog.Logger, sets ...Migrations) error {
	for _, set := range sets {
		p, err := provider(db, set, true)
		if err != nil {
			return err
		}
		results, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("apply %s migrations: %w", set.Name, err)
		}
		for _, r := range results {
			if logger != nil {
				logger.Info("migration applied", "set", set.Name, "version", r.Source.Version, "duration", r.Duration)
			}
		}
	}
	return nil
}

// Pending reports, per set, how many migrations are not yet applied.
func Pending(ctx context.Context, db *gorm.DB, sets ...Migrations) (map[string]int, error) {
	out := map[string]int{}
	for _, set := range sets {
		p, err := provider(db, set, false)
		if err != nil {
			return nil, err
		}
		st, err := p.Status(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s migration status: %w", set.Name, err)
		}
		for _, s := range st {
			if s.State == goose.StatePending {
				out[set.Name]++
			}
		}
	}
	return out, nil
}

func provider(db *gorm.DB, set Migrations, locked bool) (*goose.Provider, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	dialect := Dialect(db)
	src, err := set.sourceFor(dialect)
	if err != nil {
		return nil, fmt.Errorf("read %s migrations: %w", set.Name, err)
	}
	gooseDialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{
		goose.WithTableName("goose_" + set.Name),
		goose.WithDisableGlobalRegistry(true),
	}
	if dialect == Postgres {
		gooseDialect = goose.DialectPostgres
		if locked {
			locker, err := lock.NewPostgresSessionLocker()
			if err != nil {
				return nil, err
			}
			opts = append(opts, goose.WithSessionLocker(locker))
		}
	}
	p, err := goose.NewProvider(gooseDialect, sqlDB, src, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s migrations: %w", set.Name, err)
	}
	return p, nil
}
