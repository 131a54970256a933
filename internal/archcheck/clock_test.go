package archcheck_test

import (
	"slices"
	"testing"

	"github.com/goodshift/goodshift/internal/archcheck"
)

// TestNoWallClockInBusinessCode is the rule "one clock": code under
// internal/ and cmd/ reads the time only through the injected clock, except
// for marked reads of real elapsed time in the shells (archcheck.WallClockAllowed).
func TestNoWallClockInBusinessCode(t *testing.T) {
	findings, err := archcheck.CheckWallClock("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Error(f)
	}
}

// TestWallClockCheckCatches runs the check on a small tree with one of each
// case, so the rule above cannot pass by finding nothing.
func TestWallClockCheckCatches(t *testing.T) {
	findings, err := archcheck.CheckWallClock("testdata/clock")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.Pos.Filename+":"+f.Call)
	}
	slices.Sort(got)
	want := []string{
		"internal/rota/alias.go:time.Since", // an aliased import is still the time package
		"internal/rota/bad.go:time.Now",
		"internal/rota/marked.go:time.Now",  // a marker is not enough in a domain package
		"internal/rota/marked.go:time.Now",  // nor a function value
		"internal/web/timing.go:time.Since", // in the shell, only marked reads
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got  %q\n want %q", got, want)
	}
}
