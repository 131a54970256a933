package plan_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/plan"
	"github.com/goodshift/goodshift/internal/testenv"
)

// rota is a small random week of shifts and people with the kinds of rule
// the product has: the law (no overlap, a rest between shifts, a weekly
// cap), a contract's most shifts, agreed adjustments (no start before an
// hour, no finish after one, no shift longer than some hours, at most a few
// days in a row), temporary availability changes (days not available) and
// eligibility (site, skill). Soft: each person's "rather not" preference
// per shift, hours short of contracted hours, hours over wanted hours, and
// each place on a shift left unfilled.
//
// Its Rules implementation (Violations, WorkerCost, CoverCost) is what the
// solver sees; mipModel states the same problem independently, as a mixed
// integer programme, for CBC.
type rota struct {
	tasks  []plan.Task
	need   []int   // people each shift needs (= Task.Max)
	unfill []int64 // cost of each unfilled place
	people []person
}

type person struct {
	eligible    []int
	maxShifts   int
	rest        int64 // minutes between two shifts
	maxMinutes  int64
	contracted  int64 // minutes; hours short cost
	wanted      int64 // minutes; hours over cost (math.MaxInt64: none)
	rather      []int64
	startAfter  int64 // adjustment: no start before this minute of the day (0: none)
	endBy       int64 // adjustment: finish by this minute of the day (0: none)
	longest     int64 // adjustment: no shift longer than this (0: none)
	maxRun      int   // adjustment: at most this many days in a row (0: none)
	unavailable []bool
}

const rotaDays = 7

const (
	termRather = iota
	termShortHours
	termOverWanted
	termUnfilledPlaces
)

var rotaWeights = []int64{1, 3, 1, 1}

func (r *rota) Violations(w int, ts []int) int {
	p := &r.people[w]
	n := 0
	if len(ts) > p.maxShifts {
		n += len(ts) - p.maxShifts
	}
	var minutes int64
	var worked [rotaDays + 2]bool
	for i, t := range ts {
		task := r.tasks[t]
		minutes += task.End - task.Start
		if i > 0 {
			prev := r.tasks[ts[i-1]]
			if task.Start < prev.End || task.Start-prev.End < p.rest {
				n++
			}
		}
		if p.unavailable[task.Day] {
			n++
		}
		dayStart := int64(task.Day) * 1440
		if p.startAfter > 0 && task.Start-dayStart < p.startAfter {
			n++
		}
		if p.endBy > 0 && task.End-dayStart > p.endBy {
			n++
		}
		if p.longest > 0 && task.End-task.Start > p.longest {
			n++
		}
		worked[task.Day] = true
	}
	if minutes > p.maxMinutes {
		n++
	}
	if p.maxRun > 0 {
		run := 0
		for _, wk := range worked {
			if wk {
				run++
				if run > p.maxRun {
					n++
				}
			} else {
				run = 0
			}
		}
	}
	return n
}

func (r *rota) WorkerCost(w int, ts []int, into *plan.Terms) {
	p := &r.people[w]
	var minutes int64
	for _, t := range ts {
		into[termRather] += p.rather[t]
		minutes += r.tasks[t].End - r.tasks[t].Start
	}
	if minutes < p.contracted {
		into[termShortHours] += (p.contracted - minutes) / 60
	}
	if minutes > p.wanted {
		into[termOverWanted] += (minutes - p.wanted) / 60
	}
}

func (r *rota) CoverCost(t, n int, into *plan.Terms) {
	if n < r.need[t] {
		into[termUnfilledPlaces] += int64(r.need[t]-n) * r.unfill[t]
	}
}

