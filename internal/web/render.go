package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Renderer holds every page template, parsed once at start-up from the
// embedded templates/ folder:
//
//   - layout.html defines "layout", the page skeleton;
//   - any file whose name starts with "_" is a partial, shared by all pages
//     (partials/_form.html, rota/_next_shift.html, ...);
//   - every other .html file is a page named by its path without ".html"
//     ("home/index", "rota/week") that defines "title" and "content".
//
// A template that fails to parse fails start-up, not a request. Pages are
// rendered into a buffer first, so a failing template never sends half a page.
type Renderer struct {
	pages map[string]*template.Template
	shell *Shell
}

// NavItem is a link in the main navigation, shown to those who may follow it.
type NavItem struct {
	Label  string
	Path   string
	Action auth.Action
	Order  int // lower first
}

// HomeSection is a panel on the home page, contributed by a package: the
// partial Template is rendered with whatever Load returns, for people
// holding any of Roles.
type HomeSection struct {
	Roles    []auth.Role
	Template string
	Order    int
	Load     func(c *gin.Context, p auth.Principal) (any, error)
}

// View is what every page template receives as ".".
type View struct {
	Title     string
	Principal auth.Principal
	SignedIn  bool
	Nav       []NavItem
	// Bar replaces the header navigation for people who are only
	// employees (phonebar.go); Tabs are the current bar item's pages.
	Bar       []BarLink
	Tabs      []BarLink
	Flash     *Flash
	CSRF      string // the token; forms use {{template "csrf" $}}
	RequestID string
	Path      string
	Status    int
	Data      any
	// Panels are what other packages add to this page (panels.go), by name.
	Panels map[string]any
}

// Funcs are the helpers every template may call.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"money":     func(p money.Pence) string { return p.String() },
		"date":      func(d civil.Date) string { return d.Format("Mon 2 Jan 2006") },
		"shortdate": func(d civil.Date) string { return d.Format("Mon 2 Jan") },
		"localtime": func(t time.Time) string { return t.In(civil.London).Format("15:04") },
		"localdate": func(t time.Time) string { return t.In(civil.London).Format("Mon 2 Jan 2006") },
		"localdatetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(civil.London).Format("Mon 2 Jan 2006, 15:04")
		},
		"hours": func(minutes int) string {
			if minutes%60 == 0 {
				return fmt.Sprintf("%dh", minutes/60)
			}
			return fmt.Sprintf("%dh %02dm", minutes/60, minutes%60)
		},
		"can":       func(p auth.Principal, a string) bool { return auth.Can(p, auth.Action(a)) },
		"has":       func(p auth.Principal, r string) bool { return p.Has(auth.Role(r)) },
		"roleLabel": func(r auth.Role) string { return r.Label() },
		"join":      strings.Join,
		"lower":     strings.ToLower,
		"title": func(s string) string {
			s = strings.ReplaceAll(s, "_", " ")
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
		"field": fieldArgs,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs key/value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict keys must be strings")
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

// DateFuncs are the date helpers, reading dates the way people do: "Thu 24
// Dec", with the year only when it is not this year ("Thu 24 Dec 2027").
// "This year" comes from now, the injected clock (templates never read the
// wall clock); without one the year is always shown.
func DateFuncs(now func() time.Time) template.FuncMap {
	day := func(d civil.Date) string {
		if d.IsZero() {
			return ""
		}
		if now != nil && civil.In(now(), civil.London).Year == d.Year {
			return d.Format("Mon 2 Jan")
		}
		return d.Format("Mon 2 Jan 2006")
	}
	return template.FuncMap{
		"date":      day,
		"localdate": func(t time.Time) string { return day(civil.In(t, civil.London)) },
		"localdatetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return day(civil.In(t, civil.London)) + ", " + t.In(civil.London).Format("15:04")
		},
	}
}

// parseTemplates builds one template set per page.
func parseTemplates(fsys fs.FS, extra template.FuncMap) (map[string]*template.Template, error) {
	funcs := Funcs()
	for k, v := range extra {
		funcs[k] = v
	}
	var partials, pages []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		switch {
		case p == "layout.html":
		case strings.HasPrefix(path.Base(p), "_"):
			partials = append(partials, p)
		default:
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, append([]string{"layout.html"}, partials...)...)
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	out := make(map[string]*template.Template, len(pages))
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", p, err)
		}
		for _, name := range []string{"title", "content"} {
			if t.Lookup(name) == nil {
				return nil, fmt.Errorf("page %s does not define %q", p, name)
			}
		}
		out[strings.TrimSuffix(p, ".html")] = t
	}
	return out, nil
}

// HTML renders page with status. title is used when the page's own "title"
// block is empty; data is available as .Data.
func (r *Renderer) HTML(c *gin.Context, status int, page string, data any) {
	t, ok := r.pages[page]
	if !ok {
		Fail(c, fmt.Errorf("web: no page template %q", page))
		return
	}
	v := r.view(c, status, data)
	if v.SignedIn {
		panels, err := r.shell.panelsFor(c, page, v.Principal)
		if err != nil {
			Fail(c, err)
			return
		}
		v.Panels = panels
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		Fail(c, fmt.Errorf("render %s: %w", page, err))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// Pages lists the names of all parsed pages (for tests).
func (r *Renderer) Pages() []string {
	out := make([]string, 0, len(r.pages))
	for k := range r.pages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *Renderer) view(c *gin.Context, status int, data any) View {
	p, signedIn := PrincipalOf(c)
	v := View{
		Principal: p,
		SignedIn:  signedIn,
		Flash:     takeFlash(c, r.shell.cookies),
		CSRF:      csrf.Token(c.Request),
		RequestID: RequestID(c),
		Path:      c.Request.URL.Path,
		Status:    status,
		Data:      data,
	}
	if signedIn {
		for _, n := range r.shell.nav {
			if auth.Can(p, n.Action) {
				v.Nav = append(v.Nav, n)
			}
		}
		v.Bar, v.Tabs = r.shell.barFor(c, p, v.Path)
	}
	return v
}

// errorPage shows an error to a person, with a way back.
func (r *Renderer) errorPage(c *gin.Context, status int, code errs.Code, msg string, details any) {
	data := map[string]any{"Code": code, "Message": msg, "Details": details}
	t := r.pages["error"]
	var buf bytes.Buffer
	if t == nil || t.ExecuteTemplate(&buf, "layout", r.view(c, status, data)) != nil {
		c.Data(status, "text/plain; charset=utf-8", []byte(msg))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func rendererFrom(c *gin.Context) *Renderer {
	if r, ok := c.Get(rendererKey); ok {
		return r.(*Renderer)
	}
	return nil
}

// homeSections returns the sections for p, each with its loaded data.
func (s *Shell) homeSections(c *gin.Context, p auth.Principal) ([]renderedSection, error) {
	var out []renderedSection
	for _, hs := range s.home {
		if !slices.ContainsFunc(hs.Roles, p.Has) {
			continue
		}
		var data any
		if hs.Load != nil {
			d, err := hs.Load(c, p)
			if err != nil {
				return nil, err
			}
			data = d
		}
		out = append(out, renderedSection{Template: hs.Template, Data: data})
	}
	return out, nil
}

type renderedSection struct {
	Template string
	Data     any
}

// Section executes a named partial for the home page. Templates call it as
// {{section $ .}} inside the range over sections.
func (r *Renderer) section(name string, data any) (template.HTML, error) {
	for _, t := range r.pages {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil //nolint:gosec // output of html/template
	}
	return "", fmt.Errorf("no templates")
}

// StatusText is http.StatusText for templates.
func StatusText(code int) string { return http.StatusText(code) }
