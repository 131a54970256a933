package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlanbenchWritesACheckedRoster(t *testing.T) {
	out := filepath.Join(t.TempDir(), "roster.csv")
	var stdout bytes.Buffer
	args := []string{"-instance", filepath.Join("..", "..", "internal", "plan", "testdata", "Instance1.txt"), "-moves", "20000", "-out", out}
	if err := run(context.Background(), args, &stdout); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if !strings.Contains(stdout.String(), "checker: feasible, objective") {
		t.Fatalf("no checker verdict:\n%s", stdout.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) < 2 || strings.Join(records[0], ",") != "employee,day,shift" {
		t.Fatalf("roster CSV: %q", records)
	}
	for _, r := range records[1:] {
		if len(r) != 3 || r[2] != "D" || r[0] < "A" || r[0] > "H" {
			t.Fatalf("bad row %q", r)
		}
	}

	// -check reads the file back and agrees with the solver's objective.
	solved := stdout.String()
	obj := solved[strings.Index(solved, "objective ")+len("objective "):]
	obj = obj[:strings.Index(obj, " ")]
	var checked bytes.Buffer
	if err := run(context.Background(), []string{"-instance", args[1], "-check", out}, &checked); err != nil {
		t.Fatalf("%v\n%s", err, checked.String())
	}
	if !strings.HasPrefix(checked.String(), "checker: feasible, objective "+obj+" ") {
		t.Fatalf("-check says %q, the solver %s", checked.String(), obj)
	}

	// A roster giving someone two shifts on one day is refused.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	row := strings.Join(records[1], ",")
	if err := os.WriteFile(bad, []byte("employee,day,shift\n"+row+"\n"+row+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-instance", args[1], "-check", bad}, &bytes.Buffer{}); err == nil {
		t.Fatal("-check accepted two shifts on one day")
	}
}

func TestPlanbenchNeedsAnInstance(t *testing.T) {
	if err := run(context.Background(), nil, &bytes.Buffer{}); err == nil {
		t.Fatal("no error without -instance")
	}
}
