// Package curtois reads instances of Curtois and Qu's "Employee Shift
// Scheduling Benchmark" (schedulingbenchmarks.org), states them as a
// [plan.Problem], and checks a roster against them independently of the
// solver.
//
// The model: each employee works at most one shift a day; at most a number
// of shifts of each type; total minutes between a minimum and a maximum;
// some shift types may not follow others on the next day; runs of working
// days between a minimum and a maximum length and runs of days off at least
// a minimum length (a run touching the start or the end of the horizon may
// be shorter than the minimum); at most a number of working weekends
// (Saturday and Sunday; the horizon starts on a Monday); no work on the
// employee's days off. The objective adds the weights of unmet shift-on
// requests and met shift-off requests, and, for each day and shift type,
// the under-cover weight per missing employee and the over-cover weight per
// extra one.
package curtois

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Shift is a shift type.
type Shift struct {
	ID      string
	Minutes int
	// NotFollowedBy lists the shift types (indexes) that may not be worked
	// the day after this one.
	NotFollowedBy []int
}

// Staff is an employee and their limits.
type Staff struct {
	ID                string
	MaxShifts         []int // per shift type
	MaxMinutes        int
	MinMinutes        int
	MaxConsecutive    int
	MinConsecutive    int
	MinConsecutiveOff int
	MaxWeekends       int
	DaysOff           []int
}

// Request asks for (shift-on) or against (shift-off) a shift on a day.
type Request struct {
	Staff, Day, Shift, Weight int
}

// Cover is the requirement for one shift type on one day.
type Cover struct {
	Day, Shift, Requirement, Under, Over int
}

// Instance is one benchmark instance.
type Instance struct {
	Days        int
	Shifts      []Shift
	Staff       []Staff
	OnRequests  []Request
	OffRequests []Request
	Cover       []Cover
}

