package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

func testForm() *Form {
	return NewForm(
		Field{Name: "from", Label: "Start date", Kind: KindDate},
		Field{Name: "weekly_hours", Label: "Weekly hours", Kind: KindNumber, Keys: []string{"max_weekly_minutes"}},
		Field{Name: "kind", Label: "What changes", Kind: KindChoice},
		Field{Name: "note", Label: "Note", Kind: KindLong},
	)
}

func TestFormPostedKeepsValues(t *testing.T) {
	gin.SetMode(gin.TestMode)
	body := url.Values{"from": {"24/12/2026"}, "weekly_hours": {"abc"}, "kind": {"weekly_cap"}, "note": {"a <b> note"}}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body.Encode()))
	c.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	f := testForm().Posted(c)
	if f.Value("from") != "24/12/2026" || !f.Is("kind", "weekly_cap") || f.Is("kind", "no_shifts") {
		t.Fatalf("values not kept: %v", f.Values)
	}
	if d := f.Date("from"); d != civil.D(2026, 12, 24) || !f.OK() {
		t.Fatalf("date: %v %v", d, f.Errors)
	}
	// A typed date a native date input would drop is shown as text, kept.
	if in := string(f.Input("from")); !strings.Contains(in, `type="text"`) || !strings.Contains(in, `value="24/12/2026"`) {
		t.Errorf("Input(from) = %s", in)
	}
	if in := string(f.Input("weekly_hours")); !strings.Contains(in, `type="text"`) || !strings.Contains(in, `value="abc"`) {
		t.Errorf("Input(weekly_hours) = %s", in)
	}
	if a := string(f.Attrs("note")); strings.Contains(a, "<") {
		t.Errorf("Attrs not escaped: %s", a)
	}
}

func TestFormDateMessages(t *testing.T) {
	f := testForm().Set("from", "32/12/2026")
	f.Date("from")
	if got := f.ErrorOf("from"); got != "Start date must be a date like 24 December 2026" {
		t.Errorf("message = %q", got)
	}
	f = testForm().Set("from", "31/11/2026")
	f.Date("from")
	if got := f.ErrorOf("from"); got != "Start date must be a real date: there is no 31 November" {
		t.Errorf("message = %q", got)
	}
	in := string(f.Input("from"))
	for _, want := range []string{`aria-invalid="true"`, `aria-describedby="from-error"`, `value="31/11/2026"`} {
		if !strings.Contains(in, want) {
			t.Errorf("Input(from) = %s; want %s", in, want)
		}
	}
	if d := testForm().Set("from", "2026-12-24"); !strings.Contains(string(d.Input("from")), `type="date"`) {
		t.Errorf("ISO value should keep the native date input")
	}
}

func TestFormFromError(t *testing.T) {
	f := testForm()
	err := errs.Fields(
		errs.FieldError{Field: "max_weekly_minutes", Message: "must be between 0 and 48"},
		errs.FieldError{Field: "some_other_key", Message: "must be sensible"},
	)
	if !f.FromError(err) || f.Status() != http.StatusUnprocessableEntity {
		t.Fatal("field errors not taken")
	}
	if got := f.ErrorOf("weekly_hours"); got != "Weekly hours must be between 0 and 48" {
		t.Errorf("mapped message = %q", got)
	}
	if got := f.ErrorOf(""); got != "Must be sensible" || strings.Contains(got, "some_other_key") {
		t.Errorf("unknown key message = %q", got)
	}
	s := f.Summary()
	if len(s) != 2 || s[0].Field != "weekly_hours" || s[1].Field != "from" {
		t.Errorf("summary = %+v", s)
	}

	f = testForm()
	v := errs.E(errs.RuleViolation, "not allowed").WithDetails([]errs.Violation{{Rule: "x", Severity: "hard", Message: "Kwame already works then."}})
	if !f.FromError(v) || f.ErrorOf("") != "Kwame already works then." {
		t.Errorf("violations: %+v", f.Errors)
	}
	f = testForm()
	if !f.FromError(errs.E(errs.Conflict, "Someone else changed this first.")) || f.Status() != http.StatusConflict {
		t.Errorf("conflict: %d %+v", f.Status(), f.Errors)
	}
	for _, e := range []error{errors.New("boom"), errs.E(errs.NotFound, "no"), errs.E(errs.Forbidden, "no"), nil} {
		f = testForm()
		if f.FromError(e) || !f.OK() {
			t.Errorf("FromError(%v) should be left to Fail", e)
		}
	}
	if f := testForm(); f.Required("kind") || f.ErrorOf("kind") != "Select what changes" || f.ID("kind") != "kind-0" {
		t.Errorf("Required(kind): %+v", f.Errors)
	}
}

