// Package civil holds calendar dates and months that are not instants: a pay
// period, an invoice date, a date of birth. They are stored as DATE columns
// and travel in JSON as "2006-01-02" / "2006-01".
//
// Instants (shift starts, clock-ins) are time.Time in UTC; the London time
// zone is only used to turn instants into local dates and back.
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	_ "time/tzdata" // Europe/London must load on machines without a zoneinfo database
)

// London is the time zone of every site Goodshift serves.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("civil: time zone %s: %v (the binary embeds time/tzdata)", name, err))
	}
	return loc
}

// Date is a day in the proleptic Gregorian calendar, with no time zone.
// The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D builds a Date, normalising overflow (D(2026, 1, 32) is 1 February).
func D(y int, m time.Month, d int) Date {
	return Of(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Of is the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// In is the date of instant t in loc.
func In(t time.Time, loc *time.Location) Date { return Of(t.In(loc)) }

// The years any parsed date or month may fall in: wide enough for a date of
// birth, narrow enough that 9999-12-31 is refused as the typo or probe it is.
const (
	MinYear = 1900
	MaxYear = 2100
)

// The years a date of work may fall in (a contract, a shift, an invoice, a
// pay period): see CheckWorkDate.
const (
	MinWorkYear = 2000
	MaxWorkYear = 2100
)

// Parse reads "2006-01-02", a date in the years MinYear to MaxYear.
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%s is not a date like 2026-11-30", quoted(s))
	}
	d := Of(t)
	if d.Year < MinYear || d.Year > MaxYear {
		return Date{}, fmt.Errorf("%s is outside the years %d to %d", d, MinYear, MaxYear)
	}
	return d, nil
}

// CheckWorkDate refuses a date of work outside MinWorkYear to MaxWorkYear,
// in words that name it ("the end date").
func CheckWorkDate(d Date, what string) error {
	if d.IsZero() || (d.Year >= MinWorkYear && d.Year <= MaxWorkYear) {
		return nil
	}
	return fmt.Errorf("%s must be between %d and %d, not %s", what, MinWorkYear, MaxWorkYear, d.Format("2 Jan 2006"))
}

// quoted is s in quotes, short and printable whatever was sent.
func quoted(s string) string {
	q := []rune(strconv.Quote(s))
	if len(q) > 40 {
		q = append(q[:38], '…', '"')
	}
	return string(q)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time is midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// At is the instant of local clock time hh:mm on d in loc.
func (d Date) At(hour, minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}

func (d Date) AddDays(n int) Date    { return D(d.Year, d.Month, d.Day+n) }
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }
func (d Date) Before(o Date) bool    { return d.Compare(o) < 0 }
func (d Date) After(o Date) bool     { return d.Compare(o) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp(int(d.Month), int(o.Month))
	default:
		return cmp(d.Day, o.Day)
	}
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaysUntil is the number of days from d to o (negative if o is earlier).
func (d Date) DaysUntil(o Date) int {
	return int(o.Time(time.UTC).Sub(d.Time(time.UTC)).Hours() / 24)
}

// Format formats d with a time layout ("Mon 2 Jan").
func (d Date) Format(layout string) string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format(layout)
}

// MarshalText / UnmarshalText make Date work in JSON, forms and query strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string like \"2026-11-30\"")
	}
	return d.UnmarshalText([]byte(s))
}

// Value stores the date as "2006-01-02" (NULL for the zero date).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE column from PostgreSQL (time.Time) or SQLite (text or time).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Of(v)
		return nil
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	}
	return fmt.Errorf("civil: cannot scan %T into a Date", src)
}

func (d *Date) scanString(s string) error {
	if len(s) >= 10 {
		s = s[:10]
	}
	// What is stored is read as it is, whatever the year: the range is for
	// input, not for rows.
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("civil: %s is not a stored date", quoted(s))
	}
	*d = Of(t)
	return nil
}

// Month is a calendar month, used for invoice runs and monthly pay periods.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2006-01".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("%s is not a month like 2026-11", quoted(s))
	}
	if t.Year() < MinYear || t.Year() > MaxYear {
		return Month{}, fmt.Errorf("%04d-%02d is outside the years %d to %d", t.Year(), t.Month(), MinYear, MaxYear)
	}
	return Month{t.Year(), t.Month()}, nil
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// First and Last are the first and last dates of the month.
func (m Month) First() Date { return Date{m.Year, m.Month, 1} }
func (m Month) Last() Date  { return D(m.Year, m.Month+1, 0) }

// Next is the following month.
func (m Month) Next() Month {
	f := D(m.Year, m.Month+1, 1)
	return Month{f.Year, f.Month}
}

// MonthOf is the month containing d.
func MonthOf(d Date) Month { return Month{d.Year, d.Month} }

func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
