package curtois

import (
	"strconv"
	"sync"

	"github.com/goodshift/goodshift/internal/plan"
)

// Objective terms of the benchmark, in plan.Terms order.
const (
	TermOnRequests = iota
	TermOffRequests
	TermUnder
	TermOver
)

// Problem states the instance for the solver: a task per (day, shift type),
// task d*S+s, which any number of employees may hold; employees are workers.
func (in *Instance) Problem() *plan.Problem {
	S, E, D := len(in.Shifts), len(in.Staff), in.Days
	r := &rules{in: in, S: S, unit: in.Shifts[0].Minutes}
	for _, sh := range in.Shifts {
		r.unit = min(r.unit, sh.Minutes)
		r.minutes = append(r.minutes, sh.Minutes)
	}
	r.forbid = make([]bool, S*S)
	for a, sh := range in.Shifts {
		for _, b := range sh.NotFollowedBy {
			r.forbid[a*S+b] = true
		}
	}
	r.dayOff = make([]bool, E*D)
	for e, st := range in.Staff {
		for _, d := range st.DaysOff {
			r.dayOff[e*D+d] = true
		}
	}
	r.on = make([]int64, E*D*S)
	r.off = make([]int64, E*D*S)
	r.onTotal = make([]int64, E)
	for _, q := range in.OnRequests {
		r.on[(q.Staff*D+q.Day)*S+q.Shift] += int64(q.Weight)
		r.onTotal[q.Staff] += int64(q.Weight)
	}
	for _, q := range in.OffRequests {
		r.off[(q.Staff*D+q.Day)*S+q.Shift] += int64(q.Weight)
	}
	r.req = make([]int, D*S)
	r.under = make([]int64, D*S)
	r.over = make([]int64, D*S)
	for _, c := range in.Cover {
		t := c.Day*S + c.Shift
		r.req[t] += c.Requirement
		r.under[t] += int64(c.Under)
		r.over[t] += int64(c.Over)
	}
	p := &plan.Problem{
		Workers:   E,
		Tasks:     make([]plan.Task, D*S),
		Eligible:  make([][]int, E),
		Rules:     r,
		TermNames: []string{"shift-on requests unmet", "shift-off requests met", "under cover", "over cover"},
	}
	for d := range D {
		for s := range S {
			p.Tasks[d*S+s] = plan.Task{Day: d, Start: int64(d) * 1440, End: int64(d+1) * 1440, Max: E, Kind: s}
		}
	}
	for e, st := range in.Staff {
		for d := range D {
			if r.dayOff[e*D+d] {
				continue
			}
			for s := range S {
				if st.MaxShifts[s] > 0 {
					p.Eligible[e] = append(p.Eligible[e], d*S+s)
				}
			}
		}
	}
	return p
}

// Roster turns a plan's assignment back into a roster.
func (in *Instance) Roster(assign [][]int) Roster {
	r := in.NewRoster()
	S := len(in.Shifts)
	for e, ts := range assign {
		for _, t := range ts {
			r[e][t/S] = t % S
		}
	}
	return r
}

// rules are the benchmark's rules over one employee's tasks, precomputed
// into flat tables. Read-only after construction.
type rules struct {
	in      *Instance
	S       int
	unit    int // shortest shift: minutes short or over count per unit
	minutes []int
	forbid  []bool // forbid[a*S+b]: b may not follow a
	dayOff  []bool
	on, off []int64
	onTotal []int64
	req     []int
	under   []int64
	over    []int64
	pool    sync.Pool // *rowScratch for BestSchedule
}

// Violations counts breaks, weighted by how far each is from allowed.
func (r *rules) Violations(e int, tasks []int) int {
	st := &r.in.Staff[e]
	S, D := r.S, r.in.Days
	var countBuf [16]int
	var counts []int
	if S <= len(countBuf) {
		counts = countBuf[:S]
	} else {
		counts = make([]int, S)
	}
	v := 0
	minutes := 0
	prevDay, prevShift, runStart := -1, -1, -1
	weekends, lastWeekend := 0, -1
	closeRun := func(start, end int) {
		n := end - start + 1
		if n > st.MaxConsecutive {
			v += n - st.MaxConsecutive
		}
		if n < st.MinConsecutive && start > 0 && end < D-1 {
			v += st.MinConsecutive - n
		}
	}
	for _, t := range tasks {
		d, s := t/S, t%S
		if d == prevDay {
			v++ // a second shift on one day
			continue
		}
		if r.dayOff[e*D+d] {
			v++
		}
		counts[s]++
		minutes += r.minutes[s]
		if d%7 >= 5 && d/7 != lastWeekend {
			weekends++
			lastWeekend = d / 7
		}
		if prevDay >= 0 && prevDay == d-1 {
			if r.forbid[prevShift*S+s] {
				v++
			}
		} else {
			if prevDay >= 0 {
				closeRun(runStart, prevDay)
				if gap := d - prevDay - 1; gap < st.MinConsecutiveOff {
					v += st.MinConsecutiveOff - gap
				}
			}
			runStart = d
		}
		prevDay, prevShift = d, s
	}
	if prevDay >= 0 {
		closeRun(runStart, prevDay)
	}
	for s, n := range counts {
		if n > st.MaxShifts[s] {
			v += n - st.MaxShifts[s]
		}
	}
	if minutes > st.MaxMinutes {
		v += (minutes - st.MaxMinutes + r.unit - 1) / r.unit
	}
	if minutes < st.MinMinutes {
		v += (st.MinMinutes - minutes + r.unit - 1) / r.unit
	}
	if weekends > st.MaxWeekends {
		v += weekends - st.MaxWeekends
	}
	return v
}

func (r *rules) WorkerCost(e int, tasks []int, into *plan.Terms) {
	base := e * r.in.Days * r.S
	on := r.onTotal[e]
	var off int64
	for _, t := range tasks {
		on -= r.on[base+t]
		off += r.off[base+t]
	}
	into[TermOnRequests] += on
	into[TermOffRequests] += off
}

func (r *rules) CoverCost(t, n int, into *plan.Terms) {
	if n < r.req[t] {
		into[TermUnder] += int64(r.req[t]-n) * r.under[t]
	} else if n > r.req[t] {
		into[TermOver] += int64(n-r.req[t]) * r.over[t]
	}
}

// Reasons uses the checker's words for employee e's would-be row.
func (r *rules) Reasons(e int, tasks []int) []string {
	row := make([]int, r.in.Days)
	for d := range row {
		row[d] = Off
	}
	var out []string
	for _, t := range tasks {
		if row[t/r.S] != Off {
			out = append(out, r.in.Staff[e].ID+": two shifts on day "+strconv.Itoa(t/r.S))
		}
		row[t/r.S] = t % r.S
	}
	return append(out, EmployeeProblems(r.in, e, row)...)
}
