package civil

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrNotPersonDate is returned (wrapped in nothing) by ParsePersonDate for
// text that is not a date in any accepted form. Forms turn it into "Enter
// <label> as a date like 24 December 2026".
var ErrNotPersonDate = errors.New("not a date like 24 December 2026")

// ParsePersonDate reads a date as a person types it, or as a native date
// input sends it:
//
//	2026-12-24   24/12/2026   24/12/26   24-12-2026   24.12.2026
//	24 Dec 2026  24 December 2026  Thu 24 Dec 2026  Thursday, 24th December 2026
//
// Day comes before month (British order). A two-digit year is 20YY. A
// weekday, if given, must match the date. Surrounding space and case do not
// matter. The year must be MinYear to MaxYear. Errors are written for a
// person: ErrNotPersonDate, or one naming what is wrong ("there is no 31
// November", "24 December 2026 is a Thursday, not a Friday").
func ParsePersonDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return Date{}, ErrNotPersonDate
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return checked(atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10]), -1)
	}
	// Split on separators; words and numbers become tokens.
	toks := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '/' || r == '-' || r == '.' || r == ',' || r == '\t'
	})
	weekday := -1
	if len(toks) == 4 {
		w, ok := weekdayOf(toks[0])
		if !ok {
			return Date{}, ErrNotPersonDate
		}
		weekday, toks = int(w), toks[1:]
	}
	if len(toks) != 3 {
		return Date{}, ErrNotPersonDate
	}
	day := atoi(strings.TrimRight(toks[0], "stndrh"))
	month := atoi(toks[1])
	if month < 0 {
		m, ok := monthOf(toks[1])
		if !ok {
			return Date{}, ErrNotPersonDate
		}
		month = int(m)
	}
	year := atoi(toks[2])
	switch {
	case len(toks[2]) == 2 && year >= 0:
		year += 2000
	case len(toks[2]) != 4:
		return Date{}, ErrNotPersonDate
	}
	return checked(year, month, day, weekday)
}

func checked(year, month, day, weekday int) (Date, error) {
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 {
		return Date{}, ErrNotPersonDate
	}
	d := D(year, time.Month(month), day)
	if d.Day != day {
		return Date{}, errors.New("there is no " + strconv.Itoa(day) + " " + time.Month(month).String())
	}
	if year < MinYear || year > MaxYear {
		return Date{}, errors.New("the year must be between " + strconv.Itoa(MinYear) + " and " + strconv.Itoa(MaxYear))
	}
	if weekday >= 0 && int(d.Weekday()) != weekday {
		return Date{}, errors.New(d.Format("2 January 2006") + " is a " + d.Weekday().String() + ", not a " + time.Weekday(weekday).String())
	}
	return d, nil
}

// atoi is the value of an all-digit string of at most 4 digits, or -1.
func atoi(s string) int {
	if s == "" || len(s) > 4 {
		return -1
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func monthOf(s string) (time.Month, bool) {
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || s == name[:3] || (len(s) >= 3 && strings.HasPrefix(name, s)) || (m == time.September && s == "sept") {
			return m, true
		}
	}
	return 0, false
}

func weekdayOf(s string) (time.Weekday, bool) {
	if len(s) < 3 {
		return 0, false
	}
	for w := time.Sunday; w <= time.Saturday; w++ {
		if strings.HasPrefix(strings.ToLower(w.String()), s) {
			return w, true
		}
	}
	return 0, false
}
