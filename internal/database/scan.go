package database

import (
	"fmt"
	"strings"
	"time"
)

// sqliteTimeFormats are the layouts SQLite may hold instants in (the driver
// writes the first; the rest are SQLite's own date function formats). The
// driver turns DATETIME columns (migrations declare TIMESTAMPTZ, rewritten
// to DATETIME for SQLite) into time.Time itself, but an expression or a value
// another tool wrote as text arrives as text.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
}

// Instant scans a timestamp column into *T as UTC on either database, for
// hot queries that use rows.Scan instead of GORM's reflection:
//
//	rows.Scan(&id, database.Instant{&startsAt})
type Instant struct{ T *time.Time }

// Scan implements sql.Scanner.
func (i Instant) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*i.T = x.UTC()
		return nil
	case string:
		return i.parse(x)
	case []byte:
		return i.parse(string(x))
	case nil:
		return fmt.Errorf("database: NULL where an instant was expected")
	}
	return fmt.Errorf("database: cannot read %T as an instant", v)
}

func (i Instant) parse(s string) error {
	s = strings.TrimSuffix(s, "Z")
	for _, f := range sqliteTimeFormats {
		if t, err := time.ParseInLocation(f, s, time.UTC); err == nil {
			*i.T = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("database: %q is not an instant", s)
}
