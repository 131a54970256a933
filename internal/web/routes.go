package web

import (
	"net/http"
	"net/url"
	"sort"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
)

// Route is one registered route and the action it performs.
type Route struct {
	Method string
	Path   string // gin pattern, e.g. /api/v1/shifts/:id/assign
	Action auth.Action
}

// RouteTable records every route registered through Routes, so a test can
// compare it with the engine's own list and check each against the policy.
type RouteTable struct {
	mu     sync.Mutex
	routes map[string]Route
}

func newRouteTable() *RouteTable { return &RouteTable{routes: map[string]Route{}} }

// Lookup returns the route registered for method and gin path.
func (t *RouteTable) Lookup(method, path string) (Route, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.routes[method+" "+path]
	return r, ok
}

// All returns every route, sorted by path then method.
func (t *RouteTable) All() []Route {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Route, 0, len(t.routes))
	for _, r := range t.routes {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Routes registers routes with the action each performs; the action is
// enforced by the policy before any handler runs. It is the only way routes
// are added to Goodshift (a route added to gin directly has no policy and
// fails TestEveryRouteHasAPolicy).
type Routes struct {
	group *gin.RouterGroup
	table *RouteTable
}

// Group returns Routes under a sub-path.
func (r Routes) Group(path string, middleware ...gin.HandlerFunc) Routes {
	return Routes{group: r.group.Group(path, middleware...), table: r.table}
}

// Handle registers a route that performs action.
func (r Routes) Handle(method, path string, action auth.Action, handlers ...gin.HandlerFunc) {
	if _, ok := auth.Policy[action]; !ok {
		panic("web: action " + string(action) + " is not in auth.Policy")
	}
	full := joinPaths(r.group.BasePath(), path)
	r.table.mu.Lock()
	r.table.routes[method+" "+full] = Route{Method: method, Path: full, Action: action}
	r.table.mu.Unlock()
	r.group.Handle(method, path, append([]gin.HandlerFunc{Require(action)}, handlers...)...)
}

func (r Routes) GET(path string, a auth.Action, h ...gin.HandlerFunc) {
	r.Handle(http.MethodGet, path, a, h...)
}
func (r Routes) POST(path string, a auth.Action, h ...gin.HandlerFunc) {
	r.Handle(http.MethodPost, path, a, h...)
}
func (r Routes) PUT(path string, a auth.Action, h ...gin.HandlerFunc) {
	r.Handle(http.MethodPut, path, a, h...)
}
func (r Routes) PATCH(path string, a auth.Action, h ...gin.HandlerFunc) {
	r.Handle(http.MethodPatch, path, a, h...)
}
func (r Routes) DELETE(path string, a auth.Action, h ...gin.HandlerFunc) {
	r.Handle(http.MethodDelete, path, a, h...)
}

func joinPaths(base, rel string) string {
	if rel == "" {
		return base
	}
	if base == "/" {
		return rel
	}
	if rel[0] != '/' {
		rel = "/" + rel
	}
	return base + rel
}

// Require enforces the policy for action. Anonymous callers get 401 from the
// API and are sent to the sign-in page from a page; roles without the action
// get 403, or 404 when the action is hidden from them.
func Require(action auth.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, signedIn := PrincipalOf(c)
		switch auth.Decide(action, signedIn, p) {
		case auth.Allow:
			c.Next()
		case auth.DenyUnsignedIn:
			if IsAPI(c) {
				Fail(c, errs.E(errs.Unauthenticated, "Sign in first: send a bearer token or the session cookie."))
				return
			}
			next := c.Request.URL.Path
			if c.Request.Method != http.MethodGet {
				next = "/"
			}
			Redirect(c, "/login?next="+url.QueryEscape(next))
		case auth.DenyHidden:
			Fail(c, errs.E(errs.NotFound, "Not found."))
		default:
			Fail(c, errs.E(errs.Forbidden, "Your role does not allow this."))
		}
	}
}

// PrincipalOf returns the signed-in person, if any.
func PrincipalOf(c *gin.Context) (auth.Principal, bool) {
	return auth.PrincipalFrom(c.Request.Context())
}

// MustPrincipal returns the signed-in person on a route whose action needs
// one (every action but Public).
func MustPrincipal(c *gin.Context) auth.Principal {
	p, _ := PrincipalOf(c)
	return p
}
