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
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
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
}

// Service is the inbox and the mailer.
type Service struct {
	cfg  Config
	mail chan email
}

type email struct {
	to, subject, body string
}

// NewService builds the service. With SMTP configured it starts one
// background sender; emails that fail are logged (the inbox always has the
// message).
func NewService(c Config) *Service {
	if c.Now == nil {
		panic("notify: Config.Now (the clock) is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: c}
	if c.SMTP.Host != "" {
		s.mail = make(chan email, 256)
		go s.sender()
	}
	return s
}

// ErrNotFound is a notification that is not in your inbox.
var ErrNotFound = errs.E(errs.NotFound, "There is no such notification.")

// Notify puts a message in each person's inbox (and emails them when SMTP
// is configured).
func (s *Service) Notify(ctx context.Context, personIDs []string, subject, body, link string) error {
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
	if err := s.cfg.DB.WithContext(ctx).Create(&rows).Error; err != nil {
		return err
	}
	if s.mail != nil && s.cfg.People != nil {
		for _, r := range rows {
			p, err := s.cfg.People.Get(ctx, r.PersonID)
			if err != nil || p.Email == "" || !p.Active {
				continue
			}
			text := r.Body
			if r.Link != "" {
				text += "\n\n" + strings.TrimRight(s.cfg.BaseURL, "/") + r.Link
			}
			select {
			case s.mail <- email{to: p.Email, subject: r.Subject, body: text}:
			default:
				s.cfg.Logger.WarnContext(ctx, "email queue full; notification is in the inbox only")
			}
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

func (s *Service) sender() {
	for m := range s.mail {
		if err := s.send(m); err != nil {
			s.cfg.Logger.Warn("email not sent", "error", err.Error())
		}
	}
}

// send delivers one email with net/smtp (STARTTLS when the server offers
// it; PLAIN auth when a username is set).
func (s *Service) send(m email) error {
	c := s.cfg.SMTP
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("SMTP_FROM: %w", err)
	}
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	var auth smtp.Auth
	if c.Username != "" {
		auth = smtp.PlainAuth("", c.Username, c.Password, c.Host)
	}
	msg := "From: " + from.String() + "\r\n" +
		"To: " + m.to + "\r\n" +
		"Subject: " + mime.QEncoding.Encode("utf-8", m.subject) + "\r\n" +
		"Date: " + s.cfg.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(m.body, "\n", "\r\n") + "\r\n"
	return smtp.SendMail(addr, auth, from.Address, []string{m.to}, []byte(msg))
}
