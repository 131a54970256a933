package plan

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Solve searches for the best plan it can find before ctx is done or the
// move budget is spent (with no budget it runs until ctx is done, so give
// it a deadline). It returns the best plan found so far when ctx is
// cancelled; the error is only for an invalid problem. The plan never holds
// an assignment that breaks a hard rule when one without breaks was found;
// if none was, workers whose schedule still breaks a rule are cut back until
// it does not (or to nothing), and Feasible says whether that succeeded.
func Solve(ctx context.Context, p *Problem, opt Options) (Solution, error) {
	if err := p.validate(); err != nil {
		return Solution{}, err
	}
	n := opt.Searches
	if n <= 0 {
		n = 2
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s := newSearch(p, opt, i)
			s.run(ctx)
			results[i] = s.result()
		})
	}
	wg.Wait()
	best := 0
	var moves int64
	bound := math.Inf(-1)
	for i, r := range results {
		if opt.Trace != nil {
			opt.Trace("search %d: %d breaks, objective %d, %d moves", i, r.breaks, r.soft, r.moves)
		}
		moves += r.moves
		bound = max(bound, r.bound)
		if r.better(results[best]) {
			best = i
		}
	}
	assign := results[best].assign
	repair(p, assign)
	terms, breaks := p.Evaluate(assign)
	return Solution{
		Assign:    assign,
		Feasible:  breaks == 0,
		Breaks:    breaks,
		Objective: p.Weigh(terms),
		Terms:     terms,
		Moves:     moves,
		Search:    best,
		Bound:     intBound(bound),
	}, nil
}

type result struct {
	assign [][]int
	breaks int
	soft   int64
	moves  int64
	bound  float64
}

func (r result) better(o result) bool {
	if r.breaks != o.breaks {
		return r.breaks < o.breaks
	}
	return r.soft < o.soft
}

// intBound is the least whole objective at or above a real lower bound b
// (objectives are whole numbers), or math.MinInt64 if there is none.
func intBound(b float64) int64 {
	if math.IsInf(b, -1) || math.IsNaN(b) {
		return math.MinInt64
	}
	return int64(math.Ceil(b - 1e-6))
}

// repair cuts back schedules that break a hard rule: it drops, one at a
// time, the task whose removal leaves the fewest breaks.
func repair(p *Problem, assign [][]int) {
	count := make([]int, len(p.Tasks))
	for w := range assign {
		for _, t := range assign[w] {
			count[t]++
		}
	}
	for w := range assign {
		for len(assign[w]) > 0 {
			v := p.Rules.Violations(w, assign[w])
			for _, t := range assign[w] {
				if count[t] > p.Tasks[t].Max {
					v++
				}
			}
			if v == 0 {
				break
			}
			bestI, bestV := 0, math.MaxInt
			for i := range assign[w] {
				rest := slices.Delete(slices.Clone(assign[w]), i, i+1)
				rv := p.Rules.Violations(w, rest)
				for _, t := range rest {
					if count[t] > p.Tasks[t].Max {
						rv++
					}
				}
				if count[assign[w][i]] <= p.Tasks[assign[w][i]].Max {
					rv++ // prefer dropping an over-full task
				}
				if rv < bestV {
					bestI, bestV = i, rv
				}
			}
			count[assign[w][bestI]]--
			assign[w] = slices.Delete(assign[w], bestI, bestI+1)
		}
	}
}

// search is one simulated-annealing run with its own state and random source.
type search struct {
	p                *Problem
	rng              *rand.Rand
	opt              Options
	days             int
	hardW            int64 // current price of a hard break
	hardMin, hardMax int64
	temp0            float64

	elig    []bool    // elig[w*T+t]
	eligDay [][][]int // eligDay[w][d]: eligible tasks of w on day d

	assign []([]int)
	count  []int
	wViol  []int
	wCost  []int64
	tCost  []int64 // weighted cover cost of each task
	tOver  []int   // over-Max breaks of each task
	breaks int
	soft   int64

	// scratch
	terms    Terms
	nw       [chainMax][]int
	nv       [chainMax]int
	nc       [chainMax]int64
	mark     []uint32
	stamp    uint32
	touched  []int
	ejected  []int
	wanted   []int
	chainBuf []int
	trial    []int

	rows      RowSolver // nil if the rules have none
	replanMax int       // the most workers re-planned together
	rowEvery  int64     // re-plan whole workers every this many moves
	small     bool      // see smallProblem
	price     []int64
	weights   []int64
	rowBuf    []int
	saved     [][]int

	index     int     // which of the searches this is
	bound     float64 // a lower bound proven by column generation, or -Inf
	cg        *colgen // column generation's state, if it ran
	start     [][]int // the plan the search started from
	best      [][]int
	bestBreak int
	bestSoft  int64
	moves     int64
}

