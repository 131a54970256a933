package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/notify/notifytest"
	"github.com/goodshift/goodshift/internal/people"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func sub(s notifytest.Subscription) notify.Subscription {
	return notify.Subscription{Endpoint: s.Endpoint, Keys: notify.SubscriptionKeys{P256dh: s.Keys.P256dh, Auth: s.Keys.Auth}}
}

// pusher is the inbox with Web Push through a running queue (short backoff).
func pusher(t *testing.T, db *gorm.DB, c *clock) (*notify.Service, *people.Service) {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	priv, err := config.NewVAPIDPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := config.VAPIDPublicKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	ps := people.NewService(people.Config{DB: db, Now: c.Now})
	svc := notify.NewService(notify.Config{DB: db, Now: c.Now, People: ps, Queue: q,
		Push: notify.Push{VAPIDPrivateKey: priv, VAPIDPublicKey: pub, Subject: "mailto:rota@goodshift.example", AllowHTTP: true}})
	if err := q.Seal(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
	return svc, ps
}

func pushStatus(t *testing.T, svc *notify.Service, personID string) []string {
	t.Helper()
	ps, err := svc.PushesFor(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Status
	}
	return out
}

func subscriptions(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var eps []string
	if err := db.Raw("SELECT endpoint FROM push_subscriptions ORDER BY endpoint").Scan(&eps).Error; err != nil {
		t.Fatal(err)
	}
	return eps
}

// TestPushIsEncryptedSignedAndDelivered: a swap offer reaches the person's
// phone, encrypted to its keys (the stand-in decrypts it with its own RFC
// 8291 code) and signed with the VAPID key; kinds that are not pushed, and
// kinds the person turned off, stay in the inbox only.
func TestPushIsEncryptedSignedAndDelivered(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ps := notifytest.StartPushService(t)
		svc, people := pusher(t, db, &clock{t: now})
		kwame := person(t, people, "Kwame", "kwame@example.org")
		phone := ps.Subscribe(t)
		if err := svc.Subscribe(ctx, kwame.ID, sub(phone)); err != nil {
			t.Fatal(err)
		}
		if err := svc.Notify(ctx, []string{kwame.ID}, "A colleague offers you a shift", "Sam offers you the shift at Canary Wharf on Tue 1 Dec, 06:00–10:00.", "/rota/inbox"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the push", 20*time.Second, func() bool { return len(ps.Received()) > 0 })
		if r := ps.Rejected(); len(r) > 0 {
			t.Fatalf("the push service could not read pushes: %v", r)
		}
		got := ps.Received()[0]
		var msg struct{ Title, Body, URL, Tag string }
		if err := json.Unmarshal(got.Payload, &msg); err != nil {
			t.Fatalf("payload %q: %v", got.Payload, err)
		}
		if msg.Title != "A colleague offers you a shift" || msg.URL != "/rota/inbox" || msg.Body == "" || msg.Tag == "" {
			t.Errorf("payload %+v", msg)
		}
		if got.Endpoint != phone.Endpoint || got.Subject != "mailto:rota@goodshift.example" || got.TTL == "" {
			t.Errorf("push %+v", got)
		}
		waitFor(t, "the push to be recorded as sent", 10*time.Second, func() bool {
			s := pushStatus(t, svc, kwame.ID)
			return len(s) == 1 && s[0] == notify.PushSent
		})
		// Not a pushed kind: inbox only.
		if err := svc.Notify(ctx, []string{kwame.ID}, "Your agreed adjustments were updated", "See them on your page.", "/rota/adjustments"); err != nil {
			t.Fatal(err)
		}
		// A kind turned off: inbox only.
		p := notify.DefaultPreferences
		p.Swaps = false
		if err := svc.SetPreferences(ctx, kwame.ID, p); err != nil {
			t.Fatal(err)
		}
		if err := svc.Notify(ctx, []string{kwame.ID}, "Swap declined", "Priya declined the shift.", "/rota/inbox"); err != nil {
			t.Fatal(err)
		}
		// A kind still on: pushed, and arrives after the two above would have.
		if err := svc.Notify(ctx, []string{kwame.ID}, "Your shift has changed", "Tue 1 Dec now starts at 07:00.", "/rota/week"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the second push", 20*time.Second, func() bool { return len(ps.Received()) >= 2 })
		if n := len(ps.Received()); n != 2 {
			t.Errorf("%d pushes, want 2 (adjustments and a turned-off kind are inbox only)", n)
		}
		if _, unread, _ := svc.Inbox(ctx, kwame.ID, 0); unread != 4 {
			t.Errorf("inbox holds %d unread, want all 4", unread)
		}
	})
}

// TestPushServiceGoneRemovesSubscription: 404 and 410 mean the subscription
// is gone; it is removed, and the person's other phone still gets the push.
func TestPushServiceGoneRemovesSubscription(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ps := notifytest.StartPushService(t)
		svc, people := pusher(t, db, &clock{t: now})
		sam := person(t, people, "Sam", "sam@example.org")
		gone, notFound, fine := ps.Subscribe(t, http.StatusGone), ps.Subscribe(t, http.StatusNotFound), ps.Subscribe(t)
		for _, s := range []notifytest.Subscription{gone, notFound, fine} {
			if err := svc.Subscribe(ctx, sam.ID, sub(s)); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.Notify(ctx, []string{sam.ID}, "Swap done", "Kwame now has the shift.", "/rota/week"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the gone subscriptions to be removed", 20*time.Second, func() bool {
			eps := subscriptions(t, db)
			return len(eps) == 1 && eps[0] == fine.Endpoint
		})
		waitFor(t, "the push to be recorded as sent", 10*time.Second, func() bool {
			s := pushStatus(t, svc, sam.ID)
			return len(s) == 1 && s[0] == notify.PushSent
		})
		if n := len(ps.To(fine.Endpoint)); n != 1 {
			t.Errorf("the remaining phone got %d pushes, want 1", n)
		}
	})
}

