package plan

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Column generation: search 1's method when it applies, and the source of
// the lower bound.
//
// When the rules are a RowSolver and each task's cover cost is "so much a
// worker short of a requirement, so much a worker over it" (the benchmark's
// cover; detected from CoverCost, see coverModel), the planning problem is
// a set-partitioning programme: choose one allowed schedule (a column) per
// worker so that the columns' cost plus the cover cost is least. Its linear
// relaxation, the master problem, is solved over a growing pool of columns
// by a small dense simplex (lpMaster); the master's duals price the tasks,
// and each worker's best schedule against those prices is found exactly by
// the RowSolver (the pricing problem). When no worker has a schedule that
// would lower the master's value, the master's value is a lower bound on
// every plan's objective. Any duals give one (a Lagrangian bound): the sum
// over tasks of dual × requirement plus each worker's least reduced cost,
// with the duals clipped to the range where the cover terms stay bounded.
//
// Plans are then built by diving: the workers whose schedules the master
// uses most (the largest column values) are fixed to them, with every
// worker already at a whole schedule, their other columns are priced out,
// the master is solved again, columns are generated again for the workers
// left, and so on until every worker is fixed. The first dive follows the
// values; later ones, from a copy of the solved root master, shake them
// (diveNoise), so each reaches a different plan. Each plan is polished to
// a local optimum (search.polish) and the best is kept. On instance 8 of
// the benchmark one dive gives about 1,410 and the best of a few dozen
// about 1,300 (the bound is 1,297): the shaking is what pays.

// coverModel is each task's cover cost as a requirement and two per-worker
// rates: cost(n) = base + under×(req−n) below req, base + over×(n−req)
// above it. ok is false when some task's cover cost is not of that form
// (or its Max could bind), and column generation is then not used.
type coverModel struct {
	req         []int
	under, over []float64
	base        float64
}

func (s *search) coverModel() (coverModel, bool) {
	T := len(s.p.Tasks)
	cm := coverModel{req: make([]int, T), under: make([]float64, T), over: make([]float64, T)}
	elig := make([]int, T)
	for w := range s.p.Workers {
		for _, t := range s.p.Eligible[w] {
			elig[t]++
		}
	}
	for t := range T {
		n := elig[t]
		if s.p.Tasks[t].Max < n {
			return cm, false
		}
		cost := func(k int) int64 { c, _ := s.scoreTask(t, k); return c }
		r := 0
		for r < n && cost(r+1) < cost(r) {
			r++
		}
		base := cost(r)
		var u, o int64
		if r > 0 {
			u = cost(r-1) - base
		}
		if r < n {
			o = cost(r+1) - base
		}
		if u < 0 || o < 0 {
			return cm, false
		}
		for _, k := range []int{0, r / 2, r + 2, n} {
			if k < 0 || k > n {
				continue
			}
			want := base + u*int64(r-k)
			if k > r {
				want = base + o*int64(k-r)
			}
			if cost(k) != want {
				return cm, false
			}
		}
		cm.req[t], cm.under[t], cm.over[t] = r, float64(u), float64(o)
		cm.base += float64(base)
	}
	return cm, true
}

// lpCol is a column of the master: worker w's schedule tasks at cost.
type lpCol struct {
	w      int
	tasks  []int
	cost   float64
	banned bool // priced out while diving (see ban)
}

// lpMaster is the restricted master problem over the active workers:
//
//	min  Σ cost·λ + Σ under·U + Σ over·O
//	s.t. Σ λ (over columns holding t) + U_t − O_t = rhs_t   for each task t
//	     Σ λ (over worker w's columns)            = 1       for each active worker
//	     λ, U, O ≥ 0
//
// solved by the revised simplex with an explicit basis inverse (dense;
// the benchmark's masters have a few hundred rows).
type lpMaster struct {
	T, m   int
	cm     *coverModel
	rowOf  []int     // rowOf[w]: w's convexity row, -1 if not active
	rhs    []float64 // each task's requirement left, unperturbed (for the bound)
	b      []float64 // right-hand sides: requirement left per task, then 1 (0 once fixed) per worker
	cols   []lpCol   // columns in this master (variables 2T+i)
	basic  []int     // basic[p]: the variable basic in position p
	inBase []bool
	binv   []float64 // m×m, row-major
	xB     []float64
	y      []float64 // duals
	d      []float64 // B⁻¹a for variable dFor
	dFor   int
	nz     []int32 // scratch: the pivot row's nonzeros
	from   int     // partial pricing: where the next scan starts
	pivots int
}