// Parse reads an instance in the benchmark's text format.
func Parse(r io.Reader) (*Instance, error) {
	in := &Instance{}
	shiftIndex := map[string]int{}
	staffIndex := map[string]int{}
	var notFollowed [][]string
	var staffMax [][]string
	section := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lineNo := 0
	type pending struct {
		line   int
		fields []string
	}
	var rows = map[string][]pending{}
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "SECTION_") {
			section = line
			continue
		}
		fields := strings.Split(line, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		rows[section] = append(rows[section], pending{lineNo, fields})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	bad := func(p pending, why string) error {
		return fmt.Errorf("curtois: line %d: %s", p.line, why)
	}
	atoi := func(p pending, s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, bad(p, fmt.Sprintf("%q is not a number", s))
		}
		return n, nil
	}
	ints := func(p pending, ss []string) ([]int, error) {
		out := make([]int, len(ss))
		for i, s := range ss {
			n, err := atoi(p, s)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	h := rows["SECTION_HORIZON"]
	if len(h) != 1 || len(h[0].fields) != 1 {
		return nil, fmt.Errorf("curtois: SECTION_HORIZON must hold one number")
	}
	days, err := atoi(h[0], h[0].fields[0])
	if err != nil {
		return nil, err
	}
	if days <= 0 || days > 10000 {
		return nil, bad(h[0], "horizon out of range")
	}
	in.Days = days
	for _, p := range rows["SECTION_SHIFTS"] {
		if len(p.fields) < 2 || len(p.fields) > 3 {
			return nil, bad(p, "a shift needs ID, minutes, shifts that cannot follow")
		}
		m, err := atoi(p, p.fields[1])
		if err != nil {
			return nil, err
		}
		if _, dup := shiftIndex[p.fields[0]]; dup || p.fields[0] == "" {
			return nil, bad(p, "duplicate or empty shift ID")
		}
		if m <= 0 {
			return nil, bad(p, "shift length must be positive")
		}
		shiftIndex[p.fields[0]] = len(in.Shifts)
		in.Shifts = append(in.Shifts, Shift{ID: p.fields[0], Minutes: m})
		var nf []string
		if len(p.fields) == 3 && p.fields[2] != "" {
			nf = strings.Split(p.fields[2], "|")
		}
		notFollowed = append(notFollowed, nf)
	}
	if len(in.Shifts) == 0 {
		return nil, fmt.Errorf("curtois: no shifts")
	}
	for i, nf := range notFollowed {
		for _, id := range nf {
			j, ok := shiftIndex[strings.TrimSpace(id)]
			if !ok {
				return nil, fmt.Errorf("curtois: shift %s: unknown shift %q", in.Shifts[i].ID, id)
			}
			in.Shifts[i].NotFollowedBy = append(in.Shifts[i].NotFollowedBy, j)
		}
	}
	for _, p := range rows["SECTION_STAFF"] {
		if len(p.fields) != 8 {
			return nil, bad(p, "a staff line needs 8 fields")
		}
		n, err := ints(p, p.fields[2:])
		if err != nil {
			return nil, err
		}
		if _, dup := staffIndex[p.fields[0]]; dup || p.fields[0] == "" {
			return nil, bad(p, "duplicate or empty staff ID")
		}
		staffIndex[p.fields[0]] = len(in.Staff)
		in.Staff = append(in.Staff, Staff{
			ID: p.fields[0], MaxShifts: make([]int, len(in.Shifts)),
			MaxMinutes: n[0], MinMinutes: n[1], MaxConsecutive: n[2],
			MinConsecutive: n[3], MinConsecutiveOff: n[4], MaxWeekends: n[5],
		})
		var limits []string
		if p.fields[1] != "" {
			limits = strings.Split(p.fields[1], "|")
		}
		staffMax = append(staffMax, limits)
	}
	for e, limits := range staffMax {
		for _, l := range limits {
			id, val, ok := strings.Cut(l, "=")
			s, known := shiftIndex[id]
			if !ok || !known {
				return nil, fmt.Errorf("curtois: staff %s: bad shift limit %q", in.Staff[e].ID, l)
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("curtois: staff %s: bad shift limit %q", in.Staff[e].ID, l)
			}
			in.Staff[e].MaxShifts[s] = n
		}
	}
	staff := func(p pending, id string) (int, error) {
		e, ok := staffIndex[id]
		if !ok {
			return 0, bad(p, fmt.Sprintf("unknown staff %q", id))
		}
		return e, nil
	}
	shift := func(p pending, id string) (int, error) {
		s, ok := shiftIndex[id]
		if !ok {
			return 0, bad(p, fmt.Sprintf("unknown shift %q", id))
		}
		return s, nil
	}
	day := func(p pending, s string) (int, error) {
		d, err := atoi(p, s)
		if err == nil && (d < 0 || d >= in.Days) {
			err = bad(p, fmt.Sprintf("day %d outside the horizon", d))
		}
		return d, err
	}
	for _, p := range rows["SECTION_DAYS_OFF"] {
		if len(p.fields) < 1 {
			return nil, bad(p, "empty line")
		}
		e, err := staff(p, p.fields[0])
		if err != nil {
			return nil, err
		}
		for _, f := range p.fields[1:] {
			if f == "" {
				continue
			}
			d, err := day(p, f)
			if err != nil {
				return nil, err
			}
			in.Staff[e].DaysOff = append(in.Staff[e].DaysOff, d)
		}
	}
	requests := func(name string) ([]Request, error) {
		var out []Request
		for _, p := range rows[name] {
			if len(p.fields) != 4 {
				return nil, bad(p, "a request needs employee, day, shift, weight")
			}
			e, err := staff(p, p.fields[0])
			if err != nil {
				return nil, err
			}
			d, err := day(p, p.fields[1])
			if err != nil {
				return nil, err
			}
			s, err := shift(p, p.fields[2])
			if err != nil {
				return nil, err
			}
			w, err := atoi(p, p.fields[3])
			if err != nil {
				return nil, err
			}
			out = append(out, Request{e, d, s, w})
		}
		return out, nil
	}
	if in.OnRequests, err = requests("SECTION_SHIFT_ON_REQUESTS"); err != nil {
		return nil, err
	}
	if in.OffRequests, err = requests("SECTION_SHIFT_OFF_REQUESTS"); err != nil {
		return nil, err
	}
	for _, p := range rows["SECTION_COVER"] {
		if len(p.fields) != 5 {
			return nil, bad(p, "a cover line needs day, shift, requirement, under, over")
		}
		d, err := day(p, p.fields[0])
		if err != nil {
			return nil, err
		}
		s, err := shift(p, p.fields[1])
		if err != nil {
			return nil, err
		}
		n, err := ints(p, p.fields[2:])
		if err != nil {
			return nil, err
		}
		in.Cover = append(in.Cover, Cover{d, s, n[0], n[1], n[2]})
	}
	if len(in.Staff) == 0 {
		return nil, fmt.Errorf("curtois: no staff")
	}
	return in, nil
}

// Roster is a plan: Roster[e][d] is the shift type employee e works on day
// d, or Off.
type Roster [][]int

// Off marks a day off in a Roster.
const Off = -1

// NewRoster is a roster with everyone off.
func (in *Instance) NewRoster() Roster {
	r := make(Roster, len(in.Staff))
	for e := range r {
		r[e] = make([]int, in.Days)
		for d := range r[e] {
			r[e][d] = Off
		}
	}
	return r
}
