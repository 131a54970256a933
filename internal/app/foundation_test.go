package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestBadRequestsGetClearFourHundreds: malformed JSON, unknown fields, wrong
// types, huge bodies and bad tokens all get a 4xx in the error shape, with a
// message that says what to fix — never a 500 — and change nothing.
func TestBadRequestsGetClearFourHundreds(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		admin := srv.Login(t, "alex@goodshift.example")
		before, _ := srv.App.People.Count(context.Background())

		huge := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
		for _, tc := range []struct {
			name, body string
			status     int
			code, says string
		}{
			{"malformed", `{"name": "Ann", `, 400, "invalid", "not complete JSON"},
			{"syntax", `{"name" "Ann"}`, 400, "invalid", "not valid JSON"},
			{"not an object", `[1,2]`, 400, "invalid", "must be a JSON object"},
			{"unknown field", `{"name":"Ann","email":"ann@x.example","roles":["admin"],"shoe_size":9}`, 400, "invalid", "shoe_size"},
			{"wrong type", `{"name":42,"email":"ann@x.example","roles":["admin"]}`, 400, "invalid", "name: must be a string"},
			{"wrong nested type", `{"name":"Ann","email":"ann@x.example","roles":"admin"}`, 400, "invalid", "roles: must be a list"},
			{"empty", ``, 400, "invalid", "empty"},
			{"trailing data", `{"name":"Ann"} {"x":1}`, 400, "invalid", "single JSON object"},
			{"huge", huge, 400, "invalid", "larger than 1 MB"},
			{"validation", `{"name":"","email":"nope","roles":["wizard"]}`, 400, "invalid", "correct"},
			{"employee without record", `{"name":"Ann","email":"ann@x.example","roles":["employee"]}`, 400, "invalid", "employee"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := admin.Do(http.MethodPost, "/api/v1/people", strings.NewReader(tc.body), http.Header{"Content-Type": {"application/json"}})
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %.300s", res.StatusCode, tc.status, res.Body)
				}
				code, msg := apptest.ErrorBody(t, res)
				if code != tc.code || !strings.Contains(msg+string(res.Body), tc.says) {
					t.Errorf("got %s %q, want %s mentioning %q", code, msg, tc.code, tc.says)
				}
			})
		}
		if after, _ := srv.App.People.Count(context.Background()); after != before {
			t.Errorf("bad requests created people: %d -> %d", before, after)
		}

		for _, tc := range []struct{ name, header string }{
			{"garbage token", "Bearer not-a-real-token-at-all-123456"},
			{"wrong scheme", "Basic YWxleDpwYXNz"},
			{"empty bearer", "Bearer "},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := srv.Anonymous(t)
				res := c.Do(http.MethodGet, "/api/v1/me", nil, http.Header{"Authorization": {tc.header}})
				if res.StatusCode != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", res.StatusCode)
				}
				apptest.ErrorBody(t, res)
			})
		}

		t.Run("unknown route", func(t *testing.T) {
			res := admin.Get("/api/v1/no/such/thing")
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d", res.StatusCode)
			}
			apptest.ErrorBody(t, res)
		})
		t.Run("unknown id", func(t *testing.T) {
			for _, id := range []string{"nope", "01a20000-0000-7000-8000-000000000000", "../../etc/passwd"} {
				res := admin.Get("/api/v1/people/" + id)
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: status %d", id, res.StatusCode)
				}
			}
		})
	})
}

