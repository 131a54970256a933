package main

import (
	"bytes"
	"context"
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

	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
	"github.com/goodshift/goodshift/internal/people"
)

// TestTwoServersOnOneDatabase runs two real `goodshift serve` processes on
// one PostgreSQL database, as behind a load balancer: a sign-out on one is
// refused on the other within a second; each periodic task runs once; and
// emails queued once are delivered once, whichever process works them.
func TestTwoServersOnOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts two servers")
	}
	conf := pgtestdb.Custom(t, dbtest.ServerConfig(t), pgtestdb.NoopMigrator{})
	smtp := notifytest.StartSMTP(t, 0)
	key := func() string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	vars := map[string]string{
		"DATABASE_URL": conf.URL(), "GOODSHIFT_DATA_DIR": t.TempDir(), "GOODSHIFT_LOG_FORMAT": "text", "GOODSHIFT_PASSWORD_COST": "4",
		"GOODSHIFT_SECRET_KEY": key(), "GOODSHIFT_WELLBEING_KEY": key(),
		"SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(smtp.Port), "SMTP_FROM": "Goodshift <rota@goodshift.example>",
		"GOODSHIFT_METRICS_TOKEN": key(),
	}
	te := &testEnv{vars: vars, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	if err := te.run(t.Context(), "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if err := te.run(t.Context(), "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "goodshift")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	a := startServeProcess(t, bin, vars)
	b := startServeProcess(t, bin, vars)

	t.Run("sign-out on one is refused on the other within a second", func(t *testing.T) {
		token := login(t, a.base, "dana@goodshift.example")
		if code := me(t, b.base, token); code != http.StatusOK {
			t.Fatalf("signed in on A, /me on B: %d", code)
		}
		if code := me(t, b.base, token); code != http.StatusOK { // now cached on B
			t.Fatalf("again on B: %d", code)
		}
		req, _ := http.NewRequest(http.MethodPost, a.base+"/api/v1/auth/logout", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode >= 300 {
			t.Fatalf("sign-out on A: %v %v", res, err)
		}
		res.Body.Close()
		signedOut := time.Now()
		for me(t, b.base, token) != http.StatusUnauthorized {
			if time.Since(signedOut) > time.Second {
				t.Fatal("B still accepts the token a second after sign-out on A")
			}
			time.Sleep(20 * time.Millisecond) // polling a condition
		}
	})

	t.Run("deactivation on one is refused on the other within a second", func(t *testing.T) {
		token := login(t, b.base, "liam@goodshift.example")
		if code := me(t, b.base, token); code != http.StatusOK { // cached on B
			t.Fatalf("/me on B: %d", code)
		}
		admin := login(t, a.base, "alex@goodshift.example")
		var liam string
		req, _ := http.NewRequest(http.MethodGet, b.base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var who struct{ ID string }
		_ = json.NewDecoder(res.Body).Decode(&who)
		res.Body.Close()
		liam = who.ID
		body := strings.NewReader(`{"active": false}`)
		req, _ = http.NewRequest(http.MethodPatch, a.base+"/api/v1/people/"+liam, body)
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		res, err = http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("deactivate on A: %v %v", res, err)
		}
		res.Body.Close()
		done := time.Now()
		for me(t, b.base, token) != http.StatusUnauthorized {
			if time.Since(done) > time.Second {
				t.Fatal("B still accepts the deactivated person's token a second later")
			}
			time.Sleep(20 * time.Millisecond) // polling a condition
		}
	})

	t.Run("a new site on one is in the other's site list within a second", func(t *testing.T) {
		db, err := database.Open(t.Context(), database.Options{URL: conf.URL()})
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		supervisor, finance := login(t, b.base, "dana@goodshift.example"), login(t, a.base, "femi@goodshift.example")
		call := func(method, url, token, body string, out any) int {
			t.Helper()
			req, _ := http.NewRequest(method, url, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if out != nil {
				_ = json.NewDecoder(res.Body).Decode(out)
			}
			return res.StatusCode
		}
		var existing, client string
		if err := db.Raw("SELECT id FROM shifts ORDER BY starts_at LIMIT 1").Row().Scan(&existing); err != nil {
			t.Fatal(err)
		}
		if err := db.Raw("SELECT id FROM clients ORDER BY legal_name LIMIT 1").Row().Scan(&client); err != nil {
			t.Fatal(err)
		}
		if code := call(http.MethodGet, b.base+"/api/v1/shifts/"+existing, supervisor, "", nil); code != http.StatusOK { // B caches the site list
			t.Fatalf("a shift on B: %d", code)
		}
		var site struct{ ID string }
		if code := call(http.MethodPost, a.base+"/api/v1/clients/"+client+"/sites", finance, `{"name": "Harbour Lofts", "address": "1 Quay Street, Bristol", "postcode": "BS1 4DJ"}`, &site); code != http.StatusCreated {
			t.Fatalf("new site on A: %d", code)
		}
		shift := database.NewID()
		at := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Hour) // wall clock: the servers run on it
		if err := db.Exec(`INSERT INTO shifts (id, site_id, starts_at, ends_at, work_minutes, status, published_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 120, 'open', ?, ?, ?)`, shift, site.ID, at, at.Add(2*time.Hour), at, at, at).Error; err != nil {
			t.Fatal(err)
		}
		added := time.Now()
		for {
			var sh struct {
				SiteName string `json:"site_name"`
			}
			if code := call(http.MethodGet, b.base+"/api/v1/shifts/"+shift, supervisor, "", &sh); code == http.StatusOK && sh.SiteName == "Harbour Lofts" {
				break
			}
			if time.Since(added) > time.Second {
				t.Fatal("B does not know the site added on A a second later")
			}
			time.Sleep(20 * time.Millisecond) // polling a condition
		}
	})

	t.Run("a web-only instance starts no workers", func(t *testing.T) {
		off := map[string]string{"GOODSHIFT_WORKERS": "off"}
		for k, v := range vars {
			if _, ok := off[k]; !ok {
				off[k] = v
			}
		}
		c := startWebOnly(t, bin, off)
		for _, path := range []string{"/healthz", "/readyz"} {
			res, err := http.Get(c.base + path)
			if err != nil {
				t.Fatal(err)
			}
			var h struct{ Workers string }
			_ = json.NewDecoder(res.Body).Decode(&h)
			res.Body.Close()
			if h.Workers != "off" {
				t.Errorf("%s says workers %q, want off", path, h.Workers)
			}
		}
		// It serves (and its sign-outs reach the others) but works no job.
		token := login(t, c.base, "kwame@goodshift.example")
		if code := me(t, a.base, token); code != http.StatusOK {
			t.Fatalf("/me on A: %d", code)
		}
		req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/auth/logout", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode >= 300 {
			t.Fatalf("sign-out on the web-only instance: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		poll(t, "A to refuse the token signed out on the web-only instance", time.Second, func() bool { return me(t, a.base, token) == http.StatusUnauthorized })
		if logs := c.logs.String(); !strings.Contains(logs, "job workers are off in this process") || strings.Contains(logs, "task done") {
			t.Errorf("the web-only instance started workers:\n%s", logs)
		}
	})

	t.Run("50 claims of one open shift across both give one winner", func(t *testing.T) {
		db, err := database.Open(t.Context(), database.Options{URL: conf.URL()})
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		// A published open shift on a weekday morning ten days from now
		// (the servers run on the wall clock).
		london, err := time.LoadLocation("Europe/London")
		if err != nil {
			t.Fatal(err)
		}
		day := time.Now().In(london).AddDate(0, 0, 10) // wall clock: the servers run on it
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday || day.Weekday() == time.Monday {
			day = day.AddDate(0, 0, 1)
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, london)
		var site string
		if err := db.Raw("SELECT site_id FROM shifts ORDER BY starts_at LIMIT 1").Row().Scan(&site); err != nil {
			t.Fatal(err)
		}
		shift := database.NewID()
		if err := db.Exec(`INSERT INTO shifts (id, site_id, starts_at, ends_at, work_minutes, status, published_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 180, 'open', ?, ?, ?)`, shift, site, start.UTC(), start.Add(3*time.Hour).UTC(), time.Now().UTC(), time.Now().UTC(), time.Now().UTC()).Error; err != nil { // wall clock: as above
			t.Fatal(err)
		}
		emails := []string{"tomasz@goodshift.example", "yusuf@goodshift.example", "kwame@goodshift.example", "rosa@goodshift.example", "aisha@goodshift.example"}
		tokens := make([]string, len(emails))
		for i, e := range emails {
			tokens[i] = login(t, []string{a.base, b.base}[i%2], e)
		}
		type answer struct{ who, code int }
		answers := make(chan answer, 50)
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base, who := []string{a.base, b.base}[i%2], (i/2)%len(tokens)
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/shifts/"+shift+"/claim", nil)
				req.Header.Set("Authorization", "Bearer "+tokens[who])
				<-ready
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					answers <- answer{who, 0}
					return
				}
				res.Body.Close()
				answers <- answer{who, res.StatusCode}
			}()
		}
		close(ready)
		wg.Wait()
		close(answers)
		byCode, winners := map[int]int{}, map[int]bool{}
		for a := range answers {
			byCode[a.code]++
			if a.code == http.StatusOK {
				winners[a.who] = true // the winner's other claims answer 200 too: it is theirs
			}
			if a.code == 0 || a.code >= 500 {
				t.Errorf("a claim answered %d", a.code)
			}
		}
		var status string
		var holder *string
		if err := db.Raw("SELECT status, employee_id FROM shifts WHERE id = ?", shift).Row().Scan(&status, &holder); err != nil {
			t.Fatal(err)
		}
		if len(winners) != 1 || status != "assigned" || holder == nil {
			t.Errorf("after 50 claims: %d people won, the shift is %s to %v; answers by status %v", len(winners), status, holder, byCode)
		}
		var claimed int64
		db.Raw("SELECT COUNT(*) FROM shift_events WHERE shift_id = ? AND kind = 'claimed'", shift).Row().Scan(&claimed)
		if claimed != 1 {
			t.Errorf("%d claimed events in the shift's history, want 1", claimed)
		}
		t.Logf("answers by status: %v", byCode)
	})

	t.Run("each periodic task runs once across both", func(t *testing.T) {
		db, err := database.Open(t.Context(), database.Options{URL: conf.URL()})
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		tasks := []string{"sessions-purge", "notifications-purge", "wellbeing-purge", "swaps-expire", "invoice-reminders", "shift-reminders"}
		count := func(task string) (n int64) {
			db.Raw(`SELECT COUNT(*) FROM river_job WHERE kind = 'task' AND args->>'task' = ? AND state = 'completed'`, task).Row().Scan(&n)
			return n
		}
		poll(t, "every task to have run", 30*time.Second, func() bool {
			for _, task := range tasks {
				if count(task) == 0 {
					return false
				}
			}
			return true
		})
		for _, task := range tasks {
			if n := count(task); n != 1 {
				t.Errorf("task %s ran %d times across two servers, want 1", task, n)
			}
		}
		// The daily ones each log what they did, with counts, once.
		for _, task := range []string{"sessions-purge", "notifications-purge", "wellbeing-purge"} {
			re := regexp.MustCompile(`msg="task done" task=` + task + ` result="[^"]*\d[^"]*"`)
			if n := len(re.FindAllString(a.logs.String(), -1)) + len(re.FindAllString(b.logs.String(), -1)); n != 1 {
				t.Errorf("%s logged its counts %d times, want once", task, n)
			}
		}
	})

	t.Run("emails queued once are delivered once", func(t *testing.T) {
		db, err := database.Open(t.Context(), database.Options{URL: conf.URL()})
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		// A third process only enqueues (workers off): the servers deliver.
		q, err := jobs.New(jobs.Config{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		now := func() time.Time { return time.Now() }
		ps := people.NewService(people.Config{DB: db, Now: now})
		ns := notify.NewService(notify.Config{DB: db, Now: now, People: ps, Queue: q,
			SMTP: notify.SMTP{Host: "127.0.0.1", Port: smtp.Port, From: "Goodshift <rota@goodshift.example>"}})
		if err := q.Seal(t.Context(), false); err != nil {
			t.Fatal(err)
		}
		everyone, err := ps.List(t.Context(), people.Filter{ActiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(everyone))
		for i, p := range everyone {
			ids[i] = p.ID
		}
		if err := ns.Notify(t.Context(), ids, "Rota published", "Next week's rota is out.", "/rota/week"); err != nil {
			t.Fatal(err)
		}
		var sent int64
		poll(t, "every email to be sent", 30*time.Second, func() bool {
			db.Raw(`SELECT COUNT(*) FROM emails WHERE subject = 'Rota published' AND status IN ('sent', 'skipped')`).Row().Scan(&sent)
			return int(sent) == len(ids)
		})
		poll(t, "the queue to empty", 10*time.Second, func() bool {
			var left int64
			db.Raw(`SELECT COUNT(*) FROM river_job WHERE kind = 'email' AND state NOT IN ('completed', 'discarded')`).Row().Scan(&left)
			return left == 0
		})
		// The demo seeding queued emails too; count only these.
		var msgs []string
		ids2 := map[string]int{}
		re := regexp.MustCompile(`Message-ID: <([^>]+)>`)
		for _, m := range smtp.Messages() {
			if !strings.Contains(m, "Subject: Rota published") {
				continue
			}
			msgs = append(msgs, m)
			if mm := re.FindStringSubmatch(m); mm != nil {
				ids2[mm[1]]++
			}
		}
		var delivered int64
		db.Raw(`SELECT COUNT(*) FROM emails WHERE subject = 'Rota published' AND status = 'sent'`).Row().Scan(&delivered)
		if delivered == 0 || len(msgs) != int(delivered) || len(ids2) != int(delivered) {
			t.Errorf("%d people, %d emails recorded sent, %d delivered, %d distinct; want each sent one delivered once", len(ids), delivered, len(msgs), len(ids2))
		}
		// Both servers report the one queue's depth, and each what it ran.
		for _, srv := range []server{a, b} {
			m := scrape(t, srv.base, vars["GOODSHIFT_METRICS_TOKEN"])
			for _, want := range []string{`goodshift_jobs{state="available"}`, `goodshift_jobs{state="retryable"}`, `goodshift_jobs{state="discarded"}`} {
				if !strings.Contains(m, want) {
					t.Errorf("%s /metrics lacks %s", srv.base, want)
				}
			}
		}
		ma, mb := scrape(t, a.base, vars["GOODSHIFT_METRICS_TOKEN"]), scrape(t, b.base, vars["GOODSHIFT_METRICS_TOKEN"])
		for _, want := range []string{`goodshift_jobs_run_seconds_count{kind="email"}`, `goodshift_jobs_queue_wait_seconds_count{kind="email"}`, `goodshift_jobs_finished_total{kind="task",outcome="completed"}`} {
			if !strings.Contains(ma+mb, want) {
				t.Errorf("neither server's /metrics has %s", want)
			}
		}
	})
}

// scrape reads a server's /metrics.
func scrape(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, b)
	}
	return string(b)
}

