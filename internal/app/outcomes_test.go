package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/outcomes"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/testenv"
)

// The outcomes report on the demo organisation (the two-year history):
// admins get it as JSON, CSV and PDF, and every figure and count in the
// JSON reads the same in the CSV and in the PDF (through pdftotext); no
// published count is under 5; finance, supervisors, support workers and
// employees are refused.
func TestOutcomesReportFormatsAgree(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		admin := srv.Login(t, "alex@goodshift.example")
		for _, email := range []string{"femi@goodshift.example", "dana@goodshift.example", "jo@goodshift.example", "sam@goodshift.example"} {
			if r := srv.Login(t, email).Get("/api/v1/outcomes"); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: GET /api/v1/outcomes = %d", email, r.StatusCode)
			}
		}
		for _, bad := range []string{"?period=2026-Q9", "?from=2026-02-01&to=2026-01-01", "?from=yesterday&to=2026-01-01", "?period=2026&from=2026-01-01&to=2026-02-01"} {
			if r := admin.Get("/api/v1/outcomes" + bad); r.StatusCode != http.StatusBadRequest {
				t.Errorf("GET /api/v1/outcomes%s = %d, want 400", bad, r.StatusCode)
			}
		}
		for _, q := range []string{"?period=2026", "?period=2026-Q3"} {
			var rep outcomes.Report
			if r := admin.JSON(http.MethodGet, "/api/v1/outcomes"+q, nil, &rep); r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", q, r.StatusCode, r.Body)
			}
			csvRes := admin.Get("/api/v1/outcomes.csv" + q)
			pdfRes := admin.Get("/api/v1/outcomes.pdf" + q)
			if csvRes.StatusCode != http.StatusOK || pdfRes.StatusCode != http.StatusOK {
				t.Fatalf("csv %d, pdf %d", csvRes.StatusCode, pdfRes.StatusCode)
			}
			rows, err := csv.NewReader(bytes.NewReader(csvRes.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			inCSV := map[string]bool{}
			for _, row := range rows[1:] {
				inCSV[row[3]+"|"+row[5]+"|"+row[6]+"|"+row[8]] = true
			}
			text := strings.Join(strings.Fields(testenv.PDFText(t, pdfRes.Body)), " ")
			shown := 0
			for _, s := range rep.Sections {
				for _, f := range s.Figures {
					if !strings.Contains(text, f.Label+" "+f.String()) {
						t.Errorf("%s: PDF lacks %q %q", q, f.Label, f.String())
					}
					if !inCSV[f.ID+"|||"+f.String()] {
						t.Errorf("%s: CSV lacks figure %s = %s", q, f.ID, f.String())
					}
				}
				for _, tb := range s.Tables {
					for _, row := range append(tb.Rows, tb.Total) {
						if row.Count.Shown() {
							shown++
							if *row.Count.Value < outcomes.MinCell {
								t.Errorf("%s: %s %q shows %d", q, tb.ID, row.Label, *row.Count.Value)
							}
						}
						line := strings.TrimSpace(strings.Join(strings.Fields(row.Label+" "+row.Count.String()+" "+row.Share+" "+row.Figure), " "))
						if !strings.Contains(text, line) {
							t.Errorf("%s: PDF lacks the line %q", q, line)
						}
						if !inCSV[tb.ID+"|"+row.Label+"|"+row.Count.String()+"|"+row.Figure] {
							t.Errorf("%s: CSV lacks %s %q %s", q, tb.ID, row.Label, row.Count.String())
						}
					}
				}
			}
			if shown < 10 {
				t.Errorf("%s: only %d counts shown: the demo history is too thin to show anything", q, shown)
			}
			if !strings.Contains(text, "£") || !strings.Contains(text, "Appendix: definitions") {
				t.Errorf("%s: PDF lacks £ or the definitions", q)
			}
			for _, m := range rep.Trend {
				if m.Employed.Shown() && *m.Employed.Value < outcomes.MinCell {
					t.Errorf("trend %s shows %d", m.Month, *m.Employed.Value)
				}
			}
		}
		// One table's CSV on its own.
		if r := admin.Get("/api/v1/outcomes.csv?period=2026&table=leavers"); r.StatusCode != http.StatusOK || strings.Count(string(r.Body), "\n") != 8 {
			t.Errorf("leavers CSV: %d\n%s", r.StatusCode, r.Body)
		}
		if r := admin.Get("/api/v1/outcomes.csv?period=2026&table=names"); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown table CSV: %d", r.StatusCode)
		}
		// The same report twice is the same PDF.
		a, b := admin.Get("/api/v1/outcomes.pdf?period=2026"), admin.Get("/api/v1/outcomes.pdf?period=2026")
		if !bytes.Equal(a.Body, b.Body) {
			t.Error("the PDF is not deterministic")
		}
		if err := os.WriteFile(filepath.Join(testenv.OutputDir(t, "outcomes"), "outcomes-2026.pdf"), a.Body, 0o644); err != nil {
			t.Error(err)
		}
		// The page draws its charts as inline SVG and fetches nothing from elsewhere.
		page, doc := srv.SignIn(t, "alex@goodshift.example").Page("/outcomes?period=2026")
		if page.StatusCode != http.StatusOK || doc.Find("svg rect").Length() == 0 || doc.Find("table[data-table]").Length() < 10 {
			t.Errorf("outcomes page: %d, %d bars, %d tables", page.StatusCode, doc.Find("svg rect").Length(), doc.Find("table[data-table]").Length())
		}
		if strings.Contains(string(page.Body), "https://") {
			t.Error("the outcomes page refers to another site")
		}
	})
}

