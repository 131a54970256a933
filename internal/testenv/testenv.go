// Package testenv is how tests find the real things they need — PostgreSQL,
// Chromium, stripe-mock, pdftotext, the CBC MIP solver — and what happens
// when one is missing (axe-core, the accessibility checker the browser
// tests inject, included):
// locally the test is skipped with a clear message; in CI, where
// GOODSHIFT_TEST_REQUIRE lists it, the skip becomes a failure.
//
//	GOODSHIFT_TEST_REQUIRE=postgres,browser,stripe,pdftotext,cbc,axe go test ./...
package testenv

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Dependencies that GOODSHIFT_TEST_REQUIRE may name.
const (
	Postgres  = "postgres"
	Browser   = "browser"
	Stripe    = "stripe"
	Pdftotext = "pdftotext"
	Cbc       = "cbc" // COIN-OR's MIP solver (Debian coinor-cbc), the planner's oracle
	Axe       = "axe" // axe-core's axe.min.js (npm axe-core 4.14), found through AxeVar
)

// AxeVar names the variable holding the path of axe-core's axe.min.js
// (npm install --prefix DIR axe-core@4.14 puts it in
// DIR/node_modules/axe-core/axe.min.js); .ci/run sets it.
const AxeVar = "GOODSHIFT_AXE_JS"

// Required reports whether the environment demands the dependency (CI).
func Required(what string) bool {
	for _, w := range strings.Split(os.Getenv("GOODSHIFT_TEST_REQUIRE"), ",") {
		if strings.TrimSpace(w) == what || strings.TrimSpace(w) == "all" {
			return true
		}
	}
	return false
}

// Unavailable skips t because a dependency is missing, or fails it when the
// dependency is required.
func Unavailable(t testing.TB, what, why string) {
	t.Helper()
	if Required(what) {
		t.Fatalf("%s is required (GOODSHIFT_TEST_REQUIRE) but unavailable: %s", what, why)
	}
	t.Skipf("skipping: %s unavailable: %s (set GOODSHIFT_TEST_REQUIRE=%s to make this a failure)", what, why, what)
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// OutputDir is a folder for test artifacts (screenshots, sample PDFs) under
// testoutput/ at the module root, or GOODSHIFT_TEST_OUTPUT. It is kept after
// the run so CI can publish it.
func OutputDir(t testing.TB, sub string) string {
	t.Helper()
	base := os.Getenv("GOODSHIFT_TEST_OUTPUT")
	if base == "" {
		base = filepath.Join(ModuleRoot(), "testoutput")
	}
	dir := filepath.Join(base, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create test output dir: %v", err)
	}
	return dir
}

// PDFText returns the text of a PDF as poppler's pdftotext reads it
// (-layout keeps table rows on one line).
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		Unavailable(t, Pdftotext, "pdftotext not on PATH (apt-get install poppler-utils)")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: starts %q", pdf[:min(len(pdf), 20)])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return out.String()
}

// PDFPages is the page count pdftotext reports (pages are separated by form feeds).
func PDFPages(text string) int { return strings.Count(strings.TrimRight(text, "\f"), "\f") + 1 }

// CbcPath is the path of the cbc binary (Debian's coinor-cbc), or the test
// is skipped (failed when cbc is required).
func CbcPath(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("cbc")
	if err != nil {
		Unavailable(t, Cbc, "cbc not on PATH (apt-get install coinor-cbc)")
	}
	return bin
}

// AxeSource is the text of axe-core's axe.min.js from AxeVar, or the test
// is skipped (failed when axe is required).
func AxeSource(t testing.TB) string {
	t.Helper()
	path := os.Getenv(AxeVar)
	if path == "" {
		Unavailable(t, Axe, AxeVar+" is not set (npm install --no-save --prefix /tmp/axe axe-core@4.14; "+AxeVar+"=/tmp/axe/node_modules/axe-core/axe.min.js)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		Unavailable(t, Axe, AxeVar+": "+err.Error())
	}
	if !bytes.Contains(b, []byte("axe")) {
		t.Fatalf("%s=%s does not look like axe-core", AxeVar, path)
	}
	return string(b)
}
