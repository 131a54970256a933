package contracts

import (
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
)

func mustSchedule(t *testing.T, in ScheduleInput) Schedule {
	t.Helper()
	c := Contract{ID: "c", SiteIDs: []string{"s"}, StartDate: civil.D(2026, 1, 1)}
	in.SiteID = "s"
	sc, err := in.check(c)
	if err != nil {
		t.Fatalf("schedule: %v", err)
	}
	return sc
}

func TestOccurrences(t *testing.T) {
	d := civil.D
	for _, tc := range []struct {
		name     string
		in       ScheduleInput
		from, to civil.Date
		want     []civil.Date
	}{
		{"mon and wed", ScheduleInput{Weekdays: []string{"mon", "Wednesday"}, StartTime: "06:00", EndTime: "08:00", CrewSize: 1, ValidFrom: d(2026, 11, 1)},
			d(2026, 11, 1), d(2026, 11, 14), []civil.Date{d(2026, 11, 2), d(2026, 11, 4), d(2026, 11, 9), d(2026, 11, 11)}},
		{"every 2 weeks from the week of valid_from", ScheduleInput{Weekdays: []string{"fri"}, EveryNWeeks: 2, StartTime: "18:00", EndTime: "20:00", CrewSize: 2, ValidFrom: d(2026, 11, 4)},
			d(2026, 11, 1), d(2026, 11, 30), []civil.Date{d(2026, 11, 6), d(2026, 11, 20)}},
		{"valid_to stops it", ScheduleInput{Weekdays: []string{"tue"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1, ValidFrom: d(2026, 11, 1), ValidTo: d(2026, 11, 10)},
			d(2026, 11, 1), d(2026, 11, 30), []civil.Date{d(2026, 11, 3), d(2026, 11, 10)}},
		{"bank holidays skipped (Christmas Friday, Boxing Day observed Monday 28th)", ScheduleInput{Weekdays: []string{"mon", "thu", "fri"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1, ValidFrom: d(2026, 1, 1), SkipBankHolidays: true},
			d(2026, 12, 21), d(2026, 12, 31), []civil.Date{d(2026, 12, 21), d(2026, 12, 24), d(2026, 12, 31)}},
		{"bank holidays kept when not asked", ScheduleInput{Weekdays: []string{"fri"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1, ValidFrom: d(2026, 1, 1)},
			d(2026, 12, 21), d(2026, 12, 27), []civil.Date{d(2026, 12, 25)}},
		{"England's August bank holiday, not Scotland's", ScheduleInput{Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1, ValidFrom: d(2026, 1, 1), SkipBankHolidays: true},
			d(2026, 8, 1), d(2026, 8, 31), []civil.Date{d(2026, 8, 3), d(2026, 8, 10), d(2026, 8, 17), d(2026, 8, 24)}},
		{"one-off deep clean", ScheduleInput{Kind: OneOff, Date: d(2026, 11, 14), StartTime: "09:00", EndTime: "15:00", CrewSize: 3},
			d(2026, 11, 1), d(2026, 11, 30), []civil.Date{d(2026, 11, 14)}},
		{"one-off outside the range", ScheduleInput{Kind: OneOff, Date: d(2026, 12, 14), StartTime: "09:00", EndTime: "15:00", CrewSize: 3},
			d(2026, 11, 1), d(2026, 11, 30), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustSchedule(t, tc.in).Occurrences(tc.from, tc.to)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestWindowAcrossClockChange(t *testing.T) {
	sc := mustSchedule(t, ScheduleInput{Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "09:00", CrewSize: 1})
	// British Summer Time ends on Sunday 25 October 2026.
	st, en := sc.Window(civil.D(2026, 10, 23))
	if st != time.Date(2026, 10, 23, 5, 0, 0, 0, time.UTC) || en.Sub(st) != 3*time.Hour {
		t.Errorf("summer: %v-%v", st, en)
	}
	st, _ = sc.Window(civil.D(2026, 10, 26))
	if st != time.Date(2026, 10, 26, 6, 0, 0, 0, time.UTC) {
		t.Errorf("winter: %v", st)
	}
	night := mustSchedule(t, ScheduleInput{Weekdays: []string{"sat"}, StartTime: "22:00", EndTime: "06:00", CrewSize: 1})
	st, en = night.Window(civil.D(2026, 10, 24))
	if en.Sub(st) != 9*time.Hour {
		t.Errorf("overnight over the clock change lasts %v, want 9h", en.Sub(st))
	}
	st, en = night.Window(civil.D(2027, 3, 27))
	if en.Sub(st) != 7*time.Hour {
		t.Errorf("overnight into summer time lasts %v, want 7h", en.Sub(st))
	}
}

func TestScheduleValidation(t *testing.T) {
	c := Contract{ID: "c", SiteIDs: []string{"s"}, StartDate: civil.D(2026, 1, 1)}
	for name, in := range map[string]ScheduleInput{
		"no days":          {Weekdays: nil, StartTime: "06:00", EndTime: "07:00", CrewSize: 1},
		"bad day":          {Weekdays: []string{"funday"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1},
		"bad time":         {Weekdays: []string{"mon"}, StartTime: "25:00", EndTime: "07:00", CrewSize: 1},
		"same times":       {Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "06:00", CrewSize: 1},
		"no crew":          {Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "07:00"},
		"every 0 weeks":    {Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1, EveryNWeeks: -1},
		"before contract":  {Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1, ValidFrom: civil.D(2025, 1, 1)},
		"other site":       {SiteID: "x", Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "07:00", CrewSize: 1},
		"one-off, no date": {Kind: OneOff, StartTime: "06:00", EndTime: "07:00", CrewSize: 1},
		"bad kind":         {Kind: "monthly", StartTime: "06:00", EndTime: "07:00", CrewSize: 1},
	} {
		if _, err := in.check(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzSchedule: any schedule input either is refused or gives visits whose
// end is after their start and which fall inside the asked range.
func FuzzSchedule(f *testing.F) {
	f.Add("weekly", "mon,wed", "06:00", "08:30", 2, 1, 0)
	f.Add("one_off", "", "22:00", "06:00", 3, 1, 10)
	f.Add("weekly", "sun", "01:30", "01:00", 1, 3, 5)
	c := Contract{ID: "c", SiteIDs: []string{"s"}, StartDate: civil.D(2026, 1, 1)}
	f.Fuzz(func(t *testing.T, kind, days, start, end string, crew, every, offset int) {
		in := ScheduleInput{SiteID: "s", Kind: ScheduleKind(kind), StartTime: start, EndTime: end, CrewSize: crew, EveryNWeeks: every}
		if days != "" {
			in.Weekdays = strings.Split(days, ",")
		}
		if offset < 0 || offset > 800 {
			return
		}
		if in.Kind == OneOff {
			in.Date = civil.D(2026, 3, 1).AddDays(offset)
		} else {
			in.ValidFrom = civil.D(2026, 1, 1).AddDays(offset)
		}
		sc, err := in.check(c)
		if err != nil {
			return
		}
		from, to := civil.D(2026, 3, 1), civil.D(2026, 4, 30)
		for _, d := range sc.Occurrences(from, to) {
			if d.Before(from) || d.After(to) {
				t.Fatalf("occurrence %s outside %s..%s", d, from, to)
			}
			st, en := sc.Window(d)
			if !en.After(st) || en.Sub(st) > 25*time.Hour {
				t.Fatalf("window %v..%v", st, en)
			}
		}
	})
}
