package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/web"
)

// badText is what a hostile client sends in a text field, as raw JSON
// string content (between the quotes) and as a form value.
var badText = []struct {
	name      string
	json      string // inside a JSON string
	form      string
	wantWords string // in the error message
}{
	{"NUL", `a\u0000b`, "a\x00b", "NUL characters or invalid UTF-8"},
	{"invalid UTF-8", "a\xffb", "a\xffb", "NUL characters or invalid UTF-8"},
	{"over-long", strings.Repeat("x", web.MaxTextChars+1), strings.Repeat("x", web.MaxTextChars+1), "10,000 characters"},
}

// writeRoutes are every POST, PUT and PATCH route the router serves, with
// what web.Routes recorded about each (enumerated, not hand-listed).
func writeRoutes(t *testing.T, srv *apptest.Server) []web.Route {
	t.Helper()
	var out []web.Route
	for _, r := range srv.App.Shell.Engine.Routes() {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
		default:
			continue
		}
		rt, ok := srv.App.Shell.Routes.Lookup(r.Method, r.Path)
		if !ok {
			t.Fatalf("%s %s is not in the route table", r.Method, r.Path)
		}
		out = append(out, rt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path+out[i].Method < out[j].Path+out[j].Method })
	if len(out) < 50 {
		t.Fatalf("only %d write routes found", len(out))
	}
	return out
}

// allowedEmail is a demo person whose role may perform a ("" for public).
func allowedEmail(a auth.Action) string {
	rule := auth.Policy[a]
	switch {
	case rule.Public:
		return ""
	case rule.SignedIn:
		return roleLogins[auth.Employee]
	}
	return roleLogins[rule.Roles[0]]
}

// edgeClient is signed in as email (nobody for ""): a bearer token for the
// API, the session cookie and a CSRF token for pages.
func edgeClient(t *testing.T, srv *apptest.Server, email string, api bool) (*apptest.Client, string) {
	t.Helper()
	c := srv.Anonymous(t)
	if email == "" {
		if !api {
			c.Page("/login")
		}
		return c, "01a20000-0000-7000-8000-000000000000"
	}
	sess, p, err := srv.App.People.Login(context.Background(), email, demo.Password, "192.0.2.20")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	if api {
		c.Token = sess.Token
	} else {
		u, _ := url.Parse(srv.URL)
		c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: sess.Token, Path: "/"}})
		c.Page("/")
	}
	return c, p.ID
}

// jsonFields names the body's fields that hold text or lists, from the
// endpoint's request type; a plain handler's body is unknown, so one
// made-up field stands for all (the edge checks every string anyway).
func jsonFields(r web.Route) (text, lists []string) {
	if r.Request == nil || r.Request.Kind() != reflect.Struct {
		return []string{"text"}, []string{"items"}
	}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.String:
				text = append(text, name)
			case reflect.Slice:
				lists = append(lists, name)
			}
		}
	}
	walk(r.Request)
	if len(text) == 0 {
		text = []string{"text"}
	}
	return text, lists
}

