// Package plan is the rota planner's solver core: it gives tasks (shifts) to
// workers (employees) so that no worker's schedule breaks a hard rule and the
// weighted sum of the soft terms is as small as it can find.
//
// The core knows nothing about shifts, sites or contracts. Rules plug in
// through [Rules]: whether a worker may hold a whole set of tasks (a count of
// hard-rule breaks, 0 = allowed), the worker's soft cost for that set, and
// each task's cover cost for the number of workers holding it. Because every
// hard rule is per worker, a move is re-checked only for the workers it
// changes (incremental scoring).
//
// The search is simulated annealing from an empty plan (or Problem.Initial)
// over day-based moves: take or drop a task, hand a task to a colleague or
// exchange one each, swap a day or a block of days between two workers, set
// a block of a worker's days to one kind of task or to none, and ejection
// chains (a worker takes a task, from its holder if it is full, gives up
// what that breaks, and a colleague takes one of those in turn, up to four
// workers). While the plan breaks a hard rule (a minimum from an empty
// start, say) breaks are priced, and the price adapts. Now and then one or
// two workers — at random, or ones free to take a task whose cover wants
// one more — are cleared and re-planned exactly against everyone else
// (large-neighbourhood search), by the rules' own [RowSolver] if they are
// one, else, on small problems, by a depth-first search over the worker's
// eligible tasks. The best plan is polished to a local optimum at the end
// of each annealing cycle (with a time limit) or finally (with a move
// budget), on small problems also over ejection chains and exact
// re-plans of every pair of workers; Options.Restarts splits the budget
// over several annealing runs. Independent searches with different
// seeds run on the machine's cores and the best plan wins, ties to the
// lowest search index, so a seed and a move budget determine the result.
// When the rules are a RowSolver and each task's cover cost is "so much a
// worker short, so much a worker over", search 1 instead solves the linear
// relaxation by column generation (colgen.go), which gives a lower bound
// that no plan beats (Solution.Bound), and then dives on the relaxation
// again and again, each dive shaken differently, polishing each plan it
// gets; the best wins as before.
// The search stops when the context is done or the budget is spent and
// returns the best plan found; it never calls the wall clock.
//
// The package is pure Go with no database or I/O; Rules implementations
// must be safe for concurrent use (they are called from several goroutines).
package plan

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// MaxTerms is how many objective terms a problem may name.
const MaxTerms = 8

// Terms are the objective terms of a plan, a worker or a task, in the order
// of [Problem.TermNames].
type Terms [MaxTerms]int64

// Add adds o to t.
func (t *Terms) Add(o Terms) {
	for i := range t {
		t[i] += o[i]
	}
}

// Sub subtracts o from t.
func (t *Terms) Sub(o Terms) {
	for i := range t {
		t[i] -= o[i]
	}
}

// Task is one piece of work: a shift in the rota, a (day, shift type) cell
// in the benchmark.
type Task struct {
	Day   int   // 0-based day of the horizon; day-based moves use it
	Start int64 // start and end in any unit (minutes from the horizon's start);
	End   int64 // two tasks overlap when each starts before the other ends
	Max   int   // most workers that may hold the task (hard); 1 for a rota shift
	// Kind groups alike tasks on different days (a shift type, a site's
	// morning clean); block moves give a worker several days of one kind.
	Kind int
}

// Rules are the problem's rules, asked about one worker's whole schedule.
// tasks is sorted by Start (then index) and must not be kept or changed.
// Implementations must be deterministic and safe for concurrent use.
type Rules interface {
	// Violations counts the hard-rule breaks if worker w held exactly these
	// tasks; 0 means allowed. Larger counts should mean "further from
	// allowed", which guides the search when it must start from a plan that
	// breaks a rule (a minimum number of hours, say).
	Violations(w int, tasks []int) int
	// WorkerCost adds worker w's soft terms for holding these tasks to into.
	WorkerCost(w int, tasks []int, into *Terms)
	// CoverCost adds task t's soft terms when n workers hold it to into.
	CoverCost(t, n int, into *Terms)
}

