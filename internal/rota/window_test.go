package rota

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
)

// TestNearWindowDecidesTheSame checks that loading only nearWindow of other
// work (and the wide window for people who need it) changes nothing the
// engine says: for random people with random work over the wide window,
// random adjustments and random shifts (overnight, long, over the clock
// changes), ranking with the work gather loads equals ranking with all of it.
func TestNearWindowDecidesTheSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mondays := []civil.Date{civil.D(2026, 11, 30), civil.D(2026, 10, 19), civil.D(2026, 10, 26), civil.D(2027, 3, 22), civil.D(2027, 3, 29)}
	randomWork := func(d civil.Date, id string) Work {
		start := d.At(rng.IntN(24), 15*rng.IntN(4), civil.London).UTC()
		end := start.Add(time.Duration(30+rng.IntN(16*2-1)*30) * time.Minute) // 30 minutes to 16 hours
		return Work{ShiftID: id, SiteID: []string{"a", "b"}[rng.IntN(2)], Start: start, End: end, BreakMinutes: []int{0, 20, 30}[rng.IntN(3)]}
	}
	for i := range 5000 {
		mon := mondays[rng.IntN(len(mondays))]
		sh := randomWork(mon.AddDays(rng.IntN(7)), "sh")
		var all []Work
		dense := rng.IntN(3) == 0 // runs of many days in a row
		for d := mon.AddDays(-windowBefore); d.Before(mon.AddDays(windowAfter)); d = d.AddDays(1) {
			for range rng.IntN(3) {
				if dense || rng.IntN(3) == 0 {
					all = append(all, randomWork(d, "o"))
				}
			}
		}
		// loadWork orders by start
		sortWork(all)
		a := Adjustments{}
		if rng.IntN(2) == 0 {
			a.MaxConsecutiveDays = 1 + rng.IntN(13)
		}
		if rng.IntN(3) == 0 {
			a.MaxDayMinutes = 60 * (4 + rng.IntN(8))
		}
		if rng.IntN(3) == 0 {
			a.MaxWeekMinutes = 60 * (8 + rng.IntN(40))
		}
		if rng.IntN(4) == 0 {
			a.BenefitCap = PermittedWork
		}
		if rng.IntN(4) == 0 {
			a.PhasedReturn = []PhaseStep{{From: mon.AddDays(-7), MaxWeekMinutes: 60 * (4 + rng.IntN(20))}}
		}
		if rng.IntN(5) == 0 {
			a.EffectiveFrom = mon.AddDays(rng.IntN(14) - 7)
		}
		p := Person{ID: "p", Name: "Sam Okafor", Age: []int{0, 16, 17, 30}[rng.IntN(4)], PriorMinutes: rng.IntN(16 * 50 * 60), Adjustments: a,
			Pay: PayFacts{HourlyRate: 1345, HasRate: rng.IntN(2) == 0}}
		if rng.IntN(4) == 0 {
			p.Temporary = []TemporaryLimit{{From: mon, To: mon.AddDays(13), MaxWeeklyMinutes: 60 * (4 + rng.IntN(20))}}
		}
		base := Facts{Now: mon.AddDays(-10).At(9, 0, civil.London), Shift: sh, SiteName: "Site", Person: p, Request: Request{Kind: KindAssign}}

		want := base
		want.Person.Other = all
		got := base
		from, to := nearWindow(sh)
		if needsWideWindow(a) {
			from, to = mon.AddDays(-windowBefore), mon.AddDays(windowAfter)
		}
		for _, w := range all {
			if d := w.Date(); !d.Before(from) && d.Before(to) {
				got.Person.Other = append(got.Person.Other, w)
			}
		}
		if g, w := Rank([]Facts{got}), Rank([]Facts{want}); !reflect.DeepEqual(g, w) {
			t.Fatalf("case %d: shift %s, window %s–%s:\nnear %+v\nall  %+v", i, span(sh), from, to, g, w)
		}
	}
}

func sortWork(ws []Work) {
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && ws[j].Start.Before(ws[j-1].Start); j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
}