// tableCounts is the number of rows in every table: what "nothing was
// written" is checked against.
func tableCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	var names []string
	q := "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	if db.Name() == "sqlite" {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	}
	if err := db.Raw(q).Scan(&names).Error; err != nil || len(names) < 10 {
		t.Fatalf("tables: %v (%d)", err, len(names))
	}
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.Table(n).Count(&c).Error; err != nil {
			t.Fatalf("count %s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

func sameCounts(t *testing.T, where string, before, after map[string]int64) {
	t.Helper()
	for n, c := range after {
		if before[n] != c {
			t.Errorf("%s: table %s went from %d to %d rows (nothing may be written)", where, n, before[n], c)
		}
	}
}

// TestEveryWriteRouteRefusesBadText is issue 16's table: every POST, PUT
// and PATCH route, each text field of its body (or form), a NUL, invalid
// UTF-8 and an over-long value, plus bad path IDs and query strings: 400
// with the plain message every time, never a 5xx, nothing written, on both
// databases alike.
func TestEveryWriteRouteRefusesBadText(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		for _, r := range writeRoutes(t, srv) {
			isAPI := strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/webhooks/")
			c, ownID := edgeClient(t, srv, allowedEmail(r.Action), isAPI)
			path := concretePath(r.Path, ownID)
			before := tableCounts(t, db)
			check := func(what string, res apptest.Response, words string) {
				t.Helper()
				where := fmt.Sprintf("%s %s: %s", r.Method, r.Path, what)
				if res.StatusCode != http.StatusBadRequest {
					t.Errorf("%s: status %d, want 400: %.200s", where, res.StatusCode, res.Body)
					return
				}
				if isAPI {
					if _, msg := apptest.ErrorBody(t, res); !strings.Contains(msg, words) {
						t.Errorf("%s: message %q does not say %q", where, msg, words)
					}
				}
			}
			if isAPI {
				text, lists := jsonFields(r)
				for _, bad := range badText {
					want := bad.wantWords // the edge checks text before it asks whether a body is wanted
					for _, f := range text {
						check(bad.name+" in "+f, sendJSON(c, r.Method, path, `{"`+f+`":"`+bad.json+`"}`), want)
					}
					for _, f := range lists {
						check(bad.name+" in the list "+f, sendJSON(c, r.Method, path, `{"`+f+`":["`+bad.json+`"]}`), want)
					}
				}
				if r.Body != web.NoBodyAllowed {
					for _, f := range lists {
						many := `{"` + f + `":[` + strings.TrimSuffix(strings.Repeat(`"x",`, web.MaxListItems+1), ",") + `]}`
						check("too many items in "+f, sendJSON(c, r.Method, path, many), "1,000 items")
					}
				}
			} else {
				for _, bad := range badText {
					for _, f := range []string{"name", "reason", "notes", "email"} {
						check(bad.name+" in form field "+f, c.Submit(path, url.Values{f: {bad.form}}), "")
					}
				}
			}
			// The address and the query string.
			if strings.Contains(r.Path, ":") {
				for _, id := range []string{"a%00b", "%FF", "a%C0%AF"} {
					check("path ID "+id, c.Do(r.Method, param.ReplaceAllString(r.Path, id), nil, nil), "NUL characters or invalid UTF-8")
				}
			}
			for _, q := range []string{"?from=%00", "?from=%FF", "?%FF=1"} {
				check("query "+q, c.Do(r.Method, path+q, nil, nil), "NUL characters or invalid UTF-8")
			}
			sameCounts(t, r.Method+" "+r.Path, before, tableCounts(t, db))
		}
	})
}

func sendJSON(c *apptest.Client, method, path, body string) apptest.Response {
	return c.Do(method, path, bytes.NewReader([]byte(body)), http.Header{"Content-Type": {"application/json"}})
}

// TestJSONBodiesNeedTheJSONContentType: a JSON body sent as text/plain (a
// cross-site form can do that) is refused with 415 and signs nobody in —
// the login CSRF of issue 16.
func TestJSONBodiesNeedTheJSONContentType(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		c := srv.Anonymous(t)
		body := `{"email":"sam@goodshift.example","password":"` + demo.Password + `"}`
		for _, ct := range []string{"text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
			res := c.Do(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body), http.Header{"Content-Type": {ct}})
			if res.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("login as %q: status %d, want 415: %s", ct, res.StatusCode, res.Body)
			}
			if code, _ := apptest.ErrorBody(t, res); code != "unsupported_media_type" {
				t.Errorf("login as %q: code %s", ct, code)
			}
			if sc := res.Header.Get("Set-Cookie"); strings.Contains(sc, web.SessionCookie+"=") && !strings.Contains(sc, web.SessionCookie+"=;") {
				t.Errorf("login as %q set the session cookie", ct)
			}
		}
		if res := c.Do(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body), http.Header{"Content-Type": {"application/json; charset=utf-8"}}); res.StatusCode != http.StatusOK {
			t.Errorf("login as JSON: %d", res.StatusCode)
		}
		// A signed-in write too.
		finance := srv.Login(t, "femi@goodshift.example")
		res := finance.Do(http.MethodPost, "/api/v1/clients", strings.NewReader(`{"name":"Plain Text Ltd"}`), http.Header{"Content-Type": {"text/plain"}})
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("create client as text/plain: %d", res.StatusCode)
		}
	})
}

