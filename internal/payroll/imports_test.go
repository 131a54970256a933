package payroll_test

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPayrollNeverImportsWellbeing: DESIGN.md — payroll never imports
// wellbeing, and it reaches the rota only through its own Shifts interface.
func TestPayrollNeverImportsWellbeing(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, banned := range []string{"internal/wellbeing", "internal/rota", "internal/contracts"} {
				if strings.HasSuffix(path, banned) || strings.Contains(path, banned+"/") {
					t.Errorf("%s imports %s", e.Name(), path)
				}
			}
		}
	}
}
