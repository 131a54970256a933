package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestEveryFormCarriesACSRFToken fetches every page a role can reach from
// its navigation and checks each POST form has the token, and that a POST
// without it is refused and changes nothing.
func TestEveryFormCarriesACSRFToken(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	for _, email := range roleLogins {
		c := srv.SignIn(t, email)
		_, home := c.Page("/")
		pages := []string{"/"}
		home.Find("header nav a").Each(func(_ int, a *goquery.Selection) {
			if href, ok := a.Attr("href"); ok {
				pages = append(pages, href)
			}
		})
		for _, p := range pages {
			res, doc := c.Page(p)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: nav link %s answers %d", email, p, res.StatusCode)
				continue
			}
			doc.Find("form").Each(func(_ int, f *goquery.Selection) {
				if m, _ := f.Attr("method"); !strings.EqualFold(m, "post") {
					return
				}
				if tok, _ := f.Find(`input[name="csrf_token"]`).Attr("value"); tok == "" {
					action, _ := f.Attr("action")
					t.Errorf("%s: form posting to %s on %s has no CSRF token", email, action, p)
				}
			})
			// Labels: every visible input, select and textarea is labelled.
			doc.Find("input:not([type=hidden]):not([type=submit]), select, textarea").Each(func(_ int, in *goquery.Selection) {
				id, _ := in.Attr("id")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0 {
					if in.ParentsFiltered("label").Length() == 0 {
						name, _ := in.Attr("name")
						t.Errorf("%s: %s field %q has no label", email, p, name)
					}
				}
			})
		}
	}

	// Without the token a form post is refused and nothing changes.
	admin := srv.SignIn(t, "alex@goodshift.example")
	res := admin.Do(http.MethodPost, "/admin/people", strings.NewReader(url.Values{
		"name": {"Eve"}, "email": {"eve@goodshift.example"}, "roles": {"admin"},
	}.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("form post without CSRF token: %d", res.StatusCode)
	}
	if _, err := srv.App.People.ByEmail(t.Context(), "eve@goodshift.example"); err == nil {
		t.Errorf("a form post without a CSRF token created a person")
	}
	// A cookie-authenticated API call without the header is refused too.
	res = admin.Do(http.MethodPost, "/api/v1/people", strings.NewReader(`{"name":"Eve","email":"eve@goodshift.example","roles":["admin"]}`), http.Header{"Content-Type": {"application/json"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cookie API post without CSRF header: %d", res.StatusCode)
	}
}

func TestNavigationAndHomeByRole(t *testing.T) {
	checkNavigationByRole(t, apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{}))
}

// checkNavigationByRole signs each role in through the sign-in page (a
// cookie session) and checks their home page and navigation.
func checkNavigationByRole(t *testing.T, srv *apptest.Server) {
	t.Helper()
	for role, email := range roleLogins {
		c := srv.SignIn(t, email)
		res, doc := c.Page("/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s home: %d", role, res.StatusCode)
		}
		if h := doc.Find("main h1").Text(); !strings.HasPrefix(h, "Hello, ") {
			t.Errorf("%s home heading %q", role, h)
		}
		links := doc.Find("header nav a").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		hasPeople := strings.Contains(strings.Join(links, ","), "People")
		if hasPeople != (role == "admin") {
			t.Errorf("%s sees the People link: %v (nav %v)", role, hasPeople, links)
		}
		if doc.Find(`form[action="/logout"] button`).Length() != 1 {
			t.Errorf("%s: no sign-out button", role)
		}
	}
}

