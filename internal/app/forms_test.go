package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// formCase is one HTML form in TestForms. To add a form: add a row naming
// who signs in, the page, a selector for the form, the values to change
// (one of them invalid), the input that must carry the error and (part of)
// the plain message it must show. The test fills every other input from the
// page itself, so rows stay short.
type formCase struct {
	name  string
	as    string                                                          // email of who signs in
	page  string                                                          // the page holding the form
	pageF func(t *testing.T, srv *apptest.Server) string                  // or: work the page out (an id)
	form  string                                                          // selector of the form on the page
	set   url.Values                                                      // values to change before posting
	bad   string                                                          // the input that must carry the error
	want  string                                                          // what its message must say
	state func(t *testing.T, srv *apptest.Server) string                  // optional: stored state that must not change
	check func(t *testing.T, doc *goquery.Document, f *goquery.Selection) // optional: more checks on the page shown
}

var formCases = []formCase{
	{
		name: "availability: a date typed wrong",
		as:   "sam@goodshift.example", page: "/rota/availability", form: `form[action="/rota/availability"]`,
		set: url.Values{"monday_from": {"08:00"}, "monday_to": {"14:00"}, "unavailable": {"24 Dec 2030\n32/12/2030"}},
		bad: "unavailable", want: `"32/12/2030" is not a date. Enter each date on its own line, like 24 December 2026`,
		state: tables("availability"),
	},
	{
		name: "availability: until before from",
		as:   "sam@goodshift.example", page: "/rota/availability", form: `form[action="/rota/availability"]`,
		set: url.Values{"tuesday_from": {"14:00"}, "tuesday_to": {"08:00"}, "unavailable": {"24/12/30"}},
		bad: "tuesday_to", want: "Tuesday: the time until must be after the time from",
		state: tables("availability"),
	},
	{
		name: "flex: fewer hours, hours out of range",
		as:   "sam@goodshift.example", pageF: flexPage("sam@goodshift.example"), form: `form.card[action$="/flex"]`,
		set: url.Values{"kind": {"weekly_cap"}, "weekly_hours": {"60"}, "from": {"24/12/2030"}},
		bad: "weekly_hours", want: "Hours a week must be a number from 1 to 47",
		state: tables("wellbeing_flex_periods", "shifts"),
		check: func(t *testing.T, _ *goquery.Document, f *goquery.Selection) {
			// The chosen option is kept: pressing submit again must not put "No shifts" in place.
			if _, ok := f.Find(`input[name="kind"][value="weekly_cap"]`).Attr("checked"); !ok {
				t.Errorf("the chosen kind was not kept")
			}
			if f.Find(`input[name="kind"][checked]`).Length() != 1 {
				t.Errorf("more or fewer than one kind checked")
			}
		},
	},
	{
		name: "flex: a start date typed wrong",
		as:   "sam@goodshift.example", pageF: flexPage("sam@goodshift.example"), form: `form.card[action$="/flex"]`,
		set: url.Values{"kind": {"later_start"}, "earliest_start": {"11:00"}, "from": {"32/12/2030"}},
		bad: "from", want: "From must be a date like 24 December 2026",
		state: tables("wellbeing_flex_periods", "shifts"),
	},
	{
		name: "add person: a start date typed wrong, the rest kept",
		as:   "alex@goodshift.example", page: "/admin/people", form: `form[action="/admin/people"]`,
		set: url.Values{"name": {"Eve Example"}, "email": {"eve@goodshift.example"}, "roles": {"employee"},
			"works_number": {"GS777"}, "start_date": {"31/11/2026"}, "date_of_birth": {"3 Feb 1995"}, "contract_type": {"contracted"}},
		bad: "start_date", want: "Start date must be a real date: there is no 31 November",
		state: tables("people", "employees", "person_roles"),
	},
	{
		name: "add person: an email the service refuses",
		as:   "alex@goodshift.example", page: "/admin/people", form: `form[action="/admin/people"]`,
		set: url.Values{"name": {"Eve Example"}, "email": {"not an email"}, "roles": {"finance"}},
		bad: "email", want: "Email must be an email address like sam@example.org",
		state: tables("people", "employees", "person_roles"),
	},
	{
		name: "adjustments: weekly hours out of range, the rest kept",
		as:   "dana@goodshift.example", form: "#adjustments-form",
		pageF: func(t *testing.T, srv *apptest.Server) string {
			return "/rota/people/" + personID(t, srv, "sam@goodshift.example")
		},
		set: url.Values{"max_week_hours": {"70"}, "review_date": {"24/12/30"}, "phased_return": {"7 Dec 2030, 12\n14 December 2030 20"},
			"days_never_worked": {"saturday", "sunday"}, "benefit_cap": {"permitted_work"}},
		bad: "max_week_hours", want: "Most hours a week must be a number of hours from 0 to 60",
		state: tables("adjustments"),
	},
	{
		name: "adjustments: a phased return step typed wrong",
		as:   "dana@goodshift.example", form: "#adjustments-form",
		pageF: func(t *testing.T, srv *apptest.Server) string {
			return "/rota/people/" + personID(t, srv, "sam@goodshift.example")
		},
		set: url.Values{"phased_return": {"7 Dec 2030, 12\nnext week 20"}, "not_alone": {"1"}},
		bad: "phased_return", want: `"next week 20" is not a step`,
		state: tables("adjustments"),
	},
	{
		name: "payroll absence: to before from, the rest kept",
		as:   "femi@goodshift.example", page: "/payroll/absences", form: `form[action="/payroll/absences"]`,
		set: url.Values{"type": {"holiday"}, "from": {"24 Dec 2030"}, "to": {"20/12/2030"}, "paid_hours": {"7.5"}},
		bad: "to", want: "To must be the same as or after the from date",
		state: tables("absences"),
	},
	{
		name: "payroll absence: paid hours the service refuses",
		as:   "femi@goodshift.example", page: "/payroll/absences", form: `form[action="/payroll/absences"]`,
		set: url.Values{"type": {"sick"}, "from": {"2030-12-24"}, "paid_hours": {"7.5"}},
		bad: "paid_hours", want: "Paid holiday hours a day is only for holiday",
		state: tables("absences"),
	},
	{
		name: "leave request: last day before the first, the rest kept",
		as:   "priya@goodshift.example", page: "/me/leave", form: "#leave-form",
		set: url.Values{"type": {"holiday"}, "from": {"24 Dec 2030"}, "to": {"20/12/2030"}, "part": {"half_end"}, "day_hours": {"6:15"}},
		bad: "to", want: "The last day is before the first day",
		state: tables("leave_requests"),
	},
	{
		name: "leave request: hours over several days",
		as:   "priya@goodshift.example", page: "/me/leave", form: "#leave-form",
		set: url.Values{"type": {"holiday"}, "from": {"2030-12-23"}, "to": {"2030-12-24"}, "part": {"hours"}, "hours": {"3:30"}},
		bad: "part", want: "Some hours are for a single day",
		state: tables("leave_requests"),
	},
	{
		// issue 17: "Query this" on My hours (one form per shift; the first card's).
		name: "my hours: a query note too long",
		as:   "sam@goodshift.example", page: "/payroll/my-hours", form: `#my-hours-shifts > li:first-child details.query form`,
		set: url.Values{"reason": {"times_wrong"}, "note": {strings.Repeat("a", 501)}},
		bad: "note", want: "Keep the note to 500 characters or fewer",
		state: tables("hours_queries", "notifications"),
	},
}