// TestRoutesWithoutABodyRefuseOne: POST /invoices/:id/issue with a
// malformed body used to issue the invoice; now the body is refused and the
// invoice stays a draft. Routes of every package are covered, whether
// their handlers are endpoints or plain handlers.
func TestRoutesWithoutABodyRefuseOne(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		ctx := context.Background()
		finance := srv.Login(t, "femi@goodshift.example")
		drafts, err := srv.App.Contracts.Invoices(ctx, contracts.InvoiceFilter{Status: contracts.StatusDraft})
		if err == nil && len(drafts) == 0 {
			if _, err = srv.App.Contracts.RunInvoices(ctx, civil.Month{Year: 2026, Month: time.November}, nil); err == nil {
				drafts, err = srv.App.Contracts.Invoices(ctx, contracts.InvoiceFilter{Status: contracts.StatusDraft})
			}
		}
		if err != nil || len(drafts) == 0 {
			t.Fatalf("no draft invoice: %v", err)
		}
		inv := drafts[0]
		for _, body := range []string{`{"malformed`, `{}`, `x`} {
			res := sendJSON(finance, http.MethodPost, "/api/v1/invoices/"+inv.ID+"/issue", body)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("issue with body %q: %d, want 400", body, res.StatusCode)
			}
		}
		if got, _ := srv.App.Contracts.Invoice(ctx, inv.ID); got.State != inv.State || got.Number != "" {
			t.Errorf("the invoice was issued by a request with a malformed body: %s %s", got.State, got.Number)
		}
		if res := finance.Do(http.MethodPost, "/api/v1/invoices/"+inv.ID+"/issue", nil, nil); res.StatusCode != http.StatusOK {
			t.Errorf("issue with no body: %d: %s", res.StatusCode, res.Body)
		}
		// Every API write route that takes no body refuses one (before its
		// handler runs), as a role allowed to call it.
		n := 0
		for _, r := range writeRoutes(t, srv) {
			if !strings.HasPrefix(r.Path, "/api/") || r.Body != web.NoBodyAllowed {
				continue
			}
			c, ownID := edgeClient(t, srv, allowedEmail(r.Action), true)
			res := sendJSON(c, r.Method, concretePath(r.Path, ownID), `{"malformed`)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s with a body: %d, want 400", r.Method, r.Path, res.StatusCode)
			} else if _, msg := apptest.ErrorBody(t, res); !strings.Contains(msg, "takes no body") {
				t.Errorf("%s %s: %q", r.Method, r.Path, msg)
			}
			n++
		}
		if n < 10 {
			t.Errorf("only %d no-body routes", n)
		}
	})
}

// TestBodyRulesMatchHandlers keeps app/bodies.go honest: a route that
// refuses bodies must not have a handler that needs one (an empty request
// would answer "the body is empty"), and a route declared to need one
// must really read it.
func TestBodyRulesMatchHandlers(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	for _, r := range writeRoutes(t, srv) {
		if !strings.HasPrefix(r.Path, "/api/") || r.Body == web.BodyOptional {
			continue
		}
		c, ownID := edgeClient(t, srv, allowedEmail(r.Action), true)
		res := c.Do(r.Method, concretePath(r.Path, ownID), nil, nil)
		if res.StatusCode >= 500 {
			t.Errorf("%s %s with no body: %d", r.Method, r.Path, res.StatusCode)
			continue
		}
		if res.StatusCode == http.StatusNotFound {
			continue // out of this person's scope before the body is read: says nothing
		}
		wantsBody := res.StatusCode == http.StatusBadRequest && bytes.Contains(res.Body, []byte("The request body is empty"))
		if wantsBody != (r.Body == web.BodyRequired) {
			t.Errorf("%s %s: declared %s, but with no body it answers %d %.120s (declare it in app/bodies.go or use web.JSON)", r.Method, r.Path, r.Body, res.StatusCode, res.Body)
		}
	}
}

func TestHSTSWhenTheBaseURLIsHTTPS(t *testing.T) {
	db := dbtest.SQLite(t, app.Migrations()...)
	for base, want := range map[string]bool{"https://rota.example.org": true, "http://localhost:8080": false} {
		srv := apptest.New(t, db, apptest.Options{NoDemo: true, Env: map[string]string{"GOODSHIFT_BASE_URL": base}})
		res := srv.Anonymous(t).Get("/healthz")
		if got := res.Header.Get("Strict-Transport-Security"); (got != "") != want || (want && !strings.Contains(got, "max-age=31536000")) {
			t.Errorf("%s: Strict-Transport-Security %q", base, got)
		}
	}
}

