package curtois

import (
	"math"
)

// BestSchedule finds employee e's best allowed row exactly, by dynamic
// programming over the days: the state after a day is the current block
// (the shift worked and how many days in a row, or how many days off),
// the minutes worked so far, the weekends worked, and the counts of the
// shift types whose maximum can bind. A row's cost is its weighted requests
// plus price[t] for each task t it holds. It implements plan.RowSolver.
func (r *rules) BestSchedule(e int, price []int64, weights []int64, dst []int) ([]int, bool) {
	return r.bestSchedule(e, price, weights, dst, 16)
}

// BestScheduleExact is BestSchedule counting every shift type whose
// maximum can bind (up to a count index of 4,096), so that the row it
// returns breaks no rule; column generation needs that. It implements
// plan.ExactRowSolver.
func (r *rules) BestScheduleExact(e int, price []int64, weights []int64, dst []int) ([]int, bool) {
	return r.bestSchedule(e, price, weights, dst, 4096)
}

func (r *rules) bestSchedule(e int, price []int64, weights []int64, dst []int, maxCount int) ([]int, bool) {
	st := &r.in.Staff[e]
	S, D := r.S, r.in.Days
	if st.MaxConsecutive <= 0 {
		if st.MinMinutes > 0 {
			return dst, false
		}
		return dst, true
	}
	// Dimensions.
	g := 0
	maxLen := 0
	for _, m := range r.minutes {
		g = gcd(g, m)
		maxLen = max(maxLen, m)
	}
	M := st.MaxMinutes/g + 1
	if M <= 0 {
		M = 1
	}
	offCap := max(1, st.MinConsecutiveOff)
	maxCons := st.MaxConsecutive
	B := offCap + S*maxCons*2
	// Weekends are counted only if the limit can bind.
	trackWeekends := st.MaxWeekends < (D+1)/7
	Wk := 1
	if trackWeekends {
		Wk = st.MaxWeekends + 1
	}
	// Shift types whose maximum may bind (fewer than the days available and
	// than the minutes allow) are counted, tightest first, while the count
	// index stays small. A row may then break the limit of a type not
	// counted: the search scores every row it gets, so such a row is priced
	// as a hard break, never kept in a plan.
	avail := 0
	for d := range D {
		if !r.dayOff[e*D+d] {
			avail++
		}
	}
	radix := make([]int, S) // stride of type s in the count index, 0 if not counted
	C := 1
	for {
		pick := -1
		for s := range S {
			m := st.MaxShifts[s]
			if m <= 0 || radix[s] > 0 || m >= avail || m >= st.MaxMinutes/r.minutes[s] {
				continue
			}
			if pick < 0 || m < st.MaxShifts[pick] {
				pick = s
			}
		}
		if pick < 0 || C*(st.MaxShifts[pick]+1) > maxCount {
			break
		}
		radix[pick] = C
		C *= st.MaxShifts[pick] + 1
	}
	N := B * M * Wk * C
	sc := r.scratch(N, D)
	defer r.pool.Put(sc)
	const inf = math.MaxInt64 / 4
	cur, next := sc.cost[0][:N], sc.cost[1][:N] // inf everywhere between calls
	curAct, nextAct := sc.active[0][:0], sc.active[1][:0]
	w0, w1 := weights[TermOnRequests], weights[TermOffRequests]
	base := e * D * S
	dayCost := func(d, s int) int64 {
		t := d*S + s
		return price[t] - w0*r.on[base+t] + w1*r.off[base+t]
	}
	index := func(b, m, k, c int) int { return ((b*M+m)*Wk+k)*C + c }
	workBlock := func(s, l, ok int) int { return offCap + (s*maxCons+(l-1))*2 + ok }
	parent := sc.parent
	choice := sc.choice
	set := func(d, to int, cost int64, from int, ch int8) {
		if cost < next[to] {
			if next[to] >= inf {
				nextAct = append(nextAct, int32(to))
			}
			next[to] = cost
			parent[d*N+to] = int32(from)
			choice[d*N+to] = ch
		}
	}
	// Day 0: a block touching the start may be short.
	set(0, index(offCap-1, 0, 0, 0), 0, -1, -1)
	if !r.dayOff[e*D] {
		for s := range S {
			if st.MaxShifts[s] <= 0 || r.minutes[s] > st.MaxMinutes {
				continue
			}
			set(0, index(workBlock(s, 1, 1), r.minutes[s]/g, 0, radix[s]), dayCost(0, s), -1, int8(s))
		}
	}
	cur, next = next, cur
	curAct, nextAct = nextAct, curAct[:0]
	for d := 1; d < D; d++ {
		off := r.dayOff[e*D+d]
		remaining := D - d // days left including d
		weekend := d%7 == 5 || d%7 == 6
		for _, from32 := range curAct {
			from := int(from32)
			cost := cur[from]
			c := from % C
			x := from / C
			k := x % Wk
			x /= Wk
			m := x % M
			b := x / M
			// Can the minimum minutes still be reached?
			if m*g+remaining*maxLen < st.MinMinutes {
				continue
			}
			working := b >= offCap
			var ps, pl, pok int
			if working {
				y := b - offCap
				pok = y % 2
				y /= 2
				pl = y%maxCons + 1
				ps = y / maxCons
				if pl >= st.MinConsecutive {
					pok = 1
				}
			}
			// Off today.
			if working {
				if pok == 1 {
					set(d, index(0, m, k, c), cost, from, -1)
				}
			} else {
				set(d, index(min(b+1, offCap-1), m, k, c), cost, from, -1)
			}
			if off || (!working && b < offCap-1) {
				continue // a day off, or too few days off before
			}
			nk := k
			if trackWeekends && weekend && (d%7 == 5 || !working) {
				nk++
				if nk >= Wk {
					continue
				}
			}
			for s := range S {
				if st.MaxShifts[s] <= 0 {
					continue
				}
				nl, nok := 1, 0
				if working {
					if r.forbid[ps*S+s] || pl+1 > maxCons {
						continue
					}
					nl, nok = pl+1, pok
				}
				if nl >= st.MinConsecutive {
					nok = 1
				}
				nm := m + r.minutes[s]/g
				if nm >= M {
					continue
				}
				nc := c
				if radix[s] > 0 {
					if (c/radix[s])%(st.MaxShifts[s]+1)+1 > st.MaxShifts[s] {
						continue
					}
					nc += radix[s]
				}
				set(d, index(workBlock(s, nl, nok), nm, nk, nc), cost+dayCost(d, s), from, int8(s))
			}
		}
		for _, i := range curAct {
			cur[i] = inf
		}
		cur, next = next, cur
		curAct, nextAct = nextAct, curAct[:0]
	}
	// Best final state with enough minutes.
	best, bestCost := -1, int64(inf)
	for _, i32 := range curAct {
		i := int(i32)
		m := (i / C / Wk) % M
		if m*g >= st.MinMinutes && (cur[i] < bestCost || (cur[i] == bestCost && i < best)) {
			best, bestCost = i, cur[i]
		}
	}
	for _, i := range curAct {
		cur[i] = inf
	}
	sc.active[0], sc.active[1] = curAct[:0], nextAct[:0]
	if best < 0 {
		return dst, false
	}
	dst = dst[:0]
	for d, i := D-1, best; d >= 0; d-- {
		if s := choice[d*N+i]; s >= 0 {
			dst = append(dst, d*S+int(s))
		}
		i = int(parent[d*N+i])
	}
	for i, j := 0, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst, true
}

type rowScratch struct {
	cost   [2][]int64 // inf everywhere between calls
	active [2][]int32
	parent []int32
	choice []int8
}

func (r *rules) scratch(n, days int) *rowScratch {
	sc, _ := r.pool.Get().(*rowScratch)
	if sc == nil {
		sc = &rowScratch{}
	}
	for i := range sc.cost {
		if len(sc.cost[i]) < n {
			sc.cost[i] = make([]int64, n)
			for j := range sc.cost[i] {
				sc.cost[i][j] = math.MaxInt64 / 4
			}
		}
	}
	if cap(sc.parent) < n*days {
		sc.parent = make([]int32, n*days)
		sc.choice = make([]int8, n*days)
	}
	return sc
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
