// Package notify tells people about things that concern them: an in-app
// inbox with an unread count, and an email when SMTP is configured.
//
// Notifications carry only what the sender wrote for the recipient (a shift
// changed, a swap waits). Senders must never put wellbeing content in one.
package notify

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/people"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is this package's schema (after people).
var Migrations = database.Migrations{Name: "notify", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Notification is one message in a person's inbox.
type Notification struct {
	ID        string     `json:"id"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Unread reports whether it has not been read.
func (n Notification) Unread() bool { return n.ReadAt == nil }

type row struct {
	ID        string `gorm:"primaryKey"`
	PersonID  string
	Subject   string
	Body      string
	Link      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

func (row) TableName() string { return "notifications" }

func (r row) notification() Notification {
	n := Notification{ID: r.ID, Subject: r.Subject, Body: r.Body, Link: r.Link, CreatedAt: r.CreatedAt.UTC()}
	if r.ReadAt != nil {
		t := r.ReadAt.UTC()
		n.ReadAt = &t
	}
	return n
}

// SMTP is where email goes; Host empty means no email.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// People finds a person's email address.
type People interface {
	Get(ctx context.Context, id string) (people.Person, error)
}

// Config configures a Service.
type Config struct {
	DB      *gorm.DB
	Now     func() time.Time
	Logger  *slog.Logger
	People  People
	SMTP    SMTP
	BaseURL string // for links in emails
	// Queue carries email to the SMTP server as durable jobs. Email needs
	// both SMTP and a queue; without either, notifications are inbox only.
	Queue *jobs.Queue
	// Push is Web Push (push.go): on with VAPID keys and a queue.
	Push Push
}

// Service is the inbox and the mailer.
type Service struct {
	cfg Config
}

// NewService builds the service. With SMTP and a queue it registers the
// email worker on the queue (before the queue is sealed).
func NewService(c Config) *Service {
	if c.Now == nil {
		panic("notify: Config.Now (the clock) is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: c}
	if s.Mailing() {
		river.AddWorker(c.Queue.Workers(), &emailWorker{s: s})
	}
	if s.Pushing() {
		river.AddWorker(c.Queue.Workers(), &pushWorker{s: s})
	}
	return s
}

// Mailing reports whether email is on (SMTP configured and a queue to carry it).
func (s *Service) Mailing() bool { return s.cfg.SMTP.Host != "" && s.cfg.Queue != nil }

// ErrNotFound is a notification that is not in your inbox.
var ErrNotFound = errs.E(errs.NotFound, "There is no such notification.")

// Notify puts a message in each person's inbox (and queues an email to
// each when email is on), in one transaction of its own.
func (s *Service) Notify(ctx context.Context, personIDs []string, subject, body, link string) error {
	return s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.NotifyTx(ctx, tx, personIDs, subject, body, link)
	})
}

// NotifyTx is Notify inside the caller's transaction: the inbox rows and
// the email jobs commit with the caller's change, or not at all. It reads
// nothing through another package (the address is looked up when the email
// is sent), so it is safe inside a SQLite transaction.
func (s *Service) NotifyTx(ctx context.Context, tx *gorm.DB, personIDs []string, subject, body, link string) error {
	now := s.cfg.Now().UTC()
	seen := map[string]bool{}
	var rows []row
	for _, id := range personIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		rows = append(rows, row{ID: database.NewID(), PersonID: id, Subject: clip(subject, 200), Body: clip(body, 2000), Link: link, CreatedAt: now})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.WithContext(ctx).Create(&rows).Error; err != nil {
		return err
	}
	if err := s.queuePushes(ctx, tx, rows); err != nil {
		return err
	}
	if !s.Mailing() || s.cfg.People == nil {
		return nil
	}
	for _, r := range rows {
		text := r.Body
		if r.Link != "" {
			text += "\n\n" + strings.TrimRight(s.cfg.BaseURL, "/") + r.Link
		}
		pid := r.PersonID
		if _, err := s.queueEmail(ctx, tx, emailRow{PersonID: &pid, Subject: r.Subject, Body: text, Regarding: "notification:" + r.ID}); err != nil {
			return err
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Inbox returns a person's most recent notifications and how many are unread.
func (s *Service) Inbox(ctx context.Context, personID string, limit int) ([]Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var rows []row
	db := s.cfg.DB.WithContext(ctx)
	if err := db.Where("person_id = ?", personID).Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	unread, err := s.UnreadCount(ctx, personID)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Notification, len(rows))
	for i, r := range rows {
		out[i] = r.notification()
	}
	return out, unread, nil
}

// UnreadCount is how many notifications a person has not read.
func (s *Service) UnreadCount(ctx context.Context, personID string) (int, error) {
	var n int64
	err := s.cfg.DB.WithContext(ctx).Model(&row{}).Where("person_id = ? AND read_at IS NULL", personID).Count(&n).Error
	return int(n), err
}

// MarkRead marks one of a person's notifications read.
func (s *Service) MarkRead(ctx context.Context, personID, id string) error {
	db := s.cfg.DB.WithContext(ctx)
	var r row
	err := db.Where("id = ? AND person_id = ?", id, personID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	if err != nil || r.ReadAt != nil {
		return err
	}
	return db.Model(&row{}).Where("id = ? AND read_at IS NULL", id).Update("read_at", s.cfg.Now().UTC()).Error
}

// MarkAllRead marks every notification of a person read.
func (s *Service) MarkAllRead(ctx context.Context, personID string) error {
	return s.cfg.DB.WithContext(ctx).Model(&row{}).Where("person_id = ? AND read_at IS NULL", personID).
		Update("read_at", s.cfg.Now().UTC()).Error
}