// Explainer is optionally implemented by Rules: why worker w may not hold
// these tasks, in words a supervisor can act on.
type Explainer interface {
	Reasons(w int, tasks []int) []string
}

// RowSolver is optionally implemented by Rules whose hard rules allow an
// exact search over one worker's whole schedule (a dynamic programme over
// the days, say). BestSchedule returns the allowed schedule of worker w,
// built in dst and sorted by Start, that minimises the worker's weighted
// cost plus price[t] for each task t it holds, or false if there is none.
// price is defined for the tasks in Eligible[w]; the schedule may use only
// those. weights has MaxTerms entries. The search then re-plans one or two
// workers at a time exactly against everyone else (large-neighbourhood
// search).
type RowSolver interface {
	BestSchedule(w int, price []int64, weights []int64, dst []int) ([]int, bool)
}

// ExactRowSolver is optionally implemented by a RowSolver whose
// BestSchedule may, for speed, return a schedule that breaks a rule (the
// search then scores it as a break): BestScheduleExact never does. Column
// generation uses it when it is there.
type ExactRowSolver interface {
	BestScheduleExact(w int, price []int64, weights []int64, dst []int) ([]int, bool)
}

// Problem is one planning problem.
type Problem struct {
	Workers  int
	Tasks    []Task
	Eligible [][]int // Eligible[w] lists the tasks worker w may take at all
	Rules    Rules
	// TermNames name the objective terms (at most MaxTerms); Weights
	// multiply them into the objective the search minimises. A missing
	// weight is 1. Lexicographic priorities are weights far apart.
	TermNames []string
	Weights   []int64
	// Initial, if set, is where the search starts (Initial[w] = tasks of w),
	// for example the current draft; tasks not eligible are dropped.
	Initial [][]int
}

// Options control a search.
type Options struct {
	Seed uint64
	// Searches is how many independent searches run, one per goroutine;
	// 0 means 2 (both cores of a small server).
	Searches int
	// MaxMoves is each search's move budget; 0 means until ctx is done.
	// With a budget the result depends only on the seed and the problem.
	MaxMoves int64
	// HardWeight prices one hard-rule break while the search is looking
	// for a first plan without any; 0 means 1000 times the largest weight.
	HardWeight int64
	// Temperature is the annealing start temperature in objective units;
	// 0 means one measured from the problem.
	Temperature float64
	// Restarts splits a move budget (MaxMoves) over this many annealing
	// runs, each from the starting plan and each polished to a local
	// optimum; the best plan of all wins. Many short runs suit small
	// problems with tight rules better than one long one. 0 means 1; it
	// has no effect without a budget.
	Restarts int
	// RowEvery is how often, in moves, the search re-plans whole workers
	// when the rules are a RowSolver; 0 means 1024.
	RowEvery int64
	// NoColumnGeneration makes search 1 anneal like search 0 instead of
	// using column generation and dives (see colgen.go), which it
	// otherwise does when the rules are a RowSolver and the cover is "so
	// much per worker short or over".
	NoColumnGeneration bool
	// Now, if set, is the clock ctx's deadline is measured on. With it, a
	// search with no move budget and a deadline cools once over the time
	// it has (cmd/planbench); without it, it cools in cycles that double
	// in length, each reheating from the best plan, so that it has cooled
	// whenever it is stopped.
	Now func() time.Time
	// Trace, if set, is told of column generation's progress (for
	// cmd/planbench's -v); it must be safe for concurrent use.
	Trace func(format string, args ...any)
}

// Solution is a plan and its score.
type Solution struct {
	Assign    [][]int // Assign[w]: worker w's tasks, sorted by Start
	Feasible  bool    // no worker breaks a hard rule
	Breaks    int     // hard-rule breaks left (0 when Feasible)
	Objective int64   // weighted sum of Terms
	Terms     Terms
	Moves     int64 // moves tried, all searches together
	Search    int   // which search found it
	// Bound is a lower bound on the objective of every plan without a
	// hard break, proven by column generation (see colgen.go), or
	// math.MinInt64 when none was (only one search ran, the rules are not
	// a RowSolver, the cover is not of the form it needs, or the search
	// was stopped first).
	Bound int64
}

