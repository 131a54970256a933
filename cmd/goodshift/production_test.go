package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peterldowns/pgtestdb"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/people"
)

// With DATABASE_URL set, serve refuses to start on development keys and
// says which keys are missing, before it touches the database or listens.
// A demo (--demo) and SQLite keep the development key files.
func TestServeRefusesPostgreSQLWithoutProductionKeys(t *testing.T) {
	key := newKey(t)
	cases := []struct {
		name    string
		vars    map[string]string
		args    []string
		missing []string // names the error must give; nil = starts
	}{
		{"no keys", nil, nil, []string{"GOODSHIFT_SECRET_KEY", "GOODSHIFT_WELLBEING_KEY (or GOODSHIFT_WELLBEING_KEY_FILE) are not set"}},
		{"no wellbeing key", map[string]string{"GOODSHIFT_SECRET_KEY": key}, nil, []string{"GOODSHIFT_WELLBEING_KEY (or GOODSHIFT_WELLBEING_KEY_FILE) is not set"}},
		{"no secret key", map[string]string{"GOODSHIFT_WELLBEING_KEY": key}, nil, []string{"GOODSHIFT_SECRET_KEY is not set"}},
		{"no secret key, wellbeing key file", map[string]string{"GOODSHIFT_WELLBEING_KEY_FILE": "/etc/goodshift/wellbeing.keys"}, nil, []string{"GOODSHIFT_SECRET_KEY is not set"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Nothing listens here: reaching the database would be an error
			// of another kind, and listening would fail the test.
			te := newTestEnv(t, "postgres://goodshift@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
			for k, v := range c.vars {
				te.vars[k] = v
			}
			err := run(t.Context(), append([]string{"serve"}, c.args...), env{
				getenv: func(k string) string { return te.vars[k] }, stdin: strings.NewReader(""), stdout: te.stdout, stderr: te.stderr,
				now: time.Now, listen: func(string, string) (net.Listener, error) { t.Error("serve listened"); return nil, errors.New("no") },
			})
			if err == nil {
				t.Fatal("serve started without production keys")
			}
			for _, want := range append(c.missing, "DATABASE_URL is set", "openssl rand -base64 32", "goodshift serve --demo") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the message does not say %q:\n%v", want, err)
				}
			}
			if entries, _ := os.ReadDir(te.vars["GOODSHIFT_DATA_DIR"]); len(entries) != 0 {
				t.Errorf("development key files were made: %v", entries)
			}
		})
	}
	// Both keys, or a demo, or SQLite: the key check passes.
	for _, ok := range []struct {
		cfg  map[string]string
		demo bool
	}{
		{map[string]string{"DATABASE_URL": "postgres://x/y", "GOODSHIFT_SECRET_KEY": key, "GOODSHIFT_WELLBEING_KEY": key}, false},
		{map[string]string{"DATABASE_URL": "postgres://x/y", "GOODSHIFT_SECRET_KEY": key, "GOODSHIFT_WELLBEING_KEY_FILE": "/k"}, false},
		{map[string]string{"DATABASE_URL": "postgres://x/y"}, true},
		{map[string]string{}, false},
	} {
		cfg, err := config.Load(func(k string) string { return ok.cfg[k] })
		if err != nil {
			t.Fatal(err)
		}
		if err := requireProductionKeys(cfg, ok.demo); err != nil {
			t.Errorf("%v demo=%v: %v", ok.cfg, ok.demo, err)
		}
	}
}

