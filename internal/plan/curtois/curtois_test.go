package curtois_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goodshift/goodshift/internal/plan"
	"github.com/goodshift/goodshift/internal/plan/curtois"
)

// tiny is a hand-made instance: two weeks, two shift types (L may not be
// followed by E), two employees.
const tiny = `# hand-made
SECTION_HORIZON
14

SECTION_SHIFTS
E,480,
L,480,E

SECTION_STAFF
A,E=14|L=2,2400,960,3,2,2,1
B,E=14|L=14,4800,0,7,1,1,1

SECTION_DAYS_OFF
A,3

SECTION_SHIFT_ON_REQUESTS
A,0,E,2
B,1,L,3

SECTION_SHIFT_OFF_REQUESTS
B,2,E,1

SECTION_COVER
0,E,1,100,1
1,L,1,100,1
5,E,1,50,2
`

func mustParse(t testing.TB, text string) *curtois.Instance {
	t.Helper()
	in, err := curtois.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func mustParseFile(t testing.TB, name string) *curtois.Instance {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := curtois.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// rows turns "EE..L" strings (one per employee, '.' off) into a roster.
func rows(in *curtois.Instance, lines ...string) curtois.Roster {
	r := in.NewRoster()
	for e, line := range lines {
		for d, c := range line {
			for s, sh := range in.Shifts {
				if sh.ID == string(c) {
					r[e][d] = s
				}
			}
		}
	}
	return r
}

func TestCheckHandMadeRosters(t *testing.T) {
	in := mustParse(t, tiny)
	tests := []struct {
		name      string
		a, b      string
		problems  []string // substrings, in order
		objective int
	}{
		{"feasible", "EE............", "..............", nil, 0 + 3 + 100 + 50},
		{"requests and cover met", "EE............", ".L...E........", nil, 0 + 0 + 0 + 0},
		{"over cover and an off request met", "EE...EE.......", "..E..E........", nil, 3 + 1 + 100 + 2},
		{"short break between runs", "EEE.EE........", "..............", []string{"1 days off in a row from day 3"}, 3 + 100},
		{"forbidden succession", "LE............", "..............", []string{"L on day 0 followed by E"}, 2 + 3 + 100 + 100 + 50},
		{"short run, short break, day off", ".E.EE.........", "..............", []string{"a required day off", "1 days in a row from day 1", "1 days off in a row from day 2"}, 2 + 100 + 3 + 100 + 50},
		{"too few minutes", "E.............", "..............", []string{"480 minutes, at least 960"}, 3 + 100 + 50},
		{"a run at the end may be short", ".............E", "..............", []string{"480 minutes, at least 960"}, 2 + 100 + 3 + 100 + 50},
		{"too long a run", "EEEE..........", "..............", []string{"a required day off", "4 days in a row from day 0, at most 3"}, 3 + 100 + 50},
		{"too many of a type", "LL...LL.......", "..............", []string{"4 shifts of type L, at most 2"}, 2 + 100 + 3 + 50},
		{"too many weekends", "EE............", "......L......L", []string{"2 weekends, at most 1"}, 3 + 100 + 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := curtois.Check(in, rows(in, tt.a, tt.b))
			if len(v.Problems) != len(tt.problems) {
				t.Fatalf("problems %q, want %d like %q", v.Problems, len(tt.problems), tt.problems)
			}
			for _, want := range tt.problems {
				found := false
				for _, p := range v.Problems {
					found = found || strings.Contains(p, want)
				}
				if !found {
					t.Errorf("no problem mentions %q: %q", want, v.Problems)
				}
			}
			if v.Objective != tt.objective {
				t.Errorf("objective %d (on %d off %d under %d over %d), want %d", v.Objective, v.OnRequests, v.OffRequests, v.Under, v.Over, tt.objective)
			}
		})
	}
}

// The solver's rules and the checker are separate code: on random rows
// they must agree on feasibility and on the objective.
func TestRulesAgreeWithChecker(t *testing.T) {
	instances := []*curtois.Instance{mustParse(t, tiny)}
	for _, name := range []string{"Instance1.txt", "Instance2.txt", "Instance3.txt", "Instance4.txt"} {
		instances = append(instances, mustParseFile(t, name))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, in := range instances {
		p := in.Problem()
		S := len(in.Shifts)
		feasibleRows := 0
		for range 300 {
			r := in.NewRoster()
			assign := make([][]int, len(in.Staff))
			density := rng.Float64()
			for e := range r {
				for d := range r[e] {
					if rng.Float64() < density {
						s := rng.IntN(S)
						r[e][d] = s
						assign[e] = append(assign[e], d*S+s)
					}
				}
				got := p.Rules.Violations(e, assign[e]) == 0
				want := len(curtois.EmployeeProblems(in, e, r[e])) == 0
				if got != want {
					t.Fatalf("instance %d employee %d row %v: rules say allowed=%v, checker %v (%q)", i, e, r[e], got, want, curtois.EmployeeProblems(in, e, r[e]))
				}
				if got {
					feasibleRows++
				}
			}
			terms, _ := p.Evaluate(assign)
			v := curtois.Check(in, r)
			if p.Weigh(terms) != int64(v.Objective) || terms[curtois.TermUnder] != int64(v.Under) || terms[curtois.TermOnRequests] != int64(v.OnRequests) {
				t.Fatalf("instance %d: solver objective %d %v, checker %d %+v", i, p.Weigh(terms), terms, v.Objective, v)
			}
		}
		t.Logf("instance %d: %d allowed rows seen", i, feasibleRows)
	}
}

// randomInstance is a tiny random instance for exhaustive checks.
func randomInstance(rng *rand.Rand, days int) *curtois.Instance {
	S := 1 + rng.IntN(2)
	in := &curtois.Instance{Days: days}
	for s := range S {
		sh := curtois.Shift{ID: string(rune('E' + s)), Minutes: 240 * (1 + rng.IntN(2))}
		if s == 1 && rng.IntN(2) == 0 {
			sh.NotFollowedBy = []int{0}
		}
		in.Shifts = append(in.Shifts, sh)
	}
	for e := range 3 {
		st := curtois.Staff{
			ID:                string(rune('A' + e)),
			MaxMinutes:        240 * (2 + rng.IntN(days)),
			MinMinutes:        240 * rng.IntN(4),
			MaxConsecutive:    1 + rng.IntN(4),
			MinConsecutive:    1 + rng.IntN(3),
			MinConsecutiveOff: 1 + rng.IntN(3),
			MaxWeekends:       rng.IntN(2),
		}
		for range S {
			st.MaxShifts = append(st.MaxShifts, rng.IntN(days+1))
		}
		if rng.IntN(2) == 0 {
			st.DaysOff = []int{rng.IntN(days)}
		}
		in.Staff = append(in.Staff, st)
		for range 3 {
			q := curtois.Request{Staff: e, Day: rng.IntN(days), Shift: rng.IntN(S), Weight: 1 + rng.IntN(3)}
			if rng.IntN(2) == 0 {
				in.OnRequests = append(in.OnRequests, q)
			} else {
				in.OffRequests = append(in.OffRequests, q)
			}
		}
	}
	for d := range days {
		for s := range S {
			in.Cover = append(in.Cover, curtois.Cover{Day: d, Shift: s, Requirement: rng.IntN(3), Under: 1 + rng.IntN(20), Over: rng.IntN(3)})
		}
	}
	return in
}

// BestSchedule's dynamic programme must find the cheapest allowed row, as
// every row enumerated and judged by the checker does.
func TestBestScheduleIsOptimalForOneEmployee(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	weights := make([]int64, plan.MaxTerms)
	for i := range weights {
		weights[i] = 1
	}
	solved, rowsTried := 0, 0
	for i := range 25 {
		days := 7 + rng.IntN(2)
		in := randomInstance(rng, days)
		p := in.Problem()
		rs := p.Rules.(plan.RowSolver)
		S := len(in.Shifts)
		for e := range in.Staff {
			price := make([]int64, days*S)
			for t := range price {
				price[t] = int64(rng.IntN(21) - 10)
			}
			// Every row, by counting in base S+1.
			best, found := int64(1<<62), false
			row := make([]int, days)
			total := 1
			for range days {
				total *= S + 1
			}
			for code := range total {
				var tasks []int
				c := code
				for d := range days {
					row[d] = c%(S+1) - 1
					c /= S + 1
					if row[d] != curtois.Off {
						tasks = append(tasks, d*S+row[d])
					}
				}
				if len(curtois.EmployeeProblems(in, e, row)) > 0 {
					continue
				}
				cost := rowCost(p, e, tasks, price)
				if cost < best {
					best, found = cost, true
				}
			}
			got, ok := rs.BestSchedule(e, price, weights, nil)
			rowsTried++
			if ok != found {
				t.Fatalf("instance %d employee %d: DP found=%v, enumeration %v", i, e, ok, found)
			}
			if !ok {
				continue
			}
			if p.Rules.Violations(e, got) != 0 {
				t.Fatalf("instance %d employee %d: DP row %v breaks a rule", i, e, got)
			}
			if c := rowCost(p, e, got, price); c != best {
				t.Fatalf("instance %d employee %d: DP row %v costs %d, best %d", i, e, got, c, best)
			}
			solved++
		}
	}
	if solved*2 < rowsTried {
		t.Fatalf("only %d of %d employees have an allowed row: the test checks too little", solved, rowsTried)
	}
}

func rowCost(p *plan.Problem, e int, tasks []int, price []int64) int64 {
	var terms plan.Terms
	p.Rules.WorkerCost(e, tasks, &terms)
	cost := p.Weigh(terms)
	for _, t := range tasks {
		cost += price[t]
	}
	return cost
}

func TestSolveInstance1PassesTheChecker(t *testing.T) {
	in := mustParseFile(t, "Instance1.txt")
	sol, err := plan.Solve(context.Background(), in.Problem(), plan.Options{Seed: 1, MaxMoves: 50000})
	if err != nil {
		t.Fatal(err)
	}
	v := curtois.Check(in, in.Roster(sol.Assign))
	if !v.Feasible() || !sol.Feasible {
		t.Fatalf("infeasible: solver %v, checker %q", sol.Feasible, v.Problems)
	}
	if int64(v.Objective) != sol.Objective {
		t.Fatalf("solver objective %d, checker %d", sol.Objective, v.Objective)
	}
	t.Logf("Instance1: objective %d (best known 607)", sol.Objective)
}

func TestParseRejectsMalformedInput(t *testing.T) {
	tests := map[string]string{
		"no horizon":    "SECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=1,1,0,1,1,1,1\n",
		"bad number":    "SECTION_HORIZON\nx\n",
		"unknown shift": "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,X\nSECTION_STAFF\nA,D=1,1,0,1,1,1,1\n",
		"day outside":   "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=1,1,0,1,1,1,1\nSECTION_DAYS_OFF\nA,7\n",
		"unknown staff": "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=1,1,0,1,1,1,1\nSECTION_COVER\n0,Q,1,1,1\n",
		"short staff":   "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=1,1,0\n",
		"no staff":      "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\n",
		"zero length":   "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,0,\nSECTION_STAFF\nA,D=1,1,0,1,1,1,1\n",
	}
	for name, text := range tests {
		if _, err := curtois.Parse(strings.NewReader(text)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(tiny)
	f.Fuzz(func(t *testing.T, text string) {
		in, err := curtois.Parse(strings.NewReader(text))
		if err != nil {
			return
		}
		// A parsed instance must be usable: state it and check an empty roster.
		if in.Days > 400 || len(in.Staff)*len(in.Shifts) > 10000 {
			return
		}
		in.Problem()
		curtois.Check(in, in.NewRoster())
	})
}

// TestColumnGenerationBoundsTheOptimum checks column generation's lower
// bound against the published optima of instances 1–4 (proved optimal):
// never above them (a bound above an optimum would mean the master, its
// duals or the pricing are wrong), and, where the linear relaxation is
// known to be tight (2–4), equal to them; the dive's plan then reaches the
// optimum too. Without column generation there is no bound.
func TestColumnGenerationBoundsTheOptimum(t *testing.T) {
	for _, c := range []struct {
		file       string
		optimum    int64
		tight      bool
		minBoundPc int64 // the bound is at least this percentage of the optimum
	}{
		{"Instance1.txt", 607, false, 90},
		{"Instance2.txt", 828, true, 100},
		{"Instance3.txt", 1001, true, 100},
		{"Instance4.txt", 1716, true, 100},
	} {
		t.Run(c.file, func(t *testing.T) {
			in := mustParseFile(t, c.file)
			sol, err := plan.Solve(context.Background(), in.Problem(), plan.Options{Seed: 1, MaxMoves: 20000})
			if err != nil {
				t.Fatal(err)
			}
			if sol.Bound == math.MinInt64 {
				t.Fatal("no bound")
			}
			if sol.Bound > c.optimum {
				t.Fatalf("bound %d is above the optimum %d", sol.Bound, c.optimum)
			}
			if sol.Bound*100 < c.optimum*c.minBoundPc {
				t.Fatalf("bound %d is below %d %% of the optimum %d", sol.Bound, c.minBoundPc, c.optimum)
			}
			if sol.Objective < sol.Bound {
				t.Fatalf("objective %d is below the bound %d", sol.Objective, sol.Bound)
			}
			if c.tight && sol.Objective != c.optimum {
				t.Fatalf("objective %d, optimum %d (the bound proves it)", sol.Objective, c.optimum)
			}
			v := curtois.Check(in, in.Roster(sol.Assign))
			if !v.Feasible() || int64(v.Objective) != sol.Objective {
				t.Fatalf("checker: feasible %v, objective %d; solver %d", v.Feasible(), v.Objective, sol.Objective)
			}
			t.Logf("%s: bound %d, objective %d, optimum %d", c.file, sol.Bound, sol.Objective, c.optimum)

			off, err := plan.Solve(context.Background(), in.Problem(), plan.Options{Seed: 1, MaxMoves: 1000, NoColumnGeneration: true})
			if err != nil {
				t.Fatal(err)
			}
			if off.Bound != math.MinInt64 {
				t.Fatalf("bound %d without column generation", off.Bound)
			}
		})
	}
}
