package apptest

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// A database filled from a seed template holds exactly the rows of the
// freshly seeded database the template was taken from, in every table,
// and the same rows (up to what each seed draws at random) as another
// fresh seed on the same clock; its app opens the seeded wellbeing content.
func TestSeedTemplateMatchesFreshSeed(t *testing.T) {
	t.Setenv(TemplateVar, "")
	defer RemoveTemplates()
	// A clock no other test uses, so this test makes its own template.
	now := DefaultNow.Add(17*time.Minute + 3*time.Second)
	dbtest.Each(t, app.Migrations(), func(t *testing.T, first *gorm.DB) {
		fresh := func() *gorm.DB {
			if database.Dialect(first) == database.Postgres {
				return dbtest.Postgres(t, app.Migrations()...)
			}
			return dbtest.SQLite(t, app.Migrations()...)
		}
		made := func() (n int) {
			templates.Lock()
			defer templates.Unlock()
			for _, e := range templates.m {
				if e.tpl != nil {
					n++
				}
			}
			return n
		}
		before := made()
		srv0 := New(t, first, Options{Now: now}) // seeds, then snapshots
		if made() != before+1 {
			t.Fatal("the first test to seed made no template")
		}

		copied := fresh()
		srv2 := New(t, copied, Options{Now: now}) // from the template
		if made() != before+1 {
			t.Fatal("the second test made another template")
		}

		t.Setenv(TemplateVar, "0")
		reseeded := fresh()
		New(t, reseeded, Options{Now: now}) // seeds again

		want, got := dumpRows(t, first), dumpRows(t, copied)
		if len(want) < 30 {
			t.Fatalf("only %d tables: is the dump reading the schema?", len(want))
		}
		rows := 0
		for table, w := range want {
			rows += len(w)
			if !slices.Equal(w, got[table]) {
				t.Errorf("%s: the copy differs from the seeded database it was taken from:\n%s", table, firstDiff(w, got[table]))
			}
		}
		if len(got) != len(want) {
			t.Errorf("the copy has %d tables, the seeded database %d", len(got), len(want))
		}
		if rows < 1000 {
			t.Errorf("only %d rows seeded: is the dump reading the rows?", rows)
		}
		t.Logf("%d tables, %d rows", len(want), rows)

		// Another fresh seed draws other IDs (UUIDv7: time and random bits),
		// bcrypt salts and wellbeing nonces and key; everything else matches.
		again, copy := normalise(dumpRows(t, reseeded)), normalise(got)
		for table, w := range again {
			if !slices.Equal(w, copy[table]) {
				t.Errorf("%s: the copy differs from another fresh seed:\n%s", table, firstDiff(w, copy[table]))
			}
		}

		// The copy's app has the key its wellbeing content was sealed with.
		k0, err := os.ReadFile(filepath.Join(srv0.App.Config.DataDir, wellbeing.DevKeyFile))
		if err != nil {
			t.Fatal(err)
		}
		k2, err := os.ReadFile(filepath.Join(srv2.App.Config.DataDir, wellbeing.DevKeyFile))
		if err != nil || string(k0) != string(k2) {
			t.Fatalf("wellbeing key not carried over (%v)", err)
		}
		jo0, jo2 := srv0.Login(t, "jo@goodshift.example"), srv2.Login(t, "jo@goodshift.example")
		var caseload struct {
			Items []struct {
				ID string `json:"employee_id"`
			} `json:"items"`
		}
		if r := jo2.JSON(http.MethodGet, "/api/v1/caseload", nil, &caseload); r.StatusCode != http.StatusOK || len(caseload.Items) == 0 {
			t.Fatalf("caseload on the copy: status %d %s", r.StatusCode, r.Body)
		}
		for _, m := range caseload.Items {
			for _, path := range []string{"/wellness-plan", "/support-notes"} {
				r0, r2 := jo0.Get("/api/v1/employees/"+m.ID+path), jo2.Get("/api/v1/employees/"+m.ID+path)
				if r2.StatusCode != http.StatusOK || r0.StatusCode != r2.StatusCode || string(r0.Body) != string(r2.Body) {
					t.Errorf("%s%s: seeded %d %s, copy %d %s", m.ID, path, r0.StatusCode, r0.Body, r2.StatusCode, r2.Body)
				}
			}
		}
	})
}

