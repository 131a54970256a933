package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

func texts(s *goquery.Selection) []string {
	return s.Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
}

// TestPhoneBarForEmployeesOnly: an employee sees five places at the bottom
// (Week, Open, Requests, Clock, Me) and the rest on the Me page, every one
// of which opens; everyone holding another role keeps the full navigation.
func TestPhoneBarForEmployeesOnly(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	sam := srv.SignIn(t, "sam@goodshift.example")
	_, home := sam.Page("/")
	if got := barLabels(home); !slices.Equal(got, []string{"Week", "Open", "Requests", "Clock", "Me"}) {
		t.Fatalf("employee's bar: %v", got)
	}
	if n := home.Find(`header nav:not(.phonebar):not(.tabs)`).Length(); n != 0 {
		t.Errorf("the employee also gets the full navigation (%d)", n)
	}
	if home.Find("body.with-bar").Length() != 1 {
		t.Error("the body does not make room for the bar")
	}
	// Requests holds swaps and the inbox, as tabs; the bar marks it current on both.
	for _, p := range []string{"/rota/inbox", "/inbox"} {
		_, doc := sam.Page(p)
		if cur := barLabels(doc, `[aria-current="page"]`); !slices.Equal(cur, []string{"Requests"}) {
			t.Errorf("%s: current bar item %v", p, cur)
		}
		if tabs := texts(doc.Find("header nav.tabs a")); !slices.Equal(tabs, []string{"Swaps", "Inbox"}) {
			t.Errorf("%s: tabs %v", p, tabs)
		}
		if cur, _ := doc.Find(`header nav.tabs a[aria-current="page"]`).Attr("href"); cur != p {
			t.Errorf("%s: current tab %q", p, cur)
		}
	}
	// Me lists the rest: not the bar's places, and each one opens.
	res, me := sam.Page("/me")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/me: %d", res.StatusCode)
	}
	var rest []string
	me.Find("#me-menu a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		rest = append(rest, href)
	})
	for _, want := range []string{"/rota/availability", "/account", "/me/notifications"} {
		if !slices.Contains(rest, want) {
			t.Errorf("Me does not list %s: %v", want, rest)
		}
	}
	for _, p := range rest {
		if slices.Contains([]string{"/rota/week", "/rota/open", "/rota/inbox", "/inbox", "/clock", "/me", "/"}, p) {
			t.Errorf("Me repeats a bar place: %s", p)
		}
		res, doc := sam.Page(p)
		if res.StatusCode != http.StatusOK {
			t.Errorf("Me → %s: %d", p, res.StatusCode)
			continue
		}
		if cur := barLabels(doc, `[aria-current="page"]`); !slices.Equal(cur, []string{"Me"}) {
			t.Errorf("%s: current bar item %v, want Me", p, cur)
		}
	}
	// Supervisors, finance, support workers and admins keep their navigation.
	for _, email := range []string{"dana@goodshift.example", "femi@goodshift.example", "jo@goodshift.example", "alex@goodshift.example"} {
		_, doc := srv.SignIn(t, email).Page("/")
		if doc.Find("nav.phonebar").Length() != 0 {
			t.Errorf("%s gets the employees' bar", email)
		}
		if doc.Find(`header nav[aria-label="Main"] a`).Length() < 3 {
			t.Errorf("%s lost the navigation", email)
		}
	}
}