const lpTol = 1e-9

// refactorEvery is how many pivots the basis inverse is updated in place
// before it is computed afresh (to shed rounding error).
const refactorEvery = 500

// pivotTol is the smallest entry of B⁻¹a_q the ratio test pivots on:
// dividing by a smaller one (rounding noise, often) wrecks the inverse.
const pivotTol = 1e-6

// priceChunk is how many improving variables partial pricing looks at
// before it picks the best of them.
const priceChunk = 64

func (lp *lpMaster) nvars() int { return 2*lp.T + len(lp.cols) }

// forEach calls f with each nonzero row of variable j and its coefficient.
func (lp *lpMaster) forEach(j int, f func(i int, a float64)) {
	if j < 2*lp.T {
		if j%2 == 0 {
			f(j/2, 1)
		} else {
			f(j/2, -1)
		}
		return
	}
	c := &lp.cols[j-2*lp.T]
	for _, t := range c.tasks {
		f(t, 1)
	}
	f(lp.rowOf[c.w], 1)
}

func (lp *lpMaster) cost(j int) float64 {
	if j < 2*lp.T {
		if j%2 == 0 {
			return lp.cm.under[j/2]
		}
		return lp.cm.over[j/2]
	}
	return lp.cols[j-2*lp.T].cost
}

// newMaster builds the master for the workers with rowOf ≥ 0 over the given
// columns, with start[w] the index (in cols) of the column each active worker
// starts on; the first basis is those columns and one cover variable per
// task, so it is feasible at once.
func newMaster(cm *coverModel, T int, rowOf []int, active int, rhs []float64, cols []lpCol, start []int) *lpMaster {
	m := T + active
	lp := &lpMaster{T: T, m: m, cm: cm, rowOf: rowOf, cols: cols,
		basic: make([]int, m), binv: make([]float64, m*m), xB: make([]float64, m),
		y: make([]float64, m), d: make([]float64, m)}
	lp.inBase = make([]bool, lp.nvars())
	// The right-hand sides are perturbed by a few millionths, each row by
	// a different amount, so that no basis is degenerate: without it the
	// simplex stalls for thousands of pivots on these set-partitioning
	// masters. The bound is computed from the true sides.
	lp.b = make([]float64, m)
	copy(lp.b, rhs)
	for t := T; t < m; t++ {
		lp.b[t] = 1
	}
	for i := range lp.b {
		lp.b[i] += 1e-6 * float64(1+(i*7919)%997) / 997
	}
	left := slices.Clone(rhs)
	for w, r := range rowOf {
		if r < 0 {
			continue
		}
		j := 2*T + start[w]
		lp.basic[r] = j
		for _, t := range cols[start[w]].tasks {
			left[t]--
		}
	}
	for t := range T {
		if left[t] >= 0 {
			lp.basic[t] = 2 * t
		} else {
			lp.basic[t] = 2*t + 1
		}
	}
	for _, j := range lp.basic {
		lp.inBase[j] = true
	}
	lp.dFor = -1
	lp.refactor()
	return lp
}

// refactor recomputes the basis inverse by Gauss–Jordan elimination with
// partial pivoting, and the basic values from it.
func (lp *lpMaster) refactor() bool {
	m := lp.m
	a := make([]float64, m*m)
	for p, j := range lp.basic {
		lp.forEach(j, func(i int, v float64) { a[i*m+p] = v })
	}
	inv := lp.binv
	clear(inv)
	for i := range m {
		inv[i*m+i] = 1
	}
	for c := range m {
		piv, best := -1, 0.0
		for r := c; r < m; r++ {
			if v := math.Abs(a[r*m+c]); v > best {
				piv, best = r, v
			}
		}
		if piv < 0 || best < 1e-12 {
			return false
		}
		if piv != c {
			for k := range m {
				a[piv*m+k], a[c*m+k] = a[c*m+k], a[piv*m+k]
				inv[piv*m+k], inv[c*m+k] = inv[c*m+k], inv[piv*m+k]
			}
		}
		// Columns left of c are already eliminated: only c.. changes in a.
		f := 1 / a[c*m+c]
		for k := c; k < m; k++ {
			a[c*m+k] *= f
		}
		for k := range m {
			inv[c*m+k] *= f
		}
		pa, pi := a[c*m:(c+1)*m], inv[c*m:(c+1)*m]
		for r := range m {
			if r == c {
				continue
			}
			if g := a[r*m+c]; g != 0 {
				ra, ri := a[r*m:(r+1)*m], inv[r*m:(r+1)*m]
				for k := c; k < m; k++ {
					ra[k] -= g * pa[k]
				}
				for k, v := range pi {
					if v != 0 {
						ri[k] -= g * v
					}
				}
			}
		}
	}
	lp.values()
	lp.dFor = -1
	return true
}

