package web

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
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
	Body   BodyRule // what body it takes
	// Request is the type of the JSON body, when the handler is an
	// Endpoint (nil otherwise).
	Request reflect.Type
}

// RouteTable records every route registered through Routes, so a test can
// compare it with the engine's own list and check each against the policy.
type RouteTable struct {
	mu     sync.Mutex
	routes map[string]Route
}

func newRouteTable() *RouteTable { return &RouteTable{routes: map[string]Route{}} }

// BodyRule is the body rule of a registered route (NoBodyAllowed if none).
func (t *RouteTable) BodyRule(method, path string) BodyRule {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.routes[method+" "+path].Body
}

// DeclareBody sets the body rule of routes whose handlers are plain gin
// handlers, not Endpoints ("POST /api/v1/shifts"). It panics for a route
// that is not registered, so a renamed route cannot keep a stale rule.
func (t *RouteTable) DeclareBody(rule BodyRule, routes ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, key := range routes {
		r, ok := t.routes[key]
		if !ok {
			panic("web: DeclareBody: no route " + key)
		}
		r.Body = rule
		t.routes[key] = r
	}
}

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

// Handle registers a route that performs action. Each handler is a
// gin.HandlerFunc, a func(*gin.Context) or an Endpoint (web.JSON,
// web.OptionalJSON, web.NoBody, web.RawBody); an Endpoint declares the body
// the route takes. Routes without one take no body on the API and a form on
// pages (DeclareBody changes that for plain handlers).
func (r Routes) Handle(method, path string, action auth.Action, handlers ...any) {
	if _, ok := auth.Policy[action]; !ok {
		panic("web: action " + string(action) + " is not in auth.Policy")
	}
	full := joinPaths(r.group.BasePath(), path)
	api := strings.HasPrefix(full, "/api/") || strings.HasPrefix(full, "/webhooks/")
	rule, req := NoBodyAllowed, reflect.Type(nil)
	if !api && method != http.MethodGet && method != http.MethodHead {
		rule = BodyForm
	}
	chain := []gin.HandlerFunc{Require(action), guardBody(r.table, method, full, api)}
	for _, h := range handlers {
		switch h := h.(type) {
		case gin.HandlerFunc:
			chain = append(chain, h)
		case func(*gin.Context):
			chain = append(chain, h)
		case Endpoint:
			rule, req = h.body, h.req
			chain = append(chain, h.Handle)
		default:
			panic(fmt.Sprintf("web: %s %s: handler of type %T (want a gin.HandlerFunc or a web.Endpoint)", method, full, h))
		}
	}
	r.table.mu.Lock()
	r.table.routes[method+" "+full] = Route{Method: method, Path: full, Action: action, Body: rule, Request: req}
	r.table.mu.Unlock()
	r.group.Handle(method, path, chain...)
}

func (r Routes) GET(path string, a auth.Action, h ...any) {
	r.Handle(http.MethodGet, path, a, h...)
}
func (r Routes) POST(path string, a auth.Action, h ...any) {
	r.Handle(http.MethodPost, path, a, h...)
}
func (r Routes) PUT(path string, a auth.Action, h ...any) {
	r.Handle(http.MethodPut, path, a, h...)
}
func (r Routes) PATCH(path string, a auth.Action, h ...any) {
	r.Handle(http.MethodPatch, path, a, h...)
}
func (r Routes) DELETE(path string, a auth.Action, h ...any) {
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
