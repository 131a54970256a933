package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/rota"
)

// TestBrowserEmployeeClocksInFromAPhone: Sam has a shift starting in 20
// minutes; on a phone he opens the home page, follows the big button and
// taps Clock in; the page says so and offers Clock out.
func TestBrowserEmployeeClocksInFromAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	bg := context.Background()
	sam, err := srv.App.People.ByEmail(bg, "sam@goodshift.example")
	if err != nil {
		t.Fatal(err)
	}
	site := demoSiteID(t, srv, "Cable Street common parts")
	start := civil.D(2026, 11, 23).At(9, 20, civil.London)
	sh, err := srv.App.Rota.CreateShift(bg, "", rota.ShiftInput{SiteID: site, Start: start, End: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Assign(bg, "", sh.ID, sam.ID, "cover"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Publish(bg, "", rota.PublishRequest{From: civil.D(2026, 11, 23), To: civil.D(2026, 11, 23), Reason: "cover agreed with Sam"}); err != nil {
		t.Fatal(err)
	}

	apptest.Steps(t, ctx, "sign-in", srv.SignInSteps("sam@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "clock-in",
		chromedp.Click(chromedp.CSS(`a.button.big[href="/clock"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/clock/`+sh.ID+`/in"] button.big`)),
		chromedp.Click(chromedp.CSS(`form[action="/clock/`+sh.ID+`/in"] button.big`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	apptest.Screenshot(t, ctx, "payroll-clocked-in-phone")
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash-success`)))
	if !strings.Contains(msg, "You clocked in at 09:00") {
		t.Errorf("flash %q", msg)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action$="/out"] button.big').length`))
	if err != nil || n != 1 {
		t.Errorf("clock out button: %d %v", n, err)
	}
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("the clock page scrolls sideways on a phone (%v)", err)
	}
	height, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('form[action$="/out"] button.big').getBoundingClientRect().height`))
	if err != nil || height < 44 {
		t.Errorf("clock out button is %.0f px tall", height)
	}
}
