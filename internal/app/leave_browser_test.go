package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
)

// TestBrowserLeaveRequestApproved (issue 17, acceptance "Leave: request →
// approve → shift released → payroll absence, with the balance right to
// the hour"), on a 390 px phone: Sam, contracted 20 hours a week, opens
// Leave from the Me page and asks for holiday on Thu 3 and Fri 4 Dec with
// the native date inputs, over a published shift of his; Dana sees the
// request with that shift listed and approves it; the shift is open again,
// the holiday is in payroll's absences, and Sam's balance is 8 hours less,
// to the minute.
func TestBrowserLeaveRequestApproved(t *testing.T) {
	samCtx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	bg := context.Background()
	sam, err := srv.App.People.ByEmail(bg, "sam@goodshift.example")
	if err != nil {
		t.Fatal(err)
	}
	start := civil.D(2026, 12, 3).At(8, 0, civil.London)
	sh, err := srv.App.Rota.CreateShift(bg, "", rota.ShiftInput{SiteID: demoSiteID(t, srv, "Old Street studio"), Start: start, End: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Assign(bg, "", sh.ID, sam.ID, "cover"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Publish(bg, "", rota.PublishRequest{From: civil.D(2026, 12, 3), To: civil.D(2026, 12, 3), Reason: "agreed with Sam"}); err != nil {
		t.Fatal(err)
	}
	samP := auth.Principal{ID: sam.ID, Name: sam.Name, Roles: []auth.Role{auth.Employee}}
	before, err := srv.App.Payroll.LeaveBalance(bg, samP, sam.ID)
	if err != nil {
		t.Fatal(err)
	}

	apptest.Steps(t, samCtx, "leave-sign-in", srv.SignInSteps("sam@goodshift.example", demo.Password)...)
	apptest.Steps(t, samCtx, "leave-from-me",
		chromedp.Navigate(srv.URL+"/me"),
		chromedp.WaitVisible(chromedp.CSS(`#me-menu a[href="/me/leave"]`)),
		chromedp.Click(chromedp.CSS(`#me-menu a[href="/me/leave"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#leave-form`)),
	)
	shown, _ := chromedp.Run(samCtx, chromedp.Text(chromedp.CSS(`#balance-remaining`)))
	if shown != payroll.FormatMinutes(before.RemainingMinutes) {
		t.Errorf("balance before: page %q, service %s", shown, payroll.FormatMinutes(before.RemainingMinutes))
	}
	if w, _ := chromedp.Run(samCtx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > apptest.PhoneWidth {
		t.Errorf("the Leave page is %d px wide on a %d px phone", w, apptest.PhoneWidth)
	}
	if n, _ := chromedp.Run(samCtx, chromedp.Evaluate[int](`document.querySelectorAll('#leave-form input[type=date]').length`)); n != 2 {
		t.Errorf("%d native date inputs, want 2", n)
	}
	if n, _ := chromedp.Run(samCtx, chromedp.Evaluate[int](`document.querySelectorAll('#leave-form [name*=reason], #leave-form textarea').length`)); n != 0 {
		t.Error("the leave form asks for a reason")
	}
	apptest.Steps(t, samCtx, "leave-request",
		chromedp.SetValue(chromedp.CSS(`#type`), "holiday"),
		chromedp.SetValue(chromedp.CSS(`#from`), "2026-12-03"),
		chromedp.SetValue(chromedp.CSS(`#to`), "2026-12-04"),
		chromedp.Click(chromedp.CSS(`#leave-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#leave-requests .leave-request[data-status=pending]`)),
	)
	item, _ := chromedp.Run(samCtx, chromedp.Text(chromedp.CSS(`#leave-requests .leave-request`)))
	if !strings.Contains(item, "Thu 3 Dec to Fri 4 Dec") || !strings.Contains(item, "8h 00m") || !strings.Contains(item, "Waiting for a decision") {
		t.Errorf("request as listed: %q", item)
	}
	if pend, _ := chromedp.Run(samCtx, chromedp.Text(chromedp.CSS(`#balance-pending`))); !strings.HasPrefix(pend, "8h 00m") {
		t.Errorf("pending shown as %q", pend)
	}

	danaCtx := apptest.Browser(t)
	apptest.Steps(t, danaCtx, "leave-dana-sign-in", srv.SignInSteps("dana@goodshift.example", demo.Password)...)
	apptest.Steps(t, danaCtx, "leave-dana-list",
		chromedp.Navigate(srv.URL+"/leave"),
		chromedp.WaitVisible(chromedp.CSS(`#pending-leave .leave-request`)),
	)
	card, _ := chromedp.Run(danaCtx, chromedp.Text(chromedp.CSS(`#pending-leave .leave-request`)))
	if !strings.Contains(card, "Sam Okafor: Holiday, Thu 3 Dec to Fri 4 Dec") || !strings.Contains(card, "Thu 3 Dec, 08:00–11:00 · Old Street studio") {
		t.Errorf("Dana's card: %q", card)
	}
	apptest.Steps(t, danaCtx, "leave-approve",
		chromedp.Click(chromedp.CSS(`#pending-leave form[action$="/approve"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if msg, _ := chromedp.Run(danaCtx, chromedp.Text(chromedp.CSS(`.flash`))); !strings.Contains(msg, "Approved: Holiday, Thu 3 Dec to Fri 4 Dec") {
		t.Errorf("after approving: %q", msg)
	}
	got, err := srv.App.Rota.Shift(bg, sh.ID)
	if err != nil || got.Status != rota.Open || got.EmployeeID != "" {
		t.Errorf("the shift after approval: %+v %v", got, err)
	}
	apptest.Steps(t, danaCtx, "leave-absences",
		chromedp.Navigate(srv.URL+"/payroll/absences"),
		chromedp.WaitVisible(chromedp.CSS(`main table`)),
	)
	rows, _ := chromedp.Run(danaCtx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main table tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`))
	if !containsRow(rows, "Sam Okafor Holiday Thu 3 Dec Fri 4 Dec") {
		t.Errorf("payroll absences: %q", rows)
	}

	apptest.Steps(t, samCtx, "leave-after",
		chromedp.Navigate(srv.URL+"/me/leave"),
		chromedp.WaitVisible(chromedp.CSS(`#leave-requests .leave-request[data-status=approved]`)),
	)
	want := payroll.FormatMinutes(before.RemainingMinutes - 480)
	if shown, _ := chromedp.Run(samCtx, chromedp.Text(chromedp.CSS(`#balance-remaining`))); shown != want {
		t.Errorf("balance after approval %q, want %s (8 hours less)", shown, want)
	}
	if booked, _ := chromedp.Run(samCtx, chromedp.Text(chromedp.CSS(`#balance-booked`))); booked != payroll.FormatMinutes(before.BookedMinutes+480) {
		t.Errorf("booked %q", booked)
	}
	apptest.Screenshot(t, samCtx, "leave-approved")
}

func containsRow(rows []string, want string) bool {
	for _, r := range rows {
		if strings.Contains(r, want) {
			return true
		}
	}
	return false
}
