package outcomes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// Employee is what the reports know of one employment (from people).
type Employee struct {
	ID                 string
	Start              civil.Date
	Leaving            civil.Date // zero: still employed
	LeavingCategory    string
	ReferralSource     string
	LongTermUnemployed bool
	Disabled           bool
	PostcodeDistrict   string
}

// PaidDay is one employee's paid minutes on a date at the rate in force.
type PaidDay struct {
	EmployeeID string
	Date       civil.Date
	Minutes    int
	HourlyRate money.Pence
}

// Rate is an hourly rate from a date.
type Rate struct {
	From   civil.Date
	Hourly money.Pence
}

// Span is a run of dates for one employee (a sickness absence or a flex
// period: the reports never know which, or why).
type Span struct {
	EmployeeID string
	From, To   civil.Date
}

// Input is everything one report is computed from. Paid must cover
// PaidFrom(from, to) to to.
type Input struct {
	From, To   civil.Date
	Today      civil.Date
	Employees  []Employee
	Paid       []PaidDay
	Rates      map[string][]Rate // ascending From
	Hard       []Span            // sickness absences and flex periods overlapping [From, To]
	LivingWage []LivingWageRate
	// FullTimeMinutes is a full-time week, for FTE (a setting; 37.5 hours by default).
	FullTimeMinutes int
}

// Measure windows, in days.
const (
	SustainedWeeks       = 16
	SustainedNeedWeeks   = 13
	SustainedWeekMinutes = 7 * 60
	AfterHardDays        = 13 * 7
	ProgressionDays      = 182 // six months
	ProgressionWindow    = 28  // four weeks of hours at each end
)

// Milestones are the retention points, in weeks from the start.
var Milestones = []int{13, 26, 52}

// PaidFrom is the first date the paid hours of a report on [from, to] are
// needed from: the first sixteen weeks of anyone whose sixteenth week ends
// in the period, and four weeks before the six months of progression.
func PaidFrom(from, to civil.Date) civil.Date {
	first := from.AddDays(-SustainedWeeks * 7)
	for _, d := range []civil.Date{to.AddDays(-ProgressionDays - ProgressionWindow), trendStart(to)} {
		if d.Before(first) {
			first = d
		}
	}
	return first
}

func (e Employee) employedOn(d civil.Date) bool {
	return !e.Start.After(d) && (e.Leaving.IsZero() || !e.Leaving.Before(d))
}

// daysEmployed is how many days of [from, to] e was employed.
func (e Employee) daysEmployed(from, to civil.Date) int {
	a, b := from, to
	if e.Start.After(a) {
		a = e.Start
	}
	if !e.Leaving.IsZero() && e.Leaving.Before(b) {
		b = e.Leaving
	}
	if b.Before(a) {
		return 0
	}
	return a.DaysUntil(b) + 1
}

func inRange(d, from, to civil.Date) bool { return !d.Before(from) && !d.After(to) }

type ledger map[string]map[civil.Date]PaidDay

func (l ledger) minutes(id string, from, to civil.Date) int {
	n := 0
	for d, p := range l[id] {
		if inRange(d, from, to) {
			n += p.Minutes
		}
	}
	return n
}

func rateOn(rs []Rate, d civil.Date) money.Pence {
	var r money.Pence
	for _, x := range rs {
		if x.From.After(d) {
			break
		}
		r = x.Hourly
	}
	return r
}

// Figure is a published number that is not a count of people (hours,
// money, a median, FTE): shown only when it describes at least 5 people.
type Figure struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	Value      string `json:"value,omitempty"`
	Suppressed string `json:"suppressed,omitempty"`
}

// String is the figure as a person reads it.
func (f Figure) String() string {
	if f.Suppressed != "" {
		return f.Suppressed
	}
	return f.Value
}

// Row is one line of a table: a count of people, with its share of the
// total when both are shown, and an optional figure (FTE).
type Row struct {
	Label  string `json:"label"`
	Count  Count  `json:"count"`
	Share  string `json:"share,omitempty"`
	Figure string `json:"figure,omitempty"`
}

