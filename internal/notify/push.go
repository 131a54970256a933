package notify

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Web Push (issue 17, docs/phone.md). A push is a nudge: the inbox row is
// the record, and the push carries only that row's subject, body and link.
// Only notifications of the kinds below are pushed, each only if the person
// wants that kind; everything else (adjustments, anything new) stays in the
// inbox. Senders never put wellbeing content in a notification, so none can
// reach a push either.

// Push is Web Push's configuration. Without keys, nothing is pushed.
type Push struct {
	VAPIDPublicKey  string // base64url, what browsers subscribe with
	VAPIDPrivateKey string // base64url
	Subject         string // mailto: or https: contact for push services
	// AllowHTTP accepts http:// endpoints (a test's local push service).
	AllowHTTP bool
	// HTTPClient sends pushes (nil: a client with a 30 s timeout).
	HTTPClient *http.Client
}

// Kinds of notification a person may have pushed.
const (
	KindSwaps     = "swaps"     // swap offers, trades and their outcomes
	KindShifts    = "shifts"    // publishing, and changes to one's own shifts
	KindLeave     = "leave"     // leave decisions
	KindReminders = "reminders" // the evening-before shift reminder
)

// KindOf says which kind a notification is, from its subject; "" means it
// is never pushed. The subjects are the ones internal/rota writes (and
// leave decisions, whose subjects start with "Leave"); a new subject is
// inbox-only until it is added here.
func KindOf(subject string) string {
	switch {
	case strings.HasPrefix(subject, "Swap "), strings.HasPrefix(subject, "A colleague offers"), strings.HasPrefix(subject, "A colleague asks"):
		return KindSwaps
	case subject == "Your shifts are published", subject == "New shift",
		subject == "You are off a shift", subject == "Your shift has changed", subject == "A shift was cancelled":
		return KindShifts // not "Shift claimed": the person just did that themselves
	case strings.HasPrefix(subject, "Leave ") || strings.HasPrefix(subject, "Your leave"):
		return KindLeave
	case subject == "Your shift tomorrow":
		return KindReminders
	}
	return ""
}

// Push statuses.
const (
	PushQueued  = "queued"
	PushHeld    = "held" // quiet hours: released when they end
	PushSent    = "sent"
	PushSkipped = "skipped" // nobody to push to, or no longer wanted
)

type subscriptionRow struct {
	ID         string `gorm:"primaryKey"`
	PersonID   string
	Endpoint   string
	P256dh     string `gorm:"column:p256dh"`
	Auth       string
	CreatedAt  time.Time
	LastPushAt *time.Time
}

func (subscriptionRow) TableName() string { return "push_subscriptions" }

type pushRow struct {
	ID             string `gorm:"primaryKey"`
	PersonID       string
	NotificationID string
	Kind           string
	Status         string
	HoldUntil      *time.Time
	Releases       int
	Attempts       int
	LastError      string
	SentAt         *time.Time
	CreatedAt      time.Time
}

func (pushRow) TableName() string { return "pushes" }

type deliveryRow struct {
	PushID         string `gorm:"primaryKey"`
	SubscriptionID string `gorm:"primaryKey"`
	DeliveredAt    time.Time
}

func (deliveryRow) TableName() string { return "push_deliveries" }

// Pushing reports whether Web Push is on (keys and a queue).
func (s *Service) Pushing() bool { return s.cfg.Push.VAPIDPrivateKey != "" && s.cfg.Queue != nil }

// VAPIDPublicKey is the key browsers subscribe with ("" when push is off).
func (s *Service) VAPIDPublicKey() string {
	if !s.Pushing() {
		return ""
	}
	return s.cfg.Push.VAPIDPublicKey
}

// PushArgs is the job that sends one push row. Release counts its times
// out of quiet hours, so each release is a new job.
type PushArgs struct {
	PushID  string `json:"push_id"`
	Release int    `json:"release"`
}

// Kind names the job in the queue.
func (PushArgs) Kind() string { return "push" }

// InsertOpts: at most one job per push and release.
func (PushArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Subscription is a phone's push subscription as the browser gives it
// (PushSubscription.toJSON()).
type Subscription struct {
	Endpoint string           `json:"endpoint"`
	Keys     SubscriptionKeys `json:"keys"`
}

// SubscriptionKeys are the subscription's keys, base64url.
type SubscriptionKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

var errBadSubscription = errs.E(errs.Invalid, "This browser's notification subscription is not one Goodshift can use. Turn notifications off and on again.")

func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// check validates a subscription: an https endpoint (http only when
// allowed, for tests), a P-256 public key and a 16-byte auth secret.
func (s *Service) check(sub Subscription) error {
	u, err := url.Parse(sub.Endpoint)
	if err != nil || u.Host == "" || len(sub.Endpoint) > 2000 || u.User != nil {
		return errBadSubscription
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && s.cfg.Push.AllowHTTP) {
		return errBadSubscription
	}
	pub, err := decodeKey(sub.Keys.P256dh)
	if err != nil {
		return errBadSubscription
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return errBadSubscription
	}
	if a, err := decodeKey(sub.Keys.Auth); err != nil || len(a) != 16 {
		return errBadSubscription
	}
	return nil
}

// Subscribe records a phone's subscription for a person. The same endpoint
// signed in as someone else moves to them (one browser, one person).
func (s *Service) Subscribe(ctx context.Context, personID string, sub Subscription) error {
	if !s.Pushing() {
		return errs.E(errs.Conflict, "Notifications to phones are not switched on for this Goodshift.")
	}
	if err := s.check(sub); err != nil {
		return err
	}
	return s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("endpoint = ?", sub.Endpoint).Delete(&subscriptionRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&subscriptionRow{ID: database.NewID(), PersonID: personID, Endpoint: sub.Endpoint,
			P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth, CreatedAt: s.cfg.Now().UTC()}).Error
	})
}

