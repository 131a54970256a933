package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/peterldowns/pgtestdb"
	"github.com/riverqueue/river"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/people"
)

// holdingSMTP is a local SMTP sink that can hold a message at the end of
// its DATA, before answering: the sending process is then mid-job, its
// message not yet accepted. A held message is accepted when released, and
// dropped (never accepted, as SMTP says) if the sender's connection goes.
type holdingSMTP struct {
	Port int

	mu       sync.Mutex
	hold     int           // hold this many more messages
	held     chan struct{} // one value per message held
	release  chan struct{} // closed: accept the held message
	dropped  int
	accepted []string
}

func startHoldingSMTP(t *testing.T) *holdingSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &holdingSMTP{Port: ln.Addr().(*net.TCPAddr).Port, held: make(chan struct{}, 4)}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

// holdNext holds the next message until release is closed.
func (s *holdingSMTP) holdNext() (release chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold++
	s.release = make(chan struct{})
	return s.release
}

func (s *holdingSMTP) Messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.accepted...)
}

func (s *holdingSMTP) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

func (s *holdingSMTP) serve(conn net.Conn) {
	defer conn.Close()
	lines := make(chan string)
	go func() { // the connection's lines; closed when the peer goes
		defer close(lines)
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- line
		}
	}()
	say := func(m string) { _, _ = conn.Write([]byte(m + "\r\n")) }
	say("220 holding ESMTP")
	var data strings.Builder
	inData := false
	for line := range lines {
		if inData {
			if line != ".\r\n" {
				data.WriteString(strings.TrimPrefix(line, "."))
				continue
			}
			inData = false
			s.mu.Lock()
			var release chan struct{}
			if s.hold > 0 {
				s.hold--
				release = s.release
			}
			s.mu.Unlock()
			if release != nil {
				s.held <- struct{}{}
				select {
				case <-release:
				case _, ok := <-lines:
					if !ok { // the sender died before we answered: not delivered
						s.mu.Lock()
						s.dropped++
						s.mu.Unlock()
						return
					}
				}
			}
			s.mu.Lock()
			s.accepted = append(s.accepted, data.String())
			s.mu.Unlock()
			data.Reset()
			say("250 queued")
			continue
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 holding")
		case cmd == "DATA":
			inData = true
			say("354 go ahead")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// proc is one running `goodshift serve`.
type proc struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error // the exit, once
}

func startProc(t *testing.T, bin string, vars map[string]string) *proc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "GOODSHIFT_ADDR="+addr)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &proc{cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = struct{ io.Writer }{p.logs}, struct{ io.Writer }{p.logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
		}
	})
	poll(t, "the server to run its workers", 30*time.Second, func() bool {
		select {
		case err := <-p.done:
			t.Fatalf("the server exited: %v\n%s", err, p.logs.String())
		default:
		}
		res, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		var h struct{ Workers string }
		_ = json.NewDecoder(res.Body).Decode(&h)
		return res.StatusCode == http.StatusOK && h.Workers == "running"
	})
	return p
}

// TestKilledMidJobDeliversOnce runs real `goodshift serve` processes on
// each database with a local SMTP sink that holds a message mid-send:
//
//   - stopped gracefully (SIGTERM) while sending, the process waits for the
//     job in flight, which finishes: one delivery;
//   - killed (SIGKILL) while sending, nothing is delivered by it; started
//     again, the job is rescued and run: exactly one delivery, none lost.
func TestKilledMidJobDeliversOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts servers")
	}
	bin := filepath.Join(t.TempDir(), "goodshift")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		killedMidJob(t, bin, map[string]string{"GOODSHIFT_DATA_DIR": dir}, database.Options{DataDir: dir})
	})
	t.Run("postgres", func(t *testing.T) {
		conf := pgtestdb.Custom(t, dbtest.ServerConfig(t), pgtestdb.NoopMigrator{})
		killedMidJob(t, bin, map[string]string{"DATABASE_URL": conf.URL(), "GOODSHIFT_DATA_DIR": t.TempDir()}, database.Options{URL: conf.URL()})
	})
}

