package rota

import (
	"slices"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/plan"
)

// The planner's problem built from real data (plans as proposals, issue 11).
//
// The solver (internal/plan) gives tasks to workers; here a task is a shift
// and a worker an employee, and the solver's hard rules are the rota's own
// rules engine: Check on the same Facts the assign, claim and swap paths
// build, with the person's other work being their existing work plus the
// other shifts the plan gives them. A plan therefore never holds an
// assignment that Check would refuse or that would need an override: any
// violation, hard or soft, counts as a break.

// PlanWeights weigh the soft terms of a plan into the objective the
// planner minimises. They are per organisation (Service.UsePlanWeights);
// DefaultPlanWeights are documented in docs/rota.md. Cover is
// lexicographically first: one shift left open costs more than any change
// in the other terms a single assignment can make.
type PlanWeights struct {
	Cover     int64 `json:"cover"`     // each shift left open
	Hours     int64 `json:"hours"`     // each quarter-hour below contracted (or wanted) hours
	Extra     int64 `json:"extra"`     // each quarter-hour above them
	Stability int64 `json:"stability"` // each way a shift differs from the person's last four weeks
	Fairness  int64 `json:"fairness"`  // the square of each person's evenings and weekends
	Changes   int64 `json:"changes"`   // each existing assignment moved (replan)
	// Preference: each shift at a time the person would rather not work
	// (2), or outside the times they said they would like (1).
	Preference int64 `json:"preference"`
}

// DefaultPlanWeights are the weights used unless the organisation sets
// others.
var DefaultPlanWeights = PlanWeights{Cover: 10_000_000, Hours: 40, Extra: 4, Stability: 30, Fairness: 10, Changes: 200, Preference: 25}

// The plan's objective terms, in the solver's order.
const (
	termCover = iota
	termHours
	termExtra
	termStability
	termFairness
	termChanges
	termPreference
)

var planTermNames = []string{"cover", "hours", "extra_hours", "stability", "fairness", "changes", "preference"}

// planTermWords are the terms in plain words for the proposal page.
var planTermWords = map[string]string{
	"cover":       "Shifts left open",
	"hours":       "Quarter-hours short of contracted or wanted hours",
	"extra_hours": "Quarter-hours over contracted or wanted hours",
	"stability":   "Differences from people's usual sites, times and colleagues",
	"fairness":    "Evenings and weekends, unevenly shared",
	"changes":     "Existing assignments moved",
	"preference":  "Shifts at times people would rather not work, or outside the times they would like",
}

func (w PlanWeights) list() []int64 {
	return []int64{w.Cover, w.Hours, w.Extra, w.Stability, w.Fairness, w.Changes, w.Preference}
}

// planWorker is one employee as the planner sees them.
type planWorker struct {
	id, name string
	person   Person     // Other, PriorMinutes and Pay are set per shift
	dob      civil.Date // for the age on each shift's date
	base     []Work     // their work the plan does not move, in start order
	prior    map[civil.Date]int
	pay      map[civil.Date]PayFacts
	target   int // minutes wanted over the plan's dates (contracted or wanted; 0: none)
	targetOf string
	baseMins int // minutes of base work inside the plan's dates
	// Their pattern over the last four weeks.
	sites    map[string]int       // shifts per site
	siteDays map[string]bool      // site + weekday
	slots    map[string]bool      // weekday + start hour
	mates    map[string]bool      // colleagues they worked alongside
	baseOdd  int                  // evenings and weekends already held in the plan's dates
	wide     bool                 // their rules need the wide window (needsWideWindow)
	initial  map[int]bool         // tasks they hold now (replan)
	isAge    func(civil.Date) int // age on a date (0: unknown)
}

// planTask is one shift the planner may give.
type planTask struct {
	shift    Shift
	work     Work
	crew     []string // who else is on at the site then, outside the plan
	odd      bool     // an evening or weekend
	weekday  string
	slot     string
	siteDay  string       // site and weekday, for the person's pattern
	holder   string       // who holds it now ("" when open)
	near     [2]time.Time // the window of other work the rules see (nearWindow)
	wide     [2]time.Time // and for people whose rules need the wide one
	siteName string
}

// planProblem is the problem and the rules the solver calls.
type planProblem struct {
	now     time.Time
	from    civil.Date
	to      civil.Date // inclusive
	workers []*planWorker
	tasks   []*planTask
	weights PlanWeights
}

// startOrder sorts work by start, then ID.
func startOrder(a, b Work) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.ShiftID, b.ShiftID)
}