// values computes the basic variables' values B⁻¹b afresh.
func (lp *lpMaster) values() {
	m := lp.m
	for p := range m {
		var v float64
		for i, b := range lp.b {
			if b != 0 {
				v += lp.binv[p*m+i] * b
			}
		}
		if v > -lpTol && v < lpTol {
			v = 0
		}
		lp.xB[p] = v
	}
}

// intTol is how far from 0 or 1 a column's value may be and still count
// as whole (the right-hand sides are perturbed by millionths).
const intTol = 1e-3

// ban is what a column of a fixed worker, other than the one it is fixed
// to, costs on top of its own: ten times the most any column could save in
// cover (every day at the dearest cover rate) plus the dearest column, so
// the master never keeps one; not more, as a larger cost would swamp the
// simplex's tolerances.
func (g *colgen) ban() float64 {
	if g.banCost > 0 {
		return g.banCost
	}
	var rate, cost float64
	for t := range g.cm.req {
		rate = max(rate, g.cm.under[t], g.cm.over[t])
	}
	for _, cols := range g.pool {
		for _, c := range cols {
			cost = max(cost, c.cost)
		}
	}
	g.banCost = 10 * (float64(g.s.days)*rate + cost + 1)
	return g.banCost
}

// duals computes the simplex multipliers y = c_B·B⁻¹.
func (lp *lpMaster) duals() {
	m := lp.m
	clear(lp.y)
	for p, j := range lp.basic {
		c := lp.cost(j)
		if c == 0 {
			continue
		}
		row := lp.binv[p*m : (p+1)*m]
		for i := range m {
			lp.y[i] += c * row[i]
		}
	}
}

// reduced is variable j's reduced cost c_j − y·a_j (written out, as the
// simplex prices every variable at every pivot).
func (lp *lpMaster) reduced(j int) float64 {
	if j < 2*lp.T {
		if j%2 == 0 {
			return lp.cm.under[j/2] - lp.y[j/2]
		}
		return lp.cm.over[j/2] + lp.y[j/2]
	}
	c := &lp.cols[j-2*lp.T]
	rc := c.cost - lp.y[lp.rowOf[c.w]]
	for _, t := range c.tasks {
		rc -= lp.y[t]
	}
	return rc
}

// solve runs the primal simplex from the current basis until no variable
// prices out (optimal) or the pivot budget is spent. It enters the most
// negative reduced cost (Dantzig's rule) while that makes progress; after
// stallPivots pivots without the value falling (the master is very
// degenerate) it uses Bland's rule, smallest index entering and leaving,
// which cannot cycle, until the value falls again.
func (lp *lpMaster) solve(ctx context.Context, budget int) bool {
	const stallPivots = 500
	last, stalled := lp.value(), 0
	lp.duals()
	for k := 0; k < budget; k++ {
		if k&63 == 63 && ctx.Err() != nil {
			return false
		}
		bland := stalled >= stallPivots
		q, best := -1, -1e-7
		if bland {
			for j := range lp.nvars() {
				if !lp.inBase[j] {
					if rc := lp.reduced(j); rc < best {
						q, best = j, rc
						break
					}
				}
			}
		} else {
			// Partial pricing: scan from where the last scan stopped and
			// take the best of the first priceChunk variables that
			// would enter (or of all, if fewer would).
			n := lp.nvars()
			found := 0
			for i := range n {
				j := (lp.from + i) % n
				if lp.inBase[j] {
					continue
				}
				if rc := lp.reduced(j); rc < -1e-7 {
					found++
					if rc < best {
						q, best = j, rc
					}
					if found >= priceChunk {
						lp.from = (j + 1) % n
						break
					}
				}
			}
		}
		if q < 0 {
			return true
		}
		r := lp.leaving(q, bland)
		if r < 0 {
			return false // unbounded: cannot happen with non-negative cover rates
		}
		lp.pivot(q, r, best)
		if lp.pivots%refactorEvery == 0 {
			if !lp.refactor() {
				return false
			}
			lp.duals()
		}
		if v := lp.value(); v < last-lpTol {
			last, stalled = v, 0
		} else {
			stalled++
		}
	}
	return false
}

