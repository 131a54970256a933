// Package apptest starts the whole application for tests: a real router on
// a real database (dbtest gives SQLite or PostgreSQL), seeded with the demo
// organisation, behind httptest, with a client that signs in as anyone.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/demo"
)

// Server is a running application.
type Server struct {
	*httptest.Server
	App *app.App
	// Clock is the time the application sees; tests may move it.
	Clock *Clock
	// Logs collects everything the application logged. Requests may still
	// be writing to it (the access log is written after the response).
	Logs *SyncBuffer
}

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Options adjust the server.
type Options struct {
	Now    time.Time            // default: StartTime() — DefaultNow unless GOODSHIFT_TEST_NOW says otherwise
	NoDemo bool                 // start with an empty database
	Config func(*config.Config) // change configuration
	Env    map[string]string    // environment for config.Load
}

// DefaultNow is a Monday morning in November 2026.
var DefaultNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// ClockVar names the variable that moves the application's clock in tests
// that do not choose their own (Options.Now): an instant (RFC 3339), a date
// (2027-12-06, meaning 09:00 London that day), or a number of years from
// the real date ("+1y", "-1y"). The suite's outcome must not depend on the
// real date, and this is how that is checked (TestSmokeOnAnyDate).
const ClockVar = "GOODSHIFT_TEST_NOW"

// StartTime is where a test application's clock starts: DefaultNow, or
// what ClockVar says. A value it cannot read stops the test run.
func StartTime() time.Time {
	v := strings.TrimSpace(os.Getenv(ClockVar))
	if v == "" {
		return DefaultNow
	}
	t, err := ParseStartTime(v)
	if err != nil {
		panic(err)
	}
	return t
}

// ParseStartTime reads a ClockVar value. Relative values are counted in
// whole 52-week years from the real date, moved to 09:00 London on that
// week's Monday, so the weekday and the time of day match DefaultNow.
func ParseStartTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if d, err := civil.Parse(v); err == nil {
		return d.At(9, 0, civil.London).UTC(), nil
	}
	if n, ok := strings.CutSuffix(v, "y"); ok {
		if years, err := strconv.Atoi(n); err == nil {
			return RealDateYearsAway(years), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s=%q: want an RFC 3339 instant, a date like 2027-12-06, or +1y/-1y", ClockVar, v)
}

// RealDateYearsAway is 09:00 London on the Monday of the real current week,
// moved by the given number of 52-week years.
func RealDateYearsAway(years int) time.Time {
	today := civil.In(time.Now(), civil.London) // wall clock: the real date, which the suite must not depend on
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	return monday.AddDays(years*52*7).At(9, 0, civil.London).UTC()
}

// New starts the application on db, seeded with demo data.
func New(t testing.TB, db *gorm.DB, o Options) *Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return o.Env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	cfg.SecretKey = make([]byte, 32)
	_, _ = rand.Read(cfg.SecretKey)
	cfg.DataDir = t.TempDir()
	if o.Config != nil {
		o.Config(&cfg)
	}
	now := o.Now
	if now.IsZero() {
		now = StartTime()
	}
	clock := &Clock{t: now}
	logs := &SyncBuffer{}
	// The demo seed comes from a snapshot of an earlier test's freshly
	// seeded database when one with the same key exists (template.go).
	var tpl *seedTemplate
	var finish func(*seedTemplate)
	if !o.NoDemo && templatesOn() {
		key, ok, err := templateKey(context.Background(), db, cfg, now)
		if err != nil {
			t.Fatalf("seed template key: %v", err)
		}
		if ok {
			var mine bool
			if tpl, mine, finish = claimTemplate(key); mine {
				defer finish(nil) // no snapshot if this test stops before making one
			}
		}
		if tpl != nil {
			if err := tpl.writeKey(cfg.DataDir); err != nil {
				t.Fatalf("seed template: %v", err)
			}
		}
	}
	a, err := app.New(app.Deps{
		Config: cfg, DB: db, Now: clock.Now, PasswordCost: bcrypt.MinCost,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	switch {
	case o.NoDemo:
	case tpl != nil:
		if err := tpl.restore(context.Background(), db); err != nil {
			t.Fatalf("seed demo from template: %v", err)
		}
		_, _ = logs.Write(tpl.seedLogs) // what the seed logged, as if it had run here
	default:
		before := len(logs.String())
		if _, _, err := demo.Seed(context.Background(), a); err != nil {
			t.Fatalf("seed demo: %v", err)
		}
		if finish != nil {
			snap, err := snapshot(context.Background(), db, cfg.DataDir)
			if err != nil {
				t.Logf("seed template not made, later tests seed as before: %v", err)
				snap = nil
			} else {
				snap.seedLogs = []byte(logs.String()[before:])
			}
			finish(snap)
		}
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &Server{Server: srv, App: a, Clock: clock, Logs: logs}
}

// SyncBuffer is a log buffer safe to write and read at once.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Client talks to the server as one person (or nobody).
type Client struct {
	t      testing.TB
	srv    *Server
	Token  string // bearer token, when signed in through the API
	HTTP   *http.Client
	Person map[string]any
	csrf   string // last CSRF token seen on a page
}

// Anonymous is a client that has not signed in.
func (s *Server) Anonymous(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, srv: s, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Login signs in through the API with the demo password and returns a
// client that sends the bearer token.
func (s *Server) Login(t testing.TB, email string) *Client {
	t.Helper()
	return s.LoginWith(t, email, demo.Password)
}

// LoginWith signs in with a password.
func (s *Server) LoginWith(t testing.TB, email, password string) *Client {
	t.Helper()
	c := s.Anonymous(t)
	var out struct {
		Token string         `json:"token"`
		User  map[string]any `json:"user"`
	}
	res := c.JSON(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password}, &out)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login %s: status %d", email, res.StatusCode)
	}
	c.Token, c.Person = out.Token, out.User
	c.HTTP.Jar, _ = cookiejar.New(nil) // bearer only, no cookie
	return c
}

// ID is the signed-in person's ID.
func (c *Client) ID() string {
	id, _ := c.Person["id"].(string)
	return id
}

// Response is a finished request.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Do sends a request with a raw body and returns the response.
func (c *Client) Do(method, path string, body io.Reader, header http.Header) Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, body)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if c.Token != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return Response{StatusCode: res.StatusCode, Header: res.Header, Body: b}
}

// JSON sends in (if not nil) as JSON and decodes the answer into out (if
// not nil and the status is 2xx).
func (c *Client) JSON(method, path string, in, out any) Response {
	c.t.Helper()
	var body io.Reader
	h := http.Header{}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			c.t.Fatalf("marshal: %v", err)
		}
		body = bytes.NewReader(b)
		h.Set("Content-Type", "application/json")
	}
	res := c.Do(method, path, body, h)
	if out != nil && res.StatusCode < 300 && len(res.Body) > 0 {
		if err := json.Unmarshal(res.Body, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, res.Body, err)
		}
	}
	return res
}

// Get is a GET returning the response.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, nil)
}

// ErrorBody decodes the standard error shape, failing the test if the body
// does not have it.
func ErrorBody(t testing.TB, r Response) (code, message string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("status %d: body is not the error shape: %s", r.StatusCode, r.Body)
	}
	return e.Error.Code, e.Error.Message
}

// Page-session helpers (cookies and CSRF, like a browser) are in pages.go.
