package rota

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/plan"
)

// PlanTimeLimit is the most time a proposal's checks, construction and
// search take together (the search stops with the best plan so far). The
// search is also bounded by a move budget (planMoves): when the budget is
// reached first, as it is for a site's week, the proposal depends only on
// the data.
var PlanTimeLimit = 5 * time.Second

// planMoves is the search's move budget for a problem with n shifts.
func planMoves(n int) int64 { return 5_000 + 200*int64(n) }

// PlannedShift is one assignment in a plan.
type PlannedShift struct {
	ShiftID  string `json:"shift_id"`
	Version  int    `json:"version"` // the shift's version when planned
	SiteID   string `json:"site_id"`
	SiteName string `json:"site_name"`
	Date     string `json:"date"`  // "Thu 24 Dec"
	Times    string `json:"times"` // "07:00–11:00"
	Minutes  int    `json:"minutes"`
	// EmployeeID is who the plan puts on it ("" when a replan takes
	// someone off and leaves it open); PreviousID who holds it now.
	EmployeeID   string `json:"employee_id"`
	Name         string `json:"name"`
	PreviousID   string `json:"previous_employee_id,omitempty"`
	PreviousName string `json:"previous_name,omitempty"`
	Published    bool   `json:"published"`
	Reason       string `json:"reason"`
	startsAt     time.Time
}

// ReasonCount is one reason shared by a number of people.
type ReasonCount struct {
	People int    `json:"people"`
	Reason string `json:"reason"`
}

// OpenShift is a shift the plan leaves open, with why nobody could take it.
type OpenShift struct {
	ShiftID  string        `json:"shift_id"`
	SiteName string        `json:"site_name"`
	Date     string        `json:"date"`
	Times    string        `json:"times"`
	Reasons  []ReasonCount `json:"reasons"`
	Summary  string        `json:"summary"` // "5 people: …; 3: …"
}

// ObjectiveTerm is one term of the plan's objective.
type ObjectiveTerm struct {
	Term     string `json:"term"`
	Words    string `json:"words"`
	Value    int64  `json:"value"`
	Weight   int64  `json:"weight"`
	Weighted int64  `json:"weighted"`
}

// PersonHours is one person's hours in the plan's dates.
type PersonHours struct {
	EmployeeID string   `json:"employee_id"`
	Name       string   `json:"name"`
	Minutes    int      `json:"minutes"`         // already on, plus planned
	Planned    int      `json:"planned_minutes"` // of which planned
	Shifts     int      `json:"planned_shifts"`
	Target     int      `json:"target_minutes"` // contracted or wanted over the dates (0: none)
	TargetKind string   `json:"target_kind"`    // contracted, wanted or ""
	Limits     []string `json:"limits"`
	Summary    string   `json:"summary"` // "14h of 20h contracted"
}

// Plan is a proposal: what the planner would do, changing nothing yet.
type Plan struct {
	ID   string `json:"id"`
	Mode string `json:"mode"`
	// MovePublished: a replan that may move published shifts, changed
	// with Reason where inside the notice period (PlanRequest).
	MovePublished bool            `json:"move_published"`
	Reason        string          `json:"reason,omitempty"`
	From          civil.Date      `json:"from"`
	To            civil.Date      `json:"to"`
	SiteIDs       []string        `json:"site_ids"`
	Period        string          `json:"period"` // "Mon 30 Nov – Sun 6 Dec"
	CreatedAt     time.Time       `json:"created_at"`
	ExpiresAt     time.Time       `json:"expires_at"`
	AppliedAt     *time.Time      `json:"applied_at,omitempty"`
	Shifts        int             `json:"shifts"`      // shifts planned
	Covered       int             `json:"covered"`     // of which the plan fills
	CoverBound    int             `json:"cover_bound"` // most that could be filled by people allowed each on their own
	Assignments   []PlannedShift  `json:"assignments"` // changes the plan makes
	Open          []OpenShift     `json:"open"`
	Dropped       []PlannedShift  `json:"dropped"` // proposed by the search but refused by the final check (never applied)
	Objective     []ObjectiveTerm `json:"objective"`
	People        []PersonHours   `json:"people"`
	Result        *ApplyResult    `json:"result,omitempty"`
}

