package outcomes

import "strconv"

// The smallest number of people a published count may describe.
const MinCell = 5

// Why a count is not shown.
const (
	FewerThan5 = "fewer than 5" // the count itself is under 5
	NotShown   = "not shown"    // shown, it would let a count under 5 be worked out
)

// Count is a published number of people: the value, or why it is withheld.
// A withheld count carries no value at all, so none can leak through JSON,
// CSV, HTML or PDF.
type Count struct {
	Value      *int   `json:"value"`
	Suppressed string `json:"suppressed,omitempty"`
}

// String is the count as a person reads it.
func (c Count) String() string {
	if c.Value == nil {
		return c.Suppressed
	}
	return strconv.Itoa(*c.Value)
}

// Shown reports whether the count is published.
func (c Count) Shown() bool { return c.Value != nil }

func shown(v int) Count { return Count{Value: &v} }

// cell is a raw count in a partition, before publication. lo is the least
// value a reader knows it can have (1 for rows that appear only when
// someone is in them).
type cell struct {
	label string
	value int
	lo    int
}

// partition is counts that add up to a total: every person in the total is
// in exactly one cell. Each raw count the reports publish belongs to exactly
// one partition, so the only sums a reader can form are a partition's.
type partition struct {
	cells []cell
	total int
}

// protected is a partition as it may be published.
type protected struct {
	cells []Count
	total Count
}

type knowledge struct{ lo, hi int }

// reader is what someone reading the report knows of each cell: an exact
// value, [0,4] for "fewer than 5", [5,total] for "not shown".
func reader(p partition, state []Count) []knowledge {
	k := make([]knowledge, len(p.cells))
	for i, c := range p.cells {
		switch {
		case state[i].Value != nil:
			k[i] = knowledge{*state[i].Value, *state[i].Value}
		case state[i].Suppressed == FewerThan5:
			k[i] = knowledge{c.lo, MinCell - 1}
		default:
			k[i] = knowledge{MinCell, p.total}
		}
	}
	return k
}

// recoverable reports whether a withheld cell's value can be worked out
// from the total and the other cells: with one equation (the cells add up to
// the total) and a range for each cell, the exact range of cell i is
// [max(lo_i, T - sum of other highs), min(hi_i, T - sum of other lows)].
func recoverable(p partition, state []Count) bool {
	k := reader(p, state)
	var sumLo, sumHi int
	for _, x := range k {
		sumLo += x.lo
		sumHi += x.hi
	}
	for i, x := range k {
		if state[i].Value != nil {
			continue
		}
		lo := max(x.lo, p.total-(sumHi-x.hi))
		hi := min(x.hi, p.total-(sumLo-x.lo))
		if lo >= hi {
			return true
		}
	}
	return false
}

// protect publishes a partition whose total is shown: counts under 5 are
// "fewer than 5" (primary suppression), then the smallest remaining cells
// are withheld as "not shown" until no withheld cell can be worked out by
// subtraction (secondary suppression). ok is false when even withholding
// every cell leaves one recoverable: the total must then be withheld too.
func protect(p partition) (out protected, ok bool) {
	if p.total < MinCell {
		return withholdAll(p), true
	}
	state := make([]Count, len(p.cells))
	for i, c := range p.cells {
		if c.value < MinCell {
			state[i] = Count{Suppressed: FewerThan5}
		} else {
			state[i] = shown(c.value)
		}
	}
	for recoverable(p, state) {
		next := -1
		for i, c := range p.cells {
			if state[i].Value != nil && (next < 0 || c.value < p.cells[next].value) {
				next = i
			}
		}
		if next < 0 {
			return protected{}, false
		}
		state[next] = Count{Suppressed: NotShown}
	}
	return protected{cells: state, total: shown(p.total)}, true
}

// withholdAll publishes nothing of a partition but the reason: its total
// (and so every cell) is under 5, or it cannot be protected.
func withholdAll(p partition) protected {
	out := protected{cells: make([]Count, len(p.cells))}
	for i, c := range p.cells {
		if c.value < MinCell {
			out.cells[i] = Count{Suppressed: FewerThan5}
		} else {
			out.cells[i] = Count{Suppressed: NotShown}
		}
	}
	out.total = Count{Suppressed: NotShown}
	if p.total < MinCell {
		out.total = Count{Suppressed: FewerThan5}
	}
	return out
}

// protectShared publishes partitions of one population (the same total).
// If any of them cannot be protected with the total shown, the total is
// withheld everywhere and so is every cell of every one of them, since a
// partition shown in full would give the total back.
func protectShared(ps ...partition) []protected {
	out := make([]protected, len(ps))
	for i, p := range ps {
		pr, ok := protect(p)
		if !ok {
			for j := range ps {
				out[j] = withholdAll(ps[j])
			}
			return out
		}
		out[i] = pr
	}
	return out
}
