package outcomes

import (
	"math/rand/v2"
	"testing"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// randomInput is a small random enterprise: few enough people that many
// counts fall under 5 and the subtraction attacks have something to try.
func randomInput(rng *rand.Rand) Input {
	today := civil.D(2026, 11, 23)
	in := Input{From: civil.D(2026, 7, 1), To: civil.D(2026, 9, 30), Today: today, LivingWage: LondonLivingWage, Rates: map[string][]Rate{}}
	districts := []string{"", "E1", "E14", "E3"}
	n := 1 + rng.IntN(16)
	for i := range n {
		e := Employee{ID: string(rune('a' + i)), Start: civil.D(2025, 1, 1).AddDays(rng.IntN(600)),
			ReferralSource:     people.ReferralSources[rng.IntN(len(people.ReferralSources))],
			LongTermUnemployed: rng.IntN(2) == 0, Disabled: rng.IntN(3) == 0, PostcodeDistrict: districts[rng.IntN(len(districts))]}
		if rng.IntN(3) == 0 {
			e.Leaving = e.Start.AddDays(30 + rng.IntN(300))
			e.LeavingCategory = people.LeavingCategories[rng.IntN(len(people.LeavingCategories))]
		}
		in.Employees = append(in.Employees, e)
		in.Rates[e.ID] = []Rate{{From: e.Start, Hourly: money.Pence(1400 + 100*rng.IntN(2))}}
		for d := e.Start; d.Before(today) && (e.Leaving.IsZero() || !d.After(e.Leaving)); d = d.AddDays(1 + rng.IntN(5)) {
			in.Paid = append(in.Paid, PaidDay{EmployeeID: e.ID, Date: d, Minutes: 60 * (1 + rng.IntN(6)), HourlyRate: in.Rates[e.ID][0].Hourly})
		}
		if rng.IntN(3) == 0 {
			from := civil.D(2026, 6, 1).AddDays(rng.IntN(120))
			in.Hard = append(in.Hard, Span{EmployeeID: e.ID, From: from, To: from.AddDays(rng.IntN(20))})
		}
	}
	return in
}

// Whole reports of random small enterprises: no table shows a count under
// 5, no withheld count can be worked out from its table (brute force), and
// the population shared by the social-value tables and "people employed"
// is shown everywhere or nowhere.
func TestReportsOfSmallCohortsNeverLeak(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 13))
	for range 150 {
		in := randomInput(rng)
		r := Compute(in)
		var populations []string
		for _, s := range r.Sections {
			for _, f := range s.Figures {
				if f.ID == "people_employed" {
					populations = append(populations, f.String())
				}
			}
			for _, tb := range s.Tables {
				p := partition{total: len(in.Employees)}
				pr := protected{total: tb.Total.Count}
				if tb.Total.Count.Shown() {
					p.total = *tb.Total.Count.Value
				}
				for i, row := range tb.Rows {
					lo := 0
					if tb.ID == "local" && i < len(tb.Rows)-1 {
						lo = 1
					}
					p.cells = append(p.cells, cell{label: row.Label, lo: lo})
					pr.cells = append(pr.cells, row.Count)
					if row.Count.Shown() && *row.Count.Value < MinCell {
						t.Fatalf("%s %q shows %d", tb.ID, row.Label, *row.Count.Value)
					}
				}
				if tb.Total.Count.Shown() && *tb.Total.Count.Value < MinCell {
					t.Fatalf("%s total shows %d", tb.ID, *tb.Total.Count.Value)
				}
				for i, vals := range bruteForce(p, pr) {
					if !pr.cells[i].Shown() && len(vals) < 2 {
						t.Fatalf("%s: withheld %q can only be %v (published %v / %v)", tb.ID, tb.Rows[i].Label, vals, pr.cells, pr.total)
					}
				}
				switch tb.ID {
				case "long_term_unemployed", "disabled", "local":
					populations = append(populations, tb.Total.Count.String())
				}
			}
		}
		for _, p := range populations[1:] {
			if p != populations[0] {
				t.Fatalf("people employed published as %v", populations)
			}
		}
		for _, m := range r.Trend {
			if m.Employed.Shown() && (*m.Employed.Value < MinCell || *m.Employed.Value%5 != 0) {
				t.Fatalf("trend %s shows %d", m.Month, *m.Employed.Value)
			}
		}
	}
}

// FTE is a figure about a group: when one row's headcount is withheld, the
// other row's FTE is withheld too, so total less shown cannot give it.
func TestFTEWithheldWithAnyRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 150 {
		r := Compute(randomInput(rng))
		for _, s := range r.Sections {
			for _, tb := range s.Tables {
				if tb.FigureTitle == "" {
					continue
				}
				hidden := false
				for _, row := range tb.Rows {
					hidden = hidden || !row.Count.Shown()
				}
				for _, row := range tb.Rows {
					if hidden && row.Figure != NotShown {
						t.Fatalf("%s: %q FTE %s shown beside a withheld row", tb.ID, row.Label, row.Figure)
					}
				}
			}
		}
	}
}
