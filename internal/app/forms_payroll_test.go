package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// payrollFormCases are the payroll, people, notification and outcomes forms
// in TestForms (forms_test.go).
var payrollFormCases = []formCase{
	{
		name: "pay rate: an amount typed wrong, the rest kept",
		as:   "femi@goodshift.example", page: "/payroll/rates", form: "#rate-form",
		set: url.Values{"hourly_rate": {"12,50p"}, "effective_from": {"24/12/2030"}, "apprentice": {"1"}},
		bad: "hourly_rate", want: "Hourly rate must be an amount in pounds like 12.50",
		state: tables("pay_rates"),
	},
	{
		name: "pay rate: a date typed wrong",
		as:   "femi@goodshift.example", page: "/payroll/rates", form: "#rate-form",
		set: url.Values{"hourly_rate": {"12.50"}, "effective_from": {"31/11/2030"}},
		bad: "effective_from", want: "From must be a real date: there is no 31 November",
		state: tables("pay_rates"),
	},
	{
		name: "pay rate: a date before the minimum wage table, refused by the service",
		as:   "femi@goodshift.example", page: "/payroll/rates", form: "#rate-form",
		set: url.Values{"hourly_rate": {"12.50"}, "effective_from": {"1 Jan 2020"}},
		bad: "effective_from", want: "From must be on or after 1 April 2025",
		state: tables("pay_rates"),
	},
	{
		name: "pay rate: below the statutory minimum, by the rate",
		as:   "femi@goodshift.example", page: "/payroll/rates", form: "#rate-form",
		set: url.Values{"hourly_rate": {"£9.00"}, "effective_from": {"24 Dec 2030"}},
		bad: "hourly_rate", want: "£9.00 an hour is below the",
		state: tables("pay_rates"),
	},
	{
		name: "permitted work: other without limits, refused by the service",
		as:   "femi@goodshift.example", page: "/payroll/rates", form: "#permitted-form",
		set: url.Values{"benefit": {"other"}, "from": {"24 Dec 2030"}, "max_weekly_hours": {"0"}, "max_weekly_earnings": {"0"}},
		bad: "max_weekly_earnings", want: "Set an hours limit, an earnings limit, or both",
		state: tables("permitted_work"),
	},
	{
		name: "permitted work: hours typed wrong",
		as:   "femi@goodshift.example", page: "/payroll/rates", form: "#permitted-form",
		set: url.Values{"benefit": {"other"}, "max_weekly_hours": {"sixteen"}, "max_weekly_earnings": {"183.50"}},
		bad: "max_weekly_hours", want: "Most hours a week must be a number of hours like 15.75",
		state: tables("permitted_work"),
	},
	{
		name: "attendance: a finish typed wrong, the rest kept",
		as:   "dana@goodshift.example", pageF: attendancePage(".attendance-times"), form: "section.card:first-of-type form.attendance-times",
		set: url.Values{"clock_in": {"09:05"}, "clock_out": {"half five"}, "break_minutes": {"30"}, "reason": {"forgot to clock out"}},
		bad: "clock_out", want: "Finished must be a time like 17:00",
		state: tables("attendance"),
	},
	{
		name: "attendance: a break the service refuses",
		as:   "dana@goodshift.example", pageF: attendancePage(".attendance-times"), form: "section.card:first-of-type form.attendance-times",
		set: url.Values{"clock_in": {"09:05"}, "clock_out": {"12:00"}, "break_minutes": {"500"}, "reason": {"forgot to clock out"}},
		bad: "break_minutes", want: "Unpaid break must be between 0 and 240",
		state: tables("attendance"),
	},
	{
		name: "attendance: a no-show reason too long",
		as:   "dana@goodshift.example", pageF: attendancePage(".attendance-no-show"), form: "section.card:first-of-type form.attendance-no-show",
		set: url.Values{"reason": {strings.Repeat("late bus ", 60)}},
		bad: "reason", want: "Reason for marking a no-show is at most 500 characters",
		state: tables("attendance"),
	},
	{
		name: "sign in: a wrong password keeps the email, never the password, and does not say which was wrong",
		as:   "", page: "/login", form: `form[action="/login"]`,
		set: url.Values{"email": {"sam@goodshift.example"}, "password": {"not-the-password-1"}},
		bad: "password", want: "Email or password not recognised",
		check: func(t *testing.T, doc *goquery.Document, _ *goquery.Selection) {
			if strings.Contains(doc.Text(), "not-the-password-1") {
				t.Error("the page shows the password typed")
			}
		},
	},
	{
		name: "change password: the new passwords differ, none shown again",
		as:   "tomasz@goodshift.example", page: "/account", form: `form[action="/account/password"]`,
		set: url.Values{"current_password": {demo.Password}, "new_password": {"a-long-new-password"}, "confirm_password": {"a-long-new-passw0rd"}},
		bad: "confirm_password", want: "The new passwords do not match",
		state: tables("people", "sessions"),
	},
	{
		name: "change password: a wrong current password, refused by the service",
		as:   "tomasz@goodshift.example", page: "/account", form: `form[action="/account/password"]`,
		set: url.Values{"current_password": {"not-the-password-1"}, "new_password": {"a-long-new-password"}, "confirm_password": {"a-long-new-password"}},
		bad: "current_password", want: "Current password is not your current password",
		state: tables("people", "sessions"),
	},
	{
		name: "person: no role ticked",
		as:   "alex@goodshift.example", form: "#roles-form",
		pageF: func(t *testing.T, srv *apptest.Server) string {
			return "/admin/people/" + personID(t, srv, "femi@goodshift.example")
		},
		set: url.Values{"roles": {}},
		bad: "roles", want: "Select at least one role",
		state: tables("person_roles"),
	},
	{
		name: "notifications: quiet hours typed wrong, the boxes kept",
		as:   "sam@goodshift.example", page: "/me/notifications", form: "#notification-settings",
		set: url.Values{"swaps": {"on"}, "shifts": {}, "quiet_start": {"25:00"}, "quiet_end": {"07:00"}},
		bad: "quiet_start", want: "Quiet from must be a time like 22:00",
		state: tables("notification_preferences"),
	},
	{
		name: "notifications: only one end of the quiet hours",
		as:   "sam@goodshift.example", page: "/me/notifications", form: "#notification-settings",
		set: url.Values{"leave": {}, "quiet_start": {"22:00"}, "quiet_end": {""}},
		bad: "quiet_end", want: "Enter when quiet hours end, like 07:00",
		state: tables("notification_preferences"),
	},
	{
		name: "employment record: a leaving date typed wrong, the rest kept",
		as:   "alex@goodshift.example", form: "#record-form", pageF: recordPage("sam@goodshift.example"),
		set: url.Values{"postcode_district": {"E14"}, "flags_consent": {"on"}, "disabled": {"on"}, "leaving_date": {"32/12/2030"},
			"leaving_category": {"open_employment"}, "moved_on_to": {"Warehouse job"}, "moved_on_consent": {"on"}},
		bad: "leaving_date", want: "Leaving date must be a date like 24 December 2026",
		state: tables("employment_outcomes"),
	},
	{
		name: "employment record: a reason for leaving without a date, refused by the service",
		as:   "alex@goodshift.example", form: "#record-form", pageF: recordPage("sam@goodshift.example"),
		set: url.Values{"postcode_district": {"E14"}, "leaving_date": {""}, "leaving_category": {"other"}},
		bad: "leaving_date", want: "Leaving date is needed with a reason for leaving",
		state: tables("employment_outcomes"),
	},
}