func killedMidJob(t *testing.T, bin string, dbVars map[string]string, dbOpts database.Options) {
	smtp := startHoldingSMTP(t)
	vars := map[string]string{
		"GOODSHIFT_LOG_FORMAT": "text", "GOODSHIFT_PASSWORD_COST": "4",
		"GOODSHIFT_SECRET_KEY": randomKey(), "GOODSHIFT_WELLBEING_KEY": randomKey(),
		"SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(smtp.Port), "SMTP_FROM": "Goodshift <rota@goodshift.example>",
		// A killed process's job is rescued after 4 s (cut off at 3 s), and
		// retried 200 ms later, so the test need not wait 15 minutes.
		"GOODSHIFT_JOB_RESCUE_AFTER": "4s", "GOODSHIFT_JOB_RETRY_BASE": "200ms",
	}
	for k, v := range dbVars {
		vars[k] = v
	}
	te := &testEnv{vars: vars, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	if err := te.run(t.Context(), "", "migrate"); err != nil {
		t.Fatal(err, te.stderr.String())
	}
	db, err := database.Open(t.Context(), dbOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	// This process only enqueues (workers off): the servers deliver.
	q, err := jobs.New(jobs.Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Now() } // wall clock: the servers run on it
	ps := people.NewService(people.Config{DB: db, Now: now})
	ns := notify.NewService(notify.Config{DB: db, Now: now, People: ps, Queue: q,
		SMTP: notify.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "Goodshift <rota@goodshift.example>"}})
	if err := q.Seal(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	ann, err := ps.Create(t.Context(), people.NewPerson{Name: "Ann Example", Email: "ann@example.org", Roles: []auth.Role{auth.Supervisor}})
	if err != nil {
		t.Fatal(err)
	}
	emailState := func(subject string) (status, job string) {
		var id string
		_ = db.Raw("SELECT id, status FROM emails WHERE subject = ?", subject).Row().Scan(&id, &status)
		res, err := q.Client().JobList(t.Context(), river.NewJobListParams().Kinds("email").First(100))
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range res.Jobs {
			var args notify.EmailArgs
			if json.Unmarshal(j.EncodedArgs, &args) == nil && args.EmailID == id {
				job = string(j.State)
			}
		}
		return status, job
	}
	delivered := func(subject string) (n int) {
		for _, m := range smtp.Messages() {
			if strings.Contains(m, "Subject: "+subject) {
				n++
			}
		}
		return n
	}
	waitHeld := func() {
		t.Helper()
		select {
		case <-smtp.held:
		case <-time.After(30 * time.Second):
			t.Fatal("no message reached the SMTP sink")
		}
	}

	t.Run("a graceful stop lets the job in flight finish", func(t *testing.T) {
		release := smtp.holdNext()
		a := startProc(t, bin, vars)
		if err := ns.Notify(t.Context(), []string{ann.ID}, "Drained", "Sent while stopping.", "/inbox"); err != nil {
			t.Fatal(err)
		}
		waitHeld()
		if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-a.done:
			t.Fatalf("the server exited (%v) with a job in flight, without waiting for it\n%s", err, a.logs.String())
		case <-time.After(500 * time.Millisecond): // it waits: the job is still in flight
		}
		close(release)
		select {
		case err := <-a.done:
			if err != nil {
				t.Fatalf("exit: %v\n%s", err, a.logs.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not stop after its job finished")
		}
		if status, job := emailState("Drained"); status != notify.EmailSent || job != "completed" || delivered("Drained") != 1 {
			t.Errorf("after a graceful stop: email %s, job %s, %d delivered; want sent, completed, 1", status, job, delivered("Drained"))
		}
	})

	t.Run("killed mid-send, started again, delivered once", func(t *testing.T) {
		smtp.holdNext() // never released: the process dies first
		b := startProc(t, bin, vars)
		if err := ns.Notify(t.Context(), []string{ann.ID}, "Killed", "Sent across a crash.", "/inbox"); err != nil {
			t.Fatal(err)
		}
		waitHeld()
		if status, job := emailState("Killed"); status != notify.EmailSending || job != "running" {
			t.Fatalf("mid-send: email %s, job %s; want sending, running", status, job)
		}
		if err := b.cmd.Process.Kill(); err != nil { // SIGKILL: no drain, no goodbye
			t.Fatal(err)
		}
		<-b.done
		poll(t, "the sink to see the sender gone", 10*time.Second, func() bool { return smtp.Dropped() == 1 })
		if n := delivered("Killed"); n != 0 {
			t.Fatalf("%d delivered by the killed process", n)
		}
		c := startProc(t, bin, vars)
		poll(t, "the rescued email to be sent", 90*time.Second, func() bool {
			status, job := emailState("Killed")
			return status == notify.EmailSent && job == "completed"
		})
		if n := delivered("Killed"); n != 1 {
			t.Errorf("%d deliveries after the restart, want exactly 1", n)
		}
		ids := map[string]int{}
		re := regexp.MustCompile(`Message-ID: <([^>]+)>`)
		for _, m := range smtp.Messages() {
			if mm := re.FindStringSubmatch(m); mm != nil {
				ids[mm[1]]++
			}
		}
		if len(ids) != 2 || len(smtp.Messages()) != 2 {
			t.Errorf("%d messages, %d distinct, in all; want the two emails once each", len(smtp.Messages()), len(ids))
		}
		if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := <-c.done; err != nil {
			t.Errorf("exit: %v\n%s", err, c.logs.String())
		}
	})
}

// randomKey is a base64 32-byte key.
func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
