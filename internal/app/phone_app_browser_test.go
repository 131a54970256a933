package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// untilTrue evaluates a JavaScript expression (a promise may be awaited)
// until it is true, failing the test at the deadline.
func untilTrue(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			apptest.Screenshot(t, ctx, "timeout-"+strings.ReplaceAll(what, " ", "-"))
			t.Fatalf("timed out waiting for %s (last error %v)", what, err)
		}
		time.Sleep(100 * time.Millisecond) // polling a condition in the browser, not synchronising
	}
}

// offline cuts the network of the page and of its service worker (a
// target of its own); the function it returns restores both.
func offline(t *testing.T, ctx context.Context) (online func()) {
	t.Helper()
	emulateOffline(t, ctx, true)
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var workers []context.Context
	for _, ti := range targets {
		if ti.Type != "service_worker" || ti.BrowserContextID != chromedp.FromContext(ctx).BrowserContextID {
			continue
		}
		swctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(ti.TargetID))
		t.Cleanup(cancel)
		emulateOffline(t, swctx, true)
		workers = append(workers, swctx)
	}
	if len(workers) == 0 {
		t.Fatal("no service worker target to take offline")
	}
	return func() {
		emulateOffline(t, ctx, false)
		for _, w := range workers {
			emulateOffline(t, w, false)
		}
	}
}

func emulateOffline(t *testing.T, ctx context.Context, off bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	conds := []*network.Conditions{}
	if off {
		conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &off, MatchedNetworkConditions: conds,
	}); err != nil {
		t.Fatalf("network offline=%v: %v", off, err)
	}
}

// TestBrowserPhoneAppOfflineWeekAndPush, on a phone: the service worker
// takes over, keeps "My week", and with the network gone shows it with
// "last updated"; other pages say they need a connection. A push delivered
// through DevTools (as a push service would) shows a notification.
func TestBrowserPhoneAppOfflineWeekAndPush(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	apptest.Steps(t, ctx, "app-sign-in", srv.SignInSteps("sam@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "app-week", chromedp.Navigate(srv.URL+"/rota/week"), chromedp.WaitVisible(chromedp.CSS(`#my-week`)))
	untilTrue(t, ctx, "the service worker to be active", `navigator.serviceWorker.ready.then(r => r.active !== null)`)
	// The first visit was before the worker; the next one goes through it
	// and is saved.
	apptest.Steps(t, ctx, "app-week-again", chromedp.Navigate(srv.URL+"/rota/week"), chromedp.WaitVisible(chromedp.CSS(`#my-week`)))
	untilTrue(t, ctx, "the service worker to control the page", `navigator.serviceWorker.controller !== null`)
	untilTrue(t, ctx, "My week to be saved", `caches.open("goodshift-week-v1").then(c => c.match("/rota/week")).then(r => !!r)`)
	shifts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#my-week [data-shift]').length`))
	if err != nil {
		t.Fatal(err)
	}

	online := offline(t, ctx)
	before := strings.Count(srv.Logs.String(), `"/rota/week"`)
	apptest.Steps(t, ctx, "app-week-offline", chromedp.Navigate(srv.URL+"/rota/week"), chromedp.WaitVisible(chromedp.CSS(`#offline-note`)))
	apptest.Screenshot(t, ctx, "phone-app-week-offline")
	if n := strings.Count(srv.Logs.String(), `"/rota/week"`) - before; n != 0 {
		t.Errorf("offline, the server still saw %d requests for My week", n)
	}
	note, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#offline-note`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "You are offline") || !strings.Contains(note, "last updated") {
		t.Errorf("offline note %q", note)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#my-week [data-shift]').length`)); got != shifts {
		t.Errorf("offline week shows %d shifts, online %d", got, shifts)
	}
	if bar, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('nav.phonebar a').length`)); bar != 5 {
		t.Errorf("offline week has %d bar items", bar)
	}
	apptest.Steps(t, ctx, "app-open-offline", chromedp.Navigate(srv.URL+"/rota/open"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if h, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main h1`))); h != "You are offline" {
		t.Errorf("another page offline shows %q", h)
	}
	online()
	apptest.Steps(t, ctx, "app-week-online", chromedp.Navigate(srv.URL+"/rota/week"), chromedp.WaitVisible(chromedp.CSS(`#my-week`)))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#offline-note').length`)); n != 0 {
		t.Error("back online, the page still says offline")
	}

	// Push: allow notifications, find the worker's registration, deliver.
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingGranted,
		Origin: srv.URL, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
	}); err != nil {
		t.Fatalf("grant notifications: %v", err)
	}
	regs := make(chan serviceworker.RegistrationID, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*serviceworker.EventWorkerRegistrationUpdated); ok {
			for _, r := range e.Registrations {
				if !r.IsDeleted && strings.HasPrefix(r.ScopeURL, srv.URL) {
					select {
					case regs <- r.RegistrationID:
					default:
					}
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, serviceworker.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("ServiceWorker.enable: %v", err)
	}
	var reg serviceworker.RegistrationID
	select {
	case reg = <-regs:
	case <-time.After(20 * time.Second):
		t.Fatal("no service worker registration reported")
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pushesShown = []; navigator.serviceWorker.addEventListener("message", e => { if (e.data && e.data.type === "push-shown") window.pushesShown.push(e.data.title); }); true`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
		Origin: srv.URL, RegistrationID: reg,
		Data: `{"title":"A colleague offers you a shift","body":"Priya offers you her shift at Mile End hall on Tue 24 Nov, 09:00–12:00.","url":"/rota/inbox","tag":"n1"}`,
	}); err != nil {
		t.Fatalf("deliver push: %v", err)
	}
	untilTrue(t, ctx, "the page to hear of the notification", `window.pushesShown.includes("A colleague offers you a shift")`)
	untilTrue(t, ctx, "the notification to show", `navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.some(n => n.title === "A colleague offers you a shift" && n.body.includes("Mile End hall") && n.data.url === "/rota/inbox"))`)
}