// Table is one measure: rows that add up to the total.
type Table struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Measure string `json:"measure"` // what it corresponds to (a funder's or tender's measure)
	// FigureTitle names the Figure column when rows carry one.
	FigureTitle string `json:"figure_title,omitempty"`
	Rows        []Row  `json:"rows"`
	Total       Row    `json:"total"`
}

// Section groups measures under a heading.
type Section struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Figures []Figure `json:"figures"`
	Tables  []Table  `json:"tables"`
}

// Report is the outcomes of a period: aggregates only.
type Report struct {
	From       civil.Date `json:"from"`
	To         civil.Date `json:"to"`
	AsOf       civil.Date `json:"as_of"`
	Sections   []Section  `json:"sections"`
	Trend      []Month    `json:"trend"`
	LivingWage string     `json:"living_wage"`
}

// Month is one point of the trend charts: people employed on the last day
// of the month and their paid hours in it.
type Month struct {
	Month    civil.Month `json:"month"`
	Employed Count       `json:"employed"`
	Hours    *float64    `json:"paid_hours"` // nil when fewer than 5 people were paid
}

// Compute works out every measure for in.From..in.To and publishes them
// with small counts withheld. It is a plain function of its input.
func Compute(in Input) Report {
	if in.FullTimeMinutes <= 0 {
		in.FullTimeMinutes = DefaultFullTimeMinutes
	}
	led := ledger{}
	for _, p := range in.Paid {
		if led[p.EmployeeID] == nil {
			led[p.EmployeeID] = map[civil.Date]PaidDay{}
		}
		led[p.EmployeeID][p.Date] = p
	}
	emps := slices.Clone(in.Employees)
	slices.SortFunc(emps, func(a, b Employee) int { return strings.Compare(a.ID, b.ID) })
	r := Report{From: in.From, To: in.To, AsOf: in.Today, LivingWage: LivingWageNote(in.LivingWage, in.To)}
	// A period that runs past today is reported as far as today: days to
	// come count for nothing (in FTE, in weekly hours) until they have been.
	if in.Today.Before(in.To) {
		in.To = in.Today
	}
	sv := socialValue(in, emps, led)
	r.Sections = append(r.Sections, employment(in, emps, led, sv.Tables[0].Total.Count), sustained(in, emps, led), hardPeriods(in, emps),
		progression(in, emps, led), sv)
	r.Trend = trend(in, emps, led)
	return r
}

// DefaultFullTimeMinutes is 37.5 hours.
const DefaultFullTimeMinutes = 37*60 + 30

func table(id, title, measure string, p partition, pr protected) Table {
	t := Table{ID: id, Title: title, Measure: measure}
	for i, c := range p.cells {
		t.Rows = append(t.Rows, Row{Label: c.label, Count: pr.cells[i], Share: share(pr.cells[i], pr.total)})
	}
	t.Total = Row{Label: "Total", Count: pr.total}
	return t
}

func share(c, total Count) string {
	if !c.Shown() || !total.Shown() || *total.Value == 0 {
		return ""
	}
	return fmt.Sprintf("%d%%", (*c.Value*100+*total.Value/2) / *total.Value)
}

func twoWay(id, title, measure, yes, no string, inCohort, isYes func(Employee) bool, emps []Employee) Table {
	p := partition{cells: []cell{{label: yes}, {label: no}}}
	for _, e := range emps {
		if !inCohort(e) {
			continue
		}
		p.total++
		if isYes(e) {
			p.cells[0].value++
		} else {
			p.cells[1].value++
		}
	}
	pr, ok := protect(p)
	if !ok {
		pr = withholdAll(p)
	}
	return table(id, title, measure, p, pr)
}

func hours(minutes int) string { return fmt.Sprintf("%.2f", float64(minutes)/60) }

func figure(id, label string, people int, value string) Figure {
	f := Figure{ID: id, Label: label}
	if people < MinCell {
		f.Suppressed = NotShown
	} else {
		f.Value = value
	}
	return f
}

