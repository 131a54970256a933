package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestPayrollPages: the employee's big clock button on today's shift, my
// hours and PDFs; the supervisor's attendance sheet and approvals (hours,
// never money); finance's periods with the closed demo period, exports and
// warnings, and pay rates.
func TestPayrollPages(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana := srv.Login(t, "dana@goodshift.example")
		samAPI := srv.Login(t, "sam@goodshift.example")
		site := demoSiteID(t, srv, "Cable Street common parts")
		start := civil.D(2026, 11, 23).At(9, 20, civil.London)
		var sh apiShift
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": start.Add(3 * time.Hour)}, &sh); res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": samAPI.ID(), "override_reason": "cover"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2026-11-23", "2026-11-23") // a draft is nobody's shift to clock in to

		sam := srv.SignIn(t, "sam@goodshift.example")
		_, home := sam.Page("/")
		if home.Find(`a.button.big[href="/clock"]`).Length() != 1 {
			t.Error("home page has no big clock link for today's shift")
		}
		_, doc := sam.Page("/clock")
		form := doc.Find(`form[action="/clock/` + sh.ID + `/in"]`)
		if form.Find("button.big").Length() != 1 || form.Find(`input[name="csrf_token"]`).Length() != 1 {
			t.Fatalf("no big clock-in button: %s", doc.Find("main").Text())
		}
		if doc.Find(`a[href$="/timesheets/2026-10.pdf"]`).Length() != 1 {
			t.Error("no link to last period's PDF")
		}
		res := sam.Submit("/clock/"+sh.ID+"/in", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("clock in: %d", res.StatusCode)
		}
		_, doc = sam.Follow(res)
		if !strings.Contains(doc.Find(".flash").Text(), "You clocked in at 09:00") || doc.Find(`form[action="/clock/`+sh.ID+`/out"] button.big`).Length() != 1 {
			t.Errorf("after clocking in: %s", doc.Find("main").Text())
		}
		// Someone else's shift: a clear message, nothing changes.
		res = sam.Submit("/clock/01a20000-0000-7000-8000-000000000000/in", nil)
		if _, doc := sam.Follow(res); !strings.Contains(doc.Find(".flash").Text(), "There is no such shift") {
			t.Errorf("unknown shift: %s", doc.Find(".flash").Text())
		}
		if res, _ := sam.Page("/payroll/periods"); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee on the finance page: %d", res.StatusCode)
		}

		srv.Clock.Set(start.Add(3*time.Hour + 10*time.Minute))
		sup := srv.SignIn(t, "dana@goodshift.example")
		_, doc = sup.Page("/payroll/attendance")
		if !strings.Contains(doc.Find("main").Text(), "Sam Okafor") {
			t.Errorf("attendance sheet lacks Sam: %s", doc.Find("main").Text())
		}
		res = sup.Submit("/payroll/attendance/"+sh.ID, url.Values{"date": {"2026-11-23"}, "clock_in": {"09:20"}, "clock_out": {"12:20"}, "reason": {""}})
		if doc := parse(t, res.Body); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#t-"+sh.ID+"-reason-error").Text(), "Reason is required") {
			t.Errorf("correction without a reason: %d %q", res.StatusCode, doc.Find(".error-summary").Text())
		}
		_, doc = sup.Page("/payroll/timesheets?period=2026-10")
		text := doc.Find("main").Text()
		if !strings.Contains(text, "Approved") || strings.Contains(text, "£") {
			t.Errorf("supervisor timesheets (hours only): %s", text)
		}

		_, doc = sup.Page("/payroll/timesheets/" + samAPI.ID() + "/2026-10")
		if text := doc.Find("main").Text(); !strings.Contains(text, "Sam Okafor") || !strings.Contains(text, "Approved by Dana Whitfield") || strings.Contains(text, "£") {
			t.Errorf("supervisor's timesheet page: %s", text)
		}
		tom, err := srv.App.People.ByEmail(t.Context(), "tomasz@goodshift.example")
		if err != nil {
			t.Fatal(err)
		}
		if res, _ := sam.Page("/payroll/timesheets/" + tom.ID + "/2026-10"); res.StatusCode != http.StatusNotFound {
			t.Errorf("employee opening someone else's timesheet page: %d", res.StatusCode)
		}
		// issue 17: the employee's own timesheet page is My hours.
		if res, _ := sam.Page("/payroll/timesheets/" + samAPI.ID() + "/2026-10"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/payroll/my-hours?period=2026-10" {
			t.Errorf("employee's own timesheet page: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}

		fin := srv.SignIn(t, "femi@goodshift.example")
		_, doc = fin.Page("/payroll/periods?period=2026-10")
		if doc.Find(`a[href="/api/v1/pay-periods/2026-10/export.csv"]`).Length() != 1 || !strings.Contains(doc.Find("main").Text(), "Closed by Femi Adeyemi") {
			t.Errorf("closed demo period: %s", doc.Find("main").Text())
		}
		if !strings.Contains(doc.Find("main").Text(), "below the policy floor") {
			t.Error("no floor warning for Liam")
		}
		_, doc = fin.Page("/payroll/periods?period=2026-11")
		if !strings.Contains(doc.Find("main").Text(), "Priya Shah") {
			t.Error("permitted-work monitor lacks Priya")
		}
		_, doc = fin.Page("/payroll/rates")
		if !strings.Contains(doc.Find("main").Text(), "£14.80") {
			t.Error("rates page")
		}
		res = fin.Submit("/payroll/rates", url.Values{"employee_id": {samAPI.ID()}, "hourly_rate": {"9.00"}, "effective_from": {"2026-12-01"}})
		if doc := parse(t, res.Body); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#hourly_rate-error").Text(), "below the National Living Wage") {
			t.Errorf("rate below NLW: %d %q", res.StatusCode, doc.Find(".error-summary").Text())
		}
		if res := fin.Get("/api/v1/pay-periods/2026-10/export.csv"); res.StatusCode != http.StatusOK {
			t.Errorf("demo export: %d", res.StatusCode)
		}
	})
}
