package payroll

import (
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

func TestStatutoryMinimumUsesTheRateOnTheDate(t *testing.T) {
	for _, tc := range []struct {
		band Band
		on   civil.Date
		want money.Pence
	}{
		{Band21Plus, civil.D(2025, 4, 1), 1221},
		{Band21Plus, civil.D(2026, 3, 31), 1221},
		{Band21Plus, civil.D(2026, 4, 1), 1271},
		{Band18To20, civil.D(2025, 12, 1), 1000},
		{Band18To20, civil.D(2026, 4, 1), 1085},
		{BandUnder18, civil.D(2026, 5, 1), 800},
		{BandApprentic, civil.D(2025, 6, 1), 755},
	} {
		got, ok := StatutoryMinimum(tc.band, tc.on)
		if !ok || got != tc.want {
			t.Errorf("%s on %s: got %s, want %s", tc.band, tc.on, got, tc.want)
		}
	}
	if _, ok := StatutoryMinimum(Band21Plus, civil.D(2025, 3, 31)); ok {
		t.Error("a date before the table should have no rate")
	}
}

func TestBandFor(t *testing.T) {
	start := civil.D(2026, 1, 6)
	for _, tc := range []struct {
		age        int
		apprentice bool
		on         civil.Date
		want       Band
	}{
		{38, false, start, Band21Plus},
		{21, false, start, Band21Plus},
		{20, false, start, Band18To20},
		{18, false, start, Band18To20},
		{17, false, start, BandUnder18},
		{17, true, start, BandApprentic},
		{25, true, start.AddDays(100), BandApprentic}, // first year
		{25, true, start.AddDays(400), Band21Plus},    // after the first year, 19+
	} {
		if got := BandFor(tc.age, tc.apprentice, start, tc.on); got != tc.want {
			t.Errorf("age %d apprentice %v on %s: got %s, want %s", tc.age, tc.apprentice, tc.on, got, tc.want)
		}
	}
}

func TestNightShiftOverClockChanges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		night civil.Date
		want  int // minutes
		parts []DayPart
	}{
		{"October: clocks go back, 9 hours", civil.D(2026, 10, 24), 9 * 60,
			[]DayPart{{civil.D(2026, 10, 24), 120}, {civil.D(2026, 10, 25), 420}}},
		{"March: clocks go forward, 7 hours", civil.D(2026, 3, 28), 7 * 60,
			[]DayPart{{civil.D(2026, 3, 28), 120}, {civil.D(2026, 3, 29), 300}}},
		{"ordinary night, 8 hours", civil.D(2026, 11, 20), 8 * 60,
			[]DayPart{{civil.D(2026, 11, 20), 120}, {civil.D(2026, 11, 21), 360}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := tc.night.At(22, 0, civil.London)
			end := tc.night.AddDays(1).At(6, 0, civil.London)
			parts := SplitByDay(start, end)
			total := 0
			for _, p := range parts {
				total += p.Minutes
			}
			if total != tc.want {
				t.Fatalf("total %d minutes, want %d", total, tc.want)
			}
			if len(parts) != len(tc.parts) || parts[0] != tc.parts[0] || parts[1] != tc.parts[1] {
				t.Errorf("parts %+v, want %+v", parts, tc.parts)
			}
			// With the rota's break of 0, all of it is paid.
			paid, _ := WorkedParts(start, end, 0)
			if paid[0].Minutes+paid[1].Minutes != tc.want {
				t.Errorf("paid %+v", paid)
			}
		})
	}
}

func TestBreakPolicy(t *testing.T) {
	for _, tc := range []struct{ elapsed, scheduled, want int }{
		{6 * 60, -1, 0},
		{6*60 + 1, -1, 20},
		{8 * 60, 30, 30},
		{4 * 60, 0, 0},
		{10, 30, 10},
	} {
		if got := BreakFor(tc.elapsed, tc.scheduled); got != tc.want {
			t.Errorf("BreakFor(%d, %d) = %d, want %d", tc.elapsed, tc.scheduled, got, tc.want)
		}
	}
	// The break comes off the longest part of a shift over midnight.
	start := civil.D(2026, 11, 20).At(21, 0, civil.London)
	parts, brk := WorkedParts(start, start.Add(8*time.Hour), -1)
	if brk != 20 || parts[0].Minutes != 180 || parts[1].Minutes != 280 {
		t.Errorf("parts %+v break %d", parts, brk)
	}
}

