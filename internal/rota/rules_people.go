package rota

import (
	"slices"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// The rules for one person: agreed adjustments, leave, temporary limits and
// availability. Each is a plain function on Facts.

// adjusted returns the adjustments in force for the shift, if any.
func adjusted(f Facts) (Adjustments, bool) {
	a := f.Person.Adjustments
	return a, a.AppliesOn(f.Shift.Date())
}

func agreed(f Facts) string { return f.Person.FirstName() + "'s agreed adjustment: " }

// localMinutes is minutes after local midnight.
func localMinutes(t time.Time) int {
	l := t.In(civil.London)
	return l.Hour()*60 + l.Minute()
}

// days is every local date the work touches.
func (w Work) days() []civil.Date {
	first, last := w.Date(), civil.In(w.End.Add(-time.Minute), civil.London)
	var out []civil.Date
	for d := first; !d.After(last); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// ruleUnreadable stops anyone placing a person whose stored adjustments or
// availability could not be read: reading them as "no rules" would
// silently stop protecting them.
func ruleUnreadable(f Facts) []Violation {
	if !f.Person.Adjustments.Unreadable && !f.Person.Availability.Unreadable {
		return nil
	}
	name := f.Person.FirstName()
	var out []Violation
	if f.Person.Adjustments.Unreadable {
		out = append(out, hard("unreadable", "%s's agreed adjustments could not be read — nobody can be assigned to %s until they are fixed. A supervisor can save them again on %s's adjustments page.",
			name, name, name))
	}
	if f.Person.Availability.Unreadable {
		out = append(out, hard("unreadable", "%s's availability could not be read — nobody can be assigned to %s until it is fixed. %s can save it again on the availability page.",
			name, name, name))
	}
	return out
}

func ruleAway(f Facts) []Violation {
	for _, d := range f.Shift.days() {
		if slices.Contains(f.Person.Away, d) {
			return []Violation{hard("away", "%s is away on %s (approved leave or absence).", f.Person.FirstName(), dateText(d))}
		}
	}
	return nil
}

func ruleTemporary(f Facts) []Violation {
	d := f.Shift.Date()
	name := f.Person.FirstName()
	for _, l := range f.Person.Temporary {
		if d.Before(l.From) || d.After(l.To) {
			continue
		}
		switch {
		case l.NoShifts:
			return []Violation{hard("temporary_limit", "A temporary change agreed with %s: no shifts until %s.", name, dateText(l.To))}
		case l.EarliestStartMinutes > 0 && localMinutes(f.Shift.Start) < l.EarliestStartMinutes:
			return []Violation{hard("temporary_limit", "A temporary change agreed with %s: no starts before %02d:%02d until %s. This shift starts at %s.",
				name, l.EarliestStartMinutes/60, l.EarliestStartMinutes%60, dateText(l.To), clock(f.Shift.Start))}
		case l.MaxShiftMinutes > 0 && f.Shift.Minutes() > l.MaxShiftMinutes:
			return []Violation{hard("temporary_limit", "A temporary change agreed with %s: shifts of at most %s until %s. This shift is %s.",
				name, hm(l.MaxShiftMinutes), dateText(l.To), hm(f.Shift.Minutes()))}
		case l.MaxWeeklyMinutes > 0:
			if n := minutesInWeek(f, weekStart(d)); n > l.MaxWeeklyMinutes {
				return []Violation{hard("temporary_limit", "A temporary change agreed with %s: at most %s a week until %s. This makes %s that week.",
					name, hm(l.MaxWeeklyMinutes), dateText(l.To), hm(n))}
			}
		}
	}
	return nil
}

func ruleEarliestStart(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.EarliestStart == "" {
		return nil
	}
	min, _ := parseClock(a.EarliestStart)
	if localMinutes(f.Shift.Start) < min {
		return []Violation{hard("earliest_start", "%sno starts before %s. This shift starts at %s.", agreed(f), a.EarliestStart, clock(f.Shift.Start))}
	}
	return nil
}

func ruleLatestFinish(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.LatestFinish == "" {
		return nil
	}
	max, _ := parseClock(a.LatestFinish)
	overnight := civil.In(f.Shift.End, civil.London) != f.Shift.Date() && localMinutes(f.Shift.End) > 0
	if overnight || localMinutes(f.Shift.End) > max {
		return []Violation{hard("latest_finish", "%sno finishes after %s. This shift finishes at %s.", agreed(f), a.LatestFinish, clock(f.Shift.End))}
	}
	return nil
}

func ruleMaxShift(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.MaxShiftMinutes == 0 || f.Shift.Minutes() <= a.MaxShiftMinutes {
		return nil
	}
	return []Violation{hard("max_shift", "%sshifts of at most %s. This shift is %s.", agreed(f), hm(a.MaxShiftMinutes), hm(f.Shift.Minutes()))}
}

func ruleMaxDay(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.MaxDayMinutes == 0 {
		return nil
	}
	if n := minutesOn(f, f.Shift.Date()); n > a.MaxDayMinutes {
		return []Violation{hard("max_day", "%sat most %s a day. This makes %s on %s.", agreed(f), hm(a.MaxDayMinutes), hm(n), dateText(f.Shift.Date()))}
	}
	return nil
}

func ruleMaxWeek(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.MaxWeekMinutes == 0 {
		return nil
	}
	mon := weekStart(f.Shift.Date())
	if n := minutesInWeek(f, mon); n > a.MaxWeekMinutes {
		return []Violation{hard("max_week", "%sat most %s a week. This makes %s in the week of %s.", agreed(f), hm(a.MaxWeekMinutes), hm(n), dateText(mon))}
	}
	return nil
}

func ruleDaysNeverWorked(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok {
		return nil
	}
	for _, d := range f.Shift.days() {
		if day := weekdays[d.Weekday()]; slices.Contains(a.DaysNeverWorked, day) {
			return []Violation{hard("days_never_worked", "%snever works on a %s. This shift is on %s.", agreed(f), title(day), dateText(d))}
		}
	}
	return nil
}

func title(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-32) + s[1:]
}

// Night is 23:00 to 06:00 (the Working Time Regulations' night period).
const nightFrom, nightTo = 23 * 60, 6 * 60

func ruleNoNights(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || !a.NoNights {
		return nil
	}
	for t := f.Shift.Start; t.Before(f.Shift.End); t = t.Add(15 * time.Minute) {
		if m := localMinutes(t); m >= nightFrom || m < nightTo {
			return []Violation{hard("no_nights", "%sno night work (23:00–06:00). This shift runs %s–%s.", agreed(f), clock(f.Shift.Start), clock(f.Shift.End))}
		}
	}
	return nil
}

func ruleNotAlone(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || (!a.NotAlone && len(a.WorkWith) == 0) {
		return nil
	}
	crew := slices.DeleteFunc(slices.Clone(f.Crew), func(id string) bool { return id == f.Person.ID })
	if len(a.WorkWith) > 0 {
		for _, id := range crew {
			if slices.Contains(a.WorkWith, id) {
				return nil
			}
		}
		return []Violation{hard("not_alone", "%sworks with a named colleague, and none of them is on at %s during %s.", agreed(f), f.SiteName, span(f.Shift))}
	}
	if len(crew) == 0 {
		return []Violation{hard("not_alone", "%snot working alone. Nobody else is on at %s during %s; assign a colleague first.", agreed(f), f.SiteName, span(f.Shift))}
	}
	return nil
}

func ruleFixedSites(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || len(a.FixedSites) == 0 || slices.Contains(a.FixedSites, f.Shift.SiteID) {
		return nil
	}
	return []Violation{hard("fixed_sites", "%sfixed sites only, and %s is not one of them.", agreed(f), f.SiteName)}
}

func ruleMinNotice(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.MinNoticeDays == 0 || f.Request.Consent() {
		return nil
	}
	notice := f.Shift.Start.Sub(f.Now)
	if notice < time.Duration(a.MinNoticeDays)*24*time.Hour {
		days := int(notice.Hours() / 24)
		return []Violation{soft("min_notice", "%sat least %d days' notice of new or changed shifts. This gives %d days' notice; record that %s agreed.",
			agreed(f), a.MinNoticeDays, max(days, 0), f.Person.FirstName())}
	}
	return nil
}

func ruleMaxConsecutiveDays(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.MaxConsecutiveDays == 0 {
		return nil
	}
	worked := map[civil.Date]bool{}
	for _, w := range append([]Work{f.Shift}, f.Person.Other...) {
		worked[w.Date()] = true
	}
	d := f.Shift.Date()
	run := 1
	for x := d.AddDays(-1); worked[x]; x = x.AddDays(-1) {
		run++
	}
	for x := d.AddDays(1); worked[x]; x = x.AddDays(1) {
		run++
	}
	if run > a.MaxConsecutiveDays {
		return []Violation{soft("max_consecutive_days", "%sat most %d days in a row. This makes %d days in a row.", agreed(f), a.MaxConsecutiveDays, run)}
	}
	return nil
}

func ruleExtraBreaks(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || a.MinBreakMinutes == 0 || f.Shift.RealMinutes() <= a.BreakAfterMinutes || f.Shift.BreakMinutes >= a.MinBreakMinutes {
		return nil
	}
	return []Violation{hard("extra_breaks", "%sa break of at least %d minutes in shifts over %s. This shift has %d minutes; lengthen the break.",
		agreed(f), a.MinBreakMinutes, hm(a.BreakAfterMinutes), f.Shift.BreakMinutes)}
}

func rulePhasedReturn(f Facts) []Violation {
	a, ok := adjusted(f)
	if !ok || len(a.PhasedReturn) == 0 {
		return nil
	}
	d := f.Shift.Date()
	var step *PhaseStep
	for i := range a.PhasedReturn {
		if !d.Before(a.PhasedReturn[i].From) {
			step = &a.PhasedReturn[i]
		}
	}
	if step == nil {
		return []Violation{hard("phased_return", "%sphased return starts on %s; no shifts before then.", agreed(f), dateText(a.PhasedReturn[0].From))}
	}
	mon := weekStart(d)
	if n := minutesInWeek(f, mon); n > step.MaxWeekMinutes {
		return []Violation{hard("phased_return", "%sphased return, up to %s a week from %s. This makes %s in the week of %s.",
			agreed(f), hm(step.MaxWeekMinutes), dateText(step.From), hm(n), dateText(mon))}
	}
	return nil
}

func ruleBenefitCap(f Facts) []Violation {
	a, ok := adjusted(f)
	cap := ""
	if ok {
		cap = a.BenefitCap
	}
	pay := f.Person.Pay
	maxMinutes, maxEarnings := 0, money.Pence(0)
	switch {
	case pay.Permitted:
		maxMinutes, maxEarnings = pay.MaxWeeklyMinutes, pay.MaxWeeklyEarnings
	case cap == PermittedWork:
		maxMinutes, maxEarnings = permittedWorkOn(f.Shift.Date())
	case cap == SupportedPermittedWork:
		_, maxEarnings = permittedWorkOn(f.Shift.Date())
	default:
		return nil
	}
	name := f.Person.FirstName()
	mon := weekStart(f.Shift.Date())
	n := minutesInWeek(f, mon)
	if maxMinutes > 0 && n >= maxMinutes {
		return []Violation{soft("benefit_cap", "%s's benefit cap (permitted work): under %s a week. This makes %s in the week of %s, which could cost %s their benefit.",
			name, hm(maxMinutes), hm(n), dateText(mon), name)}
	}
	if maxEarnings > 0 && pay.HasRate {
		earned := money.MulDiv(pay.HourlyRate, int64(n), 60, money.HalfUp)
		if earned > maxEarnings {
			return []Violation{soft("benefit_cap", "%s's benefit cap (permitted work): earnings up to %s a week. %s in the week of %s comes to about %s, which could cost %s their benefit.",
				name, maxEarnings, hm(n), dateText(mon), earned, name)}
		}
	}
	return nil
}
