package web

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// Stylesheets are the files under templates/static/ that every page
// carries inline, in <style> in its <head>, in cascade order (phone.css
// last: it adapts the rest to a phone). They are inline, not linked,
// because on a slow phone connection (Chrome's "Slow 3G": 2 s for every
// round trip) a linked stylesheet blocks the first paint for a second
// round trip; inline, "My week" paints as its HTML arrives (issue 17,
// docs/benchmarks/phone.md). A stylesheet added to static/ must be listed
// here (TestEveryStylesheetIsInline checks).
var Stylesheets = []string{"app.css", "rota.css", "contracts.css", "payroll.css", "wellbeing.css", "phone.css"}

// pageStyles is Stylesheets read once, lightly minified, with the hash the
// Content-Security-Policy allows it by (style-src stays 'self' plus that
// one hash: no other inline style runs).
type pageStyles struct {
	CSS  template.CSS
	Hash string // 'sha256-…' for style-src
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssSpace   = regexp.MustCompile(`\s+`)
	cssPunct   = regexp.MustCompile(`\s*([{};])\s*`)
)

// loadPageStyles reads the stylesheets from the templates' static/ folder.
// Minifying only drops comments and collapses white space around braces
// and semicolons, which never changes what a rule means.
func loadPageStyles(templates fs.FS) (pageStyles, error) {
	var b strings.Builder
	for _, name := range Stylesheets {
		css, err := fs.ReadFile(templates, path.Join("static", name))
		if err != nil {
			return pageStyles{}, fmt.Errorf("stylesheet %s: %w", name, err)
		}
		s := cssComment.ReplaceAllString(string(css), "")
		s = cssSpace.ReplaceAllString(s, " ")
		s = cssPunct.ReplaceAllString(s, "$1")
		b.WriteString(strings.TrimSpace(s))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return pageStyles{CSS: template.CSS(b.String()), Hash: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"}, nil
}

// contentSecurityPolicy allows scripts and styles only from Goodshift, and
// the one inline stylesheet by its hash.
func contentSecurityPolicy(styleHash string) string {
	style := "style-src 'self'"
	if styleHash != "" {
		style += " " + styleHash
	}
	return "default-src 'self'; img-src 'self' data:; " + style + "; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
}