func TestCentiHoursAndPay(t *testing.T) {
	for _, tc := range []struct {
		minutes int
		want    int64
	}{{60, 100}, {20, 34}, {30, 50}, {445, 742}, {0, 0}, {1, 2}} {
		if got := CentiHours(tc.minutes); got != tc.want {
			t.Errorf("CentiHours(%d) = %d, want %d", tc.minutes, got, tc.want)
		}
	}
	if got := LinePay(742, 1480); got != 10982 { // 7.42 × £14.80 = £109.816
		t.Errorf("LinePay = %s", got)
	}
	if FormatCentiHours(742) != "7.42" || FormatMinutes(445) != "7h 25m" {
		t.Error("formatting")
	}
	if HolidayAccrual(600) != 72 { // 12.07% of 600 = 72.42
		t.Errorf("accrual %d", HolidayAccrual(600))
	}
}

func TestSSPIndicator(t *testing.T) {
	// 2025/26: three waiting days and a lower earnings limit.
	d := civil.D(2026, 1, 12)
	if SSPIndicator(d, 1, 20000) != SSPWaitingDay || SSPIndicator(d, 4, 20000) != SSPPayable || SSPIndicator(d, 5, 10000) != SSPBelowLimit {
		t.Error("2025/26 rules")
	}
	// From 6 April 2026: from the first day, no lower limit.
	d = civil.D(2026, 4, 6)
	if SSPIndicator(d, 1, 0) != SSPPayable {
		t.Error("2026/27 rules")
	}
}

func TestCalendar(t *testing.T) {
	m, _ := NewCalendar(Monthly, "")
	p := m.PeriodOf(civil.D(2026, 11, 23))
	if p.Key != "2026-11" || p.Start != civil.D(2026, 11, 1) || p.End != civil.D(2026, 11, 30) {
		t.Errorf("monthly %+v", p)
	}
	if prev := m.Previous(p); prev.Key != "2026-10" {
		t.Errorf("previous %+v", prev)
	}
	if _, err := m.Parse("2026-13"); err == nil {
		t.Error("bad month accepted")
	}
	w, err := NewCalendar(Fortnightly, "2026-04-06")
	if err != nil {
		t.Fatal(err)
	}
	p = w.PeriodOf(civil.D(2026, 11, 23))
	if p.Start != civil.D(2026, 11, 16) || p.End != civil.D(2026, 11, 29) || p.Key != "2026-11-16" {
		t.Errorf("fortnightly %+v", p)
	}
	if p := w.PeriodOf(civil.D(2026, 4, 5)); p.Start != civil.D(2026, 3, 23) {
		t.Errorf("before the anchor %+v", p)
	}
	if _, err := w.Parse("2026-11-17"); err == nil {
		t.Error("a date that does not start a period was accepted")
	}
	if _, err := NewCalendar("daily", ""); err == nil {
		t.Error("bad kind accepted")
	}
}

func TestAmountJSON(t *testing.T) {
	for in, want := range map[string]money.Pence{`"12.71"`: 1271, `12.71`: 1271, `1271`: 1271, `"£14.80"`: 1480} {
		var a Amount
		if err := a.UnmarshalJSON([]byte(in)); err != nil || money.Pence(a) != want {
			t.Errorf("%s: %v %v", in, a, err)
		}
	}
	var a Amount
	if a.UnmarshalJSON([]byte(`"12.715"`)) == nil || a.UnmarshalJSON([]byte(`true`)) == nil {
		t.Error("bad amounts accepted")
	}
}