// TestPushRetryReachesEachPhoneOnce: a push service failing for a while
// makes the job retry; the phone already reached is not pushed again.
func TestPushRetryReachesEachPhoneOnce(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ps := notifytest.StartPushService(t)
		svc, people := pusher(t, db, &clock{t: now})
		sam := person(t, people, "Sam", "sam@example.org")
		steady, flaky := ps.Subscribe(t), ps.Subscribe(t, http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusCreated)
		for _, s := range []notifytest.Subscription{steady, flaky} {
			if err := svc.Subscribe(ctx, sam.ID, sub(s)); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.Notify(ctx, []string{sam.ID}, "Your shifts are published", "Your week from Mon 30 Nov.", "/rota/week"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the push to be recorded as sent", 30*time.Second, func() bool {
			s := pushStatus(t, svc, sam.ID)
			return len(s) == 1 && s[0] == notify.PushSent
		})
		if a, b := len(ps.To(steady.Endpoint)), len(ps.To(flaky.Endpoint)); a != 1 || b != 1 {
			t.Errorf("steady phone got %d, flaky phone %d; want 1 each", a, b)
		}
		rec, _ := svc.PushesFor(ctx, sam.ID)
		if rec[0].Attempts != 3 {
			t.Errorf("%d attempts, want 3", rec[0].Attempts)
		}
	})
}

// TestQuietHoursHoldThePush: during quiet hours (by the injected clock) a
// push is held, and released when they end.
func TestQuietHoursHoldThePush(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ps := notifytest.StartPushService(t)
		c := &clock{t: time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)} // 23:30 in London (GMT)
		svc, people := pusher(t, db, c)
		sam := person(t, people, "Sam", "sam@example.org")
		phone := ps.Subscribe(t)
		if err := svc.Subscribe(ctx, sam.ID, sub(phone)); err != nil {
			t.Fatal(err)
		}
		p := notify.DefaultPreferences
		p.QuietStart, p.QuietEnd = 22*60, 7*60
		if err := svc.SetPreferences(ctx, sam.ID, p); err != nil {
			t.Fatal(err)
		}
		if err := svc.Notify(ctx, []string{sam.ID}, "A colleague offers you a shift", "Priya offers you Wed 25 Nov.", "/rota/inbox"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the push to be held", 20*time.Second, func() bool {
			s := pushStatus(t, svc, sam.ID)
			return len(s) == 1 && s[0] == notify.PushHeld
		})
		rec, _ := svc.PushesFor(ctx, sam.ID)
		if want := time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC); rec[0].HoldUntil == nil || !rec[0].HoldUntil.Equal(want) {
			t.Errorf("held until %v, want %v", rec[0].HoldUntil, want)
		}
		c.Set(time.Date(2026, 11, 24, 6, 59, 0, 0, time.UTC))
		if n, err := svc.ReleaseHeldPushes(ctx); err != nil || n != 0 {
			t.Fatalf("released %d before the quiet hours ended (%v)", n, err)
		}
		if n := len(ps.Received()); n != 0 {
			t.Fatalf("%d pushes during quiet hours", n)
		}
		c.Set(time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC))
		if n, err := svc.ReleaseHeldPushes(ctx); err != nil || n != 1 {
			t.Fatalf("released %d when the quiet hours ended (%v)", n, err)
		}
		waitFor(t, "the held push", 20*time.Second, func() bool { return len(ps.Received()) == 1 })
		waitFor(t, "the push to be recorded as sent", 10*time.Second, func() bool {
			s := pushStatus(t, svc, sam.ID)
			return len(s) == 1 && s[0] == notify.PushSent
		})
	})
}