func TestSentenceNeverShowsKeys(t *testing.T) {
	if got := sentence("unknown_key is bad", ""); got != "Unknown key is bad" {
		t.Errorf("got %q", got)
	}
	f := testForm()
	f.FromError(errs.Fields(errs.FieldError{Field: "weekly_hours", Message: "weekly_hours must be a number"}))
	if got := f.ErrorOf("weekly_hours"); got != "Weekly hours must be a number" {
		t.Errorf("got %q", got)
	}
	for in, want := range map[string]string{
		"must be between 0 and 48":           "Weekly hours must be between 0 and 48",
		"Enter a date like 24 December 2026": "Enter a date like 24 December 2026",
	} {
		if got := sentence(in, "Weekly hours"); got != want {
			t.Errorf("sentence(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestDateFuncsLeaveOutThisYear(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC) }
	f := DateFuncs(now)["date"].(func(civil.Date) string)
	if got := f(civil.D(2026, 12, 24)); got != "Thu 24 Dec" {
		t.Errorf("this year: %q", got)
	}
	if got := f(civil.D(2027, 1, 1)); got != "Fri 1 Jan 2027" {
		t.Errorf("next year: %q", got)
	}
	if got := DateFuncs(nil)["date"].(func(civil.Date) string)(civil.D(2026, 12, 24)); got != "Thu 24 Dec 2026" {
		t.Errorf("no clock: %q", got)
	}
	ldt := DateFuncs(now)["localdatetime"].(func(time.Time) string)
	if got := ldt(time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC)); got != "Mon 1 Jun, 09:30" {
		t.Errorf("localdatetime: %q", got)
	}
}

func TestMonthText(t *testing.T) {
	for in, want := range map[any]string{civil.Month{Year: 2026, Month: 11}: "November 2026", "2026-11": "November 2026", "soon": "soon", 7: "7"} {
		if got := monthText(in); got != want {
			t.Errorf("monthText(%v) = %q, want %q", in, got, want)
		}
	}
}

// Several forms on one page keep unique ids; a password is never shown again.
func TestFormIDPrefixAndPassword(t *testing.T) {
	f := NewForm(Field{Name: "clock_in", Label: "Started", Kind: KindTime}, Field{Name: "password", Label: "Password", Kind: KindPassword}).IDPrefix("s1-")
	f.Set("clock_in", "08:00").Set("password", "hunter22hunter")
	f.Error("clock_in", "Started must be a time like 08:30")
	f.Error("", "Email or password not recognised")
	in := string(f.Input("clock_in"))
	if !strings.Contains(in, `id="s1-clock_in" name="clock_in"`) || !strings.Contains(in, `aria-describedby="s1-clock_in-error"`) {
		t.Errorf("Input(clock_in) = %s", in)
	}
	if (FieldArgs{Form: f, Name: "clock_in"}).ErrorID() != "s1-clock_in-error" {
		t.Errorf("ErrorID without the prefix")
	}
	if s := f.Summary(); s[0].Field != "s1-clock_in" || s[1].Field != "s1-clock_in" {
		t.Errorf("summary links %v", s)
	}
	if p := string(f.Input("password")); !strings.Contains(p, `type="password" value=""`) || strings.Contains(p, "hunter") {
		t.Errorf("Input(password) = %s", p)
	}
}