// Unsubscribe forgets one of a person's subscriptions (by endpoint).
func (s *Service) Unsubscribe(ctx context.Context, personID, endpoint string) error {
	return s.cfg.DB.WithContext(ctx).Where("person_id = ? AND endpoint = ?", personID, endpoint).Delete(&subscriptionRow{}).Error
}

// Subscriptions counts a person's subscribed phones and browsers.
func (s *Service) Subscriptions(ctx context.Context, personID string) (int, error) {
	var n int64
	err := s.cfg.DB.WithContext(ctx).Model(&subscriptionRow{}).Where("person_id = ?", personID).Count(&n).Error
	return int(n), err
}

// queuePushes writes a push and its job for each inbox row whose kind its
// person wants pushed and who has a subscription, in the caller's
// transaction. It reads only this package's tables.
func (s *Service) queuePushes(ctx context.Context, tx *gorm.DB, rows []row) error {
	if !s.Pushing() || len(rows) == 0 {
		return nil
	}
	kind := KindOf(rows[0].Subject)
	if kind == "" {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.PersonID
	}
	var subscribed []string
	if err := tx.WithContext(ctx).Model(&subscriptionRow{}).Where("person_id IN ?", ids).Distinct().Pluck("person_id", &subscribed).Error; err != nil {
		return err
	}
	if len(subscribed) == 0 {
		return nil
	}
	prefs, err := preferencesIn(ctx, tx, subscribed)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, id := range subscribed {
		has[id] = true
	}
	now := s.cfg.Now().UTC()
	for _, r := range rows {
		if !has[r.PersonID] || !prefs[r.PersonID].Wants(kind) {
			continue
		}
		p := pushRow{ID: database.NewID(), PersonID: r.PersonID, NotificationID: r.ID, Kind: kind, Status: PushQueued, CreatedAt: now}
		if err := tx.WithContext(ctx).Create(&p).Error; err != nil {
			return err
		}
		if err := s.cfg.Queue.Insert(ctx, tx, PushArgs{PushID: p.ID}, nil); err != nil {
			return err
		}
	}
	return nil
}

// pushPayload is what the service worker receives (static/sw.js).
type pushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Tag   string `json:"tag"`
}

type pushWorker struct {
	river.WorkerDefaults[PushArgs]
	s *Service
}

