package civil

import (
	"strings"
	"testing"
)

func TestParseRefusesYearsOutOfRange(t *testing.T) {
	for _, s := range []string{"9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"} {
		if _, err := Parse(s); err == nil || !strings.Contains(err.Error(), "outside the years") {
			t.Errorf("Parse(%q) = %v, want a plain refusal", s, err)
		}
	}
	for _, s := range []string{"9999-12", "1899-01"} {
		if _, err := ParseMonth(s); err == nil {
			t.Errorf("ParseMonth(%q) accepted", s)
		}
	}
	for _, s := range []string{"1900-01-01", "1985-06-15", "2100-12-31"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	if err := CheckWorkDate(D(1999, 12, 31), "the end date"); err == nil || err.Error() != "the end date must be between 2000 and 2100, not 31 Dec 1999" {
		t.Errorf("CheckWorkDate: %v", err)
	}
	if err := CheckWorkDate(Date{}, "x"); err != nil {
		t.Errorf("no date is not out of range: %v", err)
	}
	var d Date
	if err := d.Scan("9999-12-31"); err != nil || d.Year != 9999 {
		t.Errorf("a stored date is read whatever its year: %v %v", d, err)
	}
}

// FuzzParse: Parse and ParseMonth never panic; what they accept is in the
// sane range and reads back exactly as it was written; errors are short
// and printable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-11-30", "2026-02-29", "2028-02-29", "9999-12-31", "0000-01-01", "2026-1-5",
		"2026-11", "", "2026-13-01", "２０２６-11-30", "2026-11-30T00:00:00Z", " 2026-11-30", "2026-11-30\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil {
			if d.Year < MinYear || d.Year > MaxYear {
				t.Fatalf("Parse(%q) accepted year %d", s, d.Year)
			}
			if d.String() != s {
				t.Fatalf("Parse(%q) reads back as %q", s, d.String())
			}
			var back Date
			if err := back.UnmarshalText([]byte(d.String())); err != nil || back != d {
				t.Fatalf("round trip of %q: %v %v", s, back, err)
			}
		} else if len(err.Error()) > 120 || strings.ContainsRune(err.Error(), 0) {
			t.Fatalf("error for %q is not short and printable: %q", s, err)
		}
		m, err := ParseMonth(s)
		if err == nil {
			if m.Year < MinYear || m.Year > MaxYear {
				t.Fatalf("ParseMonth(%q) accepted year %d", s, m.Year)
			}
			if m.String() != s {
				t.Fatalf("ParseMonth(%q) reads back as %q", s, m.String())
			}
		} else if len(err.Error()) > 120 || strings.ContainsRune(err.Error(), 0) {
			t.Fatalf("error for %q is not short and printable: %q", s, err)
		}
	})
}
