package curtois

import "fmt"

// Verdict is the checker's judgement of a roster.
type Verdict struct {
	Problems    []string // hard-rule breaks; none means feasible
	OnRequests  int      // weight of unmet shift-on requests
	OffRequests int      // weight of met shift-off requests
	Under       int      // under-cover penalty
	Over        int      // over-cover penalty
	Objective   int
}

// Feasible reports whether the roster breaks no hard rule.
func (v Verdict) Feasible() bool { return len(v.Problems) == 0 }

// Check recomputes a roster's feasibility and objective from the instance,
// day by day, deliberately without anything the solver uses.
func Check(in *Instance, r Roster) Verdict {
	var v Verdict
	if len(r) != len(in.Staff) {
		v.Problems = append(v.Problems, fmt.Sprintf("roster has %d employees, instance %d", len(r), len(in.Staff)))
		return v
	}
	for e := range in.Staff {
		if len(r[e]) != in.Days {
			v.Problems = append(v.Problems, fmt.Sprintf("%s: roster has %d days, horizon %d", in.Staff[e].ID, len(r[e]), in.Days))
			return v
		}
		for d, s := range r[e] {
			if s != Off && (s < 0 || s >= len(in.Shifts)) {
				v.Problems = append(v.Problems, fmt.Sprintf("%s day %d: unknown shift %d", in.Staff[e].ID, d, s))
				return v
			}
		}
		v.Problems = append(v.Problems, EmployeeProblems(in, e, r[e])...)
	}
	for _, q := range in.OnRequests {
		if r[q.Staff][q.Day] != q.Shift {
			v.OnRequests += q.Weight
		}
	}
	for _, q := range in.OffRequests {
		if r[q.Staff][q.Day] == q.Shift {
			v.OffRequests += q.Weight
		}
	}
	for _, c := range in.Cover {
		n := 0
		for e := range r {
			if r[e][c.Day] == c.Shift {
				n++
			}
		}
		if n < c.Requirement {
			v.Under += (c.Requirement - n) * c.Under
		}
		if n > c.Requirement {
			v.Over += (n - c.Requirement) * c.Over
		}
	}
	v.Objective = v.OnRequests + v.OffRequests + v.Under + v.Over
	return v
}

// EmployeeProblems lists the hard rules employee e's row (one shift type
// or Off per day) breaks.
func EmployeeProblems(in *Instance, e int, row []int) []string {
	st := in.Staff[e]
	var out []string
	add := func(format string, args ...any) {
		out = append(out, st.ID+": "+fmt.Sprintf(format, args...))
	}
	for _, d := range st.DaysOff {
		if row[d] != Off {
			add("works on day %d, a required day off", d)
		}
	}
	counts := make([]int, len(in.Shifts))
	minutes := 0
	for _, s := range row {
		if s != Off {
			counts[s]++
			minutes += in.Shifts[s].Minutes
		}
	}
	for s, n := range counts {
		if n > st.MaxShifts[s] {
			add("%d shifts of type %s, at most %d", n, in.Shifts[s].ID, st.MaxShifts[s])
		}
	}
	if minutes > st.MaxMinutes {
		add("%d minutes, at most %d", minutes, st.MaxMinutes)
	}
	if minutes < st.MinMinutes {
		add("%d minutes, at least %d", minutes, st.MinMinutes)
	}
	for d := 0; d+1 < len(row); d++ {
		if row[d] == Off || row[d+1] == Off {
			continue
		}
		for _, b := range in.Shifts[row[d]].NotFollowedBy {
			if row[d+1] == b {
				add("%s on day %d followed by %s", in.Shifts[row[d]].ID, d, in.Shifts[b].ID)
			}
		}
	}
	// Runs of working days and of days off.
	for start := 0; start < len(row); {
		working := row[start] != Off
		end := start
		for end+1 < len(row) && (row[end+1] != Off) == working {
			end++
		}
		length := end - start + 1
		inside := start > 0 && end < len(row)-1
		if working {
			if length > st.MaxConsecutive {
				add("works %d days in a row from day %d, at most %d", length, start, st.MaxConsecutive)
			}
			if inside && length < st.MinConsecutive {
				add("works %d days in a row from day %d, at least %d", length, start, st.MinConsecutive)
			}
		} else if inside && length < st.MinConsecutiveOff {
			add("%d days off in a row from day %d, at least %d", length, start, st.MinConsecutiveOff)
		}
		start = end + 1
	}
	weekends := 0
	for sat := 5; sat < len(row); sat += 7 {
		if row[sat] != Off || (sat+1 < len(row) && row[sat+1] != Off) {
			weekends++
		}
	}
	if weekends > st.MaxWeekends {
		add("works %d weekends, at most %d", weekends, st.MaxWeekends)
	}
	return out
}