// Two server processes of the real binary on one PostgreSQL database share
// the sign-in limits: forty wrong guesses at one account, split across both
// and sent at once, are checked no more times than one process allows.
func TestTwoServersShareSignInLimits(t *testing.T) {
	conf := pgtestdb.Custom(t, dbtest.ServerConfig(t), pgtestdb.NoopMigrator{})
	bin := buildBinary(t)
	secret, wellbeing := newKey(t), newKey(t)
	base := map[string]string{
		"DATABASE_URL": conf.URL(), "GOODSHIFT_PASSWORD_COST": "4", "GOODSHIFT_LOG_FORMAT": "text", "GOODSHIFT_LOG_LEVEL": "warn",
		"GOODSHIFT_ADDR": "127.0.0.1:0",
	}
	keys := map[string]string{"GOODSHIFT_SECRET_KEY": secret, "GOODSHIFT_WELLBEING_KEY": wellbeing}

	// The binary itself exits non-zero without the keys, saying why.
	out, err := binaryCmd(t, bin, base, "", "serve").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(string(out), "GOODSHIFT_SECRET_KEY and GOODSHIFT_WELLBEING_KEY") {
		t.Fatalf("serve without keys: %v\n%s", err, out)
	}

	with := func(extra ...map[string]string) map[string]string {
		m := map[string]string{}
		for _, x := range append([]map[string]string{base, keys}, extra...) {
			for k, v := range x {
				m[k] = v
			}
		}
		return m
	}
	if out, err := binaryCmd(t, bin, with(), "", "migrate").CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	const password = "a long enough password"
	if out, err := binaryCmd(t, bin, with(), password+"\n", "user", "add", "--email", "sam@example.org", "--name", "Sam Jones", "--role", "admin").CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	servers := []string{
		startServer(t, bin, with(map[string]string{"GOODSHIFT_DATA_DIR": t.TempDir()})),
		startServer(t, bin, with(map[string]string{"GOODSHIFT_DATA_DIR": t.TempDir()})),
	}

	login := func(server, pw string) int {
		res, err := http.Post(server+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"email":"sam@example.org","password":"`+pw+`"}`))
		if err != nil {
			t.Error(err)
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, s := range servers { // right passwords use nothing up
		if code := login(s, password); code != http.StatusOK {
			t.Fatalf("sign in at %s: %d", s, code)
		}
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		codes = map[int]int{}
		start = make(chan struct{})
	)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code := login(servers[i%2], "wrong password!")
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	checked, limited := codes[http.StatusUnauthorized], codes[http.StatusTooManyRequests]
	t.Logf("40 wrong guesses over two processes: %d checked (401), %d refused (429)", checked, limited)
	if checked < 1 || checked > people.AccountSignInBurst || checked+limited != 40 {
		t.Errorf("got %v; want at most %d checked (401) and the rest 429", codes, people.AccountSignInBurst)
	}
	for _, s := range servers {
		if code := login(s, password); code != http.StatusTooManyRequests {
			t.Errorf("the right password at %s after the guesses: %d, want 429", s, code)
		}
	}
}

func newKey(t *testing.T) string {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(k)
}

// buildBinary builds this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "goodshift")
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binaryCmd runs the binary with only the given environment (and PATH,
// HOME); it is killed if it outlives the test or three minutes.
func binaryCmd(t *testing.T, bin string, vars map[string]string, stdin string, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // wall clock: a hung process must not hang the run
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if _, ok := vars["GOODSHIFT_DATA_DIR"]; !ok {
		cmd.Env = append(cmd.Env, "GOODSHIFT_DATA_DIR="+t.TempDir())
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

// startServer starts `goodshift serve` and returns its URL once it says it
// is listening; the process is interrupted and waited for at cleanup.
func startServer(t *testing.T, bin string, vars map[string]string) string {
	t.Helper()
	cmd := binaryCmd(t, bin, vars, "", "serve")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	url := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Goodshift is running at "); ok {
				url <- strings.Fields(rest)[0]
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second): // wall clock: a stuck server must not hang the test run
			_ = cmd.Process.Kill()
			t.Errorf("serve did not stop on interrupt")
		}
	})
	select {
	case u := <-url:
		return u
	case err := <-exited:
		t.Fatalf("serve exited: %v\n%s", err, stderr.String())
	case <-time.After(2 * time.Minute): // wall clock: start-up timeout
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	return ""
}

// serve purges sign-in limits that limit nothing any more before it
// listens (the daily sessions-purge job after that), keeping the ones still
// counting.
func TestServePurgesSpentSignInLimits(t *testing.T) {
	te := newTestEnv(t, "")
	ctx := t.Context()
	if err := te.run(ctx, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(ctx, database.Options{DataDir: te.vars["GOODSHIFT_DATA_DIR"]})
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	future := time.Now().Add(time.Hour).UnixMilli()
	if err := db.Exec("INSERT INTO signin_attempts (kind, subject, full_at) VALUES ('account', 'spent@example.org', 0), ('ip', '192.0.2.1', ?)", future).Error; err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	var left []string
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, []string{"serve"}, env{
			getenv: func(k string) string { return te.vars[k] }, stdin: strings.NewReader(""), stdout: te.stdout, stderr: te.stderr,
			now: time.Now,
			listen: func(string, string) (net.Listener, error) {
				err := db.Raw("SELECT subject FROM signin_attempts ORDER BY subject").Scan(&left).Error
				cancel()
				return ln, err
			},
		})
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, ",") != "192.0.2.1" {
		t.Errorf("sign-in limits left when serve listened: %v, want only the one still counting", left)
	}
}
