package plan_test

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/plan"
)

// shiftRules is a small rota: each task is a shift; a worker may hold at
// most maxTasks, none overlapping, with at least rest minutes between two,
// and at most maxMinutes in all. Soft: a preference cost per held shift,
// and hours short of a target; an unfilled shift costs its weight.
type shiftRules struct {
	tasks      []plan.Task
	maxTasks   []int
	rest       []int64
	maxMinutes []int64
	target     []int64
	pref       [][]int64 // [w][t]
	unfilled   []int64
	calls      atomic.Int64
	cancelAt   int64
	cancel     func()
}

const (
	termPref = iota
	termShort
	termUnfilled
)

func (r *shiftRules) Violations(w int, ts []int) int {
	if r.cancel != nil && r.calls.Add(1) == r.cancelAt {
		r.cancel()
	}
	return r.check(w, ts, nil)
}

func (r *shiftRules) Reasons(w int, ts []int) []string {
	var out []string
	r.check(w, ts, func(why string) { out = append(out, why) })
	return out
}

// check counts the breaks and, if report is not nil, says what they are.
func (r *shiftRules) check(w int, ts []int, report func(string)) int {
	n := 0
	brk := func(why string) {
		n++
		if report != nil {
			report(why)
		}
	}
	if len(ts) > r.maxTasks[w] {
		brk("too many shifts")
	}
	var minutes int64
	for i, t := range ts {
		minutes += r.tasks[t].End - r.tasks[t].Start
		if i > 0 {
			prev := r.tasks[ts[i-1]]
			if r.tasks[t].Start < prev.End {
				brk("overlaps another shift")
			} else if r.tasks[t].Start-prev.End < r.rest[w] {
				brk("too little rest")
			}
		}
	}
	if minutes > r.maxMinutes[w] {
		brk("over the weekly cap")
	}
	return n
}

func (r *shiftRules) WorkerCost(w int, ts []int, into *plan.Terms) {
	var minutes int64
	for _, t := range ts {
		into[termPref] += r.pref[w][t]
		minutes += r.tasks[t].End - r.tasks[t].Start
	}
	if minutes < r.target[w] {
		into[termShort] += (r.target[w] - minutes) / 60
	}
}

func (r *shiftRules) CoverCost(t, n int, into *plan.Terms) {
	if n == 0 {
		into[termUnfilled] += r.unfilled[t]
	}
}

// randomProblem is a seeded random rota of at most 5 workers and 10 shifts.
func randomProblem(seed uint64, workers, tasks int) (*plan.Problem, *shiftRules) {
	rng := rand.New(rand.NewPCG(seed, 99))
	W := workers
	if W == 0 {
		W = 2 + rng.IntN(4)
	}
	T := tasks
	if T == 0 {
		T = 5 + rng.IntN(6)
	}
	r := &shiftRules{}
	for range T {
		day := rng.IntN(4)
		start := int64(day*1440 + rng.IntN(4)*240)
		r.tasks = append(r.tasks, plan.Task{Day: day, Start: start, End: start + int64(240+rng.IntN(3)*120), Max: 1, Kind: rng.IntN(2)})
		r.unfilled = append(r.unfilled, int64(5+rng.IntN(20)))
	}
	p := &plan.Problem{Workers: W, Tasks: r.tasks, Rules: r, Eligible: make([][]int, W),
		TermNames: []string{"preference", "hours short", "unfilled"}, Weights: []int64{1, 2, 1}}
	for w := range W {
		r.maxTasks = append(r.maxTasks, 1+rng.IntN(4))
		r.rest = append(r.rest, []int64{0, 0, 660}[rng.IntN(3)])
		r.maxMinutes = append(r.maxMinutes, int64(480+rng.IntN(4)*240))
		r.target = append(r.target, int64(rng.IntN(3)*240))
		prefs := make([]int64, T)
		for t := range T {
			prefs[t] = int64(rng.IntN(6))
			if rng.IntN(10) < 7 {
				p.Eligible[w] = append(p.Eligible[w], t)
			}
		}
		r.pref = append(r.pref, prefs)
	}
	return p, r
}

