package database

import (
	"slices"
	"testing"
)

// Lock keys come out in one order whatever order the people are named in,
// once each, without the empty ID (a shift with nobody on it).
func TestPersonLockKeys(t *testing.T) {
	a, b, c := NewID(), NewID(), NewID()
	one := personLockKeys([]string{a, b, c})
	if len(one) != 3 || !slices.IsSorted(one) {
		t.Fatalf("keys %v", one)
	}
	for _, ids := range [][]string{{c, b, a}, {b, "", a, c, a}, {c, a, b, b}} {
		if got := personLockKeys(ids); !slices.Equal(got, one) {
			t.Errorf("keys of %v: %v, want %v", ids, got, one)
		}
	}
	if got := personLockKeys([]string{""}); len(got) != 0 {
		t.Errorf("keys of nobody: %v", got)
	}
}