func newSearch(p *Problem, opt Options, index int) *search {
	T := len(p.Tasks)
	s := &search{
		p:     p,
		opt:   opt,
		rng:   rand.New(rand.NewPCG(opt.Seed, uint64(index)*0x9E3779B97F4A7C15+1)),
		elig:  make([]bool, p.Workers*T),
		mark:  make([]uint32, T),
		index: index,
		bound: math.Inf(-1),
	}
	for _, t := range p.Tasks {
		s.days = max(s.days, t.Day+1)
	}
	s.eligDay = make([][][]int, p.Workers)
	for w, el := range p.Eligible {
		s.eligDay[w] = make([][]int, s.days)
		for _, t := range el {
			if !s.elig[w*T+t] {
				s.elig[w*T+t] = true
				d := p.Tasks[t].Day
				s.eligDay[w][d] = append(s.eligDay[w][d], t)
			}
		}
	}
	var maxW int64 = 1
	for i := range MaxTerms {
		maxW = max(maxW, p.weight(i))
	}
	s.hardMax = opt.HardWeight
	if s.hardMax <= 0 {
		s.hardMax = 1000 * maxW
	}
	s.hardW = s.hardMax
	s.assign = make([][]int, p.Workers)
	s.count = make([]int, T)
	if p.Initial != nil {
		for w := range min(len(p.Initial), p.Workers) {
			for _, t := range p.Initial[w] {
				if t >= 0 && t < T && s.elig[w*T+t] && !slices.Contains(s.assign[w], t) {
					s.assign[w] = append(s.assign[w], t)
				}
			}
			p.sortTasks(s.assign[w])
		}
	}
	s.wViol = make([]int, p.Workers)
	s.wCost = make([]int64, p.Workers)
	s.tCost = make([]int64, T)
	s.tOver = make([]int, T)
	for w := range s.assign {
		s.wViol[w], s.wCost[w] = s.scoreWorker(w, s.assign[w])
		s.breaks += s.wViol[w]
		s.soft += s.wCost[w]
		for _, t := range s.assign[w] {
			s.count[t]++
		}
	}
	for t := range T {
		s.tCost[t], s.tOver[t] = s.scoreTask(t, s.count[t])
		s.soft += s.tCost[t]
		s.breaks += s.tOver[t]
	}
	s.saveBest()
	s.start = make([][]int, p.Workers)
	for w := range s.assign {
		s.start[w] = slices.Clone(s.assign[w])
	}
	s.replanMax = 2
	s.small = p.Workers*T <= smallProblem
	if rs, ok := p.Rules.(RowSolver); ok {
		s.rows = rs
	} else if rs := newRowSearch(p, s.eligDay); rs.any() && s.small {
		s.rows = rs
	}
	if s.rows != nil {
		s.price = make([]int64, T)
		s.weights = make([]int64, MaxTerms)
		for i := range s.weights {
			s.weights[i] = p.weight(i)
		}
	}
	s.rowEvery = opt.RowEvery
	if s.rowEvery <= 0 {
		s.rowEvery = 1024
	}
	s.temp0 = opt.Temperature
	if s.temp0 <= 0 {
		s.temp0 = s.calibrate()
	}
	s.hardMin = max(1, min(s.hardMax, int64(s.temp0)))
	return s
}

func (s *search) scoreWorker(w int, ts []int) (int, int64) {
	s.terms = Terms{} // a field, so that passing it to Rules does not allocate
	s.p.Rules.WorkerCost(w, ts, &s.terms)
	return s.p.Rules.Violations(w, ts), s.p.Weigh(s.terms)
}

func (s *search) scoreTask(t, n int) (int64, int) {
	s.terms = Terms{}
	s.p.Rules.CoverCost(t, n, &s.terms)
	return s.p.Weigh(s.terms), max(0, n-s.p.Tasks[t].Max)
}

func (s *search) saveBest() {
	if s.best == nil {
		s.best = make([][]int, len(s.assign))
	}
	for w := range s.assign {
		s.best[w] = append(s.best[w][:0], s.assign[w]...)
	}
	s.bestBreak, s.bestSoft = s.breaks, s.soft
}

func (s *search) result() result {
	return result{assign: s.best, breaks: s.bestBreak, soft: s.bestSoft, moves: s.moves, bound: s.bound}
}

