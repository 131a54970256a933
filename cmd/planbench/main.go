// Command planbench runs the rota planner's solver core on an instance of
// Curtois and Qu's Employee Shift Scheduling Benchmark, writes the roster as
// CSV (employee,day,shift with the file's IDs and 0-based days) and prints
// the objective with the independent checker's verdict.
//
//	go run ./cmd/planbench -instance Instance1.txt -seconds 60 -out roster.csv
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/goodshift/goodshift/internal/plan"
	"github.com/goodshift/goodshift/internal/plan/curtois"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("planbench", flag.ContinueOnError)
	instance := fs.String("instance", "", "instance file (Curtois & Qu text format)")
	seconds := fs.Float64("seconds", 60, "time limit in seconds")
	moves := fs.Int64("moves", 0, "move budget per search instead of a time limit (deterministic)")
	seed := fs.Uint64("seed", 1, "random seed")
	searches := fs.Int("searches", 2, "parallel searches")
	hard := fs.Int64("hard", 0, "weight of a hard-rule break during the search (0: solver default)")
	temp := fs.Float64("temp", 0, "annealing start temperature (0: measured)")
	restarts := fs.Int("restarts", 0, "split a move budget over this many annealing runs (0: one)")
	rowEvery := fs.Int64("row-every", 0, "re-plan whole employees every this many moves (0: solver default)")
	colgen := fs.Bool("colgen", true, "second search: column generation (lower bound) and repeated dives instead of annealing")
	verbose := fs.Bool("v", false, "print column generation's progress (to stderr)")
	out := fs.String("out", "", "write the roster here as CSV (employee,day,shift)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the search here")
	check := fs.String("check", "", "do not solve: read this roster CSV (as -out writes it) and print the checker's verdict")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *instance == "" {
		return fmt.Errorf("-instance is required")
	}
	f, err := os.Open(*instance)
	if err != nil {
		return err
	}
	in, err := curtois.Parse(f)
	f.Close()
	if err != nil {
		return err
	}
	if *check != "" {
		return checkFile(*check, in, stdout)
	}
	if *moves <= 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*seconds*float64(time.Second)))
		defer cancel()
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now() // wall clock: the benchmark reports elapsed time
	var trace func(string, ...any)
	if *verbose {
		trace = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "%6.2fs  "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...) // wall clock: progress times
		}
	}
	opt := plan.Options{Seed: *seed, Searches: *searches, MaxMoves: *moves, HardWeight: *hard, Temperature: *temp, RowEvery: *rowEvery, Restarts: *restarts, NoColumnGeneration: !*colgen, Trace: trace}
	opt.Now = time.Now // wall clock: the time limit is wall-clock time, and the search cools over it
	sol, err := plan.Solve(ctx, in.Problem(), opt)
	if err != nil {
		return err
	}
	elapsed := time.Since(start) // wall clock: the benchmark reports elapsed time
	roster := in.Roster(sol.Assign)
	if *out != "" {
		if err := writeRoster(*out, in, roster); err != nil {
			return err
		}
	}
	v := curtois.Check(in, roster)
	fmt.Fprintf(stdout, "instance %s: objective %d (on %d, off %d, under %d, over %d), %d moves, %.1f s\n",
		*instance, sol.Objective, sol.Terms[curtois.TermOnRequests], sol.Terms[curtois.TermOffRequests],
		sol.Terms[curtois.TermUnder], sol.Terms[curtois.TermOver], sol.Moves, elapsed.Seconds())
	if sol.Bound != math.MinInt64 {
		gap := 0.0
		if sol.Objective > 0 {
			gap = 100 * float64(sol.Objective-sol.Bound) / float64(sol.Objective)
		}
		fmt.Fprintf(stdout, "lower bound %d (column generation): no roster scores less; this one is within %.1f %% of it\n", sol.Bound, gap)
	}
	if v.Feasible() {
		fmt.Fprintf(stdout, "checker: feasible, objective %d\n", v.Objective)
	} else {
		fmt.Fprintf(stdout, "checker: INFEASIBLE (%d problems, first: %s), objective %d\n", len(v.Problems), v.Problems[0], v.Objective)
	}
	if !v.Feasible() || int64(v.Objective) != sol.Objective {
		return fmt.Errorf("checker disagrees with the solver")
	}
	return nil
}

func writeRoster(path string, in *curtois.Instance, r curtois.Roster) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"employee", "day", "shift"})
	for e, row := range r {
		for d, s := range row {
			if s != curtois.Off {
				_ = w.Write([]string{in.Staff[e].ID, strconv.Itoa(d), in.Shifts[s].ID})
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkFile reads a roster CSV written by -out, with the instance's
// employee and shift IDs, and prints the independent checker's verdict; an
// unknown ID, a bad day or two shifts for one person on one day is an error.
func checkFile(path string, in *curtois.Instance, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	records, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return err
	}
	staff, shifts := map[string]int{}, map[string]int{}
	for e, st := range in.Staff {
		staff[st.ID] = e
	}
	for s, sh := range in.Shifts {
		shifts[sh.ID] = s
	}
	r := in.NewRoster()
	for i, rec := range records {
		if i == 0 && len(rec) == 3 && rec[0] == "employee" {
			continue
		}
		if len(rec) != 3 {
			return fmt.Errorf("%s line %d: want employee,day,shift", path, i+1)
		}
		e, okE := staff[rec[0]]
		s, okS := shifts[rec[2]]
		d, err := strconv.Atoi(rec[1])
		if !okE || !okS || err != nil || d < 0 || d >= in.Days {
			return fmt.Errorf("%s line %d: unknown employee, day or shift %q", path, i+1, rec)
		}
		if r[e][d] != curtois.Off {
			return fmt.Errorf("%s line %d: %s has two shifts on day %d", path, i+1, rec[0], d)
		}
		r[e][d] = s
	}
	v := curtois.Check(in, r)
	if !v.Feasible() {
		fmt.Fprintf(stdout, "checker: INFEASIBLE (%d problems, first: %s), objective %d\n", len(v.Problems), v.Problems[0], v.Objective)
		return fmt.Errorf("roster breaks a hard rule")
	}
	fmt.Fprintf(stdout, "checker: feasible, objective %d (on %d, off %d, under %d, over %d)\n", v.Objective, v.OnRequests, v.OffRequests, v.Under, v.Over)
	return nil
}