// TestMetricsAreNotPublic: /metrics answers only with the configured
// bearer token; without one configured it is not served; with a separate
// address it is not on the main one.
func TestMetricsAreNotPublic(t *testing.T) {
	db := dbtest.SQLite(t, app.Migrations()...)
	const token = "0123456789abcdef-metrics"
	for _, tc := range []struct {
		name   string
		env    map[string]string
		bearer string
		want   int
	}{
		{"nothing configured", nil, "", http.StatusNotFound},
		{"nothing configured, a guess", nil, token, http.StatusNotFound},
		{"token, none sent", map[string]string{"GOODSHIFT_METRICS_TOKEN": token}, "", http.StatusUnauthorized},
		{"token, wrong one", map[string]string{"GOODSHIFT_METRICS_TOKEN": token}, token + "x", http.StatusUnauthorized},
		{"token, right one", map[string]string{"GOODSHIFT_METRICS_TOKEN": token}, token, http.StatusOK},
		{"own address", map[string]string{"GOODSHIFT_METRICS_ADDR": "127.0.0.1:9191", "GOODSHIFT_METRICS_TOKEN": token}, token, http.StatusNotFound},
	} {
		srv := apptest.New(t, db, apptest.Options{NoDemo: true, Env: tc.env})
		h := http.Header{}
		if tc.bearer != "" {
			h.Set("Authorization", "Bearer "+tc.bearer)
		}
		srv.Anonymous(t).Get("/healthz") // something to count
		res := srv.Anonymous(t).Do(http.MethodGet, "/metrics", nil, h)
		if res.StatusCode != tc.want {
			t.Errorf("%s: /metrics %d, want %d", tc.name, res.StatusCode, tc.want)
		}
		if tc.want == http.StatusOK && !bytes.Contains(res.Body, []byte("goodshift_http_requests_total")) {
			t.Errorf("%s: no metrics in the answer", tc.name)
		}
		if tc.env["GOODSHIFT_METRICS_ADDR"] != "" {
			rec := httptest.NewRecorder()
			srv.App.Metrics.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte("goodshift_http_requests_total")) {
				t.Errorf("%s: the separate metrics handler answers %d", tc.name, rec.Code)
			}
		}
	}
}

// TestIssue16Bounds: the probes of issue 16 that were accepted — a
// contract ending 9999-12-31, 5,000 skills on a shift, a 100 kB override
// reason — are refused with a message that states the bound, and change
// nothing.
func TestIssue16Bounds(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		ctx := context.Background()
		cts, err := srv.App.Contracts.Contracts(ctx, contracts.ContractFilter{})
		if err != nil || len(cts) == 0 {
			t.Fatalf("contracts: %v", err)
		}
		ct := cts[0]
		finance, dana := srv.Login(t, "femi@goodshift.example"), srv.Login(t, "dana@goodshift.example")
		before := tableCounts(t, db)
		for _, tc := range []struct {
			c            *apptest.Client
			method, path string
			body         string
			words        string
		}{
			{finance, http.MethodPatch, "/api/v1/contracts/" + ct.ID, `{"end_date":"9999-12-31"}`, "outside the years 1900 to 2100"},
			{finance, http.MethodPatch, "/api/v1/contracts/" + ct.ID, `{"end_date":"1999-12-31"}`, "between 2000 and 2100"},
			{finance, http.MethodPost, "/api/v1/contracts", `{"reference":"FAR-1","client_id":"` + ct.ClientID + `","site_ids":["` + ct.SiteIDs[0] + `"],"start_date":"2026-12-01","end_date":"9999-12-31","pricing":"per_visit","price":1000}`, "outside the years"},
			{dana, http.MethodPost, "/api/v1/shifts", `{"skills":[` + strings.TrimSuffix(strings.Repeat(`"mop",`, 5000), ",") + `]}`, "skills: has more than 1,000 items"},
			{dana, http.MethodPost, "/api/v1/shifts/" + ct.ID + "/assign", `{"employee_id":"x","override_reason":"` + strings.Repeat("r", 100_000) + `"}`, "override_reason: is longer than 10,000 characters"},
		} {
			res := sendJSON(tc.c, tc.method, tc.path, tc.body)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s: %d, want 400: %.200s", tc.method, tc.path, res.StatusCode, res.Body)
				continue
			}
			apptest.ErrorBody(t, res)
			if !bytes.Contains(res.Body, []byte(tc.words)) { // the message or a field's
				t.Errorf("%s %s: %.300s does not say %q", tc.method, tc.path, res.Body, tc.words)
			}
		}
		sameCounts(t, "bounds", before, tableCounts(t, db))
		if got, _ := srv.App.Contracts.Contract(ctx, ct.ID); got.EndDate != ct.EndDate {
			t.Errorf("end date changed to %s", got.EndDate)
		}
	})
}