func TestSignInSignOutAndDeactivation(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		anon := srv.Anonymous(t)

		// Wrong password: 401 with a message that does not say whether the email exists.
		for _, email := range []string{"sam@goodshift.example", "nobody@goodshift.example"} {
			res := anon.JSON(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong-password"}, nil)
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s: status %d", email, res.StatusCode)
			}
			if _, msg := apptest.ErrorBody(t, res); !strings.Contains(msg, "do not match") {
				t.Errorf("message %q", msg)
			}
		}

		// Sign in: token and an HttpOnly SameSite cookie.
		res := anon.JSON(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "SAM@goodshift.example ", "password": demo.Password}, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("login: %d %s", res.StatusCode, res.Body)
		}
		cookie := res.Header.Get("Set-Cookie")
		for _, want := range []string{"goodshift_session=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %s", cookie, want)
			}
		}
		var body struct {
			Token string `json:"token"`
			User  struct {
				ID    string   `json:"id"`
				Roles []string `json:"roles"`
			} `json:"user"`
		}
		if err := json.Unmarshal(res.Body, &body); err != nil || len(body.Token) < 40 || body.User.Roles[0] != "employee" {
			t.Fatalf("login body: %s", res.Body)
		}
		if strings.Contains(string(res.Body), "password") {
			t.Errorf("login response mentions a password: %s", res.Body)
		}
		sam := srv.Login(t, "sam@goodshift.example")
		if r := sam.Get("/api/v1/me"); r.StatusCode != http.StatusOK || !bytes.Contains(r.Body, []byte("Sam Okafor")) {
			t.Fatalf("me: %d %s", r.StatusCode, r.Body)
		}

		// The token is stored hashed, never as is.
		var stored int64
		db.Table("sessions").Where("token_hash = ?", sam.Token).Count(&stored)
		if stored != 0 {
			t.Errorf("a raw token is stored in the sessions table")
		}

		// Sign out ends that session only.
		other := srv.Login(t, "sam@goodshift.example")
		if r := sam.JSON(http.MethodPost, "/api/v1/auth/logout", nil, nil); r.StatusCode != http.StatusNoContent {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if r := sam.Get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("after logout: %d", r.StatusCode)
		}
		if r := other.Get("/api/v1/me"); r.StatusCode != http.StatusOK {
			t.Errorf("other session after logout: %d", r.StatusCode)
		}

		// An admin deactivates Sam: the token stops working and sign-in fails.
		admin := srv.Login(t, "alex@goodshift.example")
		off := false
		if r := admin.JSON(http.MethodPatch, "/api/v1/people/"+other.ID(), map[string]any{"active": off}, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
		}
		if r := other.Get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("deactivated person's token: %d", r.StatusCode)
		}
		res = anon.JSON(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "sam@goodshift.example", "password": demo.Password}, nil)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("deactivated person signed in: %d", res.StatusCode)
		}
		// Admins cannot lock themselves out.
		if r := admin.JSON(http.MethodPatch, "/api/v1/people/"+admin.ID(), map[string]any{"active": off}, nil); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("self-deactivation: %d", r.StatusCode)
		}

		// Expired sessions stop working.
		tok := srv.Login(t, "priya@goodshift.example")
		srv.Clock.Set(apptest.DefaultNow.Add(8 * 24 * time.Hour))
		if r := tok.Get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("session after its expiry: %d", r.StatusCode)
		}
	})
}

func TestSignInIsRateLimited(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	c := srv.Anonymous(t)
	attempt := func(email, pw string) int {
		return c.JSON(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": pw}, nil).StatusCode
	}
	// Per account: five wrong passwords, then even the right one waits.
	for i := 0; i < 5; i++ {
		if s := attempt("priya@goodshift.example", "wrong-password"); s != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, s)
		}
	}
	if s := attempt("priya@goodshift.example", demo.Password); s != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt: %d, want 429", s)
	}
	// A minute later one more attempt is allowed.
	srv.Clock.Set(apptest.DefaultNow.Add(61 * time.Second))
	if s := attempt("priya@goodshift.example", demo.Password); s != http.StatusOK {
		t.Fatalf("after a minute: %d", s)
	}
	// Per IP: many accounts from one address.
	limited := false
	for i := 0; i < 30 && !limited; i++ {
		limited = attempt("nobody"+string(rune('a'+i))+"@goodshift.example", "wrong-password") == http.StatusTooManyRequests
	}
	if !limited {
		t.Errorf("30 failed sign-ins from one IP across accounts were never limited")
	}
}