type server struct {
	base string
	logs *syncBuffer
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServeProcess runs the binary's serve and waits until its workers run; the
// test's end stops it with SIGTERM and waits for the graceful shutdown.
func startServeProcess(t *testing.T, bin string, vars map[string]string) server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "GOODSHIFT_ADDR="+addr)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &syncBuffer{}
	// Hide the buffer's ReadFrom: os/exec would io.Copy into it directly,
	// around the lock that String takes.
	cmd.Stdout, cmd.Stderr = struct{ io.Writer }{logs}, struct{ io.Writer }{logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("server %s: %v\n%s", addr, err, logs.String())
		}
	})
	base := "http://" + addr
	poll(t, "the server to run its workers", 30*time.Second, func() bool {
		res, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		var h struct{ Workers string }
		_ = json.NewDecoder(res.Body).Decode(&h)
		return res.StatusCode == http.StatusOK && h.Workers == "running"
	})
	return server{base: base, logs: logs}
}

// startWebOnly runs serve with workers off and waits until it answers.
func startWebOnly(t *testing.T, bin string, vars map[string]string) server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "GOODSHIFT_ADDR="+addr)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = struct{ io.Writer }{logs}, struct{ io.Writer }{logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("web-only server %s: %v\n%s", addr, err, logs.String())
		}
	})
	base := "http://" + addr
	poll(t, "the web-only server to answer", 30*time.Second, func() bool {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	return server{base: base, logs: logs}
}

func poll(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition
	}
}

func login(t *testing.T, base, email string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": demo.Password})
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("login %s: %d %v %s", email, res.StatusCode, err, b)
	}
	return out.Token
}

func me(t *testing.T, base, token string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
