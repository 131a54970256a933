package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestBrowserSwapStory: on phones, employee A offers a shift to B, B
// accepts it from the swaps page, the supervisor approves it on the desk,
// and both people's "my week" pages show the change. Screenshots of every
// step are saved as artifacts.
func TestBrowserSwapStory(t *testing.T) {
	ctxA := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	dana := srv.Login(t, "dana@goodshift.example")
	zoe := newEmployee(t, srv, "Zoe Story", "zoe@goodshift.example")
	yan := newEmployee(t, srv, "Yan Story", "yans@goodshift.example")
	site := demoSiteID(t, srv, "Mile End hall")
	var sh apiShift
	dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2026-11-25T18:00:00Z", "ends_at": "2026-11-25T20:30:00Z"}, &sh)
	if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
	}
	publishAPI(t, dana, "2026-11-25", "2026-11-25")
	week := "/rota/week?from=2026-11-23"

	// A offers the shift to B.
	apptest.Steps(t, ctxA, "a-sign-in", srv.SignInSteps("zoe@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctxA, "a-offers",
		chromedp.Navigate(srv.URL+week),
		chromedp.WaitVisible(chromedp.CSS(`[data-shift="`+sh.ID+`"]`)),
		chromedp.Navigate(srv.URL+"/rota/shifts/"+sh.ID),
		chromedp.WaitVisible(chromedp.CSS(`#to_employee_id`)),
		chromedp.SetValue(chromedp.CSS(`#to_employee_id`), yan.ID()),
		chromedp.Click(chromedp.CSS(`#offer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	apptest.Screenshot(t, ctxA, "swap-1-a-offered")

	// B accepts on their phone.
	ctxB := apptest.Browser(t)
	apptest.Steps(t, ctxB, "b-sign-in", srv.SignInSteps("yans@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctxB, "b-accepts",
		chromedp.Navigate(srv.URL+"/rota/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`#incoming form[action$="/accept"] button`)),
		chromedp.Click(chromedp.CSS(`#incoming form[action$="/accept"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	apptest.Screenshot(t, ctxB, "swap-2-b-accepted")
	msg, _ := chromedp.Run(ctxB, chromedp.Text(chromedp.CSS(`.flash-success`)))
	if !strings.Contains(msg, "supervisor") {
		t.Errorf("after accepting: %q", msg)
	}

	// The supervisor approves on the desk.
	ctxS := apptest.Browser(t)
	apptest.Steps(t, ctxS, "s-sign-in", srv.SignInSteps("dana@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctxS, "s-board",
		chromedp.Navigate(srv.URL+"/rota/board?week=2026-11-23"),
		chromedp.WaitVisible(chromedp.CSS(`#board [data-shift="`+sh.ID+`"]`)),
	)
	apptest.Screenshot(t, ctxS, "swap-3-board")
	apptest.Steps(t, ctxS, "s-approves",
		chromedp.Navigate(srv.URL+"/rota/approvals"),
		chromedp.WaitVisible(chromedp.CSS(`#approvals form[action$="/approve"] button`)),
		chromedp.Click(chromedp.CSS(`#approvals form[action$="/approve"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	apptest.Screenshot(t, ctxS, "swap-4-approved")

	// Both weeks show the change.
	apptest.Steps(t, ctxB, "b-week", chromedp.Navigate(srv.URL+week), chromedp.WaitVisible(chromedp.CSS(`[data-shift="`+sh.ID+`"]`)))
	apptest.Screenshot(t, ctxB, "swap-5-b-week")
	apptest.Steps(t, ctxA, "a-week", chromedp.Navigate(srv.URL+week), chromedp.WaitVisible(chromedp.CSS(`#my-week`)))
	apptest.Screenshot(t, ctxA, "swap-6-a-week")
	still, err := chromedp.Run(ctxA, chromedp.Evaluate[bool](`document.querySelector('[data-shift="`+sh.ID+`"]') !== null`))
	if err != nil || still {
		t.Errorf("A's week still shows the shift (%v)", err)
	}
	got, err := srv.App.Rota.Shift(t.Context(), sh.ID)
	if err != nil || got.EmployeeID != yan.ID() {
		t.Fatalf("shift after the story: %+v %v", got, err)
	}
}
