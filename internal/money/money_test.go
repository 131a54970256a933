package money

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   Pence
		want string
	}{
		{0, "£0.00"}, {5, "£0.05"}, {1271, "£12.71"}, {123456, "£1,234.56"},
		{100000000, "£1,000,000.00"}, {-1200, "-£12.00"}, {-5, "-£0.05"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("Pence(%d).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Pence
		bad  bool
	}{
		{"12", 1200, false}, {"12.5", 1250, false}, {"12.50", 1250, false},
		{"£1,234.56", 123456, false}, {".5", 50, false}, {"-3.10", -310, false},
		{"12.345", 0, true}, {"abc", 0, true}, {"", 0, true}, {"1e3", 0, true},
		{"12.", 1200, false}, {".", 0, true}, {"99999999999999999999", 0, true},
	} {
		got, err := Parse(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("Parse(%q) = %d, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestPercentAndMulDiv(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  Pence
		want Pence
	}{
		{"20% of £10", Percent(1000, 2000, HalfUp), 200},
		{"20% of £0.03 rounds half up", Percent(3, 2000, HalfUp), 1}, // 0.6p
		{"20% of £0.02 rounds down", Percent(2, 2000, HalfUp), 0},    // 0.4p
		{"20% of £0.03 truncated", Percent(3, 2000, Down), 0},        // 0.6p
		{"half a penny rounds up", Percent(5, 1000, HalfUp), 1},      // 0.5p
		{"negative half rounds away", Percent(-5, 1000, HalfUp), -1}, // -0.5p
		{"12.07% of £100", Percent(10000, 1207, HalfUp), 1207},
		{"£12.71 for 90 minutes", MulDiv(1271, 90, 60, HalfUp), 1907}, // 1906.5
		{"£14.80 for 7h20", MulDiv(1480, 440, 60, HalfUp), 10853},     // 10853.33
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestBasisPointsString(t *testing.T) {
	if got := BasisPoints(2000).String(); got != "20%" {
		t.Errorf("got %q", got)
	}
	if got := BasisPoints(1207).String(); got != "12.07%" {
		t.Errorf("got %q", got)
	}
	if got := BasisPoints(550).String(); got != "5.5%" {
		t.Errorf("got %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12.50", "£1,234.56", "-0.01", ".", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses must format and parse back to the same amount.
		back, err := Parse(p.Decimal())
		if err != nil || back != p {
			t.Fatalf("Parse(%q) = %d; Decimal %q parses to %d, %v", s, p, p.Decimal(), back, err)
		}
	})
}
