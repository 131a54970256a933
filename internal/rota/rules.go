package rota

import (
	"fmt"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Severities of a violation.
const (
	Hard = "hard" // blocks
	Soft = "soft" // needs a supervisor's override with a recorded reason
)

// Violation is one rule that says no, in words a person can act on.
type Violation = errs.Violation

// Work is a shift as the rules see it: plain values, no database.
type Work struct {
	ShiftID      string
	SiteID       string
	Start, End   time.Time
	BreakMinutes int
}

// RealMinutes is the real length (a shift over a clock change is 7 or 9 hours).
func (w Work) RealMinutes() int { return int(w.End.Sub(w.Start) / time.Minute) }

// Minutes is the time worked: real length minus the break.
func (w Work) Minutes() int { return w.RealMinutes() - w.BreakMinutes }

// Overlaps reports whether two pieces of work share any instant.
func (w Work) Overlaps(o Work) bool { return w.Start.Before(o.End) && o.Start.Before(w.End) }

// Date is the local date the work starts on.
func (w Work) Date() civil.Date { return civil.In(w.Start, civil.London) }

// Request kinds: how a person comes to be on a shift.
const (
	KindAssign = "assign" // a supervisor puts them on it
	KindClaim  = "claim"  // they claim an open shift
	KindSwap   = "swap"   // they accept an offered or traded shift
	KindChange = "change" // their shift's times change
)

// Request says how a person comes to be on a shift.
type Request struct {
	Kind string
}

// Consent is true when the person asked for the shift themselves: accepting
// a change inside their minimum-notice window counts as their consent.
func (r Request) Consent() bool { return r.Kind == KindClaim || r.Kind == KindSwap }

// Person is everything the rules know about the person being placed.
type Person struct {
	ID   string
	Name string
	Age  int // on the shift's date; 0 when unknown
	// Other is their other assigned work around the shift, in start order
	// (never the shift itself): at least the shift's week and three days
	// either side, and from two weeks before its week to two weeks after for
	// people with a max-consecutive-days adjustment (see nearWindow).
	Other []Work
	// PriorMinutes is the time they worked in the 16 weeks before the
	// shift's week, for the 17-week average.
	PriorMinutes int
	// Adjustments are their agreed adjustments (checked when in force).
	Adjustments Adjustments
	// Away are days of approved leave or absence around the shift.
	Away []civil.Date
	// Temporary are temporary limits (from a wellness plan) around the shift.
	Temporary []TemporaryLimit
	// Availability is their usual week and one-off unavailable dates.
	Availability Availability
	// Pay is what the benefit cap needs: an hourly rate and any
	// permitted-work limits payroll holds.
	Pay PayFacts
}

// PayFacts is what the benefit-cap rule needs to estimate weekly earnings.
type PayFacts struct {
	HourlyRate        money.Pence
	HasRate           bool
	MaxWeeklyMinutes  int
	MaxWeeklyEarnings money.Pence
	Permitted         bool // payroll holds permitted-work limits for them
}

// FirstName is how explanations address the person.
func (p Person) FirstName() string {
	if f := strings.Fields(p.Name); len(f) > 0 {
		return f[0]
	}
	return "This person"
}

// Facts is one question for the engine: may Person work Shift?
type Facts struct {
	Now      time.Time
	Shift    Work
	SiteName string
	Person   Person
	Request  Request
	// Crew is who else is on at the same site during the shift (IDs).
	Crew []string
}

// Rule is one check, named for explanations and tests.
type Rule struct {
	Name  string
	Check func(Facts) []Violation
}

// Legal limits from the Working Time Regulations 1998 (DOMAIN.md).
var Legal = struct {
	DailyRestMinutes        int
	YoungDailyRestMinutes   int
	BreakAfterMinutes       int
	BreakMinutes            int
	YoungBreakAfterMinutes  int
	YoungBreakMinutes       int
	AverageWeekMinutes      int
	AverageWeeks            int
	YoungMaxDayMinutes      int
	YoungMaxWeekMinutes     int
	YoungNightFrom, YoungTo int // hours: under-18s do not work 22:00–06:00
}{
	DailyRestMinutes: 11 * 60, YoungDailyRestMinutes: 12 * 60,
	BreakAfterMinutes: 6 * 60, BreakMinutes: 20,
	YoungBreakAfterMinutes: 4*60 + 30, YoungBreakMinutes: 30,
	AverageWeekMinutes: 48 * 60, AverageWeeks: 17,
	YoungMaxDayMinutes: 8 * 60, YoungMaxWeekMinutes: 40 * 60,
	YoungNightFrom: 22, YoungTo: 6,
}

// Rules is the one rules engine: every path that puts a person on a shift
// runs all of them.
var Rules = []Rule{
	{"unreadable", ruleUnreadable},
	{"no_overlap", ruleNoOverlap},
	{"daily_rest", ruleDailyRest},
	{"rest_break", ruleRestBreak},
	{"average_week", ruleAverageWeek},
	{"young_worker", ruleYoungWorker},
	{"away", ruleAway},
	{"temporary_limit", ruleTemporary},
	{"availability", ruleAvailability},
	{"earliest_start", ruleEarliestStart},
	{"latest_finish", ruleLatestFinish},
	{"max_shift", ruleMaxShift},
	{"max_day", ruleMaxDay},
	{"max_week", ruleMaxWeek},
	{"days_never_worked", ruleDaysNeverWorked},
	{"no_nights", ruleNoNights},
	{"not_alone", ruleNotAlone},
	{"fixed_sites", ruleFixedSites},
	{"min_notice", ruleMinNotice},
	{"max_consecutive_days", ruleMaxConsecutiveDays},
	{"extra_breaks", ruleExtraBreaks},
	{"phased_return", rulePhasedReturn},
	{"benefit_cap", ruleBenefitCap},
}

// Check runs every rule and returns the violations, hard ones first.
func Check(f Facts) []Violation {
	var hard, soft []Violation
	for _, r := range Rules {
		for _, v := range r.Check(f) {
			if v.Rule == "" {
				v.Rule = r.Name
			}
			if v.Severity == Hard {
				hard = append(hard, v)
			} else {
				soft = append(soft, v)
			}
		}
	}
	return append(hard, soft...)
}

func hard(rule, format string, a ...any) Violation {
	return Violation{Rule: rule, Severity: Hard, Message: fmt.Sprintf(format, a...)}
}

func soft(rule, format string, a ...any) Violation {
	return Violation{Rule: rule, Severity: Soft, Message: fmt.Sprintf(format, a...)}
}

// hm is a duration in words: "6h", "7h 30m", "45m".
func hm(minutes int) string {
	switch {
	case minutes%60 == 0:
		return fmt.Sprintf("%dh", minutes/60)
	case minutes < 60:
		return fmt.Sprintf("%dm", minutes)
	}
	return fmt.Sprintf("%dh %02dm", minutes/60, minutes%60)
}

func clock(t time.Time) string     { return t.In(civil.London).Format("15:04") }
func day(t time.Time) string       { return t.In(civil.London).Format("Mon 2 Jan") }
func span(w Work) string           { return day(w.Start) + " " + clock(w.Start) + "–" + clock(w.End) }
func dateText(d civil.Date) string { return d.Format("Mon 2 Jan") }

// weekStart is the Monday of d's week.
func weekStart(d civil.Date) civil.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

// minutesOn is the work on local date d, counting the proposed shift.
func minutesOn(f Facts, d civil.Date) int {
	n := 0
	for _, w := range append([]Work{f.Shift}, f.Person.Other...) {
		if w.Date() == d {
			n += w.Minutes()
		}
	}
	return n
}

// minutesInWeek is the work in the Monday-to-Sunday week starting mon.
func minutesInWeek(f Facts, mon civil.Date) int {
	n := 0
	end := mon.AddDays(7)
	for _, w := range append([]Work{f.Shift}, f.Person.Other...) {
		if d := w.Date(); !d.Before(mon) && d.Before(end) {
			n += w.Minutes()
		}
	}
	return n
}

func ruleNoOverlap(f Facts) []Violation {
	for _, o := range f.Person.Other {
		if o.Overlaps(f.Shift) {
			return []Violation{hard("no_overlap", "%s already works %s. Shifts cannot overlap.", f.Person.FirstName(), span(o))}
		}
	}
	return nil
}

func ruleDailyRest(f Facts) []Violation {
	need, sev := Legal.DailyRestMinutes, Soft
	if f.Person.Age > 0 && f.Person.Age < 18 {
		need, sev = Legal.YoungDailyRestMinutes, Hard
	}
	d := f.Shift.Date()
	for _, o := range f.Person.Other {
		if o.Date() == d || o.Overlaps(f.Shift) {
			continue // same working day (split shifts), or caught by no_overlap
		}
		var gap time.Duration
		if o.End.After(f.Shift.Start) {
			gap = o.Start.Sub(f.Shift.End)
		} else {
			gap = f.Shift.Start.Sub(o.End)
		}
		if g := int(gap / time.Minute); g < need {
			v := Violation{Rule: "daily_rest", Severity: sev, Message: fmt.Sprintf(
				"%s would have only %s rest between this shift and the one on %s; the legal minimum between working days is %s.",
				f.Person.FirstName(), hm(g), span(o), hm(need))}
			return []Violation{v}
		}
	}
	return nil
}

func ruleRestBreak(f Facts) []Violation {
	after, brk := Legal.BreakAfterMinutes, Legal.BreakMinutes
	who := "anyone"
	if f.Person.Age > 0 && f.Person.Age < 18 {
		after, brk, who = Legal.YoungBreakAfterMinutes, Legal.YoungBreakMinutes, "someone under 18"
	}
	if f.Shift.RealMinutes() > after && f.Shift.BreakMinutes < brk {
		return []Violation{hard("rest_break",
			"This shift is %s long with a %d-minute break; %s working over %s needs a break of at least %d minutes. Add the break to the shift.",
			hm(f.Shift.RealMinutes()), f.Shift.BreakMinutes, who, hm(after), brk)}
	}
	return nil
}

func ruleAverageWeek(f Facts) []Violation {
	week := minutesInWeek(f, weekStart(f.Shift.Date()))
	total := f.Person.PriorMinutes + week
	if avg := total / Legal.AverageWeeks; avg > Legal.AverageWeekMinutes {
		return []Violation{soft("average_week",
			"%s would average %s a week over %d weeks; the legal limit is %s unless they have opted out in writing.",
			f.Person.FirstName(), hm(avg), Legal.AverageWeeks, hm(Legal.AverageWeekMinutes))}
	}
	return nil
}

func ruleYoungWorker(f Facts) []Violation {
	if f.Person.Age == 0 || f.Person.Age >= 18 {
		return nil
	}
	var out []Violation
	name := f.Person.FirstName()
	if n := minutesOn(f, f.Shift.Date()); n > Legal.YoungMaxDayMinutes {
		out = append(out, hard("young_worker", "%s is %d: under-18s work at most %s a day, and this makes %s on %s.",
			name, f.Person.Age, hm(Legal.YoungMaxDayMinutes), hm(n), dateText(f.Shift.Date())))
	}
	if n := minutesInWeek(f, weekStart(f.Shift.Date())); n > Legal.YoungMaxWeekMinutes {
		out = append(out, hard("young_worker", "%s is %d: under-18s work at most %s a week, and this makes %s.",
			name, f.Person.Age, hm(Legal.YoungMaxWeekMinutes), hm(n)))
	}
	for t := f.Shift.Start; t.Before(f.Shift.End); t = t.Add(30 * time.Minute) {
		if h := t.In(civil.London).Hour(); h >= Legal.YoungNightFrom || h < Legal.YoungTo {
			out = append(out, hard("young_worker", "%s is %d: under-18s do not work between %02d:00 and %02d:00, and this shift runs %s–%s.",
				name, f.Person.Age, Legal.YoungNightFrom, Legal.YoungTo, clock(f.Shift.Start), clock(f.Shift.End)))
			break
		}
	}
	return out
}
