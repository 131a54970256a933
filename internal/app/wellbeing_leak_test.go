package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/testenv"
)

// leakMarkers plants a unique marker in every field of the plans of four
// employees (twice, so older versions hold markers too) and in every note
// about them (a correction too). It returns every marker, and separately
// the markers of summaries their owner chose to share with a supervisor.
func leakMarkers(t *testing.T, srv *apptest.Server) (all []string, shared map[string]bool) {
	t.Helper()
	alex, jo := srv.Login(t, "alex@goodshift.example"), srv.Login(t, "jo@goodshift.example")
	shared = map[string]bool{}
	n := 0
	mark := func(what string) string {
		n++
		m := fmt.Sprintf("QZLEAK%03dX%s", n, strings.ToUpper(strings.ReplaceAll(what, "_", "")))
		all = append(all, m)
		return m
	}
	fields := []string{"stay_well", "triggers", "early_warning_signs", "impact_on_work", "support_from_supervisor", "my_actions", "contacts"}
	for i, email := range []string{"sam@goodshift.example", "hannah@goodshift.example", "grace@goodshift.example", "tomasz@goodshift.example"} {
		emp := srv.Login(t, email)
		alex.JSON(http.MethodPost, "/api/v1/support-workers/"+jo.ID()+"/caseload", map[string]string{"employee_id": emp.ID()}, nil)
		share := i%2 == 0
		for round := 0; round < 2; round++ {
			plan := map[string]any{"share_summary": share, "review_date": "2027-02-01"}
			for _, f := range fields {
				plan[f] = mark(f) + " and some ordinary words"
			}
			plan["early_warning_actions"] = []map[string]string{{"sign": mark("sign"), "action": mark("action")}}
			summary := mark("summary")
			plan["summary"] = summary
			if share && round == 1 {
				shared[summary] = true
			} else if share {
				shared[summary] = true // an older shared summary; supervisors saw it while it was current
			}
			author := emp
			if round == 1 && i%2 == 1 {
				author = jo // the support worker edits too
				delete(plan, "share_summary")
			}
			if r := author.JSON(http.MethodPut, "/api/v1/employees/"+emp.ID()+"/wellness-plan", plan, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("plant plan for %s: %d %s", email, r.StatusCode, r.Body)
			}
		}
		var note struct {
			ID string `json:"id"`
		}
		if r := jo.JSON(http.MethodPost, "/api/v1/employees/"+emp.ID()+"/support-notes", map[string]string{"date": "2026-11-20", "kind": "check_in", "text": mark("note")}, &note); r.StatusCode != http.StatusCreated {
			t.Fatalf("plant note: %d %s", r.StatusCode, r.Body)
		}
		if r := jo.JSON(http.MethodPost, "/api/v1/employees/"+emp.ID()+"/support-notes", map[string]string{"date": "2026-11-21", "kind": "meeting_with_supervisor", "text": mark("correction"), "corrects_id": note.ID}, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("plant correction: %d %s", r.StatusCode, r.Body)
		}
	}
	// A flex period linked to a sign, so the rota has something to show.
	sam := srv.Login(t, "sam@goodshift.example")
	var plan struct {
		Actions []struct {
			ID string `json:"id"`
		} `json:"early_warning_actions"`
	}
	sam.JSON(http.MethodGet, "/api/v1/employees/"+sam.ID()+"/wellness-plan", nil, &plan)
	if r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", map[string]any{"kind": "weekly_cap", "max_weekly_minutes": 600, "from": "2026-11-30", "to": "2026-12-20", "early_warning_action_id": plan.Actions[0].ID}, nil); r.StatusCode != http.StatusCreated {
		t.Fatalf("flex: %d %s", r.StatusCode, r.Body)
	}
	// A rota plan over the flex period (its pages and JSON list people,
	// their hours and limits).
	dana := srv.Login(t, "dana@goodshift.example")
	if r := dana.JSON(http.MethodPost, "/api/v1/rota/plans", map[string]any{"from": "2026-11-30", "to": "2026-12-06"}, nil); r.StatusCode != http.StatusCreated {
		t.Fatalf("plan: %d %s", r.StatusCode, r.Body)
	}
	return all, shared
}

var routeParam = regexp.MustCompile(`[:*][a-zA-Z_]+`)