func employment(in Input, emps []Employee, led ledger, employed Count) Section {
	s := Section{ID: "employment", Title: "Employment"}
	f := Figure{ID: "people_employed", Label: "People employed at any time in the period", Suppressed: employed.Suppressed}
	if employed.Shown() {
		f.Value = employed.String()
	}
	s.Figures = append(s.Figures, f)
	// New starts by referral source.
	starts := partition{}
	for _, src := range append(slices.Clone(people.ReferralSources), "") {
		starts.cells = append(starts.cells, cell{label: people.ReferralLabel(src)})
	}
	for _, e := range emps {
		if inRange(e.Start, in.From, in.To) {
			starts.total++
			i := slices.Index(people.ReferralSources, e.ReferralSource)
			if i < 0 {
				i = len(people.ReferralSources)
			}
			starts.cells[i].value++
		}
	}
	// Leavers by leaving category.
	leavers := partition{}
	for _, c := range people.LeavingCategories {
		leavers.cells = append(leavers.cells, cell{label: people.LeavingLabel(c)})
	}
	for _, e := range emps {
		if !e.Leaving.IsZero() && inRange(e.Leaving, in.From, in.To) {
			leavers.total++
			i := slices.Index(people.LeavingCategories, e.LeavingCategory)
			if i < 0 {
				i = len(people.LeavingCategories) - 1
			}
			leavers.cells[i].value++
		}
	}
	// Paid hours, wages, median weekly hours, the living wage.
	var totalMinutes int
	var wages money.Pence
	paidPeople := 0
	var weekly []float64
	llw := partition{cells: []cell{{label: "At or above the London Living Wage on every day paid"}, {label: "Below it on at least one day"}}}
	for _, e := range emps {
		m, below, any := 0, false, false
		for d, p := range led[e.ID] {
			if !inRange(d, in.From, in.To) {
				continue
			}
			any = true
			m += p.Minutes
			wages += money.MulDiv(p.HourlyRate, int64(p.Minutes), 60, money.HalfUp)
			if p.HourlyRate < LivingWageOn(in.LivingWage, d) {
				below = true
			}
		}
		if any {
			paidPeople++
			totalMinutes += m
			llw.total++
			if below {
				llw.cells[1].value++
			} else {
				llw.cells[0].value++
			}
		}
		if days := e.daysEmployed(in.From, in.To); days >= 7 {
			weekly = append(weekly, float64(m)*7/float64(days)/60)
		}
	}
	s.Figures = append(s.Figures,
		figure("paid_hours", "Total paid hours", paidPeople, hours(totalMinutes)),
		figure("wages", "Total wages for those hours", paidPeople, wages.String()),
		figure("median_weekly_hours", "Median paid hours a week", len(weekly), fmt.Sprintf("%.1f", median(weekly))),
	)
	startsP, ok := protect(starts)
	if !ok {
		startsP = withholdAll(starts)
	}
	leaversP, ok := protect(leavers)
	if !ok {
		leaversP = withholdAll(leavers)
	}
	llwP, ok := protect(llw)
	if !ok {
		llwP = withholdAll(llw)
	}
	s.Tables = append(s.Tables,
		table("new_starts", "New starts, by how they were referred", "New starts by start date (IPS services count a job start after 4 paid hours; this is the start date)", starts, startsP),
		table("leavers", "Leavers, by what they moved on to", "Moves on: open employment, education or training, volunteering", leavers, leaversP),
		table("living_wage", "People paid in the period, by pay against the London Living Wage", "Real Living Wage (London) employer commitment", llw, llwP),
	)
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func sustained(in Input, emps []Employee, led ledger) Section {
	s := Section{ID: "sustained", Title: "Sustained employment"}
	for _, w := range Milestones {
		s.Tables = append(s.Tables, twoWay(fmt.Sprintf("retention_%d", w),
			fmt.Sprintf("People who reached %d weeks from their start in the period", w),
			fmt.Sprintf("Job retention at %d weeks", w),
			"Still employed", "Had left",
			func(e Employee) bool {
				m := e.Start.AddDays(7 * w)
				return inRange(m, in.From, in.To) && !m.After(in.Today)
			},
			func(e Employee) bool { return e.employedOn(e.Start.AddDays(7 * w)) }, emps))
	}
	s.Tables = append(s.Tables, twoWay("sustained_job",
		"People whose first 16 weeks ended in the period",
		"Sustained job (DWP IPS shape: at least 7 hours a week in at least 13 of the first 16 weeks)",
		"At least 7 paid hours in 13 or more of the 16 weeks", "Fewer weeks than that",
		func(e Employee) bool {
			end := e.Start.AddDays(SustainedWeeks*7 - 1)
			return inRange(end, in.From, in.To) && end.Before(in.Today)
		},
		func(e Employee) bool { return SustainedWeeksMet(led, e) >= SustainedNeedWeeks }, emps))
	return s
}

// SustainedWeeksMet counts the weeks among e's first sixteen (week k is
// days 7k..7k+6 from the start) with at least 7 paid hours.
func SustainedWeeksMet(led ledger, e Employee) int {
	n := 0
	for k := range SustainedWeeks {
		from := e.Start.AddDays(7 * k)
		if led.minutes(e.ID, from, from.AddDays(6)) >= SustainedWeekMinutes {
			n++
		}
	}
	return n
}

func hardPeriods(in Input, emps []Employee) Section {
	s := Section{ID: "hard_periods", Title: "Staying in work through difficult periods"}
	last := map[string]civil.Date{}
	for _, h := range in.Hard {
		if h.To.Before(in.From) || h.From.After(in.To) {
			continue
		}
		if cur, ok := last[h.EmployeeID]; !ok || h.To.After(cur) {
			last[h.EmployeeID] = h.To
		}
	}
	p := partition{cells: []cell{{label: "Still employed 13 weeks after it ended"}, {label: "Had left by then"}, {label: "Too recent to tell yet"}}}
	for _, e := range emps {
		end, ok := last[e.ID]
		if !ok {
			continue
		}
		p.total++
		at := end.AddDays(AfterHardDays)
		switch {
		case at.After(in.Today):
			p.cells[2].value++
		case e.employedOn(at):
			p.cells[0].value++
		default:
			p.cells[1].value++
		}
	}
	pr, ok := protect(p)
	if !ok {
		pr = withholdAll(p)
	}
	s.Tables = append(s.Tables, table("hard_periods",
		"People with a sickness absence or a flex period in the period (counts only)",
		"In-work support: job retention after a period of sickness or reduced hours", p, pr))
	return s
}

func progression(in Input, emps []Employee, led ledger) Section {
	s := Section{ID: "progression", Title: "Progression"}
	end := in.To
	if in.Today.Before(end) {
		end = in.Today
	}
	start := end.AddDays(-ProgressionDays)
	cohort := func(e Employee) bool {
		return e.employedOn(start.AddDays(-ProgressionWindow+1)) && e.employedOn(end)
	}
	s.Tables = append(s.Tables,
		twoWay("progression_hours", "People employed throughout the six months to "+end.Format("2 Jan 2006")+": weekly hours",
			"Progression: hours", "Paid hours in the last four weeks higher than six months before", "Not higher",
			cohort, func(e Employee) bool {
				return led.minutes(e.ID, end.AddDays(-ProgressionWindow+1), end) > led.minutes(e.ID, start.AddDays(-ProgressionWindow+1), start)
			}, emps),
		twoWay("progression_pay", "People employed throughout the six months to "+end.Format("2 Jan 2006")+": hourly pay",
			"Progression: pay", "Hourly rate higher than six months before", "Not higher",
			cohort, func(e Employee) bool {
				a, b := rateOn(in.Rates[e.ID], start), rateOn(in.Rates[e.ID], end)
				return a > 0 && b > a
			}, emps),
	)
	return s
}

func socialValue(in Input, emps []Employee, led ledger) Section {
	s := Section{ID: "social_value", Title: "Social value"}
	var pop []Employee
	for _, e := range emps {
		if e.daysEmployed(in.From, in.To) > 0 {
			pop = append(pop, e)
		}
	}
	days := max(in.From.DaysUntil(in.To)+1, 1)
	fte := func(es []Employee) string {
		m := 0
		for _, e := range es {
			m += led.minutes(e.ID, in.From, in.To)
		}
		return fmt.Sprintf("%.2f", float64(m)*7/float64(days)/float64(in.FullTimeMinutes))
	}
	flag := func(label string, f func(Employee) bool) (partition, [2][]Employee) {
		p := partition{total: len(pop), cells: []cell{{label: label}, {label: "Everyone else (or not recorded)"}}}
		var groups [2][]Employee
		for _, e := range pop {
			i := 1
			if f(e) {
				i = 0
			}
			p.cells[i].value++
			groups[i] = append(groups[i], e)
		}
		return p, groups
	}
	ltu, ltuGroups := flag("Long-term unemployed before joining", func(e Employee) bool { return e.LongTermUnemployed })
	dis, disGroups := flag("Disabled", func(e Employee) bool { return e.Disabled })
	// Local employment by postcode district: a row for each district someone
	// lives in (in alphabetical order, never by size), and one for those with
	// none recorded.
	byDistrict := map[string]int{}
	for _, e := range pop {
		byDistrict[e.PostcodeDistrict]++
	}
	var districts []string
	for d := range byDistrict {
		if d != "" {
			districts = append(districts, d)
		}
	}
	slices.Sort(districts)
	local := partition{total: len(pop)}
	for _, d := range districts {
		local.cells = append(local.cells, cell{label: d, value: byDistrict[d], lo: 1})
	}
	local.cells = append(local.cells, cell{label: "Not recorded", value: byDistrict[""]})
	prs := protectShared(ltu, dis, local)
	// FTE beside each shown headcount — but if either row is withheld, so
	// are both rows' FTE, or the total less one would give the other.
	withFTE := func(t Table, groups [2][]Employee) Table {
		t.FigureTitle = "FTE"
		all := true
		for _, r := range t.Rows {
			all = all && r.Count.Shown()
		}
		for i := range t.Rows {
			if all {
				t.Rows[i].Figure = fte(groups[i])
			} else {
				t.Rows[i].Figure = NotShown
			}
		}
		if t.Total.Count.Shown() {
			t.Total.Figure = fte(pop)
		} else {
			t.Total.Figure = NotShown
		}
		return t
	}
	s.Tables = append(s.Tables,
		withFTE(table("long_term_unemployed", "People employed in the period who were long-term unemployed before joining (recorded with consent)",
			"National TOMs (Jobs theme): employees who were long-term unemployed, headcount and FTE", ltu, prs[0]), ltuGroups),
		withFTE(table("disabled", "People employed in the period who are disabled (recorded with consent)",
			"National TOMs (Jobs theme): disabled employees, headcount and FTE", dis, prs[1]), disGroups),
		table("local", "People employed in the period, by the postcode district they live in",
			"National TOMs (Jobs theme): local employment (the tender defines which districts are local)", local, prs[2]),
	)
	return s
}

// TrendMonths is how many months the trend charts show, ending with the
// month the period ends in.
const TrendMonths = 24

func trendStart(to civil.Date) civil.Date {
	m := civil.MonthOf(to)
	return civil.D(m.Year, m.Month-(TrendMonths-1), 1)
}

// trend is the monthly series for the charts. Headcounts are rounded to the
// nearest 5 (and under 5 withheld), so that with the exact counts in the
// tables they cannot be used to work out a small count by subtraction.
func trend(in Input, emps []Employee, led ledger) []Month {
	m := civil.MonthOf(trendStart(in.To))
	var out []Month
	for i := 0; i < TrendMonths; i, m = i+1, m.Next() {
		end := m.Last()
		if end.After(in.Today) {
			break
		}
		n := 0
		for _, e := range emps {
			if e.employedOn(end) {
				n++
			}
		}
		pt := Month{Month: m, Employed: shown((n + 2) / 5 * 5)}
		if n < MinCell {
			pt.Employed = Count{Suppressed: FewerThan5}
		}
		paid, minutes := 0, 0
		for _, e := range emps {
			x := led.minutes(e.ID, m.First(), end)
			if x > 0 {
				paid++
				minutes += x
			}
		}
		if paid >= MinCell {
			h := float64(minutes) / 60
			pt.Hours = &h
		}
		out = append(out, pt)
	}
	return out
}
