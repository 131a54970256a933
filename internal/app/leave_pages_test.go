package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestLeavePages: the Leave form keeps what was typed on an error and puts
// the message by its field (with the summary at the top linking to it);
// dates typed as people type them are accepted; a supervisor declines with
// a message from the Leave requests page; the employee cancels from theirs;
// the settings page changes what may be asked for.
func TestLeavePages(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		priya := srv.SignIn(t, "priya@goodshift.example") // zero hours: says how long a day is
		priya.Page("/me/leave")
		res := priya.Submit("/me/leave", url.Values{"type": {"holiday"}, "from": {"20/11/2026"}, "to": {"27 Nov 2026"}, "part": {"half_end"}, "day_hours": {"6:15"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("past date: %d", res.StatusCode)
		}
		page := parse(t, res.Body)
		if msg := page.Find("#from-error").Text(); !strings.Contains(msg, "from today on") {
			t.Errorf("message by the first day: %q", msg)
		}
		if v, _ := page.Find("#from").Attr("aria-invalid"); v != "true" {
			t.Error("the first day is not marked invalid")
		}
		if href, _ := page.Find(".error-summary a").Attr("href"); href != "#from" {
			t.Errorf("summary links to %q", href)
		}
		for sel, want := range map[string]string{"#from": "20/11/2026", "#to": "27 Nov 2026", "#day_hours": "6:15"} {
			if v, _ := page.Find(sel).Attr("value"); v != want {
				t.Errorf("%s kept %q, want %q", sel, v, want)
			}
		}
		if page.Find("#part-2[checked]").Length() != 1 || page.Find(`#type option[value=holiday][selected]`).Length() != 1 {
			t.Error("the choices were not kept")
		}
		if strings.Contains(page.Find("main").Text(), "day_minutes") || strings.Contains(page.Find("main").Text(), "2026-11") {
			t.Error("a field key or an ISO date is shown")
		}
		// Typed dates are fine: Mon 30 Nov to Tue 1 Dec, half a day on the Tuesday, 6h 15m days.
		priya.Page("/me/leave")
		res = priya.Submit("/me/leave", url.Values{"type": {"holiday"}, "from": {"30/11/2026"}, "to": {"1 Dec 2026"}, "part": {"half_end"}, "day_hours": {"6:15"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request: %d %s", res.StatusCode, res.Body)
		}
		_, page = priya.Follow(res)
		if item := strings.Join(strings.Fields(page.Find("#leave-requests .leave-request").First().Text()), " "); !strings.Contains(item, "Holiday · Mon 30 Nov to Tue 1 Dec · 9h 22m") {
			t.Errorf("listed as %q", item) // 6h 15m + 3h 07m
		}

		dana := srv.SignIn(t, "dana@goodshift.example")
		_, list := dana.Page("/leave")
		action, _ := list.Find(`#pending-leave form[action$="/decline"]`).Attr("action")
		if action == "" {
			t.Fatal("no decline form")
		}
		if res := dana.Submit(action, url.Values{"message": {"Can we talk about the week before?"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decline: %d", res.StatusCode)
		}
		_, page = priya.Page("/me/leave")
		item := page.Find("#leave-requests .leave-request").First()
		if item.AttrOr("data-status", "") != "declined" || !strings.Contains(item.Text(), "Can we talk about the week before?") || item.Find("form").Length() != 0 {
			t.Errorf("after the decline: %q", strings.Join(strings.Fields(item.Text()), " "))
		}
		// Ask again, then cancel.
		priya.Submit("/me/leave", url.Values{"type": {"sick"}, "from": {"2026-11-24"}})
		_, page = priya.Page("/me/leave")
		cancel, _ := page.Find(`#leave-requests form[action$="/cancel"]`).Attr("action")
		if res := priya.Submit(cancel, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.StatusCode)
		}
		_, page = priya.Page("/me/leave")
		if page.Find(`#leave-requests [data-status=cancelled]`).Length() != 1 {
			t.Error("not cancelled")
		}
		// Settings: finance enables unpaid leave; the form then offers it.
		femi := srv.SignIn(t, "femi@goodshift.example")
		femi.Page("/leave/settings")
		if res := femi.Submit("/leave/settings", url.Values{"types": {"unpaid"}, "year_start_month": {"4"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.StatusCode)
		}
		if res := femi.Submit("/leave/settings", url.Values{"year_start_month": {"13"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad month: %d", res.StatusCode)
		}
		_, page = priya.Page("/me/leave")
		if page.Find(`#type option[value=unpaid]`).Length() != 1 || page.Find(`#type option[value=authorised]`).Length() != 0 {
			t.Error("the enabled types are not offered")
		}
		if r := priya.Get("/leave"); r.StatusCode != http.StatusForbidden {
			t.Errorf("an employee on the supervisors' page: %d", r.StatusCode)
		}
	})
}
