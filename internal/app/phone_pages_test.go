package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestBrowserEveryPageFitsASmallPhone signs in as each role on a 360 px
// wide phone (the narrowest we support), opens every page its navigation
// and home page link to, and checks each one: it renders (no error page),
// never scrolls sideways, every tap target is at least 44 px tall and every
// form field has a label. Screenshots of each page are saved as artifacts.
func TestBrowserEveryPageFitsASmallPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	checkEveryPageFitsASmallPhone(t, ctx, apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{}))
}

func checkEveryPageFitsASmallPhone(t *testing.T, ctx context.Context, srv *apptest.Server) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ role, email string }{
		{"employee", "sam@goodshift.example"},
		{"supervisor", "dana@goodshift.example"},
		{"finance", "femi@goodshift.example"},
		{"support", "jo@goodshift.example"},
		{"admin", "alex@goodshift.example"},
	} {
		apptest.Steps(t, ctx, who.role+"-sign-in", srv.SignInSteps(who.email, demo.Password)...)
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(new Set(
			Array.from(document.querySelectorAll('header nav a[href], main a[href]'))
				.map(a => a.getAttribute('href'))
				.filter(h => h.startsWith('/') && !h.startsWith('//') && !/\.(pdf|csv|ics|zip|json)(\?|$)/.test(h) && !h.startsWith('/api/') && !h.startsWith('/calendar/'))
		))`))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(links, "/") {
			links = append([]string{"/"}, links...)
		}
		if len(links) < 3 {
			t.Errorf("%s: only %d pages reachable from home (%v)", who.role, len(links), links)
		}
		for i, path := range links {
			checkPhonePage(t, ctx, srv.URL, who.role, i, path)
		}
		apptest.Steps(t, ctx, who.role+"-sign-out",
			chromedp.Navigate(srv.URL+"/"),
			chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`#email`)),
		)
	}
}

func checkPhonePage(t *testing.T, ctx context.Context, base, role string, i int, path string) {
	t.Helper()
	name := fmt.Sprintf("phone-%s-%02d-%s", role, i, strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "-", "&", "-").Replace(path), "-"))
	apptest.Steps(t, ctx, name,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(`body footer.site p`)),
	)
	apptest.Screenshot(t, ctx, name)
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(title), "not found") || strings.Contains(strings.ToLower(title), "went wrong") || strings.Contains(strings.ToLower(title), "not allowed") {
		t.Errorf("%s %s: linked page shows an error (%q)", role, path, title)
		return
	}
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](phoneChecks))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s %s: %s", role, path, p)
	}
}

// phoneChecks runs in the page and reports what a phone user would trip on.
const phoneChecks = `(() => {
	const problems = [];
	if (document.documentElement.scrollWidth > window.innerWidth + 1)
		problems.push('scrolls sideways: page is ' + document.documentElement.scrollWidth + 'px wide');
	const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
	document.querySelectorAll('button, input[type=submit], header nav a, main a.button, main a.tile, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea').forEach(e => {
		if (!visible(e)) return;
		const h = e.getBoundingClientRect().height;
		if (h < 44) problems.push('tap target ' + h.toFixed(0) + 'px tall: ' + (e.textContent.trim() || e.name || e.id || e.tagName).slice(0, 40));
	});
	document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea').forEach(e => {
		if (!visible(e)) return;
		if ((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')) return;
		problems.push('field without a label: ' + (e.name || e.id || e.type));
	});
	if (document.querySelector('main h1') === null) problems.push('no h1');
	return problems;
})()`