func TestPagesSignInRedirectsAndErrors(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		anon := srv.Anonymous(t)

		// A page needing sign-in sends you to the sign-in page and back.
		res := anon.Get("/admin/people")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fadmin%2Fpeople" {
			t.Fatalf("anonymous page: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, doc := anon.Page("/login?next=%2Fadmin%2Fpeople")
		if v, _ := doc.Find(`input[name="next"]`).Attr("value"); v != "/admin/people" {
			t.Errorf("next carried as %q", v)
		}
		res = anon.Submit("/login", url.Values{"email": {"alex@goodshift.example"}, "password": {demo.Password}, "next": {"/admin/people"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/people" {
			t.Fatalf("sign in: %d -> %s", res.StatusCode, res.Header.Get("Location"))
		}
		// An open redirect is not possible.
		for _, next := range []string{"https://evil.example", "//evil.example", `/\evil.example`} {
			c := srv.Anonymous(t)
			c.Page("/login")
			res := c.Submit("/login", url.Values{"email": {"dana@goodshift.example"}, "password": {demo.Password}, "next": {next}})
			if res.Header.Get("Location") != "/" {
				t.Errorf("next=%s redirected to %s", next, res.Header.Get("Location"))
			}
		}

		// Wrong password re-renders the form with an error and the email kept.
		c := srv.Anonymous(t)
		c.Page("/login")
		res = c.Submit("/login", url.Values{"email": {"dana@goodshift.example"}, "password": {"nope-nope-nope"}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(res.Body), "Email or password not recognised") || !strings.Contains(string(res.Body), `value="dana@goodshift.example"`) {
			t.Errorf("wrong password page: %d", res.StatusCode)
		}

		// A page a role may not use is a page that says so, not a JSON blob.
		sam := srv.SignIn(t, "sam@goodshift.example")
		res, doc = sam.Page("/admin/people")
		if res.StatusCode != http.StatusForbidden || doc.Find("main h1").Text() != "Not allowed" {
			t.Errorf("employee on admin page: %d %q", res.StatusCode, doc.Find("main h1").Text())
		}
		res, doc = sam.Page("/no/such/page")
		if res.StatusCode != http.StatusNotFound || doc.Find("main h1").Text() != "Not found" {
			t.Errorf("missing page: %d %q", res.StatusCode, doc.Find("main h1").Text())
		}

		// Admin adds a person through the page: post, redirect, flash with the
		// temporary password, and the person appears.
		admin := srv.SignIn(t, "alex@goodshift.example")
		admin.Page("/admin/people")
		res = admin.Submit("/admin/people", url.Values{
			"name": {"Omar Farouk"}, "email": {"omar@goodshift.example"}, "roles": {"employee"},
			"works_number": {"GS200"}, "start_date": {"2026-12-01"}, "contract_type": {"zero_hours"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create person page: %d %s", res.StatusCode, res.Body)
		}
		_, doc = admin.Follow(res)
		flash := doc.Find(".flash-success").Text()
		if !strings.Contains(flash, "temporary password") || doc.Find("main h1").Text() != "Omar Farouk" {
			t.Errorf("after create: flash %q, heading %q", flash, doc.Find("main h1").Text())
		}
		// The flash shows once.
		_, doc = admin.Page(res.Header.Get("Location"))
		if doc.Find(".flash").Length() != 0 {
			t.Errorf("flash shown twice")
		}
		// Bad input is explained and nothing is created.
		// (The page is shown again with the messages by their fields: web.Form.)
		res = admin.Submit("/admin/people", url.Values{"name": {""}, "email": {"bad"}, "roles": {"wizard"}})
		doc, _ = goquery.NewDocumentFromReader(strings.NewReader(string(res.Body)))
		if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(".error-summary").Length() != 1 || doc.Find("#name-error").Length() != 1 {
			t.Errorf("bad person form: %d, no summary or no message by the name", res.StatusCode)
		}

		// Sign out from the page ends the session.
		res = admin.Submit("/logout", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("sign out: %d", res.StatusCode)
		}
		if r := admin.Get("/"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("after sign-out the home page answers %d", r.StatusCode)
		}
	})
}

func TestChangeOwnPassword(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	c := srv.SignIn(t, "priya@goodshift.example")
	other := srv.Login(t, "priya@goodshift.example")
	c.Page("/account")
	res := c.Submit("/account/password", url.Values{"current_password": {"wrong-wrong"}, "new_password": {"a-new-long-password"}, "confirm_password": {"a-new-long-password"}})
	doc := parse(t, res.Body) // the page again, 422, the message by the field
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#current_password-error").Text(), "not your current password") {
		t.Errorf("wrong current password: %d %q", res.StatusCode, doc.Find("#current_password-error").Text())
	}
	res = c.Submit("/account/password", url.Values{"current_password": {demo.Password}, "new_password": {"a-new-long-password"}, "confirm_password": {"a-new-long-password"}})
	_, doc = c.Follow(res)
	if doc.Find(".flash-success").Length() != 1 {
		t.Fatalf("password change: no success message")
	}
	if r := other.Get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("other sessions survive a password change: %d", r.StatusCode)
	}
	if r := c.Get("/account"); r.StatusCode != http.StatusOK {
		t.Errorf("the session that changed the password was signed out: %d", r.StatusCode)
	}
	srv.LoginWith(t, "priya@goodshift.example", "a-new-long-password")
}
