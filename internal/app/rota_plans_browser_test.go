package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestBrowserPlanPagesOnAPhone: a supervisor away from the laptop opens a
// proposal, and the page after applying it, on a 390 px phone: nothing
// scrolls sideways, tap targets are big enough and every field is labelled
// (the checks every page gets in TestBrowserEveryPageFitsASmallPhone, which
// cannot reach a plan: it has no link from the menus).
func TestBrowserPlanPagesOnAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	dana := srv.Login(t, "dana@goodshift.example")
	site := demoSiteID(t, srv, "Old Street studio")
	for d := range 4 {
		day := civil.D(2027, 1, 11+d)
		for _, h := range []int{6, 10, 18} {
			in := map[string]any{"site_id": site, "starts_at": day.At(h, 0, civil.London).UTC().Format(time.RFC3339),
				"ends_at": day.At(h+4, 0, civil.London).UTC().Format(time.RFC3339)}
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts", in, nil); res.StatusCode != http.StatusCreated {
				t.Fatalf("shift: %d %s", res.StatusCode, res.Body)
			}
		}
	}
	var pl struct {
		ID string `json:"id"`
	}
	if res := dana.JSON(http.MethodPost, "/api/v1/rota/plans", map[string]any{"from": "2027-01-11", "to": "2027-01-17"}, &pl); res.StatusCode != http.StatusCreated {
		t.Fatalf("plan: %d %s", res.StatusCode, res.Body)
	}
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	apptest.Steps(t, ctx, "plan-sign-in", srv.SignInSteps("dana@goodshift.example", demo.Password)...)
	checkPhonePage(t, ctx, srv.URL, "supervisor", 0, "/rota/plans/"+pl.ID)
	checkPhonePage(t, ctx, srv.URL, "supervisor", 1, "/rota/board?week=2027-01-11")
	apptest.Steps(t, ctx, "plan-apply",
		chromedp.Navigate(srv.URL+"/rota/plans/"+pl.ID),
		chromedp.Click(chromedp.CSS(`#plan-apply`)),
		chromedp.WaitVisible(chromedp.CSS(`#plan-result`)),
	)
	checkPhonePage(t, ctx, srv.URL, "supervisor", 2, "/rota/plans/"+pl.ID)
}