func (lp *lpMaster) value() float64 {
	var v float64
	for p, j := range lp.basic {
		v += lp.cost(j) * lp.xB[p]
	}
	return v
}

func (lp *lpMaster) addCol(c lpCol) {
	lp.cols = append(lp.cols, c)
	lp.inBase = append(lp.inBase, false)
}

// leaving computes d = B⁻¹a_q and picks the basic position that leaves
// when q enters (the ratio test), or -1 if none limits it.
func (lp *lpMaster) leaving(q int, bland bool) int {
	m := lp.m
	lp.ftran(q)
	r, ratio := -1, math.Inf(1)
	for p := range m {
		if dp := lp.d[p]; dp > pivotTol {
			v := max(0, lp.xB[p]) / dp
			if v < ratio-lpTol {
				r, ratio = p, v
			} else if v < ratio+lpTol && r >= 0 {
				if (bland && lp.basic[p] < lp.basic[r]) || (!bland && dp > lp.d[r]) {
					r, ratio = p, v
				}
			}
		}
	}
	return r
}

// ftran computes d = B⁻¹a_q.
func (lp *lpMaster) ftran(q int) {
	m := lp.m
	clear(lp.d)
	lp.forEach(q, func(i int, a float64) {
		for p := range m {
			lp.d[p] += lp.binv[p*m+i] * a
		}
	})
	lp.dFor = q
}

// pivot makes q basic in position r, given q's reduced cost rc before the
// pivot (d = B⁻¹a_q is computed here unless leaving just did).
func (lp *lpMaster) pivot(q, r int, rc float64) {
	m := lp.m
	if q != lp.dFor {
		lp.ftran(q)
	}
	theta := lp.xB[r] / lp.d[r]
	for p := range m {
		if p != r {
			lp.xB[p] -= theta * lp.d[p]
			if lp.xB[p] > -lpTol && lp.xB[p] < lpTol {
				lp.xB[p] = 0
			}
		}
	}
	lp.xB[r] = theta
	pr := lp.binv[r*m : (r+1)*m]
	f := 1 / lp.d[r]
	// The pivot row is mostly zeros: update the other rows only where it
	// is not.
	lp.nz = lp.nz[:0]
	for i := range m {
		if pr[i] != 0 {
			pr[i] *= f
			lp.nz = append(lp.nz, int32(i))
		}
	}
	for p := range m {
		if g := lp.d[p]; p != r && g != 0 {
			row := lp.binv[p*m : (p+1)*m]
			for _, i := range lp.nz {
				row[i] -= g * pr[i]
			}
		}
	}
	// The duals move along the new row r of the inverse by the entering
	// variable's reduced cost (so that it prices to zero).
	for _, i := range lp.nz {
		lp.y[i] += rc * pr[i]
	}
	lp.inBase[lp.basic[r]] = false
	lp.inBase[q] = true
	lp.basic[r] = q
	lp.pivots++
	lp.dFor = -1
}

// colgen is the column-generation state of one search.
type colgen struct {
	s       *search
	cm      coverModel
	pool    [][]lpCol        // pool[w]: every column generated for w
	seen    []map[string]int // seen[w]: index+1 in pool[w] of each schedule, by key
	missing bool             // some worker has no allowed schedule: no bound
	scale   float64
	wK      []int64
	priceK  []int64
	key     []byte
	bound   float64   // best lower bound found (−Inf if none)
	root    *lpMaster // the master over every worker, solved
	ws      []int     // the workers in it
	banCost float64   // see ban
}

// Column generation's budgets: simplex pivots per master solve, pricing
// rounds at the root and after each fix while diving; and the most of a
// time limit the root may take for the dives to follow.
const (
	rootShare    = 0.25
	cgPivots     = 20_000
	cgRootRounds = 400
	cgDiveRounds = 8
	// While diving the master is solved with at most this many pivots a
	// round: banning a fixed worker's other columns can leave it crawling
	// through thousands of nearly degenerate pivots, and a dive needs
	// only a good master, not the best.
	cgDivePivots = 8000
	cgDiveShare  = 4
)

