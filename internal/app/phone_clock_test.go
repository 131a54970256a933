package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
)

// samShiftAt gives Sam a shift today at Cable Street from 09:20 to 12:20.
func samShiftAt(t *testing.T, srv *apptest.Server) rota.Shift {
	t.Helper()
	bg := context.Background()
	sam, err := srv.App.People.ByEmail(bg, "sam@goodshift.example")
	if err != nil {
		t.Fatal(err)
	}
	start := civil.D(2026, 11, 23).At(9, 20, civil.London)
	sh, err := srv.App.Rota.CreateShift(bg, "", rota.ShiftInput{SiteID: demoSiteID(t, srv, "Cable Street common parts"), Start: start, End: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Assign(bg, "", sh.ID, sam.ID, "cover"); err != nil {
		t.Fatal(err)
	}
	// A draft is nobody's shift to clock in to: publish the day.
	day := civil.D(2026, 11, 23)
	if _, err := srv.App.Rota.Publish(bg, "", rota.PublishRequest{From: day, To: day, Reason: "cover agreed with Sam"}); err != nil {
		t.Fatal(err)
	}
	return sh
}

func attendanceStatus(t *testing.T, srv *apptest.Server, shiftID string) string {
	t.Helper()
	day, err := srv.App.Payroll.AttendanceOn(context.Background(), civil.D(2026, 11, 23))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range day.Items {
		if it.ShiftID == shiftID && it.Attendance != nil {
			return it.Attendance.Status
		}
	}
	return ""
}

// TestClockOutSafeguard: clocking out before the shift's end asks first
// ("Your shift runs to 12:20 — clock out now?"); a clock-out can be undone
// for two minutes and no longer; after the end nothing is asked. While the
// shift runs, the supervisor's attendance sheet shows neither "not clocked
// out" nor "Mark no-show".
func TestClockOutSafeguard(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) { checkClockOutSafeguard(t, db) })
}

func checkClockOutSafeguard(t *testing.T, db *gorm.DB) {
	srv := apptest.New(t, db, apptest.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)})
	sh := samShiftAt(t, srv)
	sam := srv.SignIn(t, "sam@goodshift.example")
	sam.Page("/clock")
	if res := sam.Submit("/clock/"+sh.ID+"/in", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("clock in: %d", res.StatusCode)
	}
	_, page := sam.Page("/clock")
	if page.Find(`form[action="/clock/`+sh.ID+`/in"]`).Length() != 0 || page.Find(`form.clock-out button.big`).Length() != 1 {
		t.Fatal("after clocking in the page does not offer only Clock out")
	}
	if !strings.Contains(page.Find(".clock-on-shift").Text(), "runs to 12:20") {
		t.Errorf("on-shift note %q", page.Find(".clock-on-shift").Text())
	}

	// The supervisor's sheet while the shift runs: no warnings.
	srv.Clock.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC))
	dana := srv.SignIn(t, "dana@goodshift.example")
	_, sheet := dana.Page("/payroll/attendance?date=2026-11-23")
	card := sheet.Find(`form[action="/payroll/attendance/` + sh.ID + `"]`).Closest("section")
	if strings.Contains(card.Text(), "not clocked out") || card.Find(`form[action$="/no-show"]`).Length() != 0 {
		t.Errorf("while the shift runs the sheet warns: %q", strings.Join(strings.Fields(card.Text()), " "))
	}
	if !strings.Contains(card.Text(), "on shift") {
		t.Error("the sheet does not say Sam is on shift")
	}

	// Early: asked first, nothing changes until confirmed.
	srv.Clock.Set(time.Date(2026, 11, 23, 9, 40, 0, 0, time.UTC))
	sam.Page("/clock")
	res := sam.Submit("/clock/"+sh.ID+"/out", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("early clock out: %d", res.StatusCode)
	}
	confirm := parse(t, res.Body)
	if h := confirm.Find("#confirm-clock-out").Text(); h != "Your shift runs to 12:20 — clock out now?" {
		t.Errorf("question %q", h)
	}
	if attendanceStatus(t, srv, sh.ID) != payroll.ClockedIn {
		t.Fatal("asking clocked out")
	}
	if confirm.Find(`a#keep-working[href="/clock"]`).Length() != 1 || confirm.Find(`form.clock-out input[name=confirm][value=yes]`).Length() != 1 {
		t.Error("the question does not offer both answers")
	}
	res = sam.Submit("/clock/"+sh.ID+"/out", url.Values{"confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || attendanceStatus(t, srv, sh.ID) != payroll.Worked {
		t.Fatalf("confirmed clock out: %d %s", res.StatusCode, attendanceStatus(t, srv, sh.ID))
	}
	// Undo within two minutes.
	srv.Clock.Set(time.Date(2026, 11, 23, 9, 41, 30, 0, time.UTC))
	_, page = sam.Page("/clock")
	if !strings.Contains(page.Find("form.clock-undo").Text(), "until 09:42") {
		t.Fatalf("no undo offered: %q", page.Find("main").Text())
	}
	if res := sam.Submit("/clock/"+sh.ID+"/undo", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo: %d", res.StatusCode)
	}
	if attendanceStatus(t, srv, sh.ID) != payroll.ClockedIn {
		t.Fatal("undo did not put Sam back on shift")
	}
	// Clock out again; three minutes later it can no longer be undone.
	sam.Page("/clock")
	sam.Submit("/clock/"+sh.ID+"/out", url.Values{"confirm": {"yes"}})
	srv.Clock.Set(time.Date(2026, 11, 23, 9, 44, 31, 0, time.UTC))
	_, page = sam.Page("/clock")
	if page.Find("form.clock-undo").Length() != 0 {
		t.Error("undo still offered after two minutes")
	}
	_, err := srv.App.Payroll.UndoClockOut(context.Background(), samPrincipal(t, srv), sh.ID)
	if err == nil || !strings.Contains(err.Error(), "2 minutes only") {
		t.Errorf("late undo: %v", err)
	}
}

