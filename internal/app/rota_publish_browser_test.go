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

// TestBrowserPublishStory: the supervisor builds a draft week on a laptop;
// the employee's phone shows nothing new; the supervisor previews and
// publishes; the employee's phone shows the week and one new message. The
// board by person, and the board by site, then fit a 390 px phone with no
// sideways scrolling.
// Screenshots of every step are saved.
func TestBrowserPublishStory(t *testing.T) {
	laptop := apptest.Browser(t)
	if err := chromedp.Do(laptop, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	zoe := newEmployee(t, srv, "Zoe Publish", "zoe@goodshift.example")
	site := demoSiteID(t, srv, "Old Street studio")
	week := "2027-01-11"

	// The supervisor adds a shift and puts Zoe on it: a draft.
	apptest.Steps(t, laptop, "s-sign-in", srv.SignInSteps("dana@goodshift.example", demo.Password)...)
	apptest.Steps(t, laptop, "s-adds-shift",
		chromedp.Navigate(srv.URL+"/rota/board?week="+week),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/rota/board/shifts"]`)),
		chromedp.SetValue(chromedp.CSS(`#site_id`), site),
		chromedp.SetValue(chromedp.CSS(`#date`), "2027-01-12"),
		chromedp.SetValue(chromedp.CSS(`#start`), "07:00"),
		chromedp.SetValue(chromedp.CSS(`#end`), "11:00"),
		chromedp.Click(chromedp.CSS(`form[action="/rota/board/shifts"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#candidates li[data-employee="`+zoe.ID()+`"] button`)),
		chromedp.Click(chromedp.CSS(`#candidates li[data-employee="`+zoe.ID()+`"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#unassign-form`)),
		chromedp.Navigate(srv.URL+"/rota/board?week="+week),
		chromedp.WaitVisible(chromedp.CSS(`#board-table .badge.draft`)),
	)
	apptest.Screenshot(t, laptop, "publish-1-draft-board")

	// Zoe's phone shows nothing new.
	var box apiInbox
	zoe.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
	unread := box.Unread
	phone := apptest.Browser(t)
	apptest.Steps(t, phone, "e-sign-in", srv.SignInSteps("zoe@goodshift.example", demo.Password)...)
	apptest.Steps(t, phone, "e-week-before", chromedp.Navigate(srv.URL+"/rota/week?from="+week), chromedp.WaitVisible(chromedp.CSS(`#my-week`)))
	apptest.Screenshot(t, phone, "publish-2-phone-before")
	if n, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll('[data-shift]').length`)); err != nil || n != 0 {
		t.Fatalf("the phone shows %d draft shift(s) (%v)", n, err)
	}

	// The supervisor previews, then publishes.
	apptest.Steps(t, laptop, "s-preview",
		chromedp.Navigate(srv.URL+"/rota/publish?week="+week),
		chromedp.WaitVisible(chromedp.CSS(`#publish-told`)),
	)
	apptest.Screenshot(t, laptop, "publish-3-preview")
	told, _ := chromedp.Run(laptop, chromedp.Text(chromedp.CSS(`#publish-told`)))
	if !strings.Contains(told, "Zoe Publish: 1 new shift(s)") {
		t.Errorf("preview: %q", told)
	}
	apptest.Steps(t, laptop, "s-publish",
		chromedp.Click(chromedp.CSS(`#publish-button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
	apptest.Screenshot(t, laptop, "publish-4-published")
	msg, _ := chromedp.Run(laptop, chromedp.Text(chromedp.CSS(`.flash-success`)))
	if !strings.Contains(msg, "Published 1 shift; 1 person told.") {
		t.Errorf("after publishing: %q", msg)
	}

	// Zoe's phone shows the week and one message.
	apptest.Steps(t, phone, "e-week-after", chromedp.Navigate(srv.URL+"/rota/week?from="+week), chromedp.WaitVisible(chromedp.CSS(`[data-shift]`)))
	apptest.Screenshot(t, phone, "publish-5-phone-after")
	apptest.Steps(t, phone, "e-inbox", chromedp.Navigate(srv.URL+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`#unread-count`)))
	apptest.Screenshot(t, phone, "publish-6-phone-inbox")
	zoe.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
	if box.Unread != unread+1 || box.Items[0].Subject != "Your shifts are published" {
		t.Errorf("inbox after publishing: %+v (before: %d unread)", box, unread)
	}

	// The board by person, on the laptop and on a phone.
	apptest.Steps(t, laptop, "s-by-person", chromedp.Navigate(srv.URL+"/rota/board/people?week=2026-11-23"), chromedp.WaitVisible(chromedp.CSS(`#board-people`)))
	apptest.Screenshot(t, laptop, "publish-7-by-person-laptop")
	supPhone := apptest.Browser(t)
	apptest.Steps(t, supPhone, "s-phone-sign-in", srv.SignInSteps("dana@goodshift.example", demo.Password)...)
	apptest.Steps(t, supPhone, "s-phone-by-person", chromedp.Navigate(srv.URL+"/rota/board/people?week=2026-11-23"), chromedp.WaitVisible(chromedp.CSS(`#board-days`)))
	apptest.Screenshot(t, supPhone, "publish-8-by-person-phone")
	overflow, err := chromedp.Run(supPhone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("the board by person scrolls sideways at 390 px (%v)", err)
	}
	hours, _ := chromedp.Run(supPhone, chromedp.Text(chromedp.CSS(`#board-days`)))
	if !strings.Contains(hours, "contracted") {
		t.Errorf("the phone board shows no hours against contracted hours: %q", hours[:min(len(hours), 300)])
	}

	// The board by site, too: a table on the laptop, a list per day on the
	// phone, with no sideways scrolling, the states in words.
	apptest.Steps(t, laptop, "s-by-site", chromedp.Navigate(srv.URL+"/rota/board/sites?week=2026-11-23"), chromedp.WaitVisible(chromedp.CSS(`#board-sites`)))
	apptest.Screenshot(t, laptop, "publish-9-by-site-laptop")
	if w, err := chromedp.Run(laptop, chromedp.Evaluate[float64](`document.querySelector('#board-sites').getBoundingClientRect().width`)); err != nil || w < 1200 {
		t.Errorf("at 1366 px the board by site is %.0f px wide; it should use the width (%v)", w, err)
	}
	for _, p := range []struct{ path, shot string }{
		{"/rota/board?week=2026-11-23", "publish-10-board-phone"},
		{"/rota/board/sites?week=2026-11-23", "publish-11-by-site-phone"},
	} {
		apptest.Steps(t, supPhone, p.shot, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(`#board-days [data-shift]`)))
		apptest.Screenshot(t, supPhone, p.shot)
		overflow, err := chromedp.Run(supPhone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || overflow {
			t.Errorf("%s scrolls sideways at 390 px (%v)", p.path, err)
		}
		words, _ := chromedp.Run(supPhone, chromedp.Text(chromedp.CSS(`#board-days`)))
		if !strings.Contains(words, "Published") {
			t.Errorf("%s on a phone does not say which shifts are published: %q", p.path, words[:min(len(words), 300)])
		}
	}
}
