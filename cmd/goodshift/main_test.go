package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peterldowns/pgtestdb"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// testEnv runs commands against a fresh data directory (SQLite) or a given
// PostgreSQL URL.
type testEnv struct {
	vars           map[string]string
	stdout, stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.String()
}

func newTestEnv(t *testing.T, databaseURL string) *testEnv {
	return &testEnv{
		vars:   map[string]string{"GOODSHIFT_DATA_DIR": t.TempDir(), "DATABASE_URL": databaseURL, "GOODSHIFT_LOG_FORMAT": "text", "GOODSHIFT_PASSWORD_COST": "4"},
		stdout: &syncBuffer{}, stderr: &syncBuffer{},
	}
}

func (te *testEnv) run(ctx context.Context, stdin string, args ...string) error {
	return run(ctx, args, env{
		getenv: func(k string) string { return te.vars[k] },
		stdin:  strings.NewReader(stdin),
		stdout: te.stdout, stderr: te.stderr,
		now:    func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) },
		listen: net.Listen,
	})
}

func TestHelp(t *testing.T) {
	te := newTestEnv(t, "")
	if err := te.run(t.Context(), "", "help"); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"serve", "migrate", "seed", "user"} {
		if !strings.Contains(te.stdout.String(), cmd) {
			t.Errorf("help does not list %s", cmd)
		}
	}
	for _, args := range [][]string{{"serve", "--help"}, {"migrate", "--help"}, {"seed", "--help"}, {"user", "add", "--help"}} {
		te := newTestEnv(t, "")
		if err := te.run(t.Context(), "", args...); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(te.stderr.String(), "Usage: goodshift "+args[0]) {
			t.Errorf("%v prints no usage: %s", args, te.stderr.String())
		}
	}
	if err := newTestEnv(t, "").run(t.Context(), "", "frobnicate"); err == nil {
		t.Errorf("an unknown command succeeded")
	}
}

// TestFirstAdminFromTheCommandLine: migrate, add the first admin with the
// password on stdin, then sign in with it.
func TestFirstAdminFromTheCommandLine(t *testing.T) {
	te := newTestEnv(t, "")
	ctx := t.Context()
	if err := te.run(ctx, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if err := te.run(ctx, "", "migrate", "--status"); err != nil || !strings.Contains(te.stdout.String(), "0 migrations pending") {
		t.Fatalf("status: %v\n%s", err, te.stdout.String())
	}
	if err := te.run(ctx, "too short\n", "user", "add", "--email", "boss@example.org", "--name", "The Boss", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "at least 10") {
		t.Errorf("a short password was accepted: %v", err)
	}
	if err := te.run(ctx, "a long enough password\n", "user", "add", "--email", "boss@example.org", "--name", "The Boss", "--role", "admin", "--role", "finance"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(te.stdout.String(), "Added The Boss <boss@example.org> as admin,finance") {
		t.Errorf("output: %s", te.stdout.String())
	}
	if err := te.run(ctx, "a long enough password\n", "user", "add", "--email", "boss@example.org", "--name", "Again", "--role", "admin"); err == nil {
		t.Errorf("a duplicate email was accepted")
	}
	if err := te.run(ctx, "a long enough password\n", "user", "add", "--email", "emp@example.org", "--name", "Em Ployee", "--role", "employee"); err == nil || !strings.Contains(err.Error(), "works_number") {
		t.Errorf("an employee without a works number: %v", err)
	}
	if err := te.run(ctx, "a long enough password\n", "user", "add", "--email", "emp@example.org", "--name", "Em Ployee", "--role", "employee", "--works-number", "E1", "--date-of-birth", "2001-02-03"); err != nil {
		t.Fatal(err)
	}
	base, stop := serve(t, te, "serve")
	defer stop()
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"boss@example.org","password":"a long enough password"}`))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in as the new admin: %v %v", res.StatusCode, err)
	}
}

// serve starts `goodshift <args>` on a listener that is already bound, so
// requests can be made at once; stop() cancels it and waits for the
// graceful shutdown.
func serve(t *testing.T, te *testEnv, args ...string) (base string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, env{
			getenv: func(k string) string { return te.vars[k] },
			stdin:  strings.NewReader(""), stdout: te.stdout, stderr: te.stderr,
			now:    time.Now,
			listen: func(string, string) (net.Listener, error) { return ln, nil },
		})
	}()
	return "http://" + ln.Addr().String(), func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	}
}

// TestServeDemoOnSQLite is the README's run command: a fresh data
// directory, demo data, printed logins that work for every role, /readyz 200.
func TestServeDemoOnSQLite(t *testing.T) {
	te := newTestEnv(t, "")
	base, stop := serve(t, te, "serve", "--demo")
	defer stop()
	checkServing(t, base, te)
}

// TestServeOnPostgreSQL: the same binary migrates and serves on PostgreSQL.
func TestServeOnPostgreSQL(t *testing.T) {
	conf := pgtestdb.Custom(t, dbtest.ServerConfig(t), pgtestdb.NoopMigrator{})
	te := newTestEnv(t, conf.URL())
	if err := te.run(t.Context(), "", "migrate"); err != nil {
		t.Fatal(err)
	}
	base, stop := serve(t, te, "serve", "--demo")
	defer stop()
	checkServing(t, base, te)
	// Seeding again never reseeds a database that has people.
	te2 := &testEnv{vars: te.vars, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	if err := te2.run(t.Context(), "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(te2.stdout.String(), "already has people") {
		t.Errorf("reseeding a non-empty database: %s", te2.stdout.String())
	}
}

func checkServing(t *testing.T, base string, te *testEnv) {
	t.Helper()
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", res, err)
	}
	res, err = http.Get(base + "/login")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in page: %v", err)
	}
	out := te.stdout.String()
	if !strings.Contains(out, "password for all: "+demo.Password) {
		t.Fatalf("demo logins not printed:\n%s", out)
	}
	emails := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.Contains(f[0], "@") {
			continue
		}
		emails++
		body, _ := json.Marshal(map[string]string{"email": f[0], "password": demo.Password})
		res, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
		if err != nil || res.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(res.Body)
			t.Errorf("printed login %s does not work: %d %s", f[0], res.StatusCode, b)
		}
	}
	if emails < 15 {
		t.Errorf("only %d logins printed", emails)
	}
}

// TestGracefulShutdownFinishesRequests: a request in flight when the
// signal arrives still gets its answer.
func TestGracefulShutdownFinishesRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- appServe(ctx, ln, h) }()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	<-started
	cancel() // SIGTERM arrives while the request is in flight
	close(release)
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request got %q", body)
	}
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Errorf("still accepting connections after shutdown")
	}
}

func appServe(ctx context.Context, ln net.Listener, h http.Handler) error {
	quiet := slog.New(slog.DiscardHandler)
	return app.Serve(ctx, app.NewServer(ln.Addr().String(), h, quiet), ln, 5*time.Second, quiet)
}
