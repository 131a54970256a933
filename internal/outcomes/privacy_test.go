package outcomes

import (
	"math/rand/v2"
	"testing"
)

// bruteForce lists, for each cell, every value it can take among all
// assignments consistent with what is published: shown cells exact,
// "fewer than 5" in [lo, 4], "not shown" at least 5, adding up to the total
// when the total is shown. It checks the interval reasoning in recoverable
// by a different method.
func bruteForce(p partition, pr protected) []map[int]bool {
	n := len(p.cells)
	seen := make([]map[int]bool, n)
	for i := range seen {
		seen[i] = map[int]bool{}
	}
	vals := make([]int, n)
	hi := p.total // what the reader can bound the cells by
	if !pr.total.Shown() {
		hi = p.total + 5 // the reader does not know the total: allow more
	}
	var walk func(i, sum int)
	walk = func(i, sum int) {
		if sum > hi {
			return
		}
		if i == n {
			switch {
			case pr.total.Shown() && sum != p.total,
				pr.total.Suppressed == FewerThan5 && sum >= MinCell,
				pr.total.Suppressed == NotShown && sum < MinCell:
				return
			}
			for j, v := range vals {
				seen[j][v] = true
			}
			return
		}
		c := pr.cells[i]
		lo, up := 0, hi
		switch {
		case c.Shown():
			lo, up = *c.Value, *c.Value
		case c.Suppressed == FewerThan5:
			lo, up = p.cells[i].lo, MinCell-1
		default:
			lo = MinCell
		}
		for v := lo; v <= up; v++ {
			vals[i] = v
			walk(i+1, sum+v)
		}
	}
	walk(0, 0)
	return seen
}

// Partitions built to leak by subtraction: one small cell beside big ones,
// two small cells adding to 5, a total of exactly 5, zeros, rows present
// only when non-zero. After protect, nothing under 5 is shown and no
// withheld cell has only one possible value.
func TestNoSmallCellShownOrRecoverable(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	designed := [][]int{{5, 0}, {6, 0}, {9, 1}, {4, 4}, {5, 5, 0}, {1, 4, 20}, {0, 0, 0, 5}, {12, 3}, {5, 1, 1, 1}, {6, 6, 6, 1}, {2, 3}, {7, 7}}
	var parts []partition
	for _, vs := range designed {
		for _, lo := range []int{0, 1} {
			p := partition{}
			for i, v := range vs {
				if lo == 1 && v == 0 {
					continue
				}
				p.cells = append(p.cells, cell{label: string(rune('a' + i)), value: v, lo: lo})
				p.total += v
			}
			parts = append(parts, p)
		}
	}
	for range 200 {
		p := partition{}
		for i := range 1 + rng.IntN(4) {
			v := rng.IntN(9)
			if rng.IntN(3) == 0 {
				v = 5 + rng.IntN(3)
			}
			p.cells = append(p.cells, cell{label: string(rune('a' + i)), value: v})
			p.total += v
		}
		parts = append(parts, p)
	}
	for _, p := range parts {
		pr, ok := protect(p)
		if !ok {
			pr = withholdAll(p)
		}
		if pr.total.Shown() && *pr.total.Value < MinCell {
			t.Errorf("%v: total %d shown", p.cells, *pr.total.Value)
		}
		for i, c := range pr.cells {
			if c.Shown() && *c.Value < MinCell {
				t.Errorf("%v: cell %d shown as %d", p.cells, i, *c.Value)
			}
			if c.Shown() && *c.Value != p.cells[i].value {
				t.Errorf("%v: cell %d shown wrong", p.cells, i)
			}
			if !c.Shown() && c.Suppressed == FewerThan5 && p.cells[i].value >= MinCell {
				t.Errorf("%v: cell %d of %d labelled fewer than 5", p.cells, i, p.cells[i].value)
			}
		}
		for i, vals := range bruteForce(p, pr) {
			if !pr.cells[i].Shown() && len(vals) < 2 {
				t.Errorf("%v published as %v / %v: withheld cell %d can only be %v", p.cells, pr.cells, pr.total, i, vals)
			}
		}
	}
}

// A partition of a shared population that cannot be protected withholds
// the population everywhere, so no other table gives it back.
func TestSharedTotalWithheldEverywhere(t *testing.T) {
	a := partition{total: 5, cells: []cell{{label: "flagged", value: 5}, {label: "others", value: 0}}}
	b := partition{total: 5, cells: []cell{{label: "E14", value: 5, lo: 1}}}
	out := protectShared(a, b)
	for i, pr := range out {
		if pr.total.Shown() {
			t.Errorf("partition %d shows the total", i)
		}
		for _, c := range pr.cells {
			if c.Shown() {
				t.Errorf("partition %d shows a cell", i)
			}
		}
	}
}
