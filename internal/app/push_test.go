package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
)

// withTestPush lets push subscriptions point at a test's local push
// service (http on 127.0.0.1).
func withTestPush(c *config.Config) { c.Push.AllowHTTPEndpoints = true }

// startWorkers runs the application's job workers until the test ends.
func startWorkers(t *testing.T, srv *apptest.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.App.StartWorkers(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = srv.App.StopWorkers(sctx)
		cancel()
	})
}

// subscribePhone subscribes a person's phone to the push service through
// the API, as phone.js does.
func subscribePhone(t *testing.T, c *apptest.Client, ps *notifytest.PushService) notifytest.Subscription {
	t.Helper()
	s := ps.Subscribe(t)
	if res := c.JSON(http.MethodPost, "/api/v1/me/push-subscriptions", s, nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", res.StatusCode, res.Body)
	}
	return s
}

func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, not synchronising
	}
}

type pushMessage struct{ Title, Body, URL string }

func pushMessages(t *testing.T, ps *notifytest.PushService, endpoint string) []pushMessage {
	t.Helper()
	var out []pushMessage
	for _, p := range ps.To(endpoint) {
		var m pushMessage
		if err := json.Unmarshal(p.Payload, &m); err != nil {
			t.Fatalf("payload %q: %v", p.Payload, err)
		}
		out = append(out, m)
	}
	return out
}

// TestSwapOfferReachesThePhone: Sam offers Priya a shift; Priya's phone
// gets a push saying so (decrypted by the stand-in push service), which
// links to her requests; the inbox has it too.
func TestSwapOfferReachesThePhone(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		ps := notifytest.StartPushService(t)
		srv := apptest.New(t, db, apptest.Options{Config: withTestPush})
		startWorkers(t, srv)
		dana, sam, priya := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "sam@goodshift.example"), srv.Login(t, "priya@goodshift.example")
		phone := subscribePhone(t, priya, ps)
		site := demoSiteID(t, srv, "Mile End hall")
		var sh apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2027-01-12T09:00:00Z", "ends_at": "2027-01-12T12:00:00Z"}, &sh)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2027-01-12", "2027-01-12")
		if res := sam.JSON(http.MethodPost, "/api/v1/swaps", map[string]any{"shift_id": sh.ID, "to_employee_id": priya.ID()}, nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("offer: %d %s", res.StatusCode, res.Body)
		}
		waitUntil(t, "the push to Priya's phone", 30*time.Second, func() bool { return len(ps.To(phone.Endpoint)) > 0 })
		if r := ps.Rejected(); len(r) > 0 {
			t.Fatalf("push service could not read: %v", r)
		}
		msgs := pushMessages(t, ps, phone.Endpoint)
		if msgs[0].Title != "A colleague offers you a shift" || !strings.Contains(msgs[0].Body, "Sam Okafor offers you their shift at Mile End hall") || msgs[0].URL != "/rota/inbox" {
			t.Errorf("push %+v", msgs[0])
		}
		var box struct {
			Items []struct{ Subject string } `json:"items"`
		}
		priya.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		if len(box.Items) == 0 || box.Items[0].Subject != "A colleague offers you a shift" {
			t.Errorf("the inbox is not the record: %+v", box.Items)
		}
		// Turning push off for the phone removes it.
		if res := priya.JSON(http.MethodPost, "/api/v1/me/push-subscriptions/remove", map[string]string{"endpoint": phone.Endpoint}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("unsubscribe: %d %s", res.StatusCode, res.Body)
		}
		if n, _ := srv.App.Notify.Subscriptions(context.Background(), priya.ID()); n != 0 {
			t.Errorf("%d subscriptions left", n)
		}
	})
}

