// Package docs holds the project's documentation. Its test keeps
// docs/benchmarks.md in step with the per-package files it is built from.
package docs_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite benchmarks.md from docs/benchmarks/*.md")

// benchmarkSections are the sources of benchmarks.md, in page order.
var benchmarkSections = []string{"foundation.md", "rota.md", "contracts.md", "payroll.md", "wellbeing.md", "planner.md", "phone.md", "ci.md"}

// assemble builds the page: the header, then each section with its
// headings one level down (outside code blocks).
func assemble(t *testing.T) string {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("benchmarks", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	parts := []string{read("header.md")}
	for _, name := range benchmarkSections {
		var lines []string
		fenced := false
		for _, line := range strings.Split(read(name), "\n") {
			if strings.HasPrefix(line, "```") {
				fenced = !fenced
			}
			if !fenced && strings.HasPrefix(line, "#") {
				line = "#" + line
			}
			lines = append(lines, line)
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return strings.Join(parts, "\n\n") + "\n"
}

func TestBenchmarksPageIsUpToDate(t *testing.T) {
	want := assemble(t)
	if *update {
		if err := os.WriteFile("benchmarks.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("benchmarks.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/benchmarks.md is out of date: run go test ./docs -update")
	}
	entries, err := os.ReadDir("benchmarks")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "header.md" && !strings.Contains(strings.Join(benchmarkSections, " "), e.Name()) {
			t.Errorf("docs/benchmarks/%s is not on the page: add it to benchmarkSections", e.Name())
		}
	}
}
