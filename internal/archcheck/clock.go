// Package archcheck holds the checks that keep the code base's house rules
// true as it grows: they read the source (go/ast), not the running program,
// and their tests run them over the whole module in CI.
package archcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// WallClockFuncs are the functions of package time that read the wall clock
// or wait on it. Business code uses the injected clock instead.
var WallClockFuncs = []string{"Now", "Since", "Until", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker", "Sleep"}

// WallClockMarker is the comment that says a wall-clock read is meant (a
// timeout, a request's duration for metrics), on the same line.
const WallClockMarker = "wall clock:"

// WallClockAllowed lists the directories (slash-separated, relative to the
// module root, matched as prefixes) where a marked wall-clock read may stand:
// the composition root and the HTTP and database shells, which time real
// work, and the test harness, which must know the real date to prove the
// suite does not depend on it. Everywhere else, including every domain package, even a marked one is
// refused: rules, stores and jobs see time only through the injected clock.
var WallClockAllowed = []string{"cmd/", "internal/web/", "internal/database/", "internal/testenv/", "internal/app/apptest/"}

// Finding is one wall-clock read the rule refuses.
type Finding struct {
	Pos  token.Position
	Call string // e.g. "time.Now"
	Why  string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s %s", f.Pos.Filename, f.Pos.Line, f.Call, f.Why)
}

// CheckWallClock walks the Go files below root (skipping _test.go files,
// testdata and hidden directories) and reports every reference to a
// function in WallClockFuncs that the rule does not allow. Paths in the
// findings are relative to root.
func CheckWallClock(root string) ([]Finding, error) {
	var out []Finding
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || name == "node_modules" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		fs, err := checkFile(path, filepath.ToSlash(rel))
		out = append(out, fs...)
		return err
	})
	return out, err
}

func checkFile(path, rel string) ([]Finding, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	timeName := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			timeName = "time"
			if imp.Name != nil {
				timeName = imp.Name.Name
			}
		}
	}
	if timeName == "" || timeName == "_" {
		return nil, nil
	}
	marked := map[int]bool{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.Contains(c.Text, WallClockMarker) {
				marked[fset.Position(c.Slash).Line] = true
			}
		}
	}
	allowedHere := slices.ContainsFunc(WallClockAllowed, func(dir string) bool { return strings.HasPrefix(rel, dir) })
	var out []Finding
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || id.Name != timeName || id.Obj != nil || !slices.Contains(WallClockFuncs, sel.Sel.Name) {
			return true
		}
		pos := fset.Position(sel.Pos())
		pos.Filename = rel
		call := "time." + sel.Sel.Name
		switch {
		case !allowedHere:
			out = append(out, Finding{pos, call, "reads the wall clock in business code: use the injected clock (Now func() time.Time)"})
		case !marked[pos.Line]:
			out = append(out, Finding{pos, call, "reads the wall clock without saying why: use the injected clock, or mark the line `// " + WallClockMarker + " <why>` where real elapsed time is meant"})
		}
		return true
	})
	return out, nil
}