// randomRota is a seeded random rota of 3–8 people and 10–30 shifts over a
// week. All times are whole hours, so hours short and over are exact.
func randomRota(seed uint64) (*plan.Problem, *rota) {
	rng := rand.New(rand.NewPCG(seed, 2026))
	W := 3 + rng.IntN(6)
	T := 10 + rng.IntN(21)
	r := &rota{}
	starts := []int64{6, 7, 8, 10, 12, 14, 16, 18, 22}
	for range T {
		day := rng.IntN(rotaDays)
		start := int64(day)*1440 + starts[rng.IntN(len(starts))]*60
		hours := int64(4 + rng.IntN(7))
		need := 1
		if rng.IntN(6) == 0 {
			need = 2
		}
		r.tasks = append(r.tasks, plan.Task{Day: day, Start: start, End: start + hours*60, Max: need, Kind: rng.IntN(3)})
		r.need = append(r.need, need)
		r.unfill = append(r.unfill, int64(8+rng.IntN(40)))
	}
	for range W {
		p := person{
			maxShifts:   2 + rng.IntN(4),
			rest:        []int64{0, 11 * 60, 11 * 60, 12 * 60}[rng.IntN(4)],
			maxMinutes:  int64(16+rng.IntN(6)*8) * 60,
			wanted:      math.MaxInt64,
			rather:      make([]int64, T),
			unavailable: make([]bool, rotaDays),
		}
		if rng.IntN(2) == 0 {
			p.contracted = int64(8+rng.IntN(4)*8) * 60
		} else {
			p.wanted = int64(8+rng.IntN(4)*6) * 60
		}
		if rng.IntN(4) == 0 {
			p.startAfter = int64(8+rng.IntN(3)) * 60
		}
		if rng.IntN(4) == 0 {
			p.endBy = int64(16+rng.IntN(5)) * 60
		}
		if rng.IntN(5) == 0 {
			p.longest = int64(6+rng.IntN(3)) * 60
		}
		if rng.IntN(3) == 0 {
			p.maxRun = 1 + rng.IntN(3)
		}
		for d := range rotaDays {
			p.unavailable[d] = rng.IntN(8) == 0
		}
		for t := range T {
			if rng.IntN(3) == 0 {
				p.rather[t] = int64(1 + rng.IntN(6))
			}
			if rng.IntN(5) > 0 {
				p.eligible = append(p.eligible, t)
			}
		}
		r.people = append(r.people, p)
	}
	pr := &plan.Problem{
		Workers: W, Tasks: r.tasks, Rules: r, Eligible: make([][]int, W),
		TermNames: []string{"rather not", "hours short of contract", "hours over wanted", "places unfilled"},
		Weights:   rotaWeights,
	}
	for w := range W {
		pr.Eligible[w] = r.people[w].eligible
	}
	return pr, r
}