// TestAppManifestAndServiceWorker: the manifest names the app, starts at My
// week and lists icons the app serves; the service worker is served from the
// root (so it controls every page) and is checked on every visit.
func TestAppManifestAndServiceWorker(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	anon := srv.Anonymous(t)
	res := anon.Get("/manifest.webmanifest")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/manifest+json") {
		t.Fatalf("manifest: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var m struct {
		Name, StartURL, Display, Scope string
		Icons                          []struct{ Src, Sizes, Type, Purpose string }
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(res.Body, &raw); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(raw["name"], &m.Name)
	_ = json.Unmarshal(raw["start_url"], &m.StartURL)
	_ = json.Unmarshal(raw["display"], &m.Display)
	_ = json.Unmarshal(raw["icons"], &m.Icons)
	if m.Name != "Goodshift" || m.StartURL != "/rota/week" || m.Display != "standalone" {
		t.Errorf("manifest: %+v", m)
	}
	sizes := map[string]bool{}
	for _, ic := range m.Icons {
		r := anon.Get(ic.Src)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != ic.Type {
			t.Errorf("icon %s: %d %s", ic.Src, r.StatusCode, r.Header.Get("Content-Type"))
		}
		if ic.Type == "image/png" && !strings.HasPrefix(string(r.Body), "\x89PNG") {
			t.Errorf("icon %s is not a PNG", ic.Src)
		}
		sizes[ic.Sizes] = true
	}
	if !sizes["192x192"] || !sizes["512x512"] {
		t.Errorf("installable apps need 192 and 512 px icons: %v", sizes)
	}
	sw := anon.Get("/sw.js")
	if sw.StatusCode != http.StatusOK || !strings.HasPrefix(sw.Header.Get("Content-Type"), "text/javascript") || sw.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("sw.js: %d %s %s", sw.StatusCode, sw.Header.Get("Content-Type"), sw.Header.Get("Cache-Control"))
	}
	_, doc := srv.SignIn(t, "sam@goodshift.example").Page("/rota/week")
	if href, _ := doc.Find(`link[rel="manifest"]`).Attr("href"); href != "/manifest.webmanifest" {
		t.Errorf("pages do not link the manifest: %q", href)
	}
	if doc.Find(`script[src="/static/phone.js"]`).Length() != 1 {
		t.Error("pages do not load phone.js (which registers the service worker)")
	}
}

// TestCalendarLinkFromMyWeek: My week leads to the calendar page, which
// makes a link, shows it again on every visit (subscribe, copy, QR code,
// how-to), and makes a new one that stops the old one.
func TestCalendarLinkFromMyWeek(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	sam := srv.SignIn(t, "sam@goodshift.example")
	_, week := sam.Page("/rota/week")
	if href, _ := week.Find(`#calendar-card a`).Attr("href"); href != "/rota/calendar" {
		t.Fatalf("My week does not lead to the calendar page (%q)", href)
	}
	_, page := sam.Page("/rota/calendar")
	if page.Find("#calendar-none").Length() != 1 || page.Find("#calendar-url").Length() != 0 {
		t.Fatal("a person without a link is not offered one")
	}
	res := sam.Submit("/rota/calendar", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("make link: %d", res.StatusCode)
	}
	_, page = sam.Follow(res)
	link := func(doc *goquery.Document) string {
		v, _ := doc.Find("#calendar-url").Attr("value")
		return v
	}
	first := link(page)
	u, err := url.Parse(first)
	if err != nil || !strings.HasPrefix(u.Path, "/calendar/") || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("calendar link %q", first)
	}
	if webcal, _ := page.Find("#calendar-webcal").Attr("href"); webcal != "webcal://"+u.Host+u.Path {
		t.Errorf("subscribe link %q for %q", webcal, first)
	}
	if src, _ := page.Find("#calendar-qr img.qr").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("no QR code: %.40q", src)
	}
	if page.Find("#calendar-copy[data-copy=calendar-url]").Length() != 1 {
		t.Error("no copy button")
	}
	howto := page.Find("#calendar-howto h3").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if len(howto) != 3 {
		t.Errorf("how-to sections: %v", howto)
	}
	if r := srv.Anonymous(t).Get(u.Path); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "BEGIN:VCALENDAR") {
		t.Fatalf("the feed: %d", r.StatusCode)
	}
	// Shown again on the next visit, the same link.
	_, again := sam.Page("/rota/calendar")
	if link(again) != first {
		t.Errorf("the link changed between visits: %q then %q", first, link(again))
	}
	// A new link stops the old one.
	_, page = sam.Follow(sam.Submit("/rota/calendar", nil))
	second := link(page)
	if second == "" || second == first {
		t.Fatalf("new link %q (old %q)", second, first)
	}
	if r := srv.Anonymous(t).Get(u.Path); r.StatusCode != http.StatusNotFound {
		t.Errorf("the old link still answers %d", r.StatusCode)
	}
	u2, _ := url.Parse(second)
	if r := srv.Anonymous(t).Get(u2.Path); r.StatusCode != http.StatusOK {
		t.Errorf("the new link answers %d", r.StatusCode)
	}
	// A link made through the API (shown once) cannot be shown again: the
	// page says so and offers a new one.
	api := srv.Login(t, "sam@goodshift.example")
	if r := api.JSON(http.MethodPost, "/api/v1/me/calendar", nil, nil); r.StatusCode != http.StatusCreated {
		t.Fatalf("API link: %d", r.StatusCode)
	}
	_, page = sam.Page("/rota/calendar")
	if page.Find("#calendar-unshowable").Length() != 1 || link(page) != "" {
		t.Error("an API-made link is not reported as unshowable")
	}
}