// paramValues gives real values for each route parameter, by what the
// segment before it names.
func paramValues(t *testing.T, db *gorm.DB, path string, name string) []string {
	segs := strings.Split(path, "/")
	prev := ""
	for i, s := range segs {
		if s == ":"+name || s == "*"+name {
			if i > 0 {
				prev = segs[i-1]
			}
			break
		}
	}
	ids := func(q string) []string {
		var out []string
		if err := db.Raw(q).Scan(&out).Error; err != nil {
			return nil
		}
		return out
	}
	switch name {
	case "period":
		return []string{"2026-11", "2026-10", "2026-12"}
	case "version":
		return []string{"1", "2"}
	case "file":
		return []string{"app.css"}
	case "secret":
		return []string{"no-such-secret.ics"}
	}
	switch prev {
	case "employees", "people", "support-workers", "caseload", "admin":
		return ids("SELECT id FROM people ORDER BY name")
	case "flex", "flex-periods":
		return ids("SELECT id FROM wellbeing_flex_periods")
	case "plans":
		return ids("SELECT id FROM rota_plans")
	case "shifts":
		return ids("SELECT id FROM shifts WHERE employee_id IN (SELECT id FROM people WHERE email IN ('sam@goodshift.example','hannah@goodshift.example','grace@goodshift.example','tomasz@goodshift.example')) OR flag <> '' OR status = 'open' ORDER BY starts_at LIMIT 40")
	}
	table := strings.ReplaceAll(prev, "-", "_")
	if regexp.MustCompile(`^[a-z_]+$`).MatchString(table) {
		if got := ids("SELECT id FROM " + table + " LIMIT 8"); len(got) > 0 {
			return got
		}
	}
	if name == "id" || strings.HasSuffix(name, "id") || name == "employee" {
		return ids("SELECT id FROM people ORDER BY name")
	}
	return []string{database.NewID()}
}

// concretePaths fills a route pattern with real values (every combination,
// capped), with .pdf/.csv/.ics variants of a last parameter and a date
// range query.
func concretePaths(t *testing.T, db *gorm.DB, pattern string) []string {
	paths := []string{pattern}
	params := routeParam.FindAllString(pattern, -1)
	for pi, p := range params {
		vals := paramValues(t, db, pattern, p[1:])
		var next []string
		for _, path := range paths {
			for _, v := range vals {
				filled := strings.Replace(path, p, v, 1)
				next = append(next, filled)
				if pi == len(params)-1 && strings.HasSuffix(pattern, p) && !strings.Contains(v, ".") {
					next = append(next, filled+".pdf", filled+".csv", filled+".ics")
				}
			}
		}
		paths = next
		if len(paths) > 200 {
			paths = paths[:200]
		}
	}
	if len(params) == 0 { // lists: also with a date range and period
		paths = append(paths, pattern+"?from=2026-11-16&to=2026-12-31&period=2026-11")
	}
	return paths
}

var (
	hrefRE = regexp.MustCompile(`(?:href|src|action)="(/[^"]*)"`)
	apiRE  = regexp.MustCompile(`"(/(?:api/v1|calendar)/[^"\s]*)"`)
	// Calendar feeds are public URLs with a secret, often absolute.
	feedRE = regexp.MustCompile(`(?:https?://[^/"\s<]+)?(/calendar/[^"\s<&]+)`)
)