// columnGeneration solves the master at the root, records its lower bound,
// and dives to a whole plan, which becomes the search's current plan (and
// its best if it is better). It returns false if it could not run (the
// cover is not of the model's form, or ctx ended first).
func (s *search) columnGeneration(ctx context.Context) bool {
	if s.rows == nil || s.p.Workers == 0 {
		return false
	}
	if _, ok := s.p.Rules.(RowSolver); !ok {
		return false
	}
	cm, ok := s.coverModel()
	if !ok {
		return false
	}
	T, W := len(s.p.Tasks), s.p.Workers
	if T+W > 800 {
		return false // the dense master would be too slow
	}
	g := &colgen{s: s, cm: cm, pool: make([][]lpCol, W), seen: make([]map[string]int, W),
		scale: 1e4, priceK: make([]int64, T), bound: math.Inf(-1)}
	g.wK = make([]int64, MaxTerms)
	for i := range g.wK {
		g.wK[i] = s.weights[i] * int64(g.scale)
	}
	for w := range W {
		g.seen[w] = map[string]int{}
	}
	// First columns: each worker's schedule in the current plan if it is
	// allowed, and their best schedule if every task were short of a
	// worker.
	y := make([]float64, T)
	for t := range T {
		y[t] = cm.under[t]
	}
	rhs := make([]float64, T)
	for t := range T {
		rhs[t] = float64(cm.req[t])
	}
	var ws []int
	for w := range W {
		if s.wViol[w] == 0 {
			g.add(w, s.assign[w])
		}
		g.price(w, y, 0)
		if len(g.pool[w]) == 0 {
			// no allowed schedule: the worker keeps theirs, and there is
			// no bound
			g.missing = true
			for _, t := range s.assign[w] {
				rhs[t]--
			}
			continue
		}
		ws = append(ws, w)
	}
	var began time.Time
	if s.opt.Now != nil {
		began = s.opt.Now()
	}
	start := make([]int, W)
	lp, ok := g.relax(ctx, ws, rhs, start)
	if !ok {
		return false
	}
	if dl, ok := ctx.Deadline(); ok && s.opt.Now != nil {
		// A dive solves the master again after every fix, each time from
		// a harder start than the root's: if the root alone took more
		// than rootShare of the time, the dives would not finish, and
		// the search anneals instead (keeping the bound).
		if took := s.opt.Now().Sub(began); float64(took) > rootShare*float64(dl.Sub(began)) {
			g.trace("root took %.1fs: annealing instead of diving", took.Seconds())
			return false
		}
	}
	g.root, g.ws = lp.clone(), ws
	rows, ok := g.dive(ctx, lp, ws, nil)
	if !ok {
		return false
	}
	for _, w := range ws {
		s.setRow(w, rows[w])
	}
	s.cg = g
	g.trace("dive done: plan %d (%d breaks)", s.soft, s.breaks)
	if s.breaks < s.bestBreak || (s.breaks == s.bestBreak && s.soft < s.bestSoft) {
		s.saveBest()
	}
	return true
}

// columns lists the pool's columns of the active workers and, for each,
// the index in that list of its start column.
func (g *colgen) columns(rowOf []int, start []int) ([]lpCol, []int) {
	var cols []lpCol
	st := make([]int, len(rowOf))
	for w, r := range rowOf {
		if r < 0 {
			continue
		}
		st[w] = len(cols) + start[w]
		cols = append(cols, g.pool[w]...)
	}
	return cols, st
}

func clip(v, lo, hi float64) float64 { return min(hi, max(lo, v)) }

// price finds worker w's best schedule against the duals y (mu the
// worker's own dual) and adds it to the pool if it is new and allowed. It
// returns the schedule's reduced cost, whether it was added, and false if
// w has no allowed schedule.
func (g *colgen) price(w int, y []float64, mu float64) (rc float64, added, ok bool) {
	s := g.s
	for _, t := range s.p.Eligible[w] {
		g.priceK[t] = int64(math.Round(-y[t] * g.scale))
	}
	// The fast row search may return a schedule that breaks a rule it
	// does not count; if it returns an allowed one, that is the best
	// allowed one too (it searched a superset). Otherwise ask the exact
	// search, when the rules have one.
	row, ok := s.rows.BestSchedule(w, g.priceK, g.wK, s.rowBuf[:0])
	if ex, isExact := s.rows.(ExactRowSolver); ok && isExact && s.p.Rules.Violations(w, row) > 0 {
		row, ok = ex.BestScheduleExact(w, g.priceK, g.wK, row[:0])
	}
	s.rowBuf = row
	if !ok {
		return 0, false, false
	}
	_, cost := s.scoreWorker(w, row)
	rc = float64(cost) - mu
	for _, t := range row {
		rc -= y[t]
	}
	if s.p.Rules.Violations(w, row) == 0 {
		added = g.add(w, row)
	}
	return rc, added, true
}