// mipModel writes the rota as a mixed integer programme in LP format,
// stated from the rota's data alone (not through its Rules):
//
//	x_w_t   binary: person w works shift t (only eligible shifts the
//	        person's adjustments and availability allow)
//	y_w_d   binary: person w works on day d (with a days-in-a-row limit)
//	s_w,o_w hours short of contract, hours over wanted (continuous, ≥ 0)
//
// The hard rules are constraints: places per shift, most shifts, weekly
// cap, no two shifts of one person overlapping or closer than the rest,
// no more than maxRun days in any maxRun+1 in a row. The objective is the
// weighted soft terms less the constant cost of every place unfilled, which
// is returned separately.
func mipModel(r *rota) (lp string, constant int64) {
	var b strings.Builder
	W, T := len(r.people), len(r.tasks)
	wRather, wShort, wOver, wUnfilled := rotaWeights[termRather], rotaWeights[termShortHours], rotaWeights[termOverWanted], rotaWeights[termUnfilledPlaces]
	allowed := make([][]bool, W)
	for w, p := range r.people {
		allowed[w] = make([]bool, T)
		for _, t := range p.eligible {
			task := r.tasks[t]
			dayStart := int64(task.Day) * 1440
			switch {
			case p.unavailable[task.Day]:
			case p.startAfter > 0 && task.Start-dayStart < p.startAfter:
			case p.endBy > 0 && task.End-dayStart > p.endBy:
			case p.longest > 0 && task.End-task.Start > p.longest:
			case task.End-task.Start > p.maxMinutes:
			default:
				allowed[w][t] = true
			}
		}
	}
	x := func(w, t int) string { return fmt.Sprintf("x_%d_%d", w, t) }
	term := func(coef int64, v string) string {
		if coef < 0 {
			return fmt.Sprintf(" - %d %s", -coef, v)
		}
		return fmt.Sprintf(" + %d %s", coef, v)
	}
	var binaries []string
	b.WriteString("Minimize\n obj:")
	for w, p := range r.people {
		for t := range T {
			if allowed[w][t] {
				b.WriteString(term(wRather*p.rather[t]-wUnfilled*r.unfill[t], x(w, t)))
				binaries = append(binaries, x(w, t))
			}
		}
		b.WriteString(term(wShort, fmt.Sprintf("s_%d", w)))
		b.WriteString(term(wOver, fmt.Sprintf("o_%d", w)))
		b.WriteString("\n")
	}
	for t := range T {
		constant += wUnfilled * r.unfill[t] * int64(r.need[t])
	}
	b.WriteString("Subject To\n")
	row := 0
	constraint := func(vars []string, coefs []int64, op string, rhs int64) {
		if len(vars) == 0 {
			return
		}
		row++
		fmt.Fprintf(&b, " c%d:", row)
		for i, v := range vars {
			b.WriteString(term(coefs[i], v))
		}
		fmt.Fprintf(&b, " %s %d\n", op, rhs)
	}
	ones := func(n int) []int64 {
		c := make([]int64, n)
		for i := range c {
			c[i] = 1
		}
		return c
	}
	for t := range T { // places per shift
		var vs []string
		for w := range W {
			if allowed[w][t] {
				vs = append(vs, x(w, t))
			}
		}
		constraint(vs, ones(len(vs)), "<=", int64(r.need[t]))
	}
	for w, p := range r.people {
		var vs []string
		var minutes []int64
		for t := range T {
			if allowed[w][t] {
				vs = append(vs, x(w, t))
				minutes = append(minutes, r.tasks[t].End-r.tasks[t].Start)
			}
		}
		constraint(vs, ones(len(vs)), "<=", int64(p.maxShifts))
		constraint(vs, minutes, "<=", p.maxMinutes)
		// 60 s_w + minutes >= contracted;  minutes - 60 o_w <= wanted
		if p.contracted > 0 {
			constraint(append(slices.Clone(vs), fmt.Sprintf("s_%d", w)), append(slices.Clone(minutes), 60), ">=", p.contracted)
		}
		if p.wanted < math.MaxInt64 {
			constraint(append(slices.Clone(vs), fmt.Sprintf("o_%d", w)), append(slices.Clone(minutes), -60), "<=", p.wanted)
		}
		for t := range T {
			for u := t + 1; u < T; u++ {
				if !allowed[w][t] || !allowed[w][u] {
					continue
				}
				a, c := r.tasks[t], r.tasks[u]
				if c.Start < a.Start {
					a, c = c, a
				}
				if c.Start < a.End || c.Start-a.End < p.rest {
					constraint([]string{x(w, t), x(w, u)}, []int64{1, 1}, "<=", 1)
				}
			}
		}
		if p.maxRun > 0 {
			y := func(d int) string { return fmt.Sprintf("y_%d_%d", w, d) }
			for d := range rotaDays {
				binaries = append(binaries, y(d))
				for t := range T {
					if allowed[w][t] && r.tasks[t].Day == d {
						constraint([]string{x(w, t), y(d)}, []int64{1, -1}, "<=", 0)
					}
				}
			}
			for d := 0; d+p.maxRun < rotaDays; d++ {
				var window []string
				for k := d; k <= d+p.maxRun; k++ {
					window = append(window, y(k))
				}
				constraint(window, ones(len(window)), "<=", int64(p.maxRun))
			}
		}
	}
	b.WriteString("Bounds\n")
	for w := range W {
		fmt.Fprintf(&b, " s_%d >= 0\n o_%d >= 0\n", w, w)
	}
	b.WriteString("Binaries\n")
	for _, v := range binaries {
		fmt.Fprintf(&b, " %s\n", v)
	}
	b.WriteString("End\n")
	return b.String(), constant
}

// solveMIP runs CBC on the model and returns the proven optimum and the
// values of the variables it reports (CBC lists the non-zero ones).
func solveMIP(t *testing.T, cbc, dir, lp string) (float64, map[string]float64) {
	t.Helper()
	model := filepath.Join(dir, "model.lp")
	solution := filepath.Join(dir, "solution.txt")
	if err := os.WriteFile(model, []byte(lp), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, cbc, model, "sec", "60", "threads", "1", "solve", "solution", solution).CombinedOutput()
	if err != nil {
		t.Fatalf("cbc: %v\n%s", err, out)
	}
	f, err := os.Open(solution)
	if err != nil {
		t.Fatalf("cbc wrote no solution: %v\n%s", err, out)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		t.Fatalf("empty cbc solution\n%s", out)
	}
	status := sc.Text()
	// "Optimal - objective value -123.00000000"
	if !strings.HasPrefix(status, "Optimal") {
		t.Fatalf("cbc did not prove an optimum: %q\n%s", status, out)
	}
	obj, err := strconv.ParseFloat(strings.TrimSpace(status[strings.LastIndex(status, " "):]), 64)
	if err != nil {
		t.Fatalf("cbc status line %q: %v", status, err)
	}
	values := map[string]float64{}
	for sc.Scan() {
		// "      3 x_0_5      1      -12": index, name, value, reduced cost
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "**"))
		if len(fields) < 3 {
			continue
		}
		v, err := strconv.ParseFloat(fields[2], 64)
		if err != nil {
			t.Fatalf("cbc solution line %q: %v", sc.Text(), err)
		}
		values[fields[1]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return obj, values
}