// Work sends one push to each of its person's subscriptions, unless it is
// quiet hours for them (then it is held until they end and released by
// ReleaseHeldPushes). A subscription the push service says is gone (404,
// 410) is removed. A subscription already reached is not pushed again on a
// retry; a retry happens when a push service fails or refuses for a while.
func (w *pushWorker) Work(ctx context.Context, job *river.Job[PushArgs]) error {
	s := w.s
	db := s.cfg.DB.WithContext(ctx)
	var p pushRow
	err := db.Where("id = ?", job.Args.PushID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil // its notification or person was deleted
	}
	if err != nil {
		return err
	}
	if p.Status != PushQueued {
		return nil // sent, skipped, or held for a later release
	}
	skip := func(why string) error {
		return db.Model(&pushRow{}).Where("id = ?", p.ID).Updates(map[string]any{"status": PushSkipped, "last_error": why}).Error
	}
	prefs, err := preferencesIn(ctx, db, []string{p.PersonID})
	if err != nil {
		return err
	}
	pref := prefs[p.PersonID]
	if !pref.Wants(p.Kind) {
		return skip("no longer wanted")
	}
	now := s.cfg.Now().UTC()
	if until, quiet := pref.QuietUntil(now); quiet {
		return db.Model(&pushRow{}).Where("id = ? AND status = ?", p.ID, PushQueued).
			Updates(map[string]any{"status": PushHeld, "hold_until": until.UTC()}).Error
	}
	var n row
	err = db.Where("id = ?", p.NotificationID).Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return skip("notification gone")
	}
	if err != nil {
		return err
	}
	var subs []subscriptionRow
	if err := db.Where("person_id = ?", p.PersonID).Order("created_at, id").Find(&subs).Error; err != nil {
		return err
	}
	var done []string
	if err := db.Model(&deliveryRow{}).Where("push_id = ?", p.ID).Pluck("subscription_id", &done).Error; err != nil {
		return err
	}
	body, err := json.Marshal(pushPayload{Title: n.Subject, Body: n.Body, URL: n.Link, Tag: n.ID})
	if err != nil {
		return err
	}
	if err := db.Model(&pushRow{}).Where("id = ?", p.ID).Update("attempts", gorm.Expr("attempts + 1")).Error; err != nil {
		return err
	}
	var failed []string
	reached := len(done)
	for _, sub := range subs {
		if contains(done, sub.ID) {
			continue
		}
		status, err := s.sendPush(ctx, sub, body)
		switch {
		case err != nil:
			failed = append(failed, err.Error())
		case status == http.StatusNotFound || status == http.StatusGone:
			// The browser unsubscribed or the subscription expired.
			if err := db.Where("id = ?", sub.ID).Delete(&subscriptionRow{}).Error; err != nil {
				return err
			}
			s.cfg.Logger.InfoContext(ctx, "push: subscription gone; removed", "push", p.ID, "status", status)
		case status >= 200 && status < 300:
			reached++
			if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&deliveryRow{PushID: p.ID, SubscriptionID: sub.ID, DeliveredAt: s.cfg.Now().UTC()}).Error; err != nil {
				return err
			}
			_ = db.Model(&subscriptionRow{}).Where("id = ?", sub.ID).Update("last_push_at", s.cfg.Now().UTC()).Error
		case status == http.StatusTooManyRequests || status >= 500:
			failed = append(failed, fmt.Sprintf("push service answered %d", status))
		default:
			// 400, 401, 403, 413: this message cannot go to this subscription.
			s.cfg.Logger.WarnContext(ctx, "push: refused", "push", p.ID, "status", status)
		}
	}
	if len(failed) > 0 {
		_ = db.Model(&pushRow{}).Where("id = ?", p.ID).Update("last_error", clip(strings.Join(failed, "; "), 500)).Error
		return fmt.Errorf("push %s: %s", p.ID, failed[0])
	}
	if reached == 0 {
		return skip("no subscription reached")
	}
	return db.Model(&pushRow{}).Where("id = ?", p.ID).Updates(map[string]any{"status": PushSent, "sent_at": s.cfg.Now().UTC(), "last_error": ""}).Error
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// sendPush encrypts body to one subscription (RFC 8291, aes128gcm) and
// posts it with a VAPID signature (RFC 8292), returning the push
// service's status.
func (s *Service) sendPush(ctx context.Context, sub subscriptionRow, body []byte) (int, error) {
	client := s.cfg.Push.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := webpush.SendNotificationWithContext(ctx, body, &webpush.Subscription{
		Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth},
	}, &webpush.Options{
		HTTPClient:      client,
		Subscriber:      strings.TrimPrefix(s.cfg.Push.Subject, "mailto:"),
		VAPIDPublicKey:  s.cfg.Push.VAPIDPublicKey,
		VAPIDPrivateKey: s.cfg.Push.VAPIDPrivateKey,
		TTL:             12 * 60 * 60, // a nudge older than half a day is no use
		Urgency:         webpush.UrgencyNormal,
	})
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}

// ReleaseHeldPushes queues again every push held for quiet hours that have
// now ended (by the injected clock). A periodic task runs it every minute.
func (s *Service) ReleaseHeldPushes(ctx context.Context) (int, error) {
	if !s.Pushing() {
		return 0, nil
	}
	var due []pushRow
	if err := s.cfg.DB.WithContext(ctx).Where("status = ? AND hold_until <= ?", PushHeld, s.cfg.Now().UTC()).
		Order("hold_until, id").Limit(1000).Find(&due).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, p := range due {
		err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&pushRow{}).Where("id = ? AND status = ? AND releases = ?", p.ID, PushHeld, p.Releases).
				Updates(map[string]any{"status": PushQueued, "releases": p.Releases + 1, "hold_until": nil})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // another process released it
			}
			n++
			return s.cfg.Queue.Insert(ctx, tx, PushArgs{PushID: p.ID, Release: p.Releases + 1}, nil)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// PushRecord is what the record of one push says (for tests and support).
type PushRecord struct {
	ID, PersonID, NotificationID, Kind, Status string
	Attempts                                   int
	HoldUntil                                  *time.Time
}

// PushesFor lists a person's pushes, oldest first.
func (s *Service) PushesFor(ctx context.Context, personID string) ([]PushRecord, error) {
	var rows []pushRow
	if err := s.cfg.DB.WithContext(ctx).Where("person_id = ?", personID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]PushRecord, len(rows))
	for i, r := range rows {
		out[i] = PushRecord{ID: r.ID, PersonID: r.PersonID, NotificationID: r.NotificationID, Kind: r.Kind, Status: r.Status, Attempts: r.Attempts, HoldUntil: r.HoldUntil}
	}
	return out, nil
}

// londonMinutes is the time of day in London, in minutes after midnight.
func londonMinutes(t time.Time) int {
	l := t.In(civil.London)
	return l.Hour()*60 + l.Minute()
}
