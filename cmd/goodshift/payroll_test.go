package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPayrollCommands exports the demo's closed period from the command
// line, and refuses the open one with a clear message.
func TestPayrollCommands(t *testing.T) {
	te := newTestEnv(t, "")
	ctx := t.Context()
	if err := te.run(ctx, "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	// The command-line clock is Mon 23 Nov 2026: the demo closed October.
	current, previous := "2026-11", "2026-10"
	te.stdout.Reset()
	if err := te.run(ctx, "", "payroll", "export", "--period", previous); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(te.stdout.String(), "Works Number,Forename,Surname,Payment Description,Hours,Rate") || !strings.Contains(te.stdout.String(), "GS001,Sam,Okafor,") {
		t.Errorf("export: %s", te.stdout.String())
	}
	if err := te.run(ctx, "", "payroll", "export", "--period", current); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("open period: %v", err)
	}
	if err := te.run(ctx, "", "payroll", "export"); err == nil {
		t.Error("no period accepted")
	}
	out := filepath.Join(t.TempDir(), "timesheets.zip")
	if err := te.run(ctx, "", "payroll", "timesheets", "--period", previous, "--out", out); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) < 5 {
		t.Errorf("zip has %d timesheets", len(zr.File))
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}