// propose runs the planner on p and explains the result.
func (s *Service) propose(ctx context.Context, p *planProblem, r PlanRequest) (Plan, error) {
	// The time limit covers the checks, the construction and the search;
	// the final check and the explanations run after it.
	sctx, cancel := context.WithTimeout(ctx, PlanTimeLimit)
	defer cancel()
	el := p.eligible()
	pr := p.solverProblem(el)
	pr.Initial = p.construct(el)
	sol, err := plan.Solve(sctx, pr, plan.Options{Seed: 1, MaxMoves: planMoves(len(p.tasks))})
	if err != nil {
		return Plan{}, err
	}
	if ctx.Err() != nil {
		return Plan{}, ctx.Err()
	}
	assign := sol.Assign
	if len(assign) != len(p.workers) {
		assign = make([][]int, len(p.workers))
	}
	assign = p.pairUp(assign)
	dropped := p.verify(assign)
	out := p.explain(assign, dropped, el)
	out.Mode, out.From, out.To, out.SiteIDs = r.Mode, r.From, r.To, r.SiteIDs
	out.MovePublished, out.Reason = r.MovePublished, r.Reason
	if out.SiteIDs == nil {
		out.SiteIDs = []string{}
	}
	out.Period = dateText(r.From) + " – " + dateText(r.To)
	out.CoverBound = p.coverBound(el)
	terms, _ := pr.Evaluate(assign)
	for i, name := range planTermNames {
		w := p.weights.list()[i]
		out.Objective = append(out.Objective, ObjectiveTerm{Term: name, Words: planTermWords[name], Value: terms[i], Weight: w, Weighted: terms[i] * w})
	}
	return out, nil
}

// construct is where the search starts: who holds each shift now (replan)
// and then, scarcest shift first, the allowed person whose hours gain most
// (furthest below their contracted hours, or their wanted hours in
// proportion) who can take it alongside what they already have.
func (p *planProblem) construct(el [][]int) [][]int {
	assign := make([][]int, len(p.workers))
	held := make([]bool, len(p.tasks))
	who := make([][]int, len(p.tasks))
	for w, ts := range el {
		for _, t := range ts {
			who[t] = append(who[t], w)
		}
	}
	for w, wk := range p.workers {
		for _, t := range el[w] {
			if wk.initial[t] && p.Violations(w, p.with(assign[w], t)) == 0 {
				assign[w] = p.with(assign[w], t)
				held[t] = true
			}
		}
	}
	order := make([]int, len(p.tasks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(who[a]), len(who[b])) })
	mins := make([]int, len(p.workers))
	for w, wk := range p.workers {
		mins[w] = wk.baseMins
		for _, t := range assign[w] {
			mins[w] += p.tasks[t].work.Minutes()
		}
	}
	for _, t := range order {
		if held[t] {
			continue
		}
		task := p.tasks[t]
		// Most gain in the hours terms first, then the most familiar.
		type cand struct {
			w    int
			gain int64
			odd  int
		}
		cands := make([]cand, len(who[t]))
		for i, w := range who[t] {
			wk := p.workers[w]
			h0, x0 := wk.hoursTerms(mins[w])
			h1, x1 := wk.hoursTerms(mins[w] + task.work.Minutes())
			gain := (h0-h1)*p.weights.Hours + (x0-x1)*p.weights.Extra
			cands[i] = cand{w, gain, wk.unfamiliar(task)}
		}
		slices.SortStableFunc(cands, func(a, b cand) int {
			if a.gain != b.gain {
				return cmp.Compare(b.gain, a.gain)
			}
			return cmp.Compare(a.odd, b.odd)
		})
		for _, c := range cands {
			w := c.w
			// The shift itself first (one check), then the whole schedule.
			if len(Check(p.facts(w, t, assign[w], nil))) > 0 {
				continue
			}
			with := p.with(assign[w], t)
			if p.Violations(w, with) > 0 {
				continue
			}
			assign[w], held[t] = with, true
			mins[w] += task.work.Minutes()
			break
		}
	}
	return assign
}