// optimum finds the best plan exactly: every allowed set of tasks for each
// worker, combined by dynamic programming over the set of tasks taken.
func optimum(p *plan.Problem) int64 {
	T := len(p.Tasks)
	const inf = math.MaxInt64 / 4
	dp := make([]int64, 1<<T)
	for i := range dp {
		dp[i] = inf
	}
	dp[0] = 0
	for w := range p.Workers {
		el := p.Eligible[w]
		type option struct {
			mask uint
			cost int64
		}
		var opts []option
		for sub := uint(0); sub < 1<<len(el); sub++ {
			var ts []int
			var mask uint
			for i, t := range el {
				if sub&(1<<i) != 0 {
					ts = append(ts, t)
					mask |= 1 << t
				}
			}
			slices.SortFunc(ts, func(a, b int) int {
				if c := p.Tasks[a].Start - p.Tasks[b].Start; c != 0 {
					return int(c)
				}
				return a - b
			})
			if p.Rules.Violations(w, ts) != 0 {
				continue
			}
			var terms plan.Terms
			p.Rules.WorkerCost(w, ts, &terms)
			opts = append(opts, option{mask, p.Weigh(terms)})
		}
		next := make([]int64, len(dp))
		for i := range next {
			next[i] = inf // every worker takes one of opts, maybe the empty set
		}
		for mask, c := range dp {
			if c >= inf {
				continue
			}
			for _, o := range opts {
				if o.mask&uint(mask) == 0 && c+o.cost < next[uint(mask)|o.mask] {
					next[uint(mask)|o.mask] = c + o.cost
				}
			}
		}
		dp = next
	}
	best := int64(inf)
	for mask, c := range dp {
		if c >= inf {
			continue
		}
		var terms plan.Terms
		for t := range T {
			p.Rules.CoverCost(t, bits.OnesCount(uint(mask)>>t&1), &terms)
		}
		best = min(best, c+p.Weigh(terms))
	}
	return best
}

func TestSolverMatchesExactOptimum(t *testing.T) {
	const instances = 200
	optimal := 0
	for seed := range uint64(instances) {
		p, _ := randomProblem(seed, 0, 0)
		want := optimum(p)
		sol, err := plan.Solve(context.Background(), p, plan.Options{Seed: seed, MaxMoves: 20000})
		if err != nil {
			t.Fatal(err)
		}
		if !sol.Feasible {
			t.Fatalf("seed %d: plan breaks a hard rule", seed)
		}
		for w, ts := range sol.Assign {
			if n := p.Rules.Violations(w, ts); n != 0 {
				t.Fatalf("seed %d: worker %d breaks %d rules", seed, w, n)
			}
			for _, task := range ts {
				if !slices.Contains(p.Eligible[w], task) {
					t.Fatalf("seed %d: worker %d given task %d they are not eligible for", seed, w, task)
				}
			}
		}
		terms, breaks := p.Evaluate(sol.Assign)
		if breaks != 0 || p.Weigh(terms) != sol.Objective || terms != sol.Terms {
			t.Fatalf("seed %d: reported objective %d %v, evaluated %d %v (%d breaks)", seed, sol.Objective, sol.Terms, p.Weigh(terms), terms, breaks)
		}
		if sol.Objective < want {
			t.Fatalf("seed %d: objective %d below the optimum %d: the oracle is wrong", seed, sol.Objective, want)
		}
		if sol.Objective == want {
			optimal++
		} else {
			t.Logf("seed %d: objective %d, optimum %d", seed, sol.Objective, want)
		}
	}
	t.Logf("%d of %d optimal", optimal, instances)
	if optimal*100 < instances*95 {
		t.Fatalf("only %d of %d instances solved to optimality, want 95%%", optimal, instances)
	}
}

