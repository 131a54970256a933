package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

func personID(t *testing.T, srv *apptest.Server, email string) string {
	t.Helper()
	p, err := srv.App.People.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// TestWellbeingPages walks the pages as an employee, their support worker
// and a supervisor, with the demo data.
func TestWellbeingPages(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		samID, graceID := personID(t, srv, "sam@goodshift.example"), personID(t, srv, "grace@goodshift.example")
		base := "/wellbeing/people/" + samID

		sam := srv.SignIn(t, "sam@goodshift.example")
		res, doc := sam.Page("/")
		if res.StatusCode != http.StatusOK || doc.Find(`a[href="/wellbeing/people/`+samID+`/flex"]`).Length() != 1 {
			t.Errorf("home page has no way to a flex period: %d", res.StatusCode)
		}
		res, doc = sam.Page(base + "/plan")
		if res.StatusCode != http.StatusOK || !strings.Contains(doc.Find(`#stay_well`).Text(), "walk before the shift") {
			t.Fatalf("plan page: %d", res.StatusCode)
		}
		for _, id := range []string{"stay_well", "triggers", "early_warning_signs", "impact_on_work", "support_from_supervisor", "my_actions", "contacts", "review_date", "summary"} {
			if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Errorf("plan form: no label for %s", id)
			}
		}
		version, _ := doc.Find(`input[name=version]`).Attr("value")
		form := url.Values{"version": {version}, "stay_well": {"PAGEMARK a walk"}, "summary": {"Mornings please"}, "share_summary": {"yes"},
			"ew_id": {"", ""}, "ew_sign": {"PAGEMARK sign", ""}, "ew_action": {"PAGEMARK action", ""}, "review_date": {"2027-01-10"}}
		if r := sam.Submit(base+"/plan", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save plan: %d %s", r.StatusCode, r.Body)
		}
		// The same form again is a stale version: the typed text comes back.
		r := sam.Submit(base+"/plan", form)
		if r.StatusCode != http.StatusConflict || !strings.Contains(string(r.Body), "PAGEMARK a walk") {
			t.Errorf("stale save: %d", r.StatusCode)
		}
		_, doc = sam.Page(base + "/plan/versions")
		if doc.Find(`a[href="`+base+`/plan/versions/2"]`).Length() != 1 {
			t.Error("versions page does not link version 2")
		}
		if r, doc := sam.Page(base + "/plan/versions/1"); r.StatusCode != http.StatusOK || !strings.Contains(doc.Text(), "walk before the shift") {
			t.Errorf("version 1: %d", r.StatusCode)
		}
		_, doc = sam.Page(base + "/notes")
		if doc.Find(`article.wb-note`).Length() != 3 || doc.Find(`textarea#text`).Length() != 0 {
			t.Errorf("notes about me: %d notes, form shown to the employee: %v", doc.Find(`article.wb-note`).Length(), doc.Find(`textarea#text`).Length() != 0)
		}

		// Jo, the support worker: caseload, Sam's notes, add a note.
		jo := srv.SignIn(t, "jo@goodshift.example")
		_, doc = jo.Page("/wellbeing")
		if doc.Find(`a[href="`+base+`"]`).Length() != 1 {
			t.Error("Sam is not on Jo's caseload page")
		}
		_, doc = jo.Page(base + "/notes")
		if doc.Find(`form[action="`+base+`/notes"]`).Length() != 1 {
			t.Fatal("no add-note form for the support worker")
		}
		if r := jo.Submit(base+"/notes", url.Values{"date": {"2026-11-23"}, "kind": {"call"}, "text": {"PAGEMARK call about the rota"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add note: %d %s", r.StatusCode, r.Body)
		}
		// A refused note: the page again (422), the text kept, the message by the kind.
		if r := jo.Submit(base+"/notes", url.Values{"date": {"2026-11-23"}, "kind": {"gossip"}, "text": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad note: %d", r.StatusCode)
		} else if doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(r.Body))); err != nil || !strings.Contains(doc.Find("#kind-error").Text(), "kind of note") || doc.Find("textarea#text").Text() != "x" {
			t.Errorf("bad note: %q, text %q", doc.Find("#kind-error").Text(), doc.Find("textarea#text").Text())
		}
		if r, _ := jo.Page("/wellbeing/people/" + personID(t, srv, "priya@goodshift.example")); r.StatusCode != http.StatusNotFound {
			t.Errorf("Jo opens someone not on her caseload: %d", r.StatusCode)
		}
		if r, _ := jo.Page("/wellbeing/people/" + graceID + "/plan"); r.StatusCode != http.StatusOK {
			t.Errorf("Jo opens Grace's plan: %d", r.StatusCode)
		}

		// Sam sees who has looked.
		_, doc = sam.Page(base + "/access-log")
		if !strings.Contains(doc.Find(`ul.wb-log`).Text(), "Jo Martins") {
			t.Errorf("access log page: %s", doc.Find(`ul.wb-log`).Text())
		}

		// The supervisor: no wellbeing pages, only the shared summaries.
		dana := srv.SignIn(t, "dana@goodshift.example")
		for _, p := range []string{"/wellbeing", base, base + "/plan", base + "/notes", base + "/flex", base + "/access-log"} {
			if r, _ := dana.Page(p); r.StatusCode != http.StatusNotFound {
				t.Errorf("supervisor GET %s: %d", p, r.StatusCode)
			}
		}
		_, doc = dana.Page("/wellbeing/summaries")
		text := doc.Find("main").Text()
		if !strings.Contains(text, "Mornings please") || !strings.Contains(text, "Hannah Price") || strings.Contains(text, "Grace") || strings.Contains(text, "PAGEMARK") {
			t.Errorf("summaries page: %s", text)
		}
		if strings.Contains(srv.Logs.String(), "PAGEMARK") {
			t.Error("content in the logs")
		}
	})
}