// TestSolverMatchesMIPOptimum is issue 11's exact oracle: on 200 seeded
// random rotas (at most 8 people and 30 shifts, with random adjustments and
// availability) the solver's plan never breaks a hard rule, and its
// objective equals the optimum CBC proves for an independent MIP model of
// the same rota on at least 95% of them. The MIP's own plan is checked
// against the rules too, so the two models must agree.
func TestSolverMatchesMIPOptimum(t *testing.T) {
	cbc := testenv.CbcPath(t)
	dir := t.TempDir()
	const instances = 200
	optimal, tasks, people := 0, 0, 0
	for seed := range uint64(instances) {
		p, r := randomRota(seed)
		tasks, people = max(tasks, len(p.Tasks)), max(people, p.Workers)

		lp, constant := mipModel(r)
		obj, values := solveMIP(t, cbc, dir, lp)
		want := constant + int64(math.Round(obj))
		if math.Abs(obj-math.Round(obj)) > 1e-6 {
			t.Fatalf("seed %d: cbc objective %v is not whole", seed, obj)
		}
		mip := make([][]int, p.Workers)
		for w := range mip {
			for task := range p.Tasks {
				if values[fmt.Sprintf("x_%d_%d", w, task)] > 0.5 {
					mip[w] = append(mip[w], task)
				}
			}
			sortByStart(p, mip[w])
		}
		checkPlan(t, seed, "MIP", p, mip)
		if terms, _ := p.Evaluate(mip); p.Weigh(terms) != want {
			t.Fatalf("seed %d: the MIP's plan scores %d under the rules, cbc says %d: the models disagree", seed, p.Weigh(terms), want)
		}

		sol, err := plan.Solve(context.Background(), p, plan.Options{Seed: seed, MaxMoves: 120_000, Restarts: 12})
		if err != nil {
			t.Fatal(err)
		}
		if !sol.Feasible {
			t.Fatalf("seed %d: plan breaks a hard rule", seed)
		}
		checkPlan(t, seed, "solver", p, sol.Assign)
		terms, breaks := p.Evaluate(sol.Assign)
		if breaks != 0 || p.Weigh(terms) != sol.Objective || terms != sol.Terms {
			t.Fatalf("seed %d: reported objective %d %v, evaluated %d %v (%d breaks)", seed, sol.Objective, sol.Terms, p.Weigh(terms), terms, breaks)
		}
		if sol.Objective < want {
			t.Fatalf("seed %d: objective %d below the proven optimum %d: a model is wrong", seed, sol.Objective, want)
		}
		if sol.Objective == want {
			optimal++
		} else {
			t.Logf("seed %d (%d people, %d shifts): objective %d, optimum %d", seed, p.Workers, len(p.Tasks), sol.Objective, want)
		}
	}
	t.Logf("%d of %d optimal (up to %d people, %d shifts)", optimal, instances, people, tasks)
	if optimal*100 < instances*95 {
		t.Fatalf("only %d of %d instances solved to optimality, want 95%%", optimal, instances)
	}
}

// checkPlan fails the test if a plan gives anyone a shift they are not
// eligible for, a shift twice, or a schedule breaking a hard rule, or
// overfills a shift.
func checkPlan(t *testing.T, seed uint64, who string, p *plan.Problem, assign [][]int) {
	t.Helper()
	count := make([]int, len(p.Tasks))
	for w, ts := range assign {
		sorted := slices.Clone(ts)
		sortByStart(p, sorted)
		if !slices.Equal(sorted, ts) {
			t.Fatalf("seed %d: %s: worker %d's tasks %v are not sorted by start", seed, who, w, ts)
		}
		if n := p.Rules.Violations(w, ts); n != 0 {
			t.Fatalf("seed %d: %s: worker %d breaks %d rules with %v", seed, who, w, n, ts)
		}
		for i, task := range ts {
			if !slices.Contains(p.Eligible[w], task) {
				t.Fatalf("seed %d: %s: worker %d given task %d they are not eligible for", seed, who, w, task)
			}
			if i > 0 && ts[i-1] == task {
				t.Fatalf("seed %d: %s: worker %d holds task %d twice", seed, who, w, task)
			}
			count[task]++
		}
	}
	for task, n := range count {
		if n > p.Tasks[task].Max {
			t.Fatalf("seed %d: %s: task %d held by %d, at most %d", seed, who, task, n, p.Tasks[task].Max)
		}
	}
}

func sortByStart(p *plan.Problem, ts []int) {
	slices.SortFunc(ts, func(a, b int) int {
		if c := p.Tasks[a].Start - p.Tasks[b].Start; c != 0 {
			return int(c)
		}
		return a - b
	})
}
