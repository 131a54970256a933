package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// rotaFormCases are the rota and wellbeing forms in TestForms (forms_test.go).
var rotaFormCases = []formCase{
	{
		name: "availability: preferences kept when a date is typed wrong",
		as:   "sam@goodshift.example", page: "/rota/availability", form: `form[action="/rota/availability"]`,
		set: url.Values{"monday_from": {"08:00"}, "monday_to": {"14:00"}, "monday_preference": {"would_like"},
			"wednesday_from": {"12:00"}, "wednesday_to": {"18:00"}, "wednesday_preference": {"rather_not"}, "unavailable": {"31/11/2030"}},
		bad: "unavailable", want: `"31/11/2030" is not a date`,
		state: tables("availability"),
		check: func(t *testing.T, _ *goquery.Document, f *goquery.Selection) {
			for day, want := range map[string]string{"monday": "I'd like to", "wednesday": "I'd rather not", "friday": "Happy to"} {
				sel := f.Find(`select[name="` + day + `_preference"]`)
				if sel.Length() != 1 {
					t.Fatalf("no preference for %s", day)
				}
				id, _ := sel.Attr("id")
				if f.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("the %s preference has no label", day)
				}
				if got := strings.TrimSpace(sel.Find("option[selected]").Text()); day != "friday" && got != want {
					t.Errorf("%s: %q selected, want %q", day, got, want)
				}
			}
		},
	},
	{
		name: "availability: a preference without times",
		as:   "sam@goodshift.example", page: "/rota/availability", form: `form[action="/rota/availability"]`,
		set: url.Values{"tuesday_from": {""}, "tuesday_to": {""}, "tuesday_preference": {"rather_not"}},
		bad: "tuesday_from", want: "Enter the times on Tuesday you would rather not work",
		state: tables("availability"),
	},
	{
		name: "wellness plan: a review date typed wrong, the rest kept",
		as:   "sam@goodshift.example", form: `form.wb-plan`,
		pageF: func(t *testing.T, srv *apptest.Server) string {
			return "/wellbeing/people/" + personID(t, srv, "sam@goodshift.example") + "/plan"
		},
		set: url.Values{"stay_well": {"A walk before the shift"}, "summary": {"Quiet start"}, "review_date": {"31/02/2031"}},
		bad: "review_date", want: "When we review it must be a real date",
		state: tables("wellbeing_plans"),
	},
	{
		name: "support note: a date typed wrong, the note kept",
		as:   "jo@goodshift.example", form: `#note-form`,
		pageF: func(t *testing.T, srv *apptest.Server) string {
			return "/wellbeing/people/" + personID(t, srv, "sam@goodshift.example") + "/notes"
		},
		set: url.Values{"date": {"32/11/2026"}, "kind": {"call"}, "text": {"Called about the rota"}},
		bad: "date", want: "Date must be a date like 24 December 2026",
		state: tables("wellbeing_notes"),
	},
	{
		name: "board: add a shift with a start typed wrong",
		as:   "dana@goodshift.example", page: "/rota/board", form: `#add-shift-form`,
		set: url.Values{"start": {"7.30am"}, "end": {"11:00"}, "break_minutes": {"15"}},
		bad: "start", want: "Start must be a time like 07:00",
		state: tables("shifts"),
	},
	{
		name: "board: add a shift with a break the service refuses",
		as:   "dana@goodshift.example", page: "/rota/board", form: `#add-shift-form`,
		set: url.Values{"date": {"24 Dec 2030"}, "start": {"07:00"}, "end": {"09:00"}, "break_minutes": {"150"}},
		bad: "break_minutes", want: "Break must be between 0 and 180 and shorter than the shift",
		state: tables("shifts"),
	},
	{
		name: "hours you would like: too many",
		as:   "sam@goodshift.example", page: "/rota/wanted-hours", form: `form[action="/rota/wanted-hours"]`,
		set: url.Values{"hours": {"200"}},
		bad: "hours", want: "Hours a week must be a whole number from 0 to 112",
		state: tables("rota_wanted_hours"),
	},
	{
		name: "shift: cancel with a reason too long",
		as:   "dana@goodshift.example", form: `#cancel-form`,
		pageF: func(t *testing.T, srv *apptest.Server) string {
			var id string
			if err := srv.App.DB.Table("shifts").Select("id").Where("status <> 'cancelled' AND starts_at > ?", srv.Clock.Now().UTC()).
				Order("starts_at DESC").Limit(1).Scan(&id).Error; err != nil || id == "" {
				t.Fatalf("no shift to cancel: %v", err)
			}
			return "/rota/board/shifts/" + id
		},
		set: url.Values{"cancel_reason": {strings.Repeat("Too long. ", 51)}},
		bad: "cancel_reason", want: "Reason is at most 500 characters",
		state: tables("shifts"),
	},
}

func init() { formCases = append(formCases, rotaFormCases...) }

// TestChangesDatesTypedWrong: the rota changes page's dates (a GET form)
// come back as typed, with the message by the field, not an error page.
func TestChangesDatesTypedWrong(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	dana := srv.SignIn(t, "dana@goodshift.example")
	res, doc := dana.Page("/rota/changes?from=" + url.QueryEscape("32/12/2026") + "&to=" + url.QueryEscape("5 Jan 2027"))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.StatusCode)
	}
	from, to := doc.Find(`#changes-dates input[name="from"]`), doc.Find(`#changes-dates input[name="to"]`)
	if v, _ := from.Attr("value"); v != "32/12/2026" {
		t.Errorf("from shown as %q", v)
	}
	if v, _ := to.Attr("value"); v != "5 Jan 2027" {
		t.Errorf("to shown as %q", v)
	}
	if d, _ := from.Attr("aria-describedby"); d != "from-error" || !strings.Contains(doc.Find("#from-error").Text(), "From must be a date like 24 December 2026") {
		t.Errorf("from: describedby %q, message %q", d, doc.Find("#from-error").Text())
	}
	if res, _ := dana.Page("/rota/changes?from=24/12/2026&to=" + url.QueryEscape("20 Dec 2026")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("to before from: %d", res.StatusCode)
	}
	if res, doc := dana.Page("/rota/changes?from=" + url.QueryEscape("1 Dec 2026") + "&to=31/12/2026"); res.StatusCode != http.StatusOK || doc.Find(".error-summary").Length() != 0 {
		t.Errorf("dates as people type them: %d", res.StatusCode)
	}
}

// TestAvailabilityPreferenceSaved: a day's "How do you feel about working
// then?" is saved and shown when the page is opened again.
func TestAvailabilityPreferenceSaved(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	sam := srv.SignIn(t, "sam@goodshift.example")
	_, doc := sam.Page("/rota/availability")
	post := formValues(doc.Find(`form[action="/rota/availability"]`))
	post.Set("thursday_from", "09:00")
	post.Set("thursday_to", "15:00")
	post.Set("thursday_preference", "would_like")
	post.Set("saturday_from", "10:00")
	post.Set("saturday_to", "14:00")
	post.Set("saturday_preference", "rather_not")
	if res := sam.Submit("/rota/availability", post); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
	}
	_, doc = sam.Page("/rota/availability")
	for day, want := range map[string]string{"thursday": "I'd like to", "saturday": "I'd rather not"} {
		if got := strings.TrimSpace(doc.Find(`select[name="` + day + `_preference"] option[selected]`).Text()); got != want {
			t.Errorf("%s shown as %q, want %q", day, got, want)
		}
	}
}
