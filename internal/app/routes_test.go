package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/web"
)

// roleLogins is a demo person holding exactly each role.
var roleLogins = map[auth.Role]string{
	auth.Employee:      "sam@goodshift.example",
	auth.Supervisor:    "dana@goodshift.example",
	auth.SupportWorker: "jo@goodshift.example",
	auth.Finance:       "femi@goodshift.example",
	auth.Admin:         "alex@goodshift.example",
}

// TestEveryRouteHasAPolicy enumerates the routes gin actually serves and
// checks that each was registered with a policy action, then asks every
// route as every role (and as nobody) and checks the answer is what the
// policy says: allowed roles get past authorization, others get 401, 403
// or 404. A route added without a policy fails here.
func TestEveryRouteHasAPolicy(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		table := srv.App.Shell.Routes
		routes := srv.App.Shell.Engine.Routes()
		if len(routes) < 10 {
			t.Fatalf("only %d routes registered", len(routes))
		}
		for _, r := range routes {
			if _, ok := table.Lookup(r.Method, r.Path); !ok {
				t.Errorf("%s %s is served but was not registered with a policy action (use web.Routes)", r.Method, r.Path)
			}
		}
		if len(table.All()) != len(routes) {
			t.Errorf("route table has %d entries, gin serves %d", len(table.All()), len(routes))
		}
		for _, r := range table.All() {
			t.Run(r.Method+" "+r.Path, func(t *testing.T) {
				checkRoute(t, srv, r)
			})
		}
	})
}

var param = regexp.MustCompile(`[:*][a-zA-Z_]+`)

// concretePath fills a route pattern's parameters with values that pass
// syntax checks: the caller's own ID for IDs (so own-scope routes answer),
// a month for periods.
func concretePath(pattern, ownID string) string {
	return param.ReplaceAllStringFunc(pattern, func(p string) string {
		switch p[1:] {
		case "period":
			return "2026-11"
		case "file":
			return "app.css"
		case "secret":
			return "no-such-secret.ics"
		}
		return ownID
	})
}

func checkRoute(t *testing.T, srv *apptest.Server, r web.Route) {
	ctx := context.Background()
	isAPI := strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/webhooks/")
	cases := []struct {
		name  string
		email string
	}{{"anonymous", ""}}
	for _, role := range auth.Roles {
		cases = append(cases, struct{ name, email string }{string(role), roleLogins[role]})
	}
	for _, tc := range cases {
		c := srv.Anonymous(t)
		var principal auth.Principal
		signedIn := tc.email != ""
		if signedIn {
			// A fresh session per request: a route that signs out or
			// changes a password must not spoil the next request.
			sess, p, err := srv.App.People.Login(ctx, tc.email, demo.Password, "192.0.2.10")
			if err != nil {
				t.Fatalf("login %s: %v", tc.email, err)
			}
			principal = p.Principal()
			if isAPI {
				c.Token = sess.Token
			} else {
				u, _ := url.Parse(srv.URL)
				c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: sess.Token, Path: "/"}})
				c.Page("/") // picks up the CSRF cookie and token
			}
		} else if !isAPI {
			c.Page("/login")
		}
		path := concretePath(r.Path, principal.ID)
		if principal.ID == "" {
			path = concretePath(r.Path, "01a20000-0000-7000-8000-000000000000")
		}
		var res apptest.Response
		switch {
		case r.Method == http.MethodGet:
			res = c.Get(path)
		case isAPI:
			res = c.JSON(r.Method, path, map[string]any{}, nil)
		default:
			res = c.Submit(path, url.Values{})
		}
		decision := auth.Decide(r.Action, signedIn, principal)
		where := tc.name + ": " + r.Method + " " + path
		if res.StatusCode >= 500 {
			t.Errorf("%s: status %d (never 5xx): %.300s", where, res.StatusCode, res.Body)
			continue
		}
		switch decision {
		case auth.Allow:
			if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
				t.Errorf("%s: allowed by the policy (%s) but got %d: %.200s", where, r.Action, res.StatusCode, res.Body)
			}
		case auth.DenyUnsignedIn:
			if isAPI {
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s: want 401, got %d", where, res.StatusCode)
				}
				apptest.ErrorBody(t, res)
			} else if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("%s: want a redirect to /login, got %d %s", where, res.StatusCode, res.Header.Get("Location"))
			}
		case auth.DenyForbidden:
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %s is not for this role: want 403, got %d", where, r.Action, res.StatusCode)
			}
		case auth.DenyHidden:
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %s is hidden from this role: want 404, got %d", where, r.Action, res.StatusCode)
			}
		}
		if isAPI && res.StatusCode >= 400 {
			apptest.ErrorBody(t, res)
		}
	}
}

func TestPolicyTableIsComplete(t *testing.T) {
	for a, rule := range auth.Policy {
		if !rule.Public && !rule.SignedIn && len(rule.Roles) == 0 {
			t.Errorf("action %s allows nobody", a)
		}
		for _, r := range rule.Roles {
			if !r.Valid() {
				t.Errorf("action %s names unknown role %q", a, r)
			}
		}
	}
	// Rule 1 of DESIGN.md: wellbeing content is for the employee and their
	// support worker only, and hidden from everyone else.
	for a, rule := range auth.Policy {
		if !strings.HasPrefix(string(a), "wellbeing.") || a == auth.SupportSummary {
			continue
		}
		if !rule.Hidden {
			t.Errorf("%s must be hidden (404) from roles without it", a)
		}
		for _, r := range rule.Roles {
			if r != auth.Employee && r != auth.SupportWorker && !(a == auth.Caseloads && r == auth.Admin) {
				t.Errorf("%s allows %s: wellbeing content is for employees and support workers only", a, r)
			}
		}
	}
}

func TestDecide(t *testing.T) {
	emp := auth.Principal{ID: "x", Roles: []auth.Role{auth.Employee}}
	sup := auth.Principal{ID: "y", Roles: []auth.Role{auth.Supervisor}}
	both := auth.Principal{ID: "z", Roles: []auth.Role{auth.Employee, auth.Supervisor}}
	for _, tc := range []struct {
		action   auth.Action
		signedIn bool
		p        auth.Principal
		want     auth.Decision
	}{
		{auth.Public, false, auth.Principal{}, auth.Allow},
		{auth.SignedIn, false, auth.Principal{}, auth.DenyUnsignedIn},
		{auth.SignedIn, true, emp, auth.Allow},
		{auth.ShiftsWrite, true, emp, auth.DenyForbidden},
		{auth.ShiftsWrite, true, sup, auth.Allow},
		{auth.ShiftsWrite, true, both, auth.Allow},
		{auth.WellbeingPlan, true, sup, auth.DenyHidden},
		{auth.WellbeingPlan, true, emp, auth.Allow},
		{auth.Action("no.such.action"), true, both, auth.DenyForbidden},
		{auth.InvoicesRead, false, auth.Principal{}, auth.DenyUnsignedIn},
	} {
		if got := auth.Decide(tc.action, tc.signedIn, tc.p); got != tc.want {
			t.Errorf("Decide(%s, %v, %v) = %v, want %v", tc.action, tc.signedIn, tc.p.Roles, got, tc.want)
		}
	}
}