// flexPage is the flex periods page of the person signing in as email.
func flexPage(email string) func(*testing.T, *apptest.Server) string {
	return func(t *testing.T, srv *apptest.Server) string {
		return "/wellbeing/people/" + personID(t, srv, email) + "/flex"
	}
}

// tables is a formCase.state: every row of the named tables, as text.
func tables(names ...string) func(*testing.T, *apptest.Server) string {
	return func(t *testing.T, srv *apptest.Server) string {
		var b strings.Builder
		for _, n := range names {
			var rows []map[string]any
			if err := srv.App.DB.Table(n).Find(&rows).Error; err != nil {
				t.Fatalf("read %s: %v", n, err)
			}
			fmt.Fprintf(&b, "%s: %v\n", n, rows)
		}
		return b.String()
	}
}

// TestForms posts an invalid value to every HTML form in formCases and
// checks, by selector, that the page comes back (not a redirect) with a 4xx
// status, every other value kept, the message by the invalid input (with
// aria-invalid and aria-describedby pointing at it), a summary linking to
// it, no field key shown, and nothing changed.
func TestForms(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	clients := map[string]*apptest.Client{}
	for _, tc := range formCases {
		t.Run(tc.name, func(t *testing.T) {
			c := clients[tc.as]
			if c == nil {
				c = signInFor(t, srv, tc.as) // forms_payroll_test.go: "" is nobody signed in
				clients[tc.as] = c
			}
			page := tc.page
			if tc.pageF != nil {
				page = tc.pageF(t, srv)
			}
			var before string
			if tc.state != nil {
				before = tc.state(t, srv)
			}
			res, doc := c.Page(page)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", page, res.StatusCode)
			}
			form := doc.Find(tc.form)
			if form.Length() != 1 {
				t.Fatalf("%s: %d forms match %s", page, form.Length(), tc.form)
			}
			shown := formValues(form)
			action, _ := form.Attr("action")
			post := formValues(form)
			for k, v := range tc.set {
				post[k] = v
			}
			res = c.Submit(action, post)
			if res.StatusCode < 400 || res.StatusCode > 499 {
				t.Fatalf("POST %s: status %d, want 4xx (the page shown again)\n%s", action, res.StatusCode, res.Body)
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(res.Body)))
			if err != nil {
				t.Fatal(err)
			}
			after := doc.Find(tc.form)
			if after.Length() != 1 {
				t.Fatalf("the page shown after the error has no %s", tc.form)
			}
			// Every value kept, the invalid one too.
			for name, vals := range post {
				if name == "csrf_token" || passwordNotShown(t, after, name) { // forms_payroll_test.go
					continue
				}
				if got := formValues(after)[name]; strings.Join(got, "|") != strings.Join(vals, "|") {
					t.Errorf("%s: %q shown, %q posted", name, got, vals)
				}
			}
			// The message by the invalid input.
			in := after.Find(`[name="` + tc.bad + `"]`).First()
			if v, _ := in.Attr("aria-invalid"); v != "true" {
				t.Errorf("%s has no aria-invalid=true", tc.bad)
			}
			desc, _ := in.Attr("aria-describedby")
			msg := doc.Find("#" + desc)
			if desc == "" || msg.Length() != 1 || !strings.Contains(msg.Text(), tc.want) {
				t.Errorf("%s: aria-describedby=%q, holding %q; want %q", tc.bad, desc, msg.Text(), tc.want)
			}
			id, _ := in.Attr("id")
			link := doc.Find(`.error-summary [role="alert"] a[href="#` + id + `"]`)
			if h := doc.Find(`.error-summary [role="alert"] h2`).Text(); !strings.Contains(h, "There is a problem") {
				t.Errorf("summary heading %q", h)
			}
			if link.Length() == 0 || !strings.Contains(link.Text(), tc.want) {
				t.Errorf("summary has no link to #%s saying %q: %q", id, tc.want, doc.Find(".error-summary").Text())
			}
			// No field key in any message.
			doc.Find(".error-summary, .field-error").Each(func(_ int, s *goquery.Selection) {
				for name := range post {
					if strings.Contains(name, "_") && strings.Contains(s.Text(), name) {
						t.Errorf("message shows the key %q: %q", name, s.Text())
					}
				}
			})
			if tc.check != nil {
				tc.check(t, doc, after)
			}
			// Nothing changed: the page shows what it showed before.
			_, again := c.Page(page)
			if got := formValues(again.Find(tc.form)); !sameValues(got, shown) {
				t.Errorf("after a refused post the page shows %v, before %v", got, shown)
			}
			if tc.state != nil {
				if now := tc.state(t, srv); now != before {
					t.Errorf("stored state changed:\nbefore %s\nafter  %s", before, now)
				}
			}
		})
	}
}

