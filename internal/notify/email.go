package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
)

// Email statuses.
const (
	EmailQueued  = "queued"
	EmailSending = "sending" // an attempt started and did not record its end
	EmailSent    = "sent"
	EmailSkipped = "skipped" // nobody to send to (no address, deactivated)
)

type emailRow struct {
	ID             string `gorm:"primaryKey"`
	PersonID       *string
	ToAddress      string
	Subject        string
	Body           string
	AttachmentName string
	Attachment     []byte
	Regarding      string
	Status         string
	Attempts       int
	LastError      string
	SentAt         *time.Time
	CreatedAt      time.Time
}

func (emailRow) TableName() string { return "emails" }

// Email is one message to a fixed address (a client's billing address),
// with at most one attachment.
type Email struct {
	To             string
	Subject        string
	Body           string
	AttachmentName string // e.g. "INV-0001.pdf"
	Attachment     []byte // sent as application/pdf when the name ends in .pdf
	Regarding      string // what it is about, e.g. "invoice:<id>", to find the sends later
}

// EmailArgs is the job that sends one email row.
type EmailArgs struct {
	EmailID string `json:"email_id"`
}

// Kind names the job in the queue.
func (EmailArgs) Kind() string { return "email" }

// InsertOpts: at most one live job per email row.
func (EmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendTx queues one email in the caller's transaction. It returns the
// email's ID; SentEmails finds it again by Regarding.
func (s *Service) SendTx(ctx context.Context, tx *gorm.DB, m Email) (string, error) {
	if !s.Mailing() {
		return "", errors.New("notify: email is not configured")
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		return "", fmt.Errorf("notify: %q is not an email address", m.To)
	}
	return s.queueEmail(ctx, tx, emailRow{ToAddress: m.To, Subject: clip(m.Subject, 200), Body: m.Body,
		AttachmentName: m.AttachmentName, Attachment: m.Attachment, Regarding: m.Regarding})
}

func (s *Service) queueEmail(ctx context.Context, tx *gorm.DB, r emailRow) (string, error) {
	r.ID = database.NewID()
	r.Status = EmailQueued
	r.CreatedAt = s.cfg.Now().UTC()
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return "", err
	}
	return r.ID, s.cfg.Queue.Insert(ctx, tx, EmailArgs{EmailID: r.ID}, nil)
}

// SentEmail is what the record of one email says.
type SentEmail struct {
	ID             string     `json:"id"`
	To             string     `json:"to"`
	Subject        string     `json:"subject"`
	AttachmentName string     `json:"attachment_name,omitempty"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	SentAt         *time.Time `json:"sent_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// EmailsRegarding lists the emails queued about one thing, oldest first.
func (s *Service) EmailsRegarding(ctx context.Context, regarding string) ([]SentEmail, error) {
	var rows []emailRow
	if err := s.cfg.DB.WithContext(ctx).Omit("attachment").Where("regarding = ?", regarding).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]SentEmail, len(rows))
	for i, r := range rows {
		out[i] = SentEmail{ID: r.ID, To: r.ToAddress, Subject: r.Subject, AttachmentName: r.AttachmentName, Status: r.Status,
			Attempts: r.Attempts, SentAt: r.SentAt, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	s *Service
}

// Work sends one email row, recording each attempt on the row.
//
// Delivery is exactly once except in one window: after the SMTP server
// accepted the message and before the row is marked sent (a crash, or the
// database gone at that instant), the retry sends it again. The attempt is
// marked "sending" before the SMTP conversation, so such a resend is logged
// as a possible duplicate; the Message-ID is the row's, so a mail server or
// client that drops repeated Message-IDs shows it once. Nothing else sends
// twice: a row marked sent is never sent again, whatever the queue does.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	s := w.s
	db := s.cfg.DB.WithContext(ctx)
	var r emailRow
	err := db.Where("id = ?", job.Args.EmailID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil // its person was deleted (cascade): nothing to send
	}
	if err != nil {
		return err
	}
	if r.Status == EmailSent || r.Status == EmailSkipped {
		return nil
	}
	to := r.ToAddress
	if r.PersonID != nil {
		p, err := s.cfg.People.Get(ctx, *r.PersonID)
		if err != nil || p.Email == "" || !p.Active {
			return db.Model(&emailRow{}).Where("id = ?", r.ID).Updates(map[string]any{"status": EmailSkipped, "to_address": p.Email}).Error
		}
		to = p.Email
	}
	if r.Status == EmailSending {
		s.cfg.Logger.WarnContext(ctx, "email: an earlier attempt stopped mid-send; sending again (possible duplicate)", "email", r.ID)
	}
	if err := db.Model(&emailRow{}).Where("id = ?", r.ID).Updates(map[string]any{
		"status": EmailSending, "attempts": gorm.Expr("attempts + 1"), "to_address": to,
	}).Error; err != nil {
		return err
	}
	r.ToAddress = to
	if err := s.send(ctx, r); err != nil {
		// The server refused or could not be reached: certainly not sent.
		_ = db.Model(&emailRow{}).Where("id = ?", r.ID).Updates(map[string]any{"status": EmailQueued, "last_error": clip(err.Error(), 500)}).Error
		return err
	}
	return db.Model(&emailRow{}).Where("id = ?", r.ID).Updates(map[string]any{
		"status": EmailSent, "sent_at": s.cfg.Now().UTC(), "last_error": "",
	}).Error
}

// message renders r as RFC 5322 (multipart when it has an attachment).
func (s *Service) message(r emailRow, from *mail.Address) []byte {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", r.ToAddress)
	h("Subject", mime.QEncoding.Encode("utf-8", r.Subject))
	h("Date", s.cfg.Now().UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+r.ID+"@goodshift>")
	h("MIME-Version", "1.0")
	text := strings.ReplaceAll(r.Body, "\n", "\r\n") + "\r\n"
	if len(r.Attachment) == 0 {
		h("Content-Type", "text/plain; charset=utf-8")
		h("Content-Transfer-Encoding", "8bit")
		b.WriteString("\r\n" + text)
		return b.Bytes()
	}
	mw := multipart.NewWriter(&b)
	h("Content-Type", `multipart/mixed; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	_, _ = pw.Write([]byte(text))
	ctype := "application/octet-stream"
	if strings.HasSuffix(strings.ToLower(r.AttachmentName), ".pdf") {
		ctype = "application/pdf"
	}
	aw, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {ctype},
		"Content-Transfer-Encoding": {"base64"},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": r.AttachmentName})},
	})
	enc := base64.StdEncoding.EncodeToString(r.Attachment)
	for len(enc) > 76 {
		_, _ = aw.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	_, _ = aw.Write([]byte(enc + "\r\n"))
	_ = mw.Close()
	return b.Bytes()
}

// send delivers one email (STARTTLS when the server offers it; PLAIN auth
// when a username is set). The job's context bounds the conversation.
func (s *Service) send(ctx context.Context, r emailRow) error {
	c := s.cfg.SMTP
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("SMTP_FROM: %w", err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)))
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer cl.Close()
	if ok, _ := cl.Extension("STARTTLS"); ok {
		if err := cl.StartTLS(tlsConfig(c.Host)); err != nil {
			return err
		}
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host)); err != nil {
			return err
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return err
	}
	if err := cl.Rcpt(r.ToAddress); err != nil {
		return err
	}
	wc, err := cl.Data()
	if err != nil {
		return err
	}
	if _, err := wc.Write(s.message(r, from)); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	_ = cl.Quit() // accepted already: a failed goodbye must not cause a resend
	return nil
}

func tlsConfig(host string) *tls.Config { return &tls.Config{ServerName: host} }