// TestBrowserFlexPeriodFromAPhone: Tomasz, on a phone, puts a "no shifts"
// flex period in place; the page confirms it and fits the screen.
func TestBrowserFlexPeriodFromAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	id := personID(t, srv, "tomasz@goodshift.example")
	steps := append(srv.SignInSteps("tomasz@goodshift.example", demo.Password),
		chromedp.Navigate(srv.URL+"/wellbeing/people/"+id+"/flex"),
		chromedp.WaitVisible(chromedp.CSS(`button.big`)),
	)
	apptest.Steps(t, ctx, "flex-form", steps...)
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("the flex page scrolls sideways on a phone (%v)", err)
	}
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main button, main input, main select, main label.check'))
		.filter(e => e.type !== 'hidden' && e.getBoundingClientRect().height < 44).map(e => e.name || e.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(small) > 0 {
		t.Errorf("tap targets under 44px tall: %v", small)
	}
	apptest.Steps(t, ctx, "flex-submit",
		chromedp.Click(chromedp.CSS(`input[name=kind][value=no_shifts]`)),
		chromedp.Click(chromedp.CSS(`button.big`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	apptest.Screenshot(t, ctx, "wellbeing-flex-phone")
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash-success`)))
	if !strings.Contains(msg, "No shifts") || !strings.Contains(msg, "The rota has been told") {
		t.Errorf("confirmation %q", msg)
	}
}

// TestWellbeingCaseloadsPage: an admin puts someone on a caseload and takes
// them off again from a page that shows names only.
func TestWellbeingCaseloadsPage(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	joID, priyaID := personID(t, srv, "jo@goodshift.example"), personID(t, srv, "priya@goodshift.example")
	alex := srv.SignIn(t, "alex@goodshift.example")
	res, doc := alex.Page("/wellbeing/caseloads")
	if res.StatusCode != http.StatusOK || !strings.Contains(doc.Find("main").Text(), "Sam Okafor") {
		t.Fatalf("caseloads page: %d", res.StatusCode)
	}
	if doc.Find(`header nav a[href="/wellbeing/caseloads"]`).Length() != 1 {
		t.Error("no Caseloads link in the admin's navigation")
	}
	if r := alex.Submit("/wellbeing/caseloads", url.Values{"support_worker_id": {joID}, "employee_id": {priyaID}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", r.StatusCode)
	}
	if ok, _ := srv.App.Wellbeing.InCaseload(context.Background(), joID, priyaID); !ok {
		t.Error("Priya is not on Jo's caseload")
	}
	r := alex.Submit("/wellbeing/caseloads", url.Values{"support_worker_id": {priyaID}, "employee_id": {joID}})
	if doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(r.Body))); r.StatusCode != http.StatusUnprocessableEntity || err != nil ||
		!strings.Contains(doc.Find("#support_worker_id-error").Text(), "Choose a support worker") {
		t.Errorf("assigning to someone who is not a support worker: %d, no message by the field", r.StatusCode)
	}
	if r := alex.Submit("/wellbeing/caseloads", url.Values{"do": {"remove"}, "support_worker_id": {joID}, "employee_id": {priyaID}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if ok, _ := srv.App.Wellbeing.InCaseload(context.Background(), joID, priyaID); ok {
		t.Error("Priya is still on Jo's caseload")
	}
	jo := srv.SignIn(t, "jo@goodshift.example")
	if r := jo.Submit("/wellbeing/caseloads", url.Values{"support_worker_id": {joID}, "employee_id": {priyaID}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a support worker changes caseloads: %d", r.StatusCode)
	}
}