// Employment records: admins and support workers (their caseload only)
// record them; bad input is a 400 that changes nothing; a supervisor or
// finance cannot.
func TestEmploymentRecordAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		admin, jo := srv.Login(t, "alex@goodshift.example"), srv.Login(t, "jo@goodshift.example")
		kwame := srv.Login(t, "kwame@goodshift.example").ID()
		path := "/api/v1/employees/" + kwame + "/employment-record"
		if r := jo.Get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("support worker outside caseload: %d", r.StatusCode)
		}
		for _, email := range []string{"dana@goodshift.example", "femi@goodshift.example", "kwame@goodshift.example"} {
			if r := srv.Login(t, email).Get(path); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d", email, r.StatusCode)
			}
		}
		if r := admin.JSON(http.MethodPut, path, map[string]any{"leaving_date": "2026-11-20", "moved_on_to": "A bank"}, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("bad record: %d %s", r.StatusCode, r.Body)
		}
		var rec struct {
			LeavingDate     string `json:"leaving_date"`
			LeavingCategory string `json:"leaving_category"`
			District        string `json:"postcode_district"`
		}
		if r := admin.JSON(http.MethodGet, path, nil, &rec); r.StatusCode != http.StatusOK || rec.LeavingDate != "" {
			t.Fatalf("record after bad input: %d %+v", r.StatusCode, rec)
		}
		admin.JSON(http.MethodPost, "/api/v1/support-workers/"+jo.ID()+"/caseload", map[string]string{"employee_id": kwame}, nil)
		if r := jo.JSON(http.MethodPut, path, map[string]any{"referral_source": "ips_service", "postcode_district": "e14 2aa", "disabled": true, "flags_consent": true}, &rec); r.StatusCode != http.StatusOK || rec.District != "E14" {
			t.Fatalf("support worker: %d %s", r.StatusCode, r.Body)
		}
	})
}

// My journey: an employee sees their own start, milestones and hours, and
// nobody else's; other roles cannot open it.
func TestMyJourney(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		var j outcomes.Journey
		if r := srv.Login(t, "sam@goodshift.example").JSON(http.MethodGet, "/api/v1/me/journey", nil, &j); r.StatusCode != http.StatusOK {
			t.Fatalf("journey: %d %s", r.StatusCode, r.Body)
		}
		if len(j.Milestones) != 3 || !j.Milestones[2].Reached || j.Message == "" {
			t.Errorf("Sam (three years in) journey = %+v", j)
		}
		res, doc := srv.SignIn(t, "chloe@goodshift.example").Page("/me/journey")
		if res.StatusCode != http.StatusOK || doc.Find("h1").Text() != "My journey" || doc.Find(".badge").Length() != 3 {
			t.Errorf("journey page: %d", res.StatusCode)
		}
		if strings.Contains(string(res.Body), "Sam Okafor") {
			t.Error("the journey page shows someone else")
		}
		if r := srv.Login(t, "alex@goodshift.example").Get("/api/v1/me/journey"); r.StatusCode != http.StatusForbidden {
			t.Errorf("admin journey: %d", r.StatusCode)
		}
	})
}