// feedLinks signs in as each employee with planted markers, looks through
// their home page, the pages it links to and their API "me" answers, and
// returns any calendar feed links found (so feeds are fetched too).
func feedLinks(t *testing.T, srv *apptest.Server, emails []string) []string {
	var out []string
	for _, email := range emails {
		c := srv.SignIn(t, email)
		pages := []string{"/", "/api/v1/me", "/api/v1/me/shifts"}
		for _, m := range hrefRE.FindAllStringSubmatch(string(c.Get("/").Body), -1) {
			pages = append(pages, m[1])
		}
		for _, p := range pages {
			if strings.HasPrefix(p, "/static/") {
				continue
			}
			for _, m := range feedRE.FindAllStringSubmatch(string(c.Get(p).Body), -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// readable turns a response into text: PDFs through pdftotext, zips entry
// by entry, anything else as is.
func readable(t *testing.T, res apptest.Response) string {
	ct := res.Header.Get("Content-Type")
	var b strings.Builder
	for k, v := range res.Header {
		b.WriteString(k + ": " + strings.Join(v, ",") + "\n")
	}
	switch {
	case strings.HasPrefix(ct, "application/pdf") || bytes.HasPrefix(res.Body, []byte("%PDF-")):
		b.WriteString(testenv.PDFText(t, res.Body))
	case strings.HasPrefix(ct, "application/zip"):
		zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
		if err != nil {
			t.Errorf("bad zip: %v", err)
			return b.String()
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Errorf("zip entry %s: %v", f.Name, err)
				continue
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			b.WriteString(f.Name + "\n")
			if bytes.HasPrefix(data, []byte("%PDF-")) {
				b.WriteString(testenv.PDFText(t, data))
			} else {
				b.Write(data)
			}
		}
	default:
		b.Write(res.Body)
	}
	return b.String()
}

// TestWellbeingNeverLeaksSQLite and TestWellbeingNeverLeaksPostgres are
// wellbeingNeverLeaks on each engine. They are two top-level tests rather
// than one dbtest.Each so that CI can run them in different shards at once:
// each crawl is longer than most of the package (see .ci/app-test-seconds).
func TestWellbeingNeverLeaksSQLite(t *testing.T) {
	wellbeingNeverLeaks(t, dbtest.SQLite(t, app.Migrations()...))
}

func TestWellbeingNeverLeaksPostgres(t *testing.T) {
	wellbeingNeverLeaks(t, dbtest.Postgres(t, app.Migrations()...))
}

// wellbeingNeverLeaks plants unique markers in every plan field and
// every note, then, as a supervisor (and a supervisor who is also an
// employee), finance and an admin, requests every GET route the router
// serves with real IDs filled in — JSON, pages, CSV, ICS, PDF (read with
// pdftotext) and zips — and every same-site link those responses contain,
// and checks that no marker appears in any response or header. The only
// exception is a summary its owner chose to share, which a supervisor may
// read. The logs must hold no marker either.
func wellbeingNeverLeaks(t *testing.T, db *gorm.DB) {
	srv := apptest.New(t, db, apptest.Options{Config: withTestPush})
	// issue 17: pushes join the coverage (every employee and supervisor's phone).
	pushed := pushLeakWatch(t, srv, db, []string{"sam@goodshift.example", "hannah@goodshift.example", "grace@goodshift.example", "tomasz@goodshift.example", "dana@goodshift.example", "rosa@goodshift.example"})
	markers, shared := leakMarkers(t, srv)
	// Failed jobs carrying a marker, for the failed-jobs page (jobs_page_test.go).
	plantFailedJobs(t, srv, db, markers[0])
	// issue 17: leave requests, decided and pending (leave_api_test.go); Sam's own leave pages too.
	// (in February: the push watch below offers Hannah a shift on 12 January)
	for _, email := range []string{"sam@goodshift.example", "hannah@goodshift.example"} {
		c := srv.SignIn(t, email)
		for _, p := range plantLeave(t, srv, email) {
			body := string(c.Get(p).Body)
			for _, m := range markers {
				if strings.Contains(body, m) {
					t.Errorf("GET %s as %s shows %s", p, email, m)
				}
			}
		}
	}
	plantHoursQuery(t, srv) // issue 17: an hours query in the supervisors' inboxes and on the timesheet
	if len(markers) < 80 {
		t.Fatalf("only %d markers planted", len(markers))
	}
	var patterns []string
	for _, r := range srv.App.Shell.Engine.Routes() {
		if r.Method == http.MethodGet {
			patterns = append(patterns, r.Path)
		}
	}
	sort.Strings(patterns)
	var start []string
	for _, p := range patterns {
		start = append(start, concretePaths(t, db, p)...)
	}
	start = append(start, feedLinks(t, srv, []string{"sam@goodshift.example", "hannah@goodshift.example", "grace@goodshift.example", "tomasz@goodshift.example"})...)
	start = append(start, outcomesLeakPaths...) // issue 13: outcomes page, CSV and PDF over periods holding the planted flex periods
	roles := map[string]auth.Role{
		"dana@goodshift.example": auth.Supervisor, "rosa@goodshift.example": auth.Supervisor,
		"femi@goodshift.example": auth.Finance, "alex@goodshift.example": auth.Admin,
	}
	for email, role := range roles {
		t.Run(string(role)+"-"+strings.Split(email, "@")[0], func(t *testing.T) {
			c := srv.SignIn(t, email)
			seen := map[string]bool{}
			queue := append([]string{}, start...)
			fetched, ok200, sawShared := 0, 0, 0
			kinds := map[string]int{}
			// Every enumerated path, then up to 1500 links found in the answers.
			for len(queue) > 0 && fetched < len(start)+1500 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/logout") {
					continue
				}
				seen[path] = true
				res := c.Get(path)
				fetched++
				if res.StatusCode >= 500 {
					t.Errorf("GET %s: %d", path, res.StatusCode)
				}
				if res.StatusCode == http.StatusOK {
					ok200++
				}
				text := readable(t, res)
				if res.StatusCode == http.StatusOK {
					ct, _, _ := strings.Cut(res.Header.Get("Content-Type"), ";")
					kinds[ct]++
				}
				for _, m := range markers {
					if !strings.Contains(text, m) {
						continue
					}
					if role == auth.Supervisor && shared[m] {
						sawShared++
						continue
					}
					t.Errorf("GET %s as %s shows %s", path, role, m)
				}
				for _, re := range []*regexp.Regexp{hrefRE, apiRE, feedRE} {
					for _, m := range re.FindAllStringSubmatch(string(res.Body), -1) {
						link := strings.ReplaceAll(m[1], "&amp;", "&")
						if !seen[link] {
							queue = append(queue, link)
						}
					}
				}
			}
			t.Logf("%s: %d requests, %d answered 200 (by type: %v)", email, fetched, ok200, kinds)
			if ok200 < 20 {
				t.Errorf("only %d responses were 200: the test is not reaching the app", ok200)
			}
			// The control: a supervisor does reach the shared summaries, so
			// the test sees markers where they are allowed to be.
			if role == auth.Supervisor && sawShared == 0 {
				t.Error("the supervisor never saw a shared summary: the check cannot see markers")
			}
		})
	}
	myHoursLeaks(t, srv, markers) // issue 17: the employees' own My hours and My week
	for _, payload := range pushed() {
		for _, m := range markers {
			if strings.Contains(payload, m) {
				t.Errorf("a push carries %s", m)
			}
		}
	}
	logs := srv.Logs.String()
	for _, m := range markers {
		if strings.Contains(logs, m) {
			t.Errorf("the logs hold %s", m)
		}
	}
}

// TestDomainPackagesDoNotDependOnWellbeing: payroll, contracts and the rota
// never import wellbeing, directly or through anything else.
func TestDomainPackagesDoNotDependOnWellbeing(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go toolchain not on PATH")
	}
	for _, pkg := range []string{"internal/payroll", "internal/contracts", "internal/rota"} {
		cmd := exec.CommandContext(context.Background(), gobin, "list", "-deps", "./"+pkg)
		cmd.Dir = testenv.ModuleRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps ./%s: %v\n%s", pkg, err, out)
		}
		if !strings.Contains(string(out), "github.com/goodshift/goodshift/"+pkg) {
			t.Fatalf("go list output for %s does not name it: %s", pkg, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "github.com/goodshift/goodshift/internal/wellbeing") {
				t.Errorf("%s depends on %s", pkg, line)
			}
		}
	}
	// And wellbeing imports no domain package.
	cmd := exec.CommandContext(context.Background(), gobin, "list", "-deps", "./internal/wellbeing")
	cmd.Dir = testenv.ModuleRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dom := range []string{"contracts", "rota", "payroll"} {
		if strings.Contains(string(out), "github.com/goodshift/goodshift/internal/"+dom+"\n") {
			t.Errorf("wellbeing depends on %s", dom)
		}
	}
}

// outcomesLeakPaths are the outcomes report (issue 13) as a page, JSON, CSV
// and PDF, over periods that hold the planted flex periods and sickness.
var outcomesLeakPaths = []string{
	"/outcomes?period=2026", "/outcomes?from=2026-11-01&to=2026-12-31",
	"/api/v1/outcomes?period=2026-Q4", "/api/v1/outcomes.csv?period=2026-Q4", "/api/v1/outcomes.pdf?period=2026-Q4",
	"/api/v1/outcomes.csv?from=2026-11-01&to=2026-12-31", "/api/v1/outcomes.pdf?from=2026-11-01&to=2026-12-31",
}