// facts is what the rules engine is asked for worker w on task t, when the
// plan also gives them the tasks in held (t itself is skipped there).
// crew adds the plan's colleagues on the shift.
func (p *planProblem) facts(w, t int, held []int, crew []string) Facts {
	wk, task := p.workers[w], p.tasks[t]
	person := wk.person
	// The other work the assign path would load: nearWindow, or the wide
	// window for those whose rules need it (nothing outside it changes an
	// answer).
	lo, hi := task.near[0], task.near[1]
	if wk.wide {
		lo, hi = task.wide[0], task.wide[1]
	}
	i, _ := slices.BinarySearchFunc(wk.base, lo, func(w Work, t time.Time) int { return w.Start.Compare(t) })
	j, _ := slices.BinarySearchFunc(wk.base, hi, func(w Work, t time.Time) int { return w.Start.Compare(t) })
	other := make([]Work, 0, j-i+len(held))
	other = append(other, wk.base[i:j]...)
	sorted := true
	for _, h := range held {
		if hw := p.tasks[h].work; h != t && !hw.Start.Before(lo) && hw.Start.Before(hi) {
			if n := len(other); n > 0 && startOrder(other[n-1], hw) > 0 {
				sorted = false
			}
			other = append(other, hw)
		}
	}
	if !sorted {
		slices.SortFunc(other, startOrder)
	}
	person.Other = other
	d := task.work.Date()
	person.PriorMinutes = wk.prior[weekStart(d)]
	person.Pay = wk.pay[d]
	person.Age = wk.isAge(d)
	if len(crew) > 0 {
		crew = append(slices.Clone(task.crew), crew...)
	} else {
		crew = task.crew
	}
	return Facts{Now: p.now, Shift: task.work, SiteName: task.siteName, Person: person, Request: Request{Kind: KindAssign}, Crew: crew}
}

// Violations counts the tasks of worker w whose check finds anything: the
// solver treats each as a hard break.
func (p *planProblem) Violations(w int, tasks []int) int {
	n := 0
	for _, t := range tasks {
		if len(Check(p.facts(w, t, tasks, nil))) > 0 {
			n++
		}
	}
	return n
}

// Reasons are the engine's messages for worker w holding tasks.
func (p *planProblem) Reasons(w int, tasks []int) []string {
	var out []string
	for _, t := range tasks {
		for _, v := range Check(p.facts(w, t, tasks, nil)) {
			if !slices.Contains(out, v.Message) {
				out = append(out, v.Message)
			}
		}
	}
	return out
}

// WorkerCost is worker w's hours, stability, fairness and change terms for
// holding tasks.
func (p *planProblem) WorkerCost(w int, tasks []int, into *plan.Terms) {
	wk := p.workers[w]
	mins, odd := wk.baseMins, wk.baseOdd
	for _, t := range tasks {
		task := p.tasks[t]
		mins += task.work.Minutes()
		if task.odd {
			odd++
		}
		into[termStability] += int64(wk.unfamiliar(task))
		into[termPreference] += int64(wk.dislike(task))
		if wk.initial != nil && !wk.initial[t] {
			into[termChanges]++
		}
	}
	if wk.initial != nil {
		for t := range wk.initial {
			if !slices.Contains(tasks, t) {
				into[termChanges]++
			}
		}
	}
	h, x := wk.hoursTerms(mins)
	into[termHours] += h
	into[termExtra] += x
	into[termFairness] += int64(odd * odd)
}

// hoursTerms are the hours and extra-hours terms for a person working mins
// minutes in the plan's dates.
func (wk *planWorker) hoursTerms(mins int) (hours, extra int64) {
	switch {
	case mins < wk.target && wk.targetOf == "wanted":
		// Zero-hours staff: the square of the shortfall over the hours
		// wanted, so that the next quarter-hour goes to whoever is
		// furthest below in proportion, and hours end up shared in
		// proportion to what each would like.
		short, want := int64((wk.target-mins+14)/15), int64((wk.target+14)/15)
		return short * short / want, 0
	case mins < wk.target:
		return int64((wk.target - mins + 14) / 15), 0
	}
	return 0, int64((mins - wk.target) / 15)
}

// CoverCost counts an open shift.
func (p *planProblem) CoverCost(_, n int, into *plan.Terms) {
	if n == 0 {
		into[termCover]++
	}
}

// dislike is 2 for a shift at a time the person would rather not work, 1
// for one outside the times they said they would like (when they said
// any), else 0.
func (wk *planWorker) dislike(t *planTask) int {
	switch wk.person.Availability.preferenceFor(t.work) {
	case RatherNot:
		return 2
	case WouldLike:
		return 0
	}
	if wk.person.Availability.wouldLikeAny() {
		return 1
	}
	return 0
}

// unfamiliar counts how a task differs from the worker's last four weeks:
// a site they have not worked at (or not on that weekday), a time they do
// not usually start at, nobody on with them they have worked alongside.
func (wk *planWorker) unfamiliar(t *planTask) int {
	n := 0
	switch {
	case wk.sites[t.shift.SiteID] == 0:
		n += 2
	case !wk.siteDays[t.siteDay]:
		n++
	}
	if !wk.slots[t.slot] {
		n++
	}
	if len(t.crew) > 0 {
		known := false
		for _, c := range t.crew {
			known = known || wk.mates[c]
		}
		if !known {
			n++
		}
	}
	return n
}

// oddHours is an evening (finishing after 19:00 or starting from 17:00) or a
// weekend shift.
func oddHours(w Work) bool {
	st := w.Start.In(civil.London)
	en := w.End.In(civil.London)
	if wd := st.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return true
	}
	return st.Hour() >= 17 || en.Hour()*60+en.Minute() > 19*60 || en.YearDay() != st.YearDay()
}

func slotOf(w Work) string {
	st := w.Start.In(civil.London)
	return st.Weekday().String() + itoa2(st.Hour())
}

func itoa2(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

var _ plan.Rules = (*planProblem)(nil)
var _ plan.Explainer = (*planProblem)(nil)
