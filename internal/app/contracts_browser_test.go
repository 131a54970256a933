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

// TestBrowserSupervisorRecordsAVisitOnAPhone: on a phone, a supervisor
// opens today's visits, records one as completed, and sees it confirmed;
// the visits and sites pages fit the screen.
func TestBrowserSupervisorRecordsAVisitOnAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	apptest.Steps(t, ctx, "sign-in", srv.SignInSteps("dana@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "record-visit",
		chromedp.Navigate(srv.URL+"/visits?from=2026-11-23&to=2026-11-23&status=scheduled"),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/visits/"] button[type=submit]`)),
		chromedp.SetValue(chromedp.CSS(`form[action^="/visits/"] select[name=status]`), "completed"),
		chromedp.Click(chromedp.CSS(`form[action^="/visits/"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	apptest.Screenshot(t, ctx, "supervisor-visits-phone")
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
	if !strings.Contains(msg, "recorded as completed") {
		t.Errorf("flash %q", msg)
	}
	for _, p := range []string{"/visits", "/sites"} {
		apptest.Steps(t, ctx, "open"+strings.ReplaceAll(p, "/", "-"), chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || overflow {
			t.Errorf("%s scrolls sideways on a phone (%v)", p, err)
		}
	}
}

// TestBrowserFinanceIssuesAnInvoiceOnAPhone: finance opens a draft and
// issues it from a phone; the invoice pages fit the screen (wide tables
// scroll inside their box).
func TestBrowserFinanceIssuesAnInvoiceOnAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	apptest.Steps(t, ctx, "sign-in", srv.SignInSteps("femi@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "issue",
		chromedp.Navigate(srv.URL+"/invoices?status=draft"),
		chromedp.Click(chromedp.CSS(`tbody a[href^="/invoices/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/issue"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/issue"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	apptest.Screenshot(t, ctx, "finance-invoice-phone")
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
	if !strings.Contains(msg, "INV-") {
		t.Errorf("flash %q", msg)
	}
	for _, p := range []string{"/invoices", "/contracts", "/aged-debtors"} {
		apptest.Steps(t, ctx, "open"+strings.ReplaceAll(p, "/", "-"), chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || overflow {
			t.Errorf("%s scrolls sideways on a phone (%v)", p, err)
		}
	}
}