// with is ts and t in start order (a new slice).
func (p *planProblem) with(ts []int, t int) []int {
	out := append(slices.Clone(ts), t)
	slices.SortFunc(out, func(a, b int) int {
		if c := p.tasks[a].work.Start.Compare(p.tasks[b].work.Start); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return out
}

// planCrew is, for each task (held or not), who else the plan puts on at
// the same site at the same time.
func (p *planProblem) planCrew(assign [][]int) [][]string {
	holder := make([]int, len(p.tasks))
	for i := range holder {
		holder[i] = -1
	}
	for w, ts := range assign {
		for _, t := range ts {
			holder[t] = w
		}
	}
	bySite := map[string][]int{}
	for t, task := range p.tasks {
		bySite[task.work.SiteID] = append(bySite[task.work.SiteID], t)
	}
	out := make([][]string, len(p.tasks))
	for _, ts := range bySite {
		for _, a := range ts {
			for _, b := range ts {
				if a != b && holder[b] >= 0 && holder[a] != holder[b] && p.tasks[a].work.Overlaps(p.tasks[b].work) {
					out[a] = append(out[a], p.workers[holder[b]].id)
				}
			}
		}
	}
	return out
}

// pairUp gives shifts the plan leaves open to people who must not work
// alone (or must work with named colleagues) where the plan itself puts a
// colleague on beside them. The solver's rules are per person, so it saw
// only colleagues already on outside the plan; here each addition is
// checked with the plan's colleagues as crew, together with the person's
// other planned shifts, and verify checks the whole plan once more after.
// People furthest below their hours are asked first.
func (p *planProblem) pairUp(assign [][]int) [][]int {
	var paired []int
	for w, wk := range p.workers {
		if a := wk.person.Adjustments; a.NotAlone || len(a.WorkWith) > 0 {
			paired = append(paired, w)
		}
	}
	if len(paired) == 0 {
		return assign
	}
	minutes := func(w int) int {
		m := p.workers[w].baseMins
		for _, t := range assign[w] {
			m += p.tasks[t].work.Minutes()
		}
		return m
	}
	for range 2 { // a shift given here may give another its colleague
		held := make([]bool, len(p.tasks))
		for _, ts := range assign {
			for _, t := range ts {
				held[t] = true
			}
		}
		crew := p.planCrew(assign)
		changed := false
		for t := range p.tasks {
			if held[t] || len(crew[t]) == 0 {
				continue
			}
			slices.SortStableFunc(paired, func(a, b int) int {
				return cmp.Compare(minutes(a)-p.workers[a].target, minutes(b)-p.workers[b].target)
			})
			for _, w := range paired {
				try := append(slices.Clone(assign[w]), t)
				if len(Check(p.facts(w, t, try, crew[t]))) > 0 {
					continue
				}
				ok := true
				for _, u := range assign[w] {
					if len(Check(p.facts(w, u, try, crew[u]))) > 0 {
						ok = false
						break
					}
				}
				if ok {
					assign[w], held[t], changed = try, true, true
					crew = p.planCrew(assign)
					break
				}
			}
		}
		if !changed {
			break
		}
	}
	return assign
}

// verify checks every assignment with the whole plan applied (each person's
// other planned shifts as their work, the plan's colleagues in the crew),
// the way Evaluate would see it once applied, and drops any the engine
// finds anything against, until none is left. It returns the dropped ones.
func (p *planProblem) verify(assign [][]int) []int {
	var dropped []int
	for {
		crew := p.planCrew(assign)
		bad := -1
		for w := range assign {
			for i, t := range assign[w] {
				if len(Check(p.facts(w, t, assign[w], crew[t]))) > 0 {
					bad = t
					assign[w] = slices.Delete(slices.Clone(assign[w]), i, i+1)
					break
				}
			}
			if bad >= 0 {
				break
			}
		}
		if bad < 0 {
			return dropped
		}
		dropped = append(dropped, bad)
	}
}

// explain turns a solved plan into the proposal: the changes with their
// reasons, the open shifts with theirs, hours per person.
func (p *planProblem) explain(assign [][]int, dropped []int, el [][]int) Plan {
	out := Plan{Shifts: len(p.tasks), Assignments: []PlannedShift{}, Open: []OpenShift{}, Dropped: []PlannedShift{}, People: []PersonHours{}}
	holder := make([]int, len(p.tasks))
	for i := range holder {
		holder[i] = -1
	}
	for w, ts := range assign {
		for _, t := range ts {
			holder[t] = w
		}
	}
	for w, wk := range p.workers {
		// Minutes so far, in start order, for each assignment's reason.
		type piece struct {
			w    Work
			task int
		}
		var all []piece
		for _, b := range wk.base {
			if d := b.Date(); !d.Before(p.from) && !d.After(p.to) {
				all = append(all, piece{b, -1})
			}
		}
		for _, t := range assign[w] {
			all = append(all, piece{p.tasks[t].work, t})
		}
		slices.SortFunc(all, func(a, b piece) int { return startOrder(a.w, b.w) })
		run, planned := 0, 0
		for _, x := range all {
			run += x.w.Minutes()
			if x.task < 0 {
				continue
			}
			planned += x.w.Minutes()
			t := p.tasks[x.task]
			if t.holder == wk.id {
				continue // unchanged (replan)
			}
			ps := p.planned(x.task, wk)
			ps.Reason = wk.reason(t, run)
			out.Assignments = append(out.Assignments, ps)
		}
		if len(assign[w]) > 0 || wk.target > 0 || wk.baseMins > 0 {
			out.People = append(out.People, wk.hours(p, run, planned, len(assign[w])))
		}
	}
	for t, task := range p.tasks {
		if holder[t] >= 0 {
			out.Covered++
			continue
		}
		if task.holder != "" {
			// A replan takes someone off a draft and leaves it open.
			ps := p.planned(t, nil)
			ps.Reason = "Nobody can keep this shift alongside the rest of the plan."
			out.Assignments = append(out.Assignments, ps)
		}
		out.Open = append(out.Open, p.whyOpen(t, assign, el))
	}
	for _, t := range dropped {
		out.Dropped = append(out.Dropped, p.planned(t, nil))
	}
	slices.SortStableFunc(out.Assignments, func(a, b PlannedShift) int { return a.startsAt.Compare(b.startsAt) })
	slices.SortStableFunc(out.People, func(a, b PersonHours) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

func (p *planProblem) planned(t int, wk *planWorker) PlannedShift {
	task := p.tasks[t]
	ps := PlannedShift{ShiftID: task.shift.ID, Version: task.shift.Version, SiteID: task.shift.SiteID, SiteName: task.siteName,
		Date: dateText(task.work.Date()), Times: clock(task.work.Start) + "–" + clock(task.work.End), Minutes: task.work.Minutes(),
		PreviousID: task.holder, PreviousName: task.shift.EmployeeName, Published: task.shift.Published, startsAt: task.work.Start}
	if wk != nil {
		ps.EmployeeID, ps.Name = wk.id, wk.name
	}
	return ps
}

// reason is why the plan gives worker wk task t, with their hours so far
// (run minutes, counting t).
func (wk *planWorker) reason(t *planTask, run int) string {
	name := wk.person.FirstName()
	day := t.weekday + "s"
	var first string
	switch {
	case wk.person.Availability.preferenceFor(t.work) == WouldLike:
		first = fmt.Sprintf("%s said they would like to work on %s then", name, day)
	case wk.siteDays[t.siteDay]:
		first = fmt.Sprintf("%s usually works at %s on %s", name, t.siteName, day)
	case wk.sites[t.shift.SiteID] > 0:
		first = fmt.Sprintf("%s has worked at %s in the last four weeks", name, t.siteName)
	case wk.slots[t.slot]:
		first = fmt.Sprintf("%s often starts at %s on %s", name, clock(t.work.Start), day)
	default:
		first = fmt.Sprintf("%s is free then and no rule stops it", name)
	}
	for _, c := range t.crew {
		if wk.mates[c] {
			first += ", alongside a colleague they know"
			break
		}
	}
	switch wk.targetOf {
	case "contracted":
		return fmt.Sprintf("%s; %s of %s contracted so far.", first, hm(run), hm(wk.target))
	case "wanted":
		return fmt.Sprintf("%s; %s of the %s %s would like so far.", first, hm(run), hm(wk.target), name)
	}
	return fmt.Sprintf("%s; %s in these dates so far.", first, hm(run))
}

// hours is the person's line in the proposal's hours table.
func (wk *planWorker) hours(p *planProblem, minutes, planned, shifts int) PersonHours {
	h := PersonHours{EmployeeID: wk.id, Name: wk.name, Minutes: minutes, Planned: planned, Shifts: shifts,
		Target: wk.target, TargetKind: wk.targetOf, Limits: []string{}}
	switch wk.targetOf {
	case "contracted":
		h.Summary = fmt.Sprintf("%s of %s contracted", hm(minutes), hm(wk.target))
	case "wanted":
		h.Summary = fmt.Sprintf("%s of the %s they would like", hm(minutes), hm(wk.target))
	default:
		h.Summary = hm(minutes) + " (no set hours)"
	}
	a := wk.person.Adjustments
	if a.AppliesOn(p.from) || a.AppliesOn(p.to) {
		if a.MaxWeekMinutes > 0 {
			h.Limits = append(h.Limits, "agreed adjustment: at most "+hm(a.MaxWeekMinutes)+" a week")
		}
		if a.MaxDayMinutes > 0 {
			h.Limits = append(h.Limits, "agreed adjustment: at most "+hm(a.MaxDayMinutes)+" a day")
		}
		if a.MaxShiftMinutes > 0 {
			h.Limits = append(h.Limits, "agreed adjustment: shifts of at most "+hm(a.MaxShiftMinutes))
		}
		if a.BenefitCap != "" {
			h.Limits = append(h.Limits, "benefit cap (permitted work)")
		}
	}
	for _, l := range wk.person.Temporary {
		if l.MaxWeeklyMinutes > 0 {
			h.Limits = append(h.Limits, "temporary availability change: at most "+hm(l.MaxWeeklyMinutes)+" a week until "+dateText(l.To))
		}
	}
	if len(h.Limits) == 0 && wk.isAge(p.from) > 0 && wk.isAge(p.from) < 18 {
		h.Limits = append(h.Limits, "under 18: at most 8h a day and 40h a week")
	}
	return h
}

// whyOpen groups and counts why each person could not take open task t.
func (p *planProblem) whyOpen(t int, assign [][]int, el [][]int) OpenShift {
	task := p.tasks[t]
	counts := map[string]int{}
	for w := range p.workers {
		var vs []Violation
		if _, ok := slices.BinarySearch(el[w], t); !ok {
			vs = Check(p.facts(w, t, nil, nil))
		} else {
			vs = Check(p.facts(w, t, assign[w], nil))
		}
		label := "has other planned shifts that this one would clash with"
		if len(vs) > 0 {
			label = reasonLabel(vs[0])
		} else if p.Violations(w, p.with(assign[w], t)) == 0 {
			label = "could take it, but the search did not fit it in"
		}
		counts[label]++
	}
	o := OpenShift{ShiftID: task.shift.ID, SiteName: task.siteName, Date: dateText(task.work.Date()),
		Times: clock(task.work.Start) + "–" + clock(task.work.End), Reasons: []ReasonCount{}}
	for label, n := range counts {
		o.Reasons = append(o.Reasons, ReasonCount{People: n, Reason: label})
	}
	slices.SortFunc(o.Reasons, func(a, b ReasonCount) int {
		if a.People != b.People {
			return cmp.Compare(b.People, a.People)
		}
		return cmp.Compare(a.Reason, b.Reason)
	})
	var parts []string
	for i, r := range o.Reasons {
		n := fmt.Sprint(r.People)
		if i == 0 {
			n += map[bool]string{true: " person", false: " people"}[r.People == 1]
		}
		parts = append(parts, n+": "+r.Reason)
	}
	if len(parts) == 0 {
		parts = []string{"there are no active employees"}
	}
	o.Summary = strings.Join(parts, "; ")
	return o
}

// reasonLabel is a violation in a few words without the person's name, so
// that alike reasons group: "agreed adjustment, no starts before 10:00".
func reasonLabel(v Violation) string {
	if i := strings.Index(v.Message, "agreed adjustment: "); i >= 0 && v.Rule != "unreadable" {
		rest := v.Message[i+len("agreed adjustment: "):]
		if j := strings.Index(rest, ". "); j >= 0 {
			rest = rest[:j]
		}
		return "agreed adjustment, " + strings.TrimSuffix(rest, ".")
	}
	switch v.Rule {
	case "no_overlap":
		return "already working then"
	case "daily_rest":
		return "would not get 11 hours' rest between working days"
	case "rest_break":
		return "the shift's break is too short for its length"
	case "average_week":
		return "would go over the 48-hour average week"
	case "young_worker":
		return "under 18: the legal limits for young workers"
	case "away":
		return "away (approved leave or absence)"
	case "temporary_limit":
		return "temporary availability change"
	case "availability":
		if strings.Contains(v.Message, "cannot work on") {
			return "said they cannot work that day"
		}
		return "not usually available then"
	case "unreadable":
		return "adjustments or availability could not be read"
	case "benefit_cap":
		return "benefit cap (permitted work)"
	}
	return v.Message
}

// coverBound is an upper bound on how many tasks any plan could fill: a
// maximum bipartite matching of tasks to people allowed each on their own,
// where a person takes on one day at most as many shifts as fit that day
// without overlapping (a relaxation: weekly limits, rest and the rules
// between shifts are left out, so no plan covers more).
func (p *planProblem) coverBound(el [][]int) int {
	type slot struct{ w, day int }
	slotOf := map[slot]int{}
	var capacity []int
	adj := make([][]int, len(p.tasks)) // task -> slots
	for w, ts := range el {
		byDay := map[int][]int{}
		for _, t := range ts {
			d := p.from.DaysUntil(p.tasks[t].work.Date())
			byDay[d] = append(byDay[d], t)
		}
		for d, list := range byDay {
			// Most shifts that fit without overlapping: earliest end first.
			slices.SortFunc(list, func(a, b int) int { return p.tasks[a].work.End.Compare(p.tasks[b].work.End) })
			n, end := 0, time.Time{}
			for _, t := range list {
				if !p.tasks[t].work.Start.Before(end) {
					n++
					end = p.tasks[t].work.End
				}
			}
			k := len(capacity)
			slotOf[slot{w, d}] = k
			capacity = append(capacity, n)
			for _, t := range list {
				adj[t] = append(adj[t], k)
			}
		}
	}
	held := make([][]int, len(capacity)) // slot -> tasks
	seen := make([]int, len(capacity))
	stamp := 0
	var augment func(t int) bool
	augment = func(t int) bool {
		for _, k := range adj[t] {
			if seen[k] == stamp {
				continue
			}
			seen[k] = stamp
			if len(held[k]) < capacity[k] {
				held[k] = append(held[k], t)
				return true
			}
			for i, u := range held[k] {
				if augment(u) {
					held[k][i] = t
					return true
				}
			}
		}
		return false
	}
	matched := 0
	for t := range p.tasks {
		stamp++
		if augment(t) {
			matched++
		}
	}
	return matched
}
