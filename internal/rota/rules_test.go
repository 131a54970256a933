package rota

import (
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
)

// at is a London local time on 2026-11-30 (a Monday) plus days.
func at(days, hour, minute int) time.Time {
	return civil.D(2026, 11, 30+days).At(hour, minute, civil.London).UTC()
}

func work(days, h1, h2 int) Work {
	return Work{ShiftID: "w", Start: at(days, h1, 0), End: at(days, h2, 0)}
}

func facts(shift Work, age int, other ...Work) Facts {
	return Facts{Now: at(-7, 9, 0), Shift: shift, Person: Person{ID: "p", Name: "Sam Okafor", Age: age, Other: other}}
}

func TestRules(t *testing.T) {
	long := work(0, 7, 15) // 8 hours
	long.BreakMinutes = 30
	for _, tc := range []struct {
		name     string
		rule     func(Facts) []Violation
		f        Facts
		severity string // "" = no violation
		contains string
	}{
		{"overlap", ruleNoOverlap, facts(work(0, 7, 11), 30, work(0, 10, 14)), Hard, "Sam already works Mon 30 Nov 10:00–14:00"},
		{"back to back is no overlap", ruleNoOverlap, facts(work(0, 7, 11), 30, work(0, 11, 14)), "", ""},
		{"rest under 11h", ruleDailyRest, facts(work(1, 6, 10), 30, work(0, 18, 22)), Soft, "only 8h rest"},
		{"rest 11h exactly", ruleDailyRest, facts(work(1, 9, 12), 30, work(0, 18, 22)), "", ""},
		{"split shift same day is fine", ruleDailyRest, facts(work(0, 17, 20), 30, work(0, 6, 9)), "", ""},
		{"rest before a later shift", ruleDailyRest, facts(work(0, 18, 22), 30, work(1, 6, 10)), Soft, "8h rest"},
		{"young rest 12h is hard", ruleDailyRest, facts(work(1, 9, 12), 17, work(0, 18, 22)), Hard, "12h"},
		{"6h without break is fine", ruleRestBreak, facts(work(0, 7, 13), 30), "", ""},
		{"over 6h needs a break", ruleRestBreak, facts(work(0, 7, 14), 30), Hard, "at least 20 minutes"},
		{"break given", ruleRestBreak, facts(long, 30), "", ""},
		{"young over 4.5h needs 30m", ruleRestBreak, facts(work(0, 7, 12), 17), Hard, "at least 30 minutes"},
		{"average week over 48h", ruleAverageWeek, Facts{Shift: work(0, 7, 11), Person: Person{Name: "Sam", PriorMinutes: 16 * 51 * 60}}, Soft, "average 48h 14m"},
		{"average week fine", ruleAverageWeek, Facts{Shift: work(0, 7, 11), Person: Person{Name: "Sam", PriorMinutes: 16 * 40 * 60}}, "", ""},
		{"young day over 8h", ruleYoungWorker, facts(work(0, 12, 16), 17, work(0, 6, 11)), Hard, "at most 8h a day"},
		{"young at night", ruleYoungWorker, facts(work(0, 19, 23), 17), Hard, "between 22:00 and 06:00"},
		{"adult at night is fine", ruleYoungWorker, facts(work(0, 19, 23), 30), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := tc.rule(tc.f)
			if tc.severity == "" {
				if len(vs) != 0 {
					t.Fatalf("want no violation, got %+v", vs)
				}
				return
			}
			if len(vs) == 0 {
				t.Fatalf("want a %s violation, got none", tc.severity)
			}
			if vs[0].Severity != tc.severity || !strings.Contains(vs[0].Message, tc.contains) {
				t.Errorf("got %+v, want %s containing %q", vs[0], tc.severity, tc.contains)
			}
		})
	}
}

func TestAverageWeekMessage(t *testing.T) {
	f := Facts{Shift: work(0, 7, 19), Person: Person{Name: "Sam", PriorMinutes: 16 * 52 * 60}}
	f.Shift.BreakMinutes = 60
	vs := ruleAverageWeek(f)
	if len(vs) != 1 || !strings.Contains(vs[0].Message, "the legal limit is 48h") {
		t.Fatalf("%+v", vs)
	}
}

func TestDSTShiftIsNineHours(t *testing.T) {
	// The clocks go back at 02:00 on Sunday 25 October 2026: a shift from
	// 22:00 Saturday to 06:00 Sunday is 9 real hours.
	w := Work{Start: civil.D(2026, 10, 24).At(22, 0, civil.London), End: civil.D(2026, 10, 25).At(6, 0, civil.London)}
	if got := w.RealMinutes(); got != 9*60 {
		t.Fatalf("got %d minutes, want 540", got)
	}
	spring := Work{Start: civil.D(2026, 3, 28).At(22, 0, civil.London), End: civil.D(2026, 3, 29).At(6, 0, civil.London)}
	if got := spring.RealMinutes(); got != 7*60 {
		t.Fatalf("spring: got %d minutes, want 420", got)
	}
}

func TestRankOrdersEligibleFirst(t *testing.T) {
	shift := work(0, 7, 11)
	fs := []Facts{
		{Shift: shift, Person: Person{ID: "busy", Name: "Busy", Other: []Work{work(0, 8, 12)}}},
		{Shift: shift, Person: Person{ID: "more", Name: "More", Other: []Work{work(1, 7, 11)}}},
		{Shift: shift, Person: Person{ID: "free", Name: "Free"}},
		{Shift: shift, Person: Person{ID: "tired", Name: "Tired", Other: []Work{work(-1, 19, 23)}}},
	}
	got := Rank(fs)
	var order []string
	for _, c := range got {
		order = append(order, c.EmployeeID)
	}
	if strings.Join(order, ",") != "free,more,tired,busy" {
		t.Fatalf("order %v", order)
	}
	if got[0].WeekMinutes != 0 || got[1].WeekMinutes != 240 || got[3].Eligible {
		t.Errorf("%+v", got)
	}
}