func TestSolveIsDeterministicForASeedAndBudget(t *testing.T) {
	p, _ := randomProblem(42, 8, 30)
	opt := plan.Options{Seed: 3, MaxMoves: 30000}
	a, err := plan.Solve(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := plan.Solve(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.Objective != b.Objective || a.Search != b.Search || !slices.EqualFunc(a.Assign, b.Assign, slices.Equal) {
		t.Fatalf("two runs differ: %d (search %d) %v vs %d (search %d) %v", a.Objective, a.Search, a.Assign, b.Objective, b.Search, b.Assign)
	}
}

// With a clock and a deadline but no move budget, a search cools once over
// the time it has, read from the injected clock: here a fake one that
// moves four seconds each time it is read, so the whole hour of "time"
// passes in a fraction of the real minute the context allows, and the run,
// like the clock, is the same every time.
func TestTimedCoolingFollowsTheInjectedClock(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		p, _ := randomProblem(seed, 0, 0)
		want := optimum(p)
		solve := func() plan.Solution {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			dl, _ := ctx.Deadline()
			var reads atomic.Int64
			now := func() time.Time {
				return dl.Add(-time.Hour).Add(time.Duration(reads.Add(1)) * 4 * time.Second)
			}
			sol, err := plan.Solve(ctx, p, plan.Options{Seed: seed, Searches: 1, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if ctx.Err() != nil {
				t.Fatalf("seed %d: the search ran to the real deadline, not the injected clock's", seed)
			}
			if reads.Load() < 900 {
				t.Fatalf("seed %d: the clock was read %d times: the search stopped before its hour was up", seed, reads.Load())
			}
			return sol
		}
		a, b := solve(), solve()
		if !a.Feasible || a.Moves == 0 {
			t.Fatalf("seed %d: feasible %v after %d moves", seed, a.Feasible, a.Moves)
		}
		if a.Objective != b.Objective || a.Moves != b.Moves || !slices.EqualFunc(a.Assign, b.Assign, slices.Equal) {
			t.Fatalf("seed %d: two runs on the same clock differ: %d in %d moves vs %d in %d", seed, a.Objective, a.Moves, b.Objective, b.Moves)
		}
		if a.Objective != want {
			t.Fatalf("seed %d: timed cooling over %d moves scored %d, optimum %d", seed, a.Moves, a.Objective, want)
		}
	}
}

func TestSolveStopsWhenCancelledWithAFeasiblePlan(t *testing.T) {
	p, r := randomProblem(7, 8, 30)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.cancel, r.cancelAt = cancel, 5000 // cancelled mid-search, no budget
	sol, err := plan.Solve(ctx, p, plan.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !sol.Feasible {
		t.Fatal("best-so-far plan breaks a hard rule")
	}
	if sol.Moves == 0 {
		t.Fatal("no moves before the cancellation")
	}
	terms, _ := p.Evaluate(sol.Assign)
	if p.Weigh(terms) != sol.Objective {
		t.Fatalf("objective %d, evaluated %d", sol.Objective, p.Weigh(terms))
	}

	done, stop := context.WithCancel(context.Background())
	stop()
	sol, err = plan.Solve(done, p, plan.Options{Seed: 1})
	if err != nil || !sol.Feasible {
		t.Fatalf("already-cancelled context: %v, feasible %v", err, sol.Feasible)
	}
}

func TestSolveStartsFromAnInitialPlanAndNeverWorsensIt(t *testing.T) {
	p, _ := randomProblem(11, 6, 20)
	first, err := plan.Solve(context.Background(), p, plan.Options{Seed: 1, MaxMoves: 20000})
	if err != nil {
		t.Fatal(err)
	}
	p.Initial = first.Assign
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	again, err := plan.Solve(ctx, p, plan.Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if again.Objective > first.Objective {
		t.Fatalf("from the initial plan %d, got worse %d", first.Objective, again.Objective)
	}
}

func TestWhyNotExplainsAnOpenShift(t *testing.T) {
	tasks := []plan.Task{
		{Day: 0, Start: 0, End: 480, Max: 1},
		{Day: 0, Start: 240, End: 720, Max: 1}, // overlaps task 0
	}
	r := &shiftRules{tasks: tasks, maxTasks: []int{2, 2, 2}, rest: []int64{0, 0, 0},
		maxMinutes: []int64{960, 960, 960}, target: []int64{0, 0, 0},
		pref: [][]int64{{0, 0}, {0, 0}, {0, 0}}, unfilled: []int64{10, 10}}
	p := &plan.Problem{Workers: 3, Tasks: tasks, Rules: r, Eligible: [][]int{{0, 1}, {0, 1}, {0}}}
	sol := plan.Solution{Assign: [][]int{{0}, {0}, nil}}
	got := p.WhyNot(sol, 1)
	want := []plan.Refusal{
		{Worker: 0, Reasons: []string{"overlaps another shift"}},
		{Worker: 1, Reasons: []string{"overlaps another shift"}},
		{Worker: 2, Reasons: []string{"not eligible"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestSolveRejectsAnInvalidProblem(t *testing.T) {
	p, _ := randomProblem(1, 3, 5)
	p.Eligible[0] = append(p.Eligible[0], 99)
	if _, err := plan.Solve(context.Background(), p, plan.Options{}); err == nil {
		t.Fatal("no error for an eligibility list naming a task that does not exist")
	}
}

func TestSolveAnEmptyProblem(t *testing.T) {
	p := &plan.Problem{Rules: &shiftRules{}}
	sol, err := plan.Solve(context.Background(), p, plan.Options{})
	if err != nil || !sol.Feasible || sol.Objective != 0 {
		t.Fatalf("%+v, %v", sol, err)
	}
}