// startAccept is the share of typical worsening moves the annealing
// accepts at its start temperature (the textbook rule sets it near 0.7–0.8:
// hot enough to leave the start's basin, not so hot the search wanders).
const startAccept = 0.7

// calibrate measures the typical size of a worsening move's soft change,
// and returns the start temperature at which such a move is accepted with
// probability startAccept.
func (s *search) calibrate() float64 {
	var sum float64
	var n int
	for range 2000 {
		d, ok := s.propose()
		if !ok {
			continue
		}
		dv, ds := s.evaluate(d)
		s.revert(d)
		if dv == 0 && ds != 0 {
			sum += math.Abs(float64(ds))
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return max(1, sum/float64(n)/-math.Log(startAccept))
}

// chainMax is the most workers one move changes.
const chainMax = 4

// change is a proposed move: up to chainMax distinct workers get new task
// lists (in s.nw).
type change struct {
	n int
	w [chainMax]int
}

func (c *change) has(w int) bool { return slices.Contains(c.w[:c.n], w) }

func (s *search) run(ctx context.Context) {
	runs := int64(max(1, s.opt.Restarts))
	if s.opt.MaxMoves <= 0 {
		runs = 1
	}
	if s.opt.Trace != nil {
		s.opt.Trace("search %d: start temperature %.1f", s.index, s.temp0)
	}
	if s.index == 1 && !s.opt.NoColumnGeneration && s.columnGeneration(ctx) {
		s.polish(ctx, false)
		for ctx.Err() == nil && (s.opt.MaxMoves <= 0 || s.moves < s.opt.MaxMoves) {
			s.diveAgain(ctx)
		}
		s.restore()
		return
	}
	for i := range runs {
		if i > 0 {
			s.reset()
		}
		s.anneal(ctx, s.opt.MaxMoves*(i+1)/runs)
		if ctx.Err() != nil {
			break
		}
		s.polish(ctx, runs == 1)
	}
	if runs > 1 {
		s.restore()
	}
}

// reset goes back to the plan the search started from, for a restart, and
// prices a hard break highly again; the best plan is kept.
func (s *search) reset() {
	for w := range s.assign {
		s.assign[w] = append(s.assign[w][:0], s.start[w]...)
	}
	s.rescore()
	s.hardW = s.hardMax
}

func (s *search) anneal(ctx context.Context, budget int64) {
	if s.p.Workers == 0 || s.days == 0 {
		return // nothing to plan
	}
	if dl, ok := ctx.Deadline(); ok && budget <= 0 && s.opt.Now != nil {
		s.annealUntil(ctx, dl)
		return
	}
	done := ctx.Done()
	// With a budget, one cooling over it; without, cycles that start at 50k
	// moves and double, each reheating from the best plan, so that a short
	// run cools too.
	cycle := budget - s.moves
	if budget <= 0 {
		cycle = 50_000
	}
	tEnd := s.temp0 / 1000
	cool := math.Pow(tEnd/s.temp0, 1/float64(cycle))
	temp := s.temp0
	var step int64
	for {
		if budget > 0 && s.moves >= budget {
			return
		}
		if s.moves&15 == 0 {
			select {
			case <-done:
				return
			default:
			}
		}
		if step >= cycle {
			// Reheat from the best plan. Without a budget the run ends
			// only when ctx is done, so it never reaches the polish after
			// it: polish the best plan here, at the end of each cycle.
			if budget <= 0 {
				s.polish(ctx, true)
			}
			s.restore()
			step = 0
			cycle = min(2*cycle, 8_000_000)
			cool = math.Pow(tEnd/s.temp0, 1/float64(cycle))
			temp = s.temp0
		}
		step++
		temp *= cool
		s.move(temp)
	}
}

// coolTo is where a timed cooling ends, as a share of the start
// temperature. It is ten times lower than where a cooling over a move
// budget ends: on Curtois instance 12, with 60 s, ending at 1e-4 left the
// last third of the time for what the workers asked for once the cover had
// settled, and gave 4,123–4,240 over four seeds where 1e-3 gave 4,136–4,270
// and 1e-2 4,231–4,466 (docs/benchmarks/planner.md).
const coolTo = 1e-4

// timedShare is the share of the time left that one timed cooling takes;
// the rest is for polishing its best plan.
const timedShare = 0.97

// annealUntil cools once over the time left before deadline (on the
// injected clock), the temperature falling geometrically with the share of
// that time spent, then polishes the best plan. Time left after the polish
// (a polish is usually quick) goes to another, shorter cooling from the
// best plan.
func (s *search) annealUntil(ctx context.Context, deadline time.Time) {
	done := ctx.Done()
	for ctx.Err() == nil {
		start := s.opt.Now()
		span := float64(deadline.Sub(start)) * timedShare
		if span <= 0 {
			break
		}
		temp := s.temp0
		for {
			if s.moves&255 == 0 {
				select {
				case <-done:
					return
				default:
				}
				f := float64(s.opt.Now().Sub(start)) / span
				if f >= 1 {
					break
				}
				temp = s.temp0 * math.Pow(coolTo, f)
			}
			s.move(temp)
		}
		s.restore()
		before := s.soft
		s.polish(ctx, false)
		if s.opt.Trace != nil {
			s.opt.Trace("search %d: polish %d -> %d", s.index, before, s.soft)
		}
	}
}

// move makes one annealing move at temperature temp: every s.rowEvery moves
// (with a RowSolver) a re-plan of whole workers, else a random move.
func (s *search) move(temp float64) {
	s.moves++
	if s.moves&1023 == 0 {
		s.adaptHardWeight()
	}
	if s.rows != nil && s.moves%s.rowEvery == 0 {
		s.replan(1+s.rng.IntN(s.replanMax), temp)
		return
	}
	d, ok := s.propose()
	if !ok {
		return
	}
	dv, ds := s.evaluate(d)
	delta := float64(int64(dv)*s.hardW + ds)
	if s.accept(delta, temp) {
		s.commit(d, dv, ds)
		if s.breaks < s.bestBreak || (s.breaks == s.bestBreak && s.soft < s.bestSoft) {
			s.saveBest()
		}
	} else {
		s.revert(d)
	}
}

// polish makes the best plan the current one and then locally optimal:
// every single take, drop, hand-over, swap of a day between two workers
// and (with a RowSolver) exact re-plan of one worker that lowers the
// objective without a hard break is made, in a fixed order, until none is
// left or ctx is done.
func (s *search) polish(ctx context.Context, fromBest bool) {
	if fromBest {
		s.restore()
	}
	if s.breaks > 0 {
		return
	}
	T := len(s.p.Tasks)
	improving := func(c change) bool {
		dv, ds := s.evaluate(c)
		if dv <= 0 && s.breaks+dv == 0 && ds < 0 {
			s.commit(c, dv, ds)
			return true
		}
		s.revert(c)
		return false
	}
	for improved := true; improved; {
		improved = false
		if ctx.Err() != nil {
			break
		}
		for w := range s.p.Workers {
			for _, t := range s.p.Eligible[w] {
				s.nw[0] = s.toggled(s.nw[0][:0], s.assign[w], t)
				if improving(change{n: 1, w: [chainMax]int{w}}) {
					improved = true
				}
			}
			for i := 0; i < len(s.assign[w]); i++ {
				t := s.assign[w][i]
				for w2 := range s.p.Workers {
					if w2 == w || !s.elig[w2*T+t] || slices.Contains(s.assign[w2], t) {
						continue
					}
					s.nw[0] = s.without(s.nw[0][:0], s.assign[w], t)
					s.nw[1] = s.toggled(s.nw[1][:0], s.assign[w2], t)
					if improving(change{n: 2, w: [chainMax]int{w, w2}}) {
						improved = true
						break
					}
				}
			}
		}
		for w := range s.p.Workers {
			if !s.small || ctx.Err() != nil {
				break
			}
			for _, t := range s.p.Eligible[w] {
				if slices.Contains(s.assign[w], t) {
					continue
				}
				// take it (from its first holder if it is full), give up
				// what it breaks, and perhaps hand one of those on
				var c change
				if s.count[t] >= s.p.Tasks[t].Max {
					h := s.holder(t, w, 0)
					if h < 0 {
						continue
					}
					s.nw[0] = s.without(s.nw[0][:0], s.assign[h], t)
					c.w[0], c.n = h, 1
				}
				s.nw[c.n] = s.eject(w, s.toggled(s.nw[c.n][:0], s.assign[w], t), t)
				c.w[c.n] = w
				c.n++
				if improving(c) {
					improved = true
					continue
				}
				chain := append(s.chainBuf[:0], s.ejected...)
				s.chainBuf = chain
			next:
				for _, u := range chain {
					for w2 := range s.p.Workers {
						if c.has(w2) || !s.elig[w2*T+u] || slices.Contains(s.assign[w2], u) {
							continue
						}
						s.nw[c.n] = s.eject(w2, s.toggled(s.nw[c.n][:0], s.assign[w2], u), u)
						c2 := c
						c2.w[c2.n] = w2
						c2.n++
						if improving(c2) {
							improved = true
							break next
						}
					}
				}
			}
		}
		// Swaps of a day, and on small problems of a run of up to
		// swapRunMax days, between two workers: the cover stays as it is,
		// so these mend what the workers themselves asked for.
		runs := 1
		if s.small {
			runs = swapRunMax
		}
		for w := range s.p.Workers {
			for w2 := w + 1; w2 < s.p.Workers; w2++ {
				for k := 1; k <= runs; k++ {
					for d := 0; d+k <= s.days; d++ {
						if c, ok := s.swapDays(w, w2, d, d+k); ok && improving(c) {
							improved = true
						}
					}
				}
			}
		}
		if s.rows == nil {
			continue
		}
		if s.small && s.p.Workers <= pairPolishMax {
			for w1 := range s.p.Workers {
				for w2 := range s.p.Workers {
					if w1 != w2 && ctx.Err() == nil && s.replanImproves(w1, w2) {
						improved = true
					}
				}
			}
		}
		for w := range s.p.Workers {
			if ctx.Err() != nil {
				break
			}
			s.setPrices(w, true)
			row, ok := s.rows.BestSchedule(w, s.price, s.weights, s.rowBuf[:0])
			s.rowBuf = row
			if ok && !slices.Equal(row, s.assign[w]) {
				s.nw[0] = append(s.nw[0][:0], row...)
				if improving(change{n: 1, w: [chainMax]int{w}}) {
					improved = true
				}
			}
		}
	}
	if s.breaks < s.bestBreak || (s.breaks == s.bestBreak && s.soft < s.bestSoft) {
		s.saveBest()
	}
}

// accept is the annealing rule: better or equal always, worse by delta
// with probability exp(-delta/temp).
func (s *search) accept(delta, temp float64) bool {
	if delta <= 0 {
		return true
	}
	if delta > 20*temp {
		return false
	}
	return s.rng.Float64() < math.Exp(-delta/temp)
}

// adaptHardWeight raises the price of a hard break while the current plan
// has some and lowers it while it has none, so the search may pass through
// plans with breaks on its way between plans without (strategic
// oscillation). The price stays between hardMin and hardMax.
func (s *search) adaptHardWeight() {
	if s.breaks > 0 {
		s.hardW = min(s.hardMax, s.hardW+max(1, s.hardW/8))
	} else {
		s.hardW = max(s.hardMin, s.hardW-max(1, s.hardW/8))
	}
}

// replan clears k random workers' schedules and plans each again, in random
// order, exactly against everyone else; the result is accepted like any
// other move.
func (s *search) replan(k int, temp float64) {
	W := s.p.Workers
	k = min(k, W)
	var ws []int
	if s.rng.IntN(2) == 0 {
		ws = s.wantedBy(k)
	}
	if len(ws) == 0 {
		ws = s.rng.Perm(W)[:k]
	}
	k = len(ws)
	oldB, oldS := s.breaks, s.soft
	for len(s.saved) < k {
		s.saved = append(s.saved, nil)
	}
	for i, w := range ws {
		s.saved[i] = append(s.saved[i][:0], s.assign[w]...)
		s.setRow(w, nil)
	}
	for _, w := range ws {
		s.setPrices(w, false)
		row, ok := s.rows.BestSchedule(w, s.price, s.weights, s.rowBuf[:0])
		s.rowBuf = row
		if ok {
			s.setRow(w, row)
		} else {
			s.setRow(w, s.saved[slices.Index(ws, w)])
		}
	}
	delta := float64(int64(s.breaks-oldB)*s.hardW + (s.soft - oldS))
	if s.accept(delta, temp) {
		if s.breaks < s.bestBreak || (s.breaks == s.bestBreak && s.soft < s.bestSoft) {
			s.saveBest()
		}
		return
	}
	for i, w := range ws {
		s.setRow(w, s.saved[i])
	}
}

// wantedBy picks a task, at random, whose cover would be better with one
// more worker (an open shift, an under-covered day), and up to k workers,
// at random, who may take it and hold nothing overlapping it: re-planned
// together, one of them may rearrange their schedule around it.
func (s *search) wantedBy(k int) []int {
	T := len(s.p.Tasks)
	from := s.rng.IntN(T)
	for i := range T {
		t := (from + i) % T
		if c, over := s.scoreTask(t, s.count[t]+1); over > 0 || c >= s.tCost[t] {
			continue
		}
		ws := s.wanted[:0]
		for w := range s.p.Workers {
			if s.elig[w*T+t] && !s.busyOn(w, t) {
				ws = append(ws, w)
			}
		}
		s.rng.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
		s.wanted = ws
		return ws[:min(k, len(ws))]
	}
	return nil
}

// busyOn reports whether worker w holds t or a task overlapping it.
func (s *search) busyOn(w, t int) bool {
	for _, u := range s.assign[w] {
		if u == t || s.p.overlap(u, t) {
			return true
		}
	}
	return false
}

// setPrices prices each task worker w may take at the change in the other
// workers' cover cost if w held it. held says whether w's current tasks are
// to be discounted (w is re-planned without being cleared first).
func (s *search) setPrices(w int, held bool) {
	for _, t := range s.p.Eligible[w] {
		n := s.count[t]
		if held && slices.Contains(s.assign[w], t) {
			n--
		}
		c0, o0 := s.scoreTask(t, n)
		c1, o1 := s.scoreTask(t, n+1)
		s.price[t] = c1 - c0 + int64(o1-o0)*s.hardW
	}
}

// setRow gives worker w exactly the tasks ts (sorted).
func (s *search) setRow(w int, ts []int) {
	s.nw[0] = append(s.nw[0][:0], ts...)
	c := change{n: 1, w: [chainMax]int{w}}
	dv, ds := s.evaluate(c)
	s.commit(c, dv, ds)
}

// restore makes the best plan the current one.
func (s *search) restore() {
	for w := range s.assign {
		s.assign[w] = append(s.assign[w][:0], s.best[w]...)
	}
	s.rescore()
}

// rescore scores the current plan from scratch.
func (s *search) rescore() {
	clear(s.count)
	s.breaks, s.soft = 0, 0
	for w := range s.assign {
		s.wViol[w], s.wCost[w] = s.scoreWorker(w, s.assign[w])
		s.breaks += s.wViol[w]
		s.soft += s.wCost[w]
		for _, t := range s.assign[w] {
			s.count[t]++
		}
	}
	for t := range s.count {
		s.tCost[t], s.tOver[t] = s.scoreTask(t, s.count[t])
		s.soft += s.tCost[t]
		s.breaks += s.tOver[t]
	}
}

// propose builds a random move's new task lists in s.nw.
func (s *search) propose() (change, bool) {
	W := s.p.Workers
	if W == 0 || s.days == 0 {
		return change{}, false
	}
	switch r := s.rng.IntN(100); {
	case r < 35: // take or drop one task
		w := s.rng.IntN(W)
		el := s.p.Eligible[w]
		if len(el) == 0 {
			return change{}, false
		}
		t := el[s.rng.IntN(len(el))]
		s.nw[0] = s.toggled(s.nw[0][:0], s.assign[w], t)
		if r < 20 || slices.Contains(s.assign[w], t) {
			return change{n: 1, w: [chainMax]int{w}}, true
		}
		return s.chain(w, t, s.rng.IntN(3))
	case r < 55: // hand a task to a colleague, or exchange one each
		w1 := s.rng.IntN(W)
		if len(s.assign[w1]) == 0 {
			return change{}, false
		}
		t := s.assign[w1][s.rng.IntN(len(s.assign[w1]))]
		w2 := s.rng.IntN(W)
		T := len(s.p.Tasks)
		if w2 == w1 || !s.elig[w2*T+t] || slices.Contains(s.assign[w2], t) {
			return change{}, false
		}
		if r < 45 || len(s.assign[w2]) == 0 {
			s.nw[0] = s.without(s.nw[0][:0], s.assign[w1], t)
			s.nw[1] = s.toggled(s.nw[1][:0], s.assign[w2], t)
			return change{n: 2, w: [chainMax]int{w1, w2}}, true
		}
		u := s.assign[w2][s.rng.IntN(len(s.assign[w2]))]
		if !s.elig[w1*T+u] || slices.Contains(s.assign[w1], u) {
			return change{}, false
		}
		s.nw[0] = s.insert(s.without(s.nw[0][:0], s.assign[w1], t), u)
		s.nw[1] = s.insert(s.without(s.nw[1][:0], s.assign[w2], u), t)
		return change{n: 2, w: [chainMax]int{w1, w2}}, true
	case r < 85: // swap a day or a block of days between two workers
		w1, w2 := s.rng.IntN(W), s.rng.IntN(W)
		if w1 == w2 {
			return change{}, false
		}
		d := s.rng.IntN(s.days)
		k := 1
		if r >= 65 {
			k = 2 + s.rng.IntN(6)
		}
		return s.swapDays(w1, w2, d, min(s.days, d+k))
	default: // set a block of one worker's days to one kind of task, or to off
		w := s.rng.IntN(W)
		d := s.rng.IntN(s.days)
		e := min(s.days, d+1+s.rng.IntN(5))
		kind := -1
		if s.rng.IntN(3) > 0 {
			for dd := d; dd < e && kind < 0; dd++ {
				if ts := s.eligDay[w][dd]; len(ts) > 0 {
					kind = s.p.Tasks[ts[s.rng.IntN(len(ts))]].Kind
				}
			}
		}
		return s.setBlock(w, d, e, kind)
	}
}

// toggled is ts without t if it holds t, else ts with t and without the
// tasks overlapping it.
func (s *search) toggled(dst, ts []int, t int) []int {
	if slices.Contains(ts, t) {
		return s.without(dst, ts, t)
	}
	for _, u := range ts {
		if !s.p.overlap(u, t) {
			dst = append(dst, u)
		}
	}
	return s.insert(dst, t)
}

// chain builds an ejection chain: worker w takes task t (from a holder
// picked at random if t is full) and gives up what t breaks in its
// schedule; then, up to links times, a colleague picked at random takes one
// of the tasks given up, giving up in turn what that breaks.
func (s *search) chain(w, t, links int) (change, bool) {
	var c change
	if s.count[t] >= s.p.Tasks[t].Max {
		h := s.holder(t, w, s.rng.IntN(s.p.Workers))
		if h < 0 {
			return c, false
		}
		s.nw[0] = s.without(s.nw[0][:0], s.assign[h], t)
		c.w[0], c.n = h, 1
	}
	T := len(s.p.Tasks)
	for {
		s.nw[c.n] = s.eject(w, s.toggled(s.nw[c.n][:0], s.assign[w], t), t)
		c.w[c.n] = w
		c.n++
		if c.n == chainMax || links == 0 || len(s.ejected) == 0 {
			return c, true
		}
		links--
		u := s.ejected[s.rng.IntN(len(s.ejected))]
		w2 := s.rng.IntN(s.p.Workers)
		if c.has(w2) || !s.elig[w2*T+u] || slices.Contains(s.assign[w2], u) {
			return c, true
		}
		w, t = w2, u
	}
}

// holder is a worker other than w holding task t, looking from worker from
// on, or -1.
func (s *search) holder(t, w, from int) int {
	for i := range s.p.Workers {
		h := (from + i) % s.p.Workers
		if h != w && slices.Contains(s.assign[h], t) {
			return h
		}
	}
	return -1
}

// eject drops from worker w's new list ts, one at a time, the task other
// than keep whose loss leaves the fewest hard breaks, while that lowers
// them; the tasks dropped are left in s.ejected.
func (s *search) eject(w int, ts []int, keep int) []int {
	s.ejected = s.ejected[:0]
	v := s.p.Rules.Violations(w, ts)
	for v > 0 && len(ts) > 1 {
		bestI, bestV := -1, v
		for i, u := range ts {
			if u == keep {
				continue
			}
			s.trial = append(append(s.trial[:0], ts[:i]...), ts[i+1:]...)
			if nv := s.p.Rules.Violations(w, s.trial); nv < bestV {
				bestI, bestV = i, nv
			}
		}
		if bestI < 0 {
			break
		}
		s.ejected = append(s.ejected, ts[bestI])
		ts = slices.Delete(ts, bestI, bestI+1)
		v = bestV
	}
	return ts
}

func (s *search) without(dst, ts []int, t int) []int {
	for _, u := range ts {
		if u != t {
			dst = append(dst, u)
		}
	}
	return dst
}

// insert puts t into the sorted list ts.
func (s *search) insert(ts []int, t int) []int {
	ts = append(ts, t)
	for i := len(ts) - 1; i > 0 && s.less(ts[i], ts[i-1]); i-- {
		ts[i], ts[i-1] = ts[i-1], ts[i]
	}
	return ts
}

func (s *search) less(a, b int) bool {
	ta, tb := s.p.Tasks[a].Start, s.p.Tasks[b].Start
	return ta < tb || (ta == tb && a < b)
}

func (s *search) swapDays(w1, w2, from, to int) (change, bool) {
	T := len(s.p.Tasks)
	a, b := s.nw[0][:0], s.nw[1][:0]
	moved := false
	for _, t := range s.assign[w1] {
		if d := s.p.Tasks[t].Day; d >= from && d < to {
			if !s.elig[w2*T+t] {
				return change{}, false
			}
			b = append(b, t)
			moved = true
		} else {
			a = append(a, t)
		}
	}
	for _, t := range s.assign[w2] {
		if d := s.p.Tasks[t].Day; d >= from && d < to {
			if !s.elig[w1*T+t] {
				return change{}, false
			}
			a = append(a, t)
			moved = true
		} else {
			b = append(b, t)
		}
	}
	if !moved {
		return change{}, false
	}
	s.sortList(a)
	s.sortList(b)
	s.nw[0], s.nw[1] = a, b
	return change{n: 2, w: [chainMax]int{w1, w2}}, true
}

func (s *search) sortList(ts []int) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && s.less(ts[j], ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// setBlock gives worker w, on days [from, to), one eligible task of the kind
// each day (kind < 0: none).
func (s *search) setBlock(w, from, to, kind int) (change, bool) {
	a := s.nw[0][:0]
	for _, t := range s.assign[w] {
		if d := s.p.Tasks[t].Day; d < from || d >= to {
			a = append(a, t)
		}
	}
	if kind >= 0 {
		for d := from; d < to; d++ {
			for _, t := range s.eligDay[w][d] {
				if s.p.Tasks[t].Kind == kind {
					ok := true
					for _, u := range a {
						if s.p.overlap(u, t) {
							ok = false
							break
						}
					}
					if ok {
						a = append(a, t)
					}
					break
				}
			}
		}
	}
	s.sortList(a)
	s.nw[0] = a
	return change{n: 1, w: [chainMax]int{w}}, true
}

// evaluate applies the move's count changes tentatively and returns the
// change in hard breaks and in the weighted soft objective.
func (s *search) evaluate(c change) (dv int, ds int64) {
	s.stamp++
	if s.stamp == 0 {
		clear(s.mark)
		s.stamp = 1
	}
	s.touched = s.touched[:0]
	for i := range c.n {
		w := c.w[i]
		for _, t := range s.assign[w] {
			s.count[t]--
			s.touch(t)
		}
		for _, t := range s.nw[i] {
			s.count[t]++
			s.touch(t)
		}
		v, cost := s.scoreWorker(w, s.nw[i])
		s.nv[i], s.nc[i] = v, cost
		dv += v - s.wViol[w]
		ds += cost - s.wCost[w]
	}
	for _, t := range s.touched {
		cost, over := s.scoreTask(t, s.count[t])
		dv += over - s.tOver[t]
		ds += cost - s.tCost[t]
	}
	return dv, ds
}

func (s *search) touch(t int) {
	if s.mark[t] != s.stamp {
		s.mark[t] = s.stamp
		s.touched = append(s.touched, t)
	}
}

// revert undoes evaluate's count changes.
func (s *search) revert(c change) {
	for i := range c.n {
		w := c.w[i]
		for _, t := range s.nw[i] {
			s.count[t]--
		}
		for _, t := range s.assign[w] {
			s.count[t]++
		}
	}
}

func (s *search) commit(c change, dv int, ds int64) {
	for i := range c.n {
		w := c.w[i]
		s.assign[w] = append(s.assign[w][:0], s.nw[i]...)
		s.wViol[w], s.wCost[w] = s.nv[i], s.nc[i]
	}
	for _, t := range s.touched {
		s.tCost[t], s.tOver[t] = s.scoreTask(t, s.count[t])
	}
	s.breaks += dv
	s.soft += ds
}

// smallProblem is the most workers × tasks of a problem the search treats
// as small: with rules that are not a RowSolver it re-plans workers by its
// own depth-first search (rowSearch), and its polish also tries ejection
// chains (and, up to pairPolishMax workers, re-plans every ordered pair of
// workers together). On larger problems those would cost more than they
// find in the time there is.
const smallProblem = 50_000

// swapRunMax is the longest run of days polish swaps between two workers
// on a small problem (a week).
const swapRunMax = 7

// pairPolishMax is the most workers for which polish re-plans every
// ordered pair of them together (the pairs grow as the square).
const pairPolishMax = 12

// replanImproves clears the workers ws and re-plans them exactly one after
// another in that order against everyone else, keeping the result only if
// it lowers the objective without a hard break.
func (s *search) replanImproves(ws ...int) bool {
	oldB, oldS := s.breaks, s.soft
	for len(s.saved) < len(ws) {
		s.saved = append(s.saved, nil)
	}
	for i, w := range ws {
		s.saved[i] = append(s.saved[i][:0], s.assign[w]...)
		s.setRow(w, nil)
	}
	for i, w := range ws {
		s.setPrices(w, false)
		row, ok := s.rows.BestSchedule(w, s.price, s.weights, s.rowBuf[:0])
		s.rowBuf = row
		if !ok {
			row = s.saved[i]
		}
		s.setRow(w, row)
	}
	if s.breaks == 0 && s.breaks <= oldB && s.soft < oldS {
		return true
	}
	for i, w := range ws {
		s.setRow(w, s.saved[i])
	}
	return false
}
