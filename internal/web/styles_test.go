package web

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/templates"
)

// TestEveryStylesheetIsInline: every stylesheet in static/ is one of the
// inline Stylesheets (a new one left out would style nothing), and the
// layout links none (a linked one would block the first paint on a slow
// connection for another round trip).
func TestEveryStylesheetIsInline(t *testing.T) {
	css, err := fs.Glob(templates.FS, "static/*.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range css {
		if !slices.Contains(Stylesheets, strings.TrimPrefix(f, "static/")) {
			t.Errorf("%s is not in web.Stylesheets", f)
		}
	}
	layout, err := fs.ReadFile(templates.FS, "layout.html")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(layout), `rel="stylesheet"`) {
		t.Error("layout.html links a stylesheet: list it in web.Stylesheets instead")
	}
}

// TestInlineStylesAllowedByTheirHash renders a page and checks its one
// <style> holds the stylesheets and is exactly what the
// Content-Security-Policy's hash allows, and that no other inline style is
// allowed.
func TestInlineStylesAllowedByTheirHash(t *testing.T) {
	s := newTestShell(t)
	s.Root().GET("/page", auth.Public, func(c *gin.Context) { s.Renderer.HTML(c, http.StatusOK, "error", map[string]any{"Message": "x"}) })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/page", nil))
	body := rec.Body.String()
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("want one <style>, got %d:\n%.400s", len(m), body)
	}
	inline := m[0][1]
	if !strings.Contains(inline, "--brand: #0b5394;") || !strings.Contains(inline, ".phonebar") || strings.Contains(inline, "/*") {
		t.Errorf("inline styles are not the minified stylesheets: %.300s", inline)
	}
	sum := sha256.Sum256([]byte(inline))
	want := "style-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, want) {
		t.Errorf("CSP %q does not allow the inline styles by their hash (%s)", csp, want)
	}
	if strings.Contains(rec.Header().Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows any inline style")
	}
}