// TestPushSubscriptionsAndPreferencesAreChecked: endpoints must be https
// (http only for a test's own service), keys must be real; quiet hours
// need both ends; an opted-out reminder is reported.
func TestPushSubscriptionsAndPreferencesAreChecked(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations, notify.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ps := notifytest.StartPushService(t)
		svc, people := pusher(t, db, &clock{t: now})
		sam := person(t, people, "Sam", "sam@example.org")
		good := sub(ps.Subscribe(t))
		for name, s := range map[string]notify.Subscription{
			"ftp endpoint": {Endpoint: "ftp://push.example/x", Keys: good.Keys},
			"no endpoint":  {Keys: good.Keys},
			"bad key":      {Endpoint: good.Endpoint, Keys: notify.SubscriptionKeys{P256dh: "AAAA", Auth: good.Keys.Auth}},
			"short auth":   {Endpoint: good.Endpoint, Keys: notify.SubscriptionKeys{P256dh: good.Keys.P256dh, Auth: "AAAA"}},
		} {
			if err := svc.Subscribe(ctx, sam.ID, s); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		q, err := jobs.New(jobs.Config{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		strict := notify.NewService(notify.Config{DB: db, Now: func() time.Time { return now }, Push: notify.Push{VAPIDPrivateKey: "k", VAPIDPublicKey: "k"}, Queue: q})
		if err := strict.Subscribe(ctx, sam.ID, good); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("http endpoint outside tests: %v", err)
		}
		p := notify.DefaultPreferences
		p.QuietStart = 22 * 60
		if err := svc.SetPreferences(ctx, sam.ID, p); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("quiet hours with one end: %v", err)
		}
		p.QuietEnd = 22 * 60
		if err := svc.SetPreferences(ctx, sam.ID, p); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("quiet hours of no length: %v", err)
		}
		p = notify.DefaultPreferences
		p.Reminders = false
		if err := svc.SetPreferences(ctx, sam.ID, p); err != nil {
			t.Fatal(err)
		}
		if off, err := svc.RemindersOff(ctx, []string{sam.ID, "someone"}); err != nil || !off[sam.ID] || off["someone"] {
			t.Errorf("reminders off: %v %v", off, err)
		}
	})
}

func TestKindOf(t *testing.T) {
	for subject, want := range map[string]string{
		"A colleague offers you a shift":       notify.KindSwaps,
		"A colleague asks to trade shifts":     notify.KindSwaps,
		"Swap done":                            notify.KindSwaps,
		"Swap to approve":                      notify.KindSwaps,
		"Your shifts are published":            notify.KindShifts,
		"Your shift has changed":               notify.KindShifts,
		"A shift was cancelled":                notify.KindShifts,
		"Leave approved":                       notify.KindLeave,
		"Shift claimed":                        "",
		"Your shift tomorrow":                  notify.KindReminders,
		"Your agreed adjustments were updated": "",
		"Anything new":                         "",
	} {
		if got := notify.KindOf(subject); got != want {
			t.Errorf("KindOf(%q) = %q, want %q", subject, got, want)
		}
	}
}

func TestQuietUntil(t *testing.T) {
	overnight := notify.Preferences{QuietStart: 22 * 60, QuietEnd: 7 * 60}
	daytime := notify.Preferences{QuietStart: 13 * 60, QuietEnd: 14*60 + 30}
	summer := func(h, m int) time.Time { return time.Date(2026, 7, 1, h, m, 0, 0, time.UTC) } // London is UTC+1
	for _, c := range []struct {
		p     notify.Preferences
		at    time.Time
		quiet bool
		until time.Time
	}{
		{overnight, summer(20, 59), false, time.Time{}},
		{overnight, summer(21, 0), true, time.Date(2026, 7, 2, 6, 0, 0, 0, time.UTC)},
		{overnight, summer(3, 0), true, time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)},
		{overnight, summer(6, 0), false, time.Time{}},
		{daytime, summer(12, 0), true, summer(13, 30)},
		{daytime, summer(13, 30), false, time.Time{}},
		{notify.DefaultPreferences, summer(23, 0), false, time.Time{}},
	} {
		until, quiet := c.p.QuietUntil(c.at)
		if quiet != c.quiet || !until.Equal(c.until) {
			t.Errorf("%+v at %v: %v %v, want %v %v", c.p, c.at, quiet, until, c.quiet, c.until)
		}
	}
}