// TestClockOutAfterTheEndIsNotQuestioned: once the shift has ended,
// Clock out does it at once.
func TestClockOutAfterTheEndIsNotQuestioned(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)})
	sh := samShiftAt(t, srv)
	sam := srv.SignIn(t, "sam@goodshift.example")
	sam.Page("/clock")
	sam.Submit("/clock/"+sh.ID+"/in", nil)
	srv.Clock.Set(time.Date(2026, 11, 23, 12, 25, 0, 0, time.UTC))
	// Ended and not clocked out: now the sheet says so and offers a no-show.
	_, sheet := srv.SignIn(t, "dana@goodshift.example").Page("/payroll/attendance?date=2026-11-23")
	card := sheet.Find(`form[action="/payroll/attendance/` + sh.ID + `"]`).Closest("section")
	if !strings.Contains(card.Text(), "not clocked out") || card.Find(`form[action$="/no-show"]`).Length() != 1 {
		t.Errorf("after the end the sheet does not flag it: %q", strings.Join(strings.Fields(card.Text()), " "))
	}
	sam.Page("/clock")
	res := sam.Submit("/clock/"+sh.ID+"/out", nil)
	if res.StatusCode != http.StatusSeeOther || attendanceStatus(t, srv, sh.ID) != payroll.Worked {
		t.Fatalf("clock out after the end: %d %s", res.StatusCode, attendanceStatus(t, srv, sh.ID))
	}
}

func samPrincipal(t *testing.T, srv *apptest.Server) auth.Principal {
	t.Helper()
	sam, err := srv.App.People.ByEmail(context.Background(), "sam@goodshift.example")
	if err != nil {
		t.Fatal(err)
	}
	return auth.Principal{ID: sam.ID, Name: sam.Name, Roles: sam.Roles}
}

// TestBrowserEarlyClockOutAsksAndCanBeUndone, on a phone: clock in, tap
// Clock out early, answer the question, then undo.
func TestBrowserEarlyClockOutAsksAndCanBeUndone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)})
	sh := samShiftAt(t, srv)
	in, out := `form[action="/clock/`+sh.ID+`/in"] button`, `form[action="/clock/`+sh.ID+`/out"] button`
	apptest.Steps(t, ctx, "clock-sign-in", srv.SignInSteps("sam@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "clock-in",
		chromedp.Navigate(srv.URL+"/clock"),
		chromedp.WaitVisible(chromedp.CSS(in)),
	)
	inTop, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('`+in+`').getBoundingClientRect().top`))
	if err != nil {
		t.Fatal(err)
	}
	apptest.Steps(t, ctx, "clock-in-tap", chromedp.Click(chromedp.CSS(in)), chromedp.WaitVisible(chromedp.CSS(out)))
	r, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(b => [b.top, b.bottom])(document.querySelector('`+out+`').getBoundingClientRect())`))
	if err != nil {
		t.Fatal(err)
	}
	if inTop >= r[0]-10 && inTop <= r[1]+10 {
		t.Errorf("Clock out (%.0f–%.0f px) sits where Clock in was (%.0f px): a double tap would clock out", r[0], r[1], inTop)
	}
	srv.Clock.Set(time.Date(2026, 11, 23, 9, 40, 0, 0, time.UTC))
	apptest.Steps(t, ctx, "clock-out-asks",
		chromedp.Navigate(srv.URL+"/clock"),
		chromedp.WaitVisible(chromedp.CSS(out)),
		chromedp.Click(chromedp.CSS(out)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-clock-out`)),
	)
	apptest.Screenshot(t, ctx, "phone-clock-out-confirm")
	q, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#confirm-clock-out`)))
	if q != "Your shift runs to 12:20 — clock out now?" {
		t.Errorf("question %q", q)
	}
	apptest.Steps(t, ctx, "clock-out-confirm",
		chromedp.Click(chromedp.CSS(`#clock-out-now`)),
		chromedp.WaitVisible(chromedp.CSS(`form.clock-undo button`)),
	)
	apptest.Screenshot(t, ctx, "phone-clock-out-undo")
	apptest.Steps(t, ctx, "clock-out-undo",
		chromedp.Click(chromedp.CSS(`form.clock-undo button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
		chromedp.WaitVisible(chromedp.CSS(out)),
	)
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash-success`)))
	if !strings.Contains(msg, "undone") || attendanceStatus(t, srv, sh.ID) != payroll.ClockedIn {
		t.Errorf("after undo: %q, %s", msg, attendanceStatus(t, srv, sh.ID))
	}
}
