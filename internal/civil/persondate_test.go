package civil

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParsePersonDate(t *testing.T) {
	want := D(2026, time.December, 24)
	for _, in := range []string{
		"2026-12-24", "24/12/2026", "24/12/26", "24 Dec 2026", "24 December 2026",
		"Thu 24 Dec 2026", "thursday 24 december 2026", "Thursday, 24th December 2026",
		" 24-12-2026 ", "24.12.2026", "24 dec 26", "24 DECEMBER 2026", "24/12/2026\t",
	} {
		got, err := ParsePersonDate(in)
		if err != nil || got != want {
			t.Errorf("ParsePersonDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "not a date like 24 December 2026"},
		{"tomorrow", "not a date like 24 December 2026"},
		{"12/24/2026", "not a date like"},
		{"31/11/2026", "there is no 31 November"},
		{"29 Feb 2027", "there is no 29 February"},
		{"Fri 24 Dec 2026", "24 December 2026 is a Thursday, not a Friday"},
		{"24/12/1800", "the year must be between"},
		{"24 Dex 2026", "not a date like"},
		{"24/12/202", "not a date like"},
		{"2026-13-01", "not a date like"},
		{"24 12", "not a date like"},
	} {
		_, err := ParsePersonDate(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParsePersonDate(%q) error = %v; want one containing %q", tc.in, err, tc.msg)
		}
	}
	if d, err := ParsePersonDate("29/02/2028"); err != nil || d != D(2028, time.February, 29) {
		t.Errorf("leap day: %v %v", d, err)
	}
	if _, err := ParsePersonDate("nonsense"); !errors.Is(err, ErrNotPersonDate) {
		t.Errorf("want ErrNotPersonDate, got %v", err)
	}
}

// FuzzParsePersonDate: whatever is typed, either an error or a date whose
// ISO form and long form both read back as the same date.
func FuzzParsePersonDate(f *testing.F) {
	for _, s := range []string{"2026-12-24", "24/12/26", "Thu 24 Dec 2026", "31/11/2026", "\x00", "24 décembre 2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePersonDate(s)
		if err != nil {
			if d != (Date{}) {
				t.Fatalf("%q: error with a date %v", s, d)
			}
			return
		}
		for _, again := range []string{d.String(), d.Format("2 January 2006"), d.Format("Mon 2 Jan 2006"), d.Format("02/01/2006")} {
			if e, err := ParsePersonDate(again); err != nil || e != d {
				t.Fatalf("%q -> %v; %q -> %v, %v", s, d, again, e, err)
			}
		}
	})
}