func TestAdminCreatesPeople(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		admin := srv.Login(t, "alex@goodshift.example")
		var created struct {
			ID                string   `json:"id"`
			Roles             []string `json:"roles"`
			TemporaryPassword string   `json:"temporary_password"`
		}
		res := admin.JSON(http.MethodPost, "/api/v1/people", map[string]any{
			"name": "Nadia Ali", "email": "nadia@goodshift.example", "roles": []string{"employee", "supervisor"},
			"employee": map[string]any{"works_number": "GS100", "start_date": "2026-11-30", "date_of_birth": "2000-01-02", "contract_type": "zero_hours"},
		}, &created)
		if res.StatusCode != http.StatusCreated || created.TemporaryPassword == "" || len(created.Roles) != 2 {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		nadia := srv.LoginWith(t, "nadia@goodshift.example", created.TemporaryPassword)
		if r := nadia.Get("/api/v1/me"); r.StatusCode != http.StatusOK {
			t.Fatalf("new person cannot use their account: %d", r.StatusCode)
		}
		// Same email again: 409; same works number: 409.
		res = admin.JSON(http.MethodPost, "/api/v1/people", map[string]any{"name": "Nadia Two", "email": "NADIA@goodshift.example", "roles": []string{"finance"}}, nil)
		if res.StatusCode != http.StatusConflict {
			t.Errorf("duplicate email: %d", res.StatusCode)
		}
		res = admin.JSON(http.MethodPost, "/api/v1/people", map[string]any{
			"name": "Other", "email": "other@goodshift.example", "roles": []string{"employee"},
			"employee": map[string]any{"works_number": "GS100", "start_date": "2026-11-30"},
		}, nil)
		if res.StatusCode != http.StatusConflict {
			t.Errorf("duplicate works number: %d", res.StatusCode)
		}
		if _, err := srv.App.People.ByEmail(context.Background(), "other@goodshift.example"); err == nil {
			t.Errorf("a refused person was half-created")
		}
		// Only admins.
		sup := srv.Login(t, "dana@goodshift.example")
		if r := sup.JSON(http.MethodPost, "/api/v1/people", map[string]any{"name": "X", "email": "x@goodshift.example", "roles": []string{"admin"}}, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor creating people: %d", r.StatusCode)
		}
	})
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	const token = "metrics-token-for-tests"
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Env: map[string]string{"GOODSHIFT_METRICS_TOKEN": token}})
	c := srv.Anonymous(t)
	if r := c.Get("/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", r.StatusCode)
	}
	if r := c.Get("/readyz"); r.StatusCode != http.StatusOK {
		t.Errorf("readyz: %d", r.StatusCode)
	}
	c.Get("/login")
	m := c.Do(http.MethodGet, "/metrics", nil, http.Header{"Authorization": {"Bearer " + token}}) // edge_test.go: not without it
	for _, want := range []string{`goodshift_http_requests_total{method="GET",route="/login",status="200"}`, "goodshift_http_request_duration_seconds_bucket", `go_sql_max_open_connections{db_name="goodshift"}`} {
		if !bytes.Contains(m.Body, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// When the database goes away, readiness says so.
	sqlDB, _ := srv.App.DB.DB()
	_ = sqlDB.Close()
	if r := c.Get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %d", r.StatusCode)
	}
	if r := c.Get("/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("healthz with the database closed: %d (the process is still up)", r.StatusCode)
	}
}

// TestLogsHoldNoSecrets: the access log has the request ID, route, status
// and duration, and never a password or token.
func TestLogsHoldNoSecrets(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	c := srv.Login(t, "sam@goodshift.example")
	c.Get("/api/v1/me")
	srv.Anonymous(t).JSON(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "sam@goodshift.example", "password": "secret-wrong-pw"}, nil)
	logs := srv.Logs.String()
	for _, secret := range []string{demo.Password, "secret-wrong-pw", c.Token} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain a secret %q", secret)
		}
	}
	var line map[string]any
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"route":"/api/v1/me"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	for _, k := range []string{"request_id", "route", "status", "duration_ms", "person_id"} {
		if _, ok := line[k]; !ok {
			t.Errorf("access log line lacks %s: %v", k, line)
		}
	}
}