var (
	uuidRE   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	bcryptRE = regexp.MustCompile(`\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}`)
	sealedRE = regexp.MustCompile(`gw1\.[0-9a-f]{16}\.[A-Za-z0-9_=-]+`)
)

// normalise replaces what a seed draws at random: sealed wellbeing content
// (nonce and key), bcrypt hashes (salt) and IDs (UUIDv7: time and random
// bits; their order is not the same from one seed to the next either, as
// some rows are made in map order), and sorts each table's rows.
func normalise(db map[string][]string) map[string][]string {
	out := map[string][]string{}
	for table, rows := range db {
		rs := []string{}
		for _, r := range rows {
			r = sealedRE.ReplaceAllString(r, "<sealed>")
			r = bcryptRE.ReplaceAllString(r, "<bcrypt>")
			rs = append(rs, uuidRE.ReplaceAllString(r, "<id>"))
		}
		sort.Strings(rs)
		out[table] = rs
	}
	return out
}

func firstDiff(want, got []string) string {
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return "row " + strconv.Itoa(i) + ":\n  want " + w + "\n  got  " + g
		}
	}
	return "(same rows)"
}

// dumpRows is every table's rows, each as the text of all its values, in
// primary-key order, with the sequences (as tables "sequence <name>"). The
// migrations' bookkeeping (goose_*, river_migration) is left out: the
// migrations wrote it with the wall clock before any seed.
func dumpRows(t *testing.T, db *gorm.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var tables []string
	pg := database.Dialect(db) == database.Postgres
	if pg {
		tables = scanStrings(t, db, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	} else {
		tables = scanStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'`)
	}
	for _, table := range tables {
		if bookkeeping(table) {
			continue
		}
		q := quoteIdent(table)
		var cols, order []string
		if pg {
			cols = []string{"(" + q + ".*)::text"}
			order = scanStrings(t, db, `SELECT quote_ident(a.attname) FROM pg_index i
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
				WHERE i.indrelid = '`+q+`'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`)
		} else {
			var info []struct {
				Name string
				Pk   int
			}
			if err := db.Raw(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, table).Scan(&info).Error; err != nil {
				t.Fatal(err)
			}
			sort.SliceStable(info, func(i, j int) bool { return info[i].Pk < info[j].Pk })
			for _, c := range info {
				n := quoteIdent(c.Name)
				cols = append(cols, "typeof("+n+") || ':' || CASE typeof("+n+") WHEN 'real' THEN printf('%!.17g', "+n+") ELSE quote("+n+") END")
				if c.Pk > 0 {
					order = append(order, n)
				}
			}
		}
		if len(order) == 0 { // no primary key: every value
			order = []string{"1"}
		}
		out[table] = scanStrings(t, db, "SELECT "+strings.Join(cols, " || '|' || ")+" FROM "+q+" ORDER BY "+strings.Join(order, ", "))
		if out[table] == nil {
			out[table] = []string{}
		}
	}
	if pg {
		for _, s := range scanStrings(t, db, `SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()`) {
			out["sequence "+s] = scanStrings(t, db, `SELECT last_value || ' ' || is_called FROM `+quoteIdent(s))
		}
	} else if len(scanStrings(t, db, `SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'`)) > 0 {
		out["sqlite_sequence"] = scanStrings(t, db, `SELECT name || ' ' || seq FROM sqlite_sequence ORDER BY name`)
	}
	return out
}

func scanStrings(t *testing.T, db *gorm.DB, q string) []string {
	t.Helper()
	rows, err := db.Raw(q).Rows()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