// TestNotificationSettingsPage: under Me, a person chooses which kinds
// buzz the phone, quiet hours (kept with the message by the fields when
// wrong) and the evening-before reminder, which the rota then leaves out.
func TestNotificationSettingsPage(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	sam := srv.SignIn(t, "sam@goodshift.example")
	res, doc := sam.Page("/me/notifications")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	if key, _ := doc.Find("#push-on").Attr("data-key"); key == "" || key != srv.App.Notify.VAPIDPublicKey() {
		t.Errorf("the page does not offer the VAPID key to subscribe with (%q)", key)
	}
	for _, id := range []string{"swaps", "shifts", "leave", "reminders"} {
		if _, on := doc.Find("#" + id).Attr("checked"); !on {
			t.Errorf("%s is not on by default", id)
		}
	}
	// Wrong quiet hours: everything typed is kept, the message is by the fields.
	res = sam.Submit("/me/notifications", url.Values{"swaps": {"on"}, "reminders": {"on"}, "quiet_start": {"25:00"}, "quiet_end": {"07:00"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad quiet hours: %d", res.StatusCode)
	}
	doc = parse(t, res.Body)
	if v, _ := doc.Find("#quiet_start").Attr("value"); v != "25:00" {
		t.Errorf("quiet start not kept: %q", v)
	}
	if v, _ := doc.Find("#quiet_end").Attr("value"); v != "07:00" {
		t.Errorf("quiet end not kept: %q", v)
	}
	if _, on := doc.Find("#shifts").Attr("checked"); on {
		t.Error("an unticked box came back ticked")
	}
	if inv, _ := doc.Find("#quiet_start").Attr("aria-invalid"); inv != "true" {
		t.Error("the field is not marked invalid")
	}
	if by, _ := doc.Find("#quiet_start").Attr("aria-describedby"); by != "quiet_start-error" || !strings.Contains(doc.Find("#quiet_start-error").Text(), "like 22:00") {
		t.Errorf("no message by the field (%q: %q)", by, doc.Find("#quiet_start-error").Text())
	}
	if href, _ := doc.Find(".error-summary a").Attr("href"); href != "#quiet_start" {
		t.Errorf("summary does not link to the field: %q", href)
	}
	// Good values are saved; reminders off.
	res = sam.Submit("/me/notifications", url.Values{"swaps": {"on"}, "shifts": {"on"}, "quiet_start": {"22:00"}, "quiet_end": {"07:00"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	_, doc = sam.Follow(res)
	if v, _ := doc.Find("#quiet_start").Attr("value"); v != "22:00" {
		t.Errorf("saved quiet start %q", v)
	}
	for id, want := range map[string]bool{"swaps": true, "shifts": true, "leave": false, "reminders": false} {
		if _, on := doc.Find("#" + id).Attr("checked"); on != want {
			t.Errorf("%s saved as %v", id, on)
		}
	}
	// The rota leaves Sam's reminder out from now on; others still get theirs.
	ctx := context.Background()
	srv.Clock.Set(time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)) // Monday evening: Tuesday's reminders are due
	all, err := srv.App.Rota.RemindersDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	due, err := srv.App.Rota.RemindersDueFor(ctx, srv.App.Notify)
	if err != nil {
		t.Fatal(err)
	}
	samID := srv.Login(t, "sam@goodshift.example").ID()
	had, others := false, 0
	for _, r := range all {
		if r.EmployeeID == samID {
			had = true
		} else {
			others++
		}
	}
	if !had {
		t.Fatal("the demo gives Sam no shift on Tuesday: the check cannot see the opt-out")
	}
	kept := 0
	for _, r := range due {
		if r.EmployeeID == samID {
			t.Error("Sam turned reminders off but is still reminded")
		} else {
			kept++
		}
	}
	if kept != others {
		t.Errorf("%d other reminders kept, want %d", kept, others)
	}
}

func parse(t *testing.T, body []byte) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// pushLeakWatch subscribes each person's phone to a local push service
// before a test plants wellbeing content, and runs the job workers. The
// function it returns waits for every push to be settled and gives back
// every payload the push service decrypted (wellbeingNeverLeaks checks
// them for markers). It fails if nothing was pushed at all, so the check
// can never pass by seeing nothing.
func pushLeakWatch(t *testing.T, srv *apptest.Server, db *gorm.DB, emails []string) func() []string {
	t.Helper()
	ps := notifytest.StartPushService(t)
	startWorkers(t, srv)
	for _, e := range emails {
		subscribePhone(t, srv.Login(t, e), ps)
	}
	return func() []string {
		t.Helper()
		// Pushes about people whose plans and notes hold markers: a shift
		// for Sam, published, and offered to Hannah.
		dana, sam, hannah := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "sam@goodshift.example"), srv.Login(t, "hannah@goodshift.example")
		var sh apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": demoSiteID(t, srv, "Mile End hall"), "starts_at": "2027-01-12T09:00:00Z", "ends_at": "2027-01-12T12:00:00Z"}, &sh)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2027-01-12", "2027-01-12")
		var offer struct {
			ID string `json:"id"`
		}
		if res := sam.JSON(http.MethodPost, "/api/v1/swaps", map[string]any{"shift_id": sh.ID, "to_employee_id": hannah.ID()}, &offer); res.StatusCode != http.StatusCreated {
			t.Fatalf("offer: %d %s", res.StatusCode, res.Body)
		}
		// issue 17 (swaps): Hannah is put on another shift at that time, so
		// the offer is cancelled and both are told why (pushed).
		var other apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": demoSiteID(t, srv, "Mile End hall"), "starts_at": "2027-01-12T10:00:00Z", "ends_at": "2027-01-12T13:00:00Z"}, &other)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+other.ID+"/assign", map[string]any{"employee_id": hannah.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign Hannah: %d %s", res.StatusCode, res.Body)
		}
		var ended struct {
			Status string `json:"status"`
		}
		if sam.JSON(http.MethodGet, "/api/v1/swaps/"+offer.ID, nil, &ended); ended.Status != "cancelled" {
			t.Fatalf("the offer to Hannah is %q after she was put on another shift then", ended.Status)
		}
		var total, open int64
		waitUntil(t, "every push to be settled", 60*time.Second, func() bool {
			db.Raw("SELECT COUNT(*) FROM pushes").Row().Scan(&total)
			db.Raw("SELECT COUNT(*) FROM pushes WHERE status = 'queued'").Row().Scan(&open)
			return open == 0
		})
		if total == 0 || len(ps.Received()) == 0 {
			t.Fatalf("nothing was pushed (%d pushes): the leak check cannot see pushes", total)
		}
		if r := ps.Rejected(); len(r) > 0 {
			t.Errorf("the push service could not read: %v", r)
		}
		var out []string
		for _, p := range ps.Received() {
			out = append(out, string(p.Payload))
		}
		return out
	}
}
