package apptest

// Seed templates: demo.Seed takes 1.6–2.1 s per database without -race and
// several times that with it, and nearly every internal/app test seeds twice
// (SQLite, PostgreSQL). So the first test of a test process to seed a given
// (engine, schema, clock, configuration) seeds as before and then keeps a
// snapshot of its freshly seeded database; every later test with the same
// key gets its database filled from that snapshot instead of seeding:
//
//   - SQLite: the snapshot is a file (VACUUM INTO) in a directory of the
//     process's own, removed by RemoveTemplates (TestMain); a test ATTACHes
//     it and copies every table with INSERT ... SELECT in one transaction
//     with foreign keys deferred to the commit.
//   - PostgreSQL: the snapshot is each table's COPY ... TO STDOUT text, held
//     in memory, with every sequence's value; a test copies the tables back
//     with COPY ... FROM STDIN in one transaction, parents before children
//     (a cycle of foreign keys between tables means no snapshot), and sets
//     the sequences.
//
// Only rows are copied. What the seed leaves outside the database is the
// wellbeing development key in Config.DataDir (wellbeing content is
// encrypted with it), so the snapshot keeps that key and a test that copies
// writes it into its own DataDir before the app starts. The schema's own
// bookkeeping (goose_* and river_migration, stamped with the wall clock by
// migrations that run before the seed) is not copied: the test's database
// already has its own. What the app logged while seeding is kept too and
// written to the copying test's Logs, so log assertions see the same lines.
//
// GOODSHIFT_TEST_SEED_TEMPLATE=0 seeds every test as before.
// TestSeedTemplateMatchesFreshSeed checks a copy is the seeded database.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// TemplateVar names the variable that turns seed templates off ("0").
const TemplateVar = "GOODSHIFT_TEST_SEED_TEMPLATE"

func templatesOn() bool { return strings.TrimSpace(os.Getenv(TemplateVar)) != "0" }

// seedTemplate is one seeded database's snapshot.
type seedTemplate struct {
	dialect      string
	wellbeingKey []byte // the DataDir wellbeing key file's content
	seedLogs     []byte // what the app logged while seeding
	sqlitePath   string // SQLite: the VACUUM INTO copy
	tables       []pgTable
	sequences    []pgSequence
}

type pgTable struct {
	name string
	copy []byte // COPY ... TO STDOUT, text format
}

type pgSequence struct {
	name     string
	value    int64
	isCalled bool
}

// templateEntry is a snapshot being made (ready not yet closed) or made.
type templateEntry struct {
	ready chan struct{}
	tpl   *seedTemplate // nil after ready: no snapshot, seed as before
}

var templates = struct {
	sync.Mutex
	m   map[string]*templateEntry
	dir string // SQLite snapshots
}{m: map[string]*templateEntry{}}

// RemoveTemplates deletes the SQLite snapshot files; call it from TestMain
// after m.Run.
func RemoveTemplates() {
	templates.Lock()
	defer templates.Unlock()
	if templates.dir != "" {
		_ = os.RemoveAll(templates.dir)
		templates.dir = ""
	}
	templates.m = map[string]*templateEntry{}
}