// index is row's index in w's pool, or -1; it leaves row's key in g.key.
func (g *colgen) index(w int, row []int) int {
	g.key = g.key[:0]
	for _, t := range row {
		g.key = append(g.key, byte(t), byte(t>>8), byte(t>>16))
	}
	return g.seen[w][string(g.key)] - 1
}

// add puts schedule row into w's pool unless it is there already, and
// says whether it did.
func (g *colgen) add(w int, row []int) bool {
	if g.index(w, row) >= 0 {
		return false
	}
	g.seen[w][string(g.key)] = len(g.pool[w]) + 1
	_, cost := g.s.scoreWorker(w, row)
	g.pool[w] = append(g.pool[w], lpCol{w: w, tasks: slices.Clone(row), cost: float64(cost)})
	return true
}

func (g *colgen) trace(format string, args ...any) {
	if g.s.opt.Trace != nil {
		g.s.opt.Trace(format, args...)
	}
}

// relax builds the root master over the workers ws (every other worker,
// one without an allowed schedule, held to theirs, which rhs, each task's
// requirement less those others' cover, already accounts for), starting
// each worker on its column start[w] in the pool, solves it by column
// generation and records the lower bound.
func (g *colgen) relax(ctx context.Context, ws []int, rhs []float64, start []int) (*lpMaster, bool) {
	s := g.s
	T, W := len(s.p.Tasks), s.p.Workers
	rowOf := make([]int, W)
	for w := range rowOf {
		rowOf[w] = -1
	}
	for i, w := range ws {
		rowOf[w] = T + i
	}
	cols, st := g.columns(rowOf, start)
	lp := newMaster(&g.cm, T, rowOf, len(ws), rhs, cols, st)
	lp.rhs = rhs
	ok := g.generate(ctx, lp, ws, make([]bool, W), cgRootRounds, cgPivots, true)
	return lp, ok
}

// generate runs up to rounds of column generation on lp: solve the
// master, price each worker in ws not done, add the columns that would
// lower it, until none would.
func (g *colgen) generate(ctx context.Context, lp *lpMaster, ws []int, done []bool, rounds, pivots int, root bool) bool {
	s, cm := g.s, &g.cm
	T := len(s.p.Tasks)
	for range rounds {
		if ctx.Err() != nil {
			return false
		}
		lp.solve(ctx, pivots)
		lp.duals()
		// Duals outside the range where the cover terms stay bounded
		// (only before the master is optimal) are clipped: any duals in
		// that range give a valid bound.
		for t := range T {
			lp.y[t] = clip(lp.y[t], -cm.over[t], cm.under[t])
		}
		added := 0
		lb := cm.base
		for t := range T {
			lb += lp.y[t] * lp.rhs[t]
		}
		for _, w := range ws {
			if done[w] {
				continue
			}
			rc, isNew, ok := g.price(w, lp.y, lp.y[lp.rowOf[w]])
			if !ok {
				lb = math.Inf(-1)
				continue
			}
			// The schedule found is optimal for prices rounded to
			// 1/scale, so the least reduced cost is at most two
			// roundings below its own.
			lb += min(0, rc-2*float64(s.days)/g.scale) + lp.y[lp.rowOf[w]]
			if isNew && rc < -1e-6 {
				lp.addCol(g.pool[w][len(g.pool[w])-1])
				added++
			}
		}
		if root {
			if !g.missing && lb > g.bound {
				g.bound = lb
				s.bound = lb
			}
			g.trace("root: master %.1f, bound %.1f, %d columns, %d pivots", lp.value()+cm.base, g.bound, len(lp.cols), lp.pivots)
		}
		// Whole objectives: once the bound rounds up to the master's
		// value, more columns cannot improve the master by a unit.
		if added == 0 || (root && math.Ceil(g.bound-1e-6) >= lp.value()+cm.base-1e-6) {
			break
		}
	}
	return ctx.Err() == nil
}