// formValues is what a browser would send for the form as shown: inputs
// (checked radios and checkboxes only), each select's selected option (or
// its first), textareas. Submit buttons are left out.
func formValues(f *goquery.Selection) url.Values {
	out := url.Values{}
	f.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok || name == "" {
			return
		}
		if _, dis := s.Attr("disabled"); dis {
			return
		}
		switch goquery.NodeName(s) {
		case "textarea":
			out[name] = append(out[name], strings.TrimPrefix(s.Text(), "\n"))
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v, ok := opt.Attr("value")
			if !ok {
				v = opt.Text()
			}
			out[name] = append(out[name], v)
		default:
			typ, _ := s.Attr("type")
			switch strings.ToLower(typ) {
			case "submit", "button", "reset", "image", "file":
				return
			case "radio", "checkbox":
				if _, checked := s.Attr("checked"); !checked {
					return
				}
				v, ok := s.Attr("value")
				if !ok {
					v = "on"
				}
				out[name] = append(out[name], v)
			default:
				v, _ := s.Attr("value")
				out[name] = append(out[name], v)
			}
		}
	})
	return out
}

func sameValues(a, b url.Values) bool {
	a, b = withoutToken(a), withoutToken(b)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "|") != strings.Join(b[k], "|") {
			return false
		}
	}
	return true
}

func withoutToken(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != "csrf_token" {
			out[k] = vs
		}
	}
	return out
}
