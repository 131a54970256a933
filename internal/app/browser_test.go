package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestBrowserEmployeeSignsInOnAPhone: a demo employee signs in on a
// 390×844 phone screen and reaches their home page, which fits the screen
// (no sideways scrolling) and has tap targets at least 44 px tall.
func TestBrowserEmployeeSignsInOnAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})

	apptest.Steps(t, ctx, "sign-in", srv.SignInSteps("sam@goodshift.example", demo.Password)...)
	apptest.Screenshot(t, ctx, "employee-home-phone")

	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main h1`)))
	if err != nil || !strings.Contains(heading, "Sam Okafor") {
		t.Fatalf("home heading %q, %v", heading, err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/") {
		t.Errorf("after sign-in the browser is at %s, want the home page", loc)
	}
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("the home page scrolls sideways on a phone (%v)", err)
	}
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main a.tile, main button, header nav a'))
		.filter(e => e.getBoundingClientRect().height < 44).map(e => e.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(small) > 0 {
		t.Errorf("tap targets under 44px tall: %v", small)
	}
}

// TestBrowserWrongPasswordStaysOnSignIn shows the error in words.
func TestBrowserWrongPasswordStaysOnSignIn(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	apptest.Steps(t, ctx, "wrong-password",
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`#email`), "sam@goodshift.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "not-the-password"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#password-error`)),
	)
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#password-error`)))
	if !strings.Contains(msg, "not recognised") {
		t.Errorf("error message %q", msg)
	}
}