// TestOutcomesDoesNotDependOnWellbeing: the outcomes package reaches flex
// periods only through its own seam, so it never imports wellbeing.
func TestOutcomesDoesNotDependOnWellbeing(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go toolchain not on PATH")
	}
	cmd := exec.CommandContext(context.Background(), gobin, "list", "-deps", "./internal/outcomes")
	cmd.Dir = testenv.ModuleRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/goodshift/goodshift/internal/outcomes") {
		t.Fatalf("go list output does not name outcomes: %s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "github.com/goodshift/goodshift/internal/wellbeing") {
			t.Errorf("outcomes depends on %s", line)
		}
	}
}

// TestOutcomesNeverShowWellbeing plants the wellbeing leak test's markers
// (plans, notes, a flex period linked to a plan) and reads the outcomes
// report as an admin in every format over periods that hold them: each
// answers 200 and none holds a marker or a flex period's kind.
func TestOutcomesNeverShowWellbeing(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		markers, _ := leakMarkers(t, srv)
		c := srv.SignIn(t, "alex@goodshift.example")
		for _, path := range outcomesLeakPaths {
			res := c.Get(path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d", path, res.StatusCode)
				continue
			}
			text := readable(t, res)
			for _, m := range append(markers, "no_shifts", "weekly_cap", "later_start", "No shifts", "Reduced hours") {
				if strings.Contains(text, m) {
					t.Errorf("GET %s shows %s", path, m)
				}
			}
		}
	})
}

// The employment record pages: an admin lists everyone and saves a record
// through the form; bad input comes back as a plain message and changes
// nothing.
func TestEmploymentRecordPages(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		kwame := srv.Login(t, "kwame@goodshift.example").ID()
		c := srv.SignIn(t, "alex@goodshift.example")
		res, doc := c.Page("/outcomes/records")
		if res.StatusCode != http.StatusOK || doc.Find(`a[href="/outcomes/records/`+kwame+`"]`).Length() != 1 {
			t.Fatalf("records page: %d", res.StatusCode)
		}
		bad := c.Submit("/outcomes/records/"+kwame, url.Values{"leaving_date": {"2026-11-20"}})
		doc = parse(t, bad.Body) // the page again, 422, the message by the field
		if msg := doc.Find("#leaving_category-error").Text(); bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "Why they left") || strings.Contains(msg, "leaving_category") {
			t.Errorf("bad input message = %q", msg)
		}
		ok := c.Submit("/outcomes/records/"+kwame, url.Values{"leaving_date": {"2026-11-20"}, "leaving_category": {"open_employment"},
			"postcode_district": {"e3 4aa"}, "referral_source": {"nhs_team"}})
		_, doc = c.Follow(ok)
		if v, _ := doc.Find("#postcode_district").Attr("value"); v != "E3" {
			t.Errorf("saved district = %q", v)
		}
	})
}

// The payroll seam pays what the timesheets pay: for the demo's current
// and previous pay periods, each employee's paid minutes from PaidDays add
// up to their timesheet's paid minutes; and the wellbeing seam gives the
// demo's flex period as dates.
func TestOutcomesSeamsAgreeWithTimesheets(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		ctx := context.Background()
		cur := srv.App.Payroll.CurrentPeriod()
		prev, err := srv.App.Payroll.ParsePeriod(cur.Start.AddDays(-1).Format("2006-01"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []payroll.Period{prev, cur} {
			sheets, err := srv.App.Payroll.PeriodTimesheets(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			days, err := srv.App.Payroll.PaidDays(ctx, p.Start, p.End)
			if err != nil {
				t.Fatal(err)
			}
			seam := map[string]int{}
			for _, d := range days {
				seam[d.EmployeeID] += d.Minutes
			}
			checked := 0
			for _, ts := range sheets {
				if seam[ts.EmployeeID] != ts.Totals.PaidMinutes {
					t.Errorf("%s %s: seam %d minutes, timesheet %d", p.Key, ts.EmployeeName, seam[ts.EmployeeID], ts.Totals.PaidMinutes)
				}
				if ts.Totals.PaidMinutes > 0 {
					checked++
				}
			}
			if p == cur && checked == 0 {
				t.Errorf("%s: no timesheet with paid time to compare", p.Key)
			}
		}
		flex, err := srv.App.Wellbeing.FlexDatesBetween(ctx, cur.Start, cur.End.AddDays(60))
		if err != nil || len(flex) == 0 {
			t.Errorf("flex dates: %v, %v", flex, err)
		}
	})
}