func init() { formCases = append(formCases, payrollFormCases...) }

// attendancePage is the latest attendance sheet, today or up to three weeks
// back, whose first shift has a form matching sel.
func attendancePage(sel string) func(*testing.T, *apptest.Server) string {
	return func(t *testing.T, srv *apptest.Server) string {
		c := srv.SignIn(t, "dana@goodshift.example")
		today := civil.In(srv.Clock.Now(), civil.London)
		for i := 0; i < 21; i++ {
			page := "/payroll/attendance?date=" + today.AddDays(-i).String()
			if _, doc := c.Page(page); doc.Find("section.card:first-of-type "+sel).Length() == 1 {
				return page
			}
		}
		t.Fatalf("no attendance sheet in three weeks has a shift with %s", sel)
		return ""
	}
}

// signInFor is a client signed in as email, or nobody for "".
func signInFor(t *testing.T, srv *apptest.Server, email string) *apptest.Client {
	if email == "" {
		return srv.Anonymous(t)
	}
	return srv.SignIn(t, email)
}

// passwordNotShown reports whether name is a password input of the form
// shown again, checking that it is empty: a password is never echoed.
func passwordNotShown(t *testing.T, form *goquery.Selection, name string) bool {
	in := form.Find(`input[type="password"][name="` + name + `"]`)
	if in.Length() == 0 {
		return false
	}
	if v, _ := in.Attr("value"); v != "" {
		t.Errorf("%s: the password typed is shown again", name)
	}
	return true
}

// recordPage is the employment record page of the employee signing in as email.
func recordPage(email string) func(*testing.T, *apptest.Server) string {
	return func(t *testing.T, srv *apptest.Server) string {
		return "/outcomes/records/" + personID(t, srv, email)
	}
}

// TestFormsOutcomesDates is the outcomes report's dates form, which is a GET
// (TestForms posts): a date typed wrong shows the page again, 422, with
// both dates kept and the message by the field.
func TestFormsOutcomesDates(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	c := srv.SignIn(t, "alex@goodshift.example")
	res, doc := c.Page("/outcomes?" + url.Values{"from": {"1 Jul 2026"}, "to": {"31/09/2026"}}.Encode())
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.StatusCode)
	}
	f := doc.Find("#dates-form")
	if got := formValues(f); got.Get("from") != "1 Jul 2026" || got.Get("to") != "31/09/2026" {
		t.Errorf("dates not kept: %v", got)
	}
	in := f.Find(`input[name="to"]`)
	desc, _ := in.Attr("aria-describedby")
	if v, _ := in.Attr("aria-invalid"); v != "true" || desc == "" || !strings.Contains(doc.Find("#"+desc).Text(), "To must be a real date: there is no 31 September") {
		t.Errorf("no message by the field: aria-invalid=%q, %q", v, doc.Find("#"+desc).Text())
	}
	if !strings.Contains(doc.Find(`.error-summary a[href="#to"]`).Text(), "there is no 31 September") {
		t.Errorf("summary: %q", doc.Find(".error-summary").Text())
	}
	// Dates as people type them are read.
	res, doc = c.Page("/outcomes?" + url.Values{"from": {"1 Jul 2026"}, "to": {"30/09/2026"}}.Encode())
	if res.StatusCode != http.StatusOK || doc.Find(".error-summary").Length() != 0 {
		t.Fatalf("typed dates refused: %d %s", res.StatusCode, doc.Find(".error-summary").Text())
	}
	if v, _ := doc.Find("#to").Attr("value"); v != "2026-09-30" {
		t.Errorf("to shown as %q", v)
	}
}
