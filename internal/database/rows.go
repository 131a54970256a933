package database

import (
	"database/sql"

	"gorm.io/gorm"
)

// EachRow runs q and calls fn for each result row, then closes the rows.
// Hot reads use it to scan columns by hand instead of through GORM's
// reflection (see docs/architecture.md, "Hot reads").
func EachRow(q *gorm.DB, fn func(*sql.Rows) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	return ScanEach(rows, fn)
}

// ScanEach calls fn for each of rows, then closes them.
func ScanEach(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