// dive fixes workers to columns until each of ws has one schedule, which
// it returns in rows[w]. At each step it fixes the workers whose schedule
// the master uses wholly, and of the others those whose schedule it uses
// most (one in cgDiveShare of the workers left, at least one; with rng,
// the values are shaken by up to diveNoise first, so that dives differ). A
// fixed worker's other columns are priced out of the master, so the
// primal simplex, which stays feasible, moves the worker wholly onto the
// fixed one; then columns are generated again for the workers left.
func (g *colgen) dive(ctx context.Context, lp *lpMaster, ws []int, rng *rand.Rand) ([][]int, bool) {
	T, W := lp.T, g.s.p.Workers
	rows := make([][]int, W)
	done := make([]bool, W)
	active := len(ws)
	key := make([]float64, lp.m)
	for first := true; active > 0; first = false {
		if !first && !g.generate(ctx, lp, ws, done, cgDiveRounds, cgDivePivots, false) {
			return nil, false
		}
		if rng == nil {
			g.trace("dive: %d workers left, master %.1f, %d pivots", active, lp.value()+g.cm.base, lp.pivots)
		}
		var fix, frac []int
		for p, j := range lp.basic {
			if j < 2*T || done[lp.cols[j-2*T].w] {
				continue
			}
			if lp.xB[p] > 1-intTol {
				fix = append(fix, j-2*T)
			} else if lp.xB[p] > intTol {
				frac = append(frac, p)
				key[p] = lp.xB[p]
				if rng != nil {
					key[p] += diveNoise * rng.Float64()
				}
			}
		}
		slices.SortStableFunc(frac, func(a, b int) int {
			if key[a] != key[b] {
				if key[a] > key[b] {
					return -1
				}
				return 1
			}
			return lp.basic[a] - lp.basic[b]
		})
		want := max(1, active/cgDiveShare)
		took := map[int]bool{}
		for _, p := range frac {
			if len(took) >= want {
				break
			}
			if c := lp.cols[lp.basic[p]-2*T]; !took[c.w] {
				took[c.w] = true
				fix = append(fix, lp.basic[p]-2*T)
			}
		}
		if len(fix) == 0 {
			return nil, false // cannot happen: every active worker's row asks for a column
		}
		for _, ci := range fix {
			c := lp.cols[ci]
			if done[c.w] {
				continue
			}
			done[c.w] = true
			rows[c.w] = c.tasks
			active--
			for i := range lp.cols {
				if col := &lp.cols[i]; col.w == c.w && i != ci && !col.banned {
					col.cost += g.ban()
					col.banned = true
				}
			}
		}
	}
	return rows, true
}

// diveNoise is how much, at most, a dive after the first shakes each
// column's value before choosing which to fix.
const diveNoise = 0.3

// clone is an independent copy of the master (its columns' costs change
// while diving; their task lists are shared and never change).
func (lp *lpMaster) clone() *lpMaster {
	c := *lp
	c.cols = slices.Clone(lp.cols)
	c.basic = slices.Clone(lp.basic)
	c.inBase = slices.Clone(lp.inBase)
	c.binv = slices.Clone(lp.binv)
	c.xB = slices.Clone(lp.xB)
	c.y = slices.Clone(lp.y)
	c.d = slices.Clone(lp.d)
	c.b = slices.Clone(lp.b)
	return &c
}

// diveMoves is what one more dive counts against a move budget (about its
// cost in simple moves).
const diveMoves = 200_000

// diveAgain dives once more from the root master, with shaken choices, and
// polishes the plan it gives to a local optimum; the best plan is kept.
func (s *search) diveAgain(ctx context.Context) {
	g := s.cg
	s.moves += diveMoves
	rows, ok := g.dive(ctx, g.root.clone(), g.ws, s.rng)
	if !ok {
		return
	}
	for _, w := range g.ws {
		s.setRow(w, rows[w])
	}
	if s.breaks < s.bestBreak || (s.breaks == s.bestBreak && s.soft < s.bestSoft) {
		s.saveBest()
	}
	s.polish(ctx, false)
	g.trace("dive again: plan %d, best %d", s.soft, s.bestSoft)
}