// templateKey is what a seeded database depends on: the engine and schema
// of db, the clock's start and the configuration. The secret key (random
// per test) signs cookies and derives calendar-feed link keys, which are
// computed when asked for and never stored; DataDir is where the test's
// files go (the one that matters, the wellbeing key, travels with the
// snapshot). Both are left out. ok is false when the seed depends on
// something the key cannot hold: a wellbeing key file named in the
// configuration, or a DataDir that already holds a wellbeing key.
func templateKey(ctx context.Context, db *gorm.DB, cfg config.Config, now time.Time) (key string, ok bool, err error) {
	if cfg.WellbeingKeyFile != "" {
		return "", false, nil
	}
	if cfg.WellbeingKey == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, wellbeing.DevKeyFile)); err == nil {
			return "", false, nil
		}
	}
	cfg.SecretKey, cfg.DataDir = nil, ""
	c, err := json.Marshal(cfg)
	if err != nil {
		return "", false, err
	}
	schema, err := schemaOf(ctx, db)
	if err != nil {
		return "", false, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", database.Dialect(db), now.UTC().Format(time.RFC3339Nano), c)
	h.Write([]byte(schema))
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

// schemaOf describes every table and column, in order.
func schemaOf(ctx context.Context, db *gorm.DB) (string, error) {
	var s sql.NullString
	q := `SELECT group_concat(name || ':' || COALESCE(sql, ''), char(10)) FROM (SELECT name, sql FROM sqlite_master ORDER BY type, name)`
	if database.Dialect(db) == database.Postgres {
		q = `SELECT string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, ''),
			E'\n' ORDER BY table_name, ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	err := db.WithContext(ctx).Raw(q).Row().Scan(&s)
	return s.String, err
}

// claimTemplate returns the snapshot for key, waiting while another test
// makes it. With none, mine says whether this test is to make it, and then
// it must call finish exactly once (with nil when it cannot).
func claimTemplate(key string) (tpl *seedTemplate, mine bool, finish func(*seedTemplate)) {
	templates.Lock()
	e, ok := templates.m[key]
	if !ok {
		e = &templateEntry{ready: make(chan struct{})}
		templates.m[key] = e
	}
	templates.Unlock()
	if !ok {
		var once sync.Once
		return nil, true, func(t *seedTemplate) {
			once.Do(func() { e.tpl = t; close(e.ready) })
		}
	}
	<-e.ready
	return e.tpl, false, nil
}

// bookkeeping tables belong to the migrations, not to the seed.
func bookkeeping(table string) bool {
	return strings.HasPrefix(table, "goose_") || table == "river_migration"
}

// snapshot keeps db's rows (just seeded) and the wellbeing key file in dataDir.
func snapshot(ctx context.Context, db *gorm.DB, dataDir string) (*seedTemplate, error) {
	tpl := &seedTemplate{dialect: database.Dialect(db)}
	key, err := os.ReadFile(filepath.Join(dataDir, wellbeing.DevKeyFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	tpl.wellbeingKey = key
	if tpl.dialect == database.Postgres {
		return tpl, snapshotPostgres(ctx, db, tpl)
	}
	templates.Lock()
	if templates.dir == "" {
		templates.dir, err = os.MkdirTemp("", "goodshift-seed-templates-")
	}
	dir := templates.dir
	templates.Unlock()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "seeded-*.db")
	if err != nil {
		return nil, err
	}
	tpl.sqlitePath = f.Name()
	_ = f.Close()
	_ = os.Remove(tpl.sqlitePath) // VACUUM INTO wants a new file
	if err := db.WithContext(ctx).Exec("VACUUM INTO ?", tpl.sqlitePath).Error; err != nil {
		return nil, fmt.Errorf("VACUUM INTO: %w", err)
	}
	return tpl, nil
}

// restore fills db (migrated, empty but for rows the migrations insert)
// with the snapshot's rows.
func (tpl *seedTemplate) restore(ctx context.Context, db *gorm.DB) error {
	if tpl.dialect == database.Postgres {
		return tpl.restorePostgres(ctx, db)
	}
	return tpl.restoreSQLite(ctx, db)
}

// writeKey puts the snapshot's wellbeing key where the app will look.
func (tpl *seedTemplate) writeKey(dataDir string) error {
	if tpl.wellbeingKey == nil {
		return nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dataDir, wellbeing.DevKeyFile), tpl.wellbeingKey, 0o600)
}

func (tpl *seedTemplate) restoreSQLite(ctx context.Context, db *gorm.DB) (err error) {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx) // ATTACH and the pragma hold for one connection
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS tpl", tpl.sqlitePath); err != nil {
		return fmt.Errorf("attach seed template: %w", err)
	}
	defer func() {
		if _, derr := conn.ExecContext(context.Background(), "DETACH DATABASE tpl"); derr != nil && err == nil {
			err = derr
		}
	}()
	tables, err := stringsOf(ctx, conn, `SELECT name FROM tpl.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return err
	}
	// Rows go in table by table, so foreign keys are off while they do (the
	// pragma cannot change inside a transaction) and every one is checked
	// before the commit. (PRAGMA defer_foreign_keys left SQLite's count of
	// unresolved references above zero at the commit although
	// foreign_key_check found nothing.)
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer func() {
		if _, ferr := conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
			err = ferr
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, t := range tables {
		if bookkeeping(t) {
			continue
		}
		q := quoteIdent(t)
		if _, err = tx.ExecContext(ctx, "DELETE FROM main."+q); err != nil {
			return fmt.Errorf("empty %s: %w", t, err)
		}
		if _, err = tx.ExecContext(ctx, "INSERT INTO main."+q+" SELECT * FROM tpl."+q); err != nil {
			return fmt.Errorf("copy %s: %w", t, err)
		}
	}
	var hasSeq int
	if err = tx.QueryRowContext(ctx, `SELECT count(*) FROM tpl.sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&hasSeq); err != nil {
		return err
	}
	if hasSeq > 0 { // AUTOINCREMENT counters
		if _, err = tx.ExecContext(ctx, "DELETE FROM main.sqlite_sequence"); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, "INSERT INTO main.sqlite_sequence SELECT * FROM tpl.sqlite_sequence"); err != nil {
			return err
		}
	}
	fk, err := stringsOf(ctx, tx, `SELECT "table" || ' -> ' || parent FROM main.pragma_foreign_key_check`)
	if err != nil {
		return err
	}
	if len(fk) > 0 {
		return fmt.Errorf("seed template: copied rows break foreign keys: %v", fk)
	}
	return tx.Commit()
}

// querier is what stringsOf reads through: a connection or a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// stringsOf is the single text column q returns, NULL as "".
func stringsOf(ctx context.Context, db querier, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// withPgConn runs fn on one pgx connection of db's pool.
func withPgConn(ctx context.Context, db *gorm.DB, fn func(*pgconn.PgConn) error) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("seed template: PostgreSQL connection is %T, not pgx", dc)
		}
		return fn(c.Conn().PgConn())
	})
}

// pgTablesInOrder lists the schema's tables (without the bookkeeping),
// every table after the tables its foreign keys point to.
func pgTablesInOrder(ctx context.Context, db *gorm.DB) ([]string, error) {
	var names []string
	if err := db.WithContext(ctx).Raw(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`).Scan(&names).Error; err != nil {
		return nil, err
	}
	var edges []struct{ Child, Parent string }
	if err := db.WithContext(ctx).Raw(`SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema()`).Scan(&edges).Error; err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	for _, e := range edges {
		if e.Child != e.Parent { // a table's references to itself are checked at the end of its COPY
			parents[strings.Trim(e.Child, `"`)] = append(parents[strings.Trim(e.Child, `"`)], strings.Trim(e.Parent, `"`))
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var out []string
	var visit func(string) error
	visit = func(t string) error {
		switch state[t] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("seed template: foreign keys form a cycle through %s", t)
		}
		state[t] = visiting
		ps := parents[t]
		sort.Strings(ps)
		for _, p := range ps {
			if err := visit(p); err != nil {
				return err
			}
		}
		state[t] = done
		if !bookkeeping(t) {
			out = append(out, t)
		}
		return nil
	}
	for _, t := range names {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func snapshotPostgres(ctx context.Context, db *gorm.DB, tpl *seedTemplate) error {
	tables, err := pgTablesInOrder(ctx, db)
	if err != nil {
		return err
	}
	var seqs []string
	if err := db.WithContext(ctx).Raw(`SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() ORDER BY sequencename`).Scan(&seqs).Error; err != nil {
		return err
	}
	for _, s := range seqs {
		var v struct {
			LastValue int64
			IsCalled  bool
		}
		if err := db.WithContext(ctx).Raw(`SELECT last_value, is_called FROM ` + quoteIdent(s)).Scan(&v).Error; err != nil {
			return err
		}
		tpl.sequences = append(tpl.sequences, pgSequence{name: s, value: v.LastValue, isCalled: v.IsCalled})
	}
	return withPgConn(ctx, db, func(c *pgconn.PgConn) error {
		for _, t := range tables {
			var buf bytes.Buffer
			if _, err := c.CopyTo(ctx, &buf, "COPY "+quoteIdent(t)+" TO STDOUT"); err != nil {
				return fmt.Errorf("copy %s out: %w", t, err)
			}
			tpl.tables = append(tpl.tables, pgTable{name: t, copy: buf.Bytes()})
		}
		return nil
	})
}

func (tpl *seedTemplate) restorePostgres(ctx context.Context, db *gorm.DB) error {
	return withPgConn(ctx, db, func(c *pgconn.PgConn) (err error) {
		if err := c.Exec(ctx, "BEGIN").Close(); err != nil {
			return err
		}
		defer func() {
			end := "COMMIT"
			if err != nil {
				end = "ROLLBACK"
			}
			if cerr := c.Exec(context.Background(), end).Close(); cerr != nil && err == nil {
				err = cerr
			}
		}()
		for i := len(tpl.tables) - 1; i >= 0; i-- { // children first
			if err := c.Exec(ctx, "DELETE FROM "+quoteIdent(tpl.tables[i].name)).Close(); err != nil {
				return fmt.Errorf("empty %s: %w", tpl.tables[i].name, err)
			}
		}
		for _, t := range tpl.tables {
			if len(t.copy) == 0 {
				continue
			}
			if _, err := c.CopyFrom(ctx, bytes.NewReader(t.copy), "COPY "+quoteIdent(t.name)+" FROM STDIN"); err != nil {
				return fmt.Errorf("copy %s in: %w", t.name, err)
			}
		}
		for _, s := range tpl.sequences {
			q := fmt.Sprintf("SELECT setval('%s', %d, %t)", strings.ReplaceAll(quoteIdent(s.name), "'", "''"), s.value, s.isCalled)
			if err := c.Exec(ctx, q).Close(); err != nil {
				return fmt.Errorf("sequence %s: %w", s.name, err)
			}
		}
		return nil
	})
}