// Holders returns, for each task, the workers holding it.
func (s Solution) Holders(tasks int) [][]int {
	h := make([][]int, tasks)
	for w, ts := range s.Assign {
		for _, t := range ts {
			h[t] = append(h[t], w)
		}
	}
	return h
}

// ErrInvalid is returned for a malformed problem.
var ErrInvalid = errors.New("plan: invalid problem")

func (p *Problem) validate() error {
	if p.Rules == nil {
		return fmt.Errorf("%w: no rules", ErrInvalid)
	}
	if len(p.Eligible) != p.Workers {
		return fmt.Errorf("%w: %d eligibility lists for %d workers", ErrInvalid, len(p.Eligible), p.Workers)
	}
	if len(p.TermNames) > MaxTerms || len(p.Weights) > MaxTerms {
		return fmt.Errorf("%w: more than %d terms", ErrInvalid, MaxTerms)
	}
	for w, el := range p.Eligible {
		for _, t := range el {
			if t < 0 || t >= len(p.Tasks) {
				return fmt.Errorf("%w: worker %d eligible for task %d of %d", ErrInvalid, w, t, len(p.Tasks))
			}
		}
	}
	for t, task := range p.Tasks {
		if task.Max < 0 {
			return fmt.Errorf("%w: task %d has Max %d", ErrInvalid, t, task.Max)
		}
	}
	return nil
}

func (p *Problem) weight(i int) int64 {
	if i < len(p.Weights) {
		return p.Weights[i]
	}
	return 1
}

// Weigh is the weighted sum of terms.
func (p *Problem) Weigh(t Terms) int64 {
	var s int64
	for i, v := range t {
		if v != 0 {
			s += p.weight(i) * v
		}
	}
	return s
}

// Evaluate scores a plan from scratch (the slow, simple path the search's
// incremental scores are tested against).
func (p *Problem) Evaluate(assign [][]int) (terms Terms, breaks int) {
	count := make([]int, len(p.Tasks))
	for w, ts := range assign {
		sorted := slices.Clone(ts)
		p.sortTasks(sorted)
		breaks += p.Rules.Violations(w, sorted)
		p.Rules.WorkerCost(w, sorted, &terms)
		for _, t := range ts {
			count[t]++
		}
	}
	for t, n := range count {
		if n > p.Tasks[t].Max {
			breaks += n - p.Tasks[t].Max
		}
		p.Rules.CoverCost(t, n, &terms)
	}
	return terms, breaks
}

func (p *Problem) sortTasks(ts []int) {
	slices.SortFunc(ts, func(a, b int) int {
		if c := p.Tasks[a].Start - p.Tasks[b].Start; c != 0 {
			if c < 0 {
				return -1
			}
			return 1
		}
		return a - b
	})
}

func (p *Problem) overlap(a, b int) bool {
	ta, tb := p.Tasks[a], p.Tasks[b]
	return ta.Start < tb.End && tb.Start < ta.End
}

// Refusal says why one worker did not take an unfilled task.
type Refusal struct {
	Worker  int
	Reasons []string
}

// WhyNot explains, for task t in plan s, why each worker who does not hold
// it was not given it: not eligible, or adding it to their schedule would
// break a hard rule (with the Explainer's reasons when Rules has one). A
// worker who could have taken it is listed with no reasons: the plan was
// better without.
func (p *Problem) WhyNot(s Solution, t int) []Refusal {
	var out []Refusal
	for w := 0; w < p.Workers; w++ {
		if slices.Contains(s.Assign[w], t) {
			continue
		}
		if !slices.Contains(p.Eligible[w], t) {
			out = append(out, Refusal{w, []string{"not eligible"}})
			continue
		}
		with := append(slices.Clone(s.Assign[w]), t)
		p.sortTasks(with)
		if p.Rules.Violations(w, with) == 0 {
			out = append(out, Refusal{Worker: w})
			continue
		}
		var why []string
		if ex, ok := p.Rules.(Explainer); ok {
			why = ex.Reasons(w, with)
		}
		if len(why) == 0 {
			why = []string{"would break a hard rule"}
		}
		out = append(out, Refusal{w, why})
	}
	return out
}
