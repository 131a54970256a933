package plan

import (
	"math"
)

// rowSearch is the search's own RowSolver for rules that are not one: a
// depth-first search over a worker's eligible tasks in start order, adding
// one task at a time and cutting a branch as soon as a task adds a hard
// break (a rota's hard rules only ever get broken by holding more, so no
// allowed schedule is lost; for rules where holding more can mend a break,
// such as a minimum of hours, a branch is cut only when the count grows).
// Every schedule reached without a break is scored, and the best is
// returned. A worker with more eligible tasks than maxTasks is not
// searched (the schedule is left as it is), and a search stops after a
// budget of nodes with the best schedule so far, so the cost of a re-plan
// stays bounded on large problems. It is deterministic and belongs to one
// search (it is not safe for concurrent use).
type rowSearch struct {
	p        *Problem
	sorted   [][]int // sorted[w]: w's eligible tasks by start, nil if too many
	budget   int
	left     int
	cur      []int
	best     []int
	bestCost int64
	found    bool
	price    []int64
	w        int
	terms    Terms
}

const (
	rowSearchMaxTasks = 64
	rowSearchBudget   = 3000
)

func newRowSearch(p *Problem, eligDay [][][]int) *rowSearch {
	r := &rowSearch{p: p, sorted: make([][]int, p.Workers), budget: rowSearchBudget}
	for w := range p.Workers {
		var el []int
		for _, ts := range eligDay[w] {
			el = append(el, ts...)
		}
		if len(el) > rowSearchMaxTasks {
			continue
		}
		p.sortTasks(el)
		r.sorted[w] = el
	}
	return r
}

// any reports whether any worker can be searched.
func (r *rowSearch) any() bool {
	for _, el := range r.sorted {
		if el != nil {
			return true
		}
	}
	return false
}

// searchable reports whether worker w's schedule can be searched.
func (r *rowSearch) searchable(w int) bool { return r.sorted[w] != nil }

// BestSchedule implements RowSolver (weights are the problem's own).
func (r *rowSearch) BestSchedule(w int, price []int64, _ []int64, dst []int) ([]int, bool) {
	if !r.searchable(w) {
		return dst, false
	}
	r.w, r.price = w, price
	r.left = r.budget
	r.cur = r.cur[:0]
	r.best = r.best[:0]
	r.found = false
	r.bestCost = math.MaxInt64
	r.visit(0, r.p.Rules.Violations(w, nil), 0)
	if !r.found {
		return dst, false
	}
	return append(dst[:0], r.best...), true
}

// visit scores the current schedule (if allowed) and extends it with each
// later eligible task in turn.
func (r *rowSearch) visit(from, breaks int, priced int64) {
	if breaks == 0 {
		r.terms = Terms{}
		r.p.Rules.WorkerCost(r.w, r.cur, &r.terms)
		if c := r.p.Weigh(r.terms) + priced; c < r.bestCost {
			r.bestCost, r.found = c, true
			r.best = append(r.best[:0], r.cur...)
		}
	}
	el := r.sorted[r.w]
	for j := from; j < len(el) && r.left > 0; j++ {
		t := el[j]
		if n := len(r.cur); n > 0 && r.p.overlap(r.cur[n-1], t) {
			continue
		}
		r.left--
		r.cur = append(r.cur, t)
		if b := r.p.Rules.Violations(r.w, r.cur); b <= breaks {
			r.visit(j+1, b, priced+r.price[t])
		}
		r.cur = r.cur[:len(r.cur)-1]
	}
}
