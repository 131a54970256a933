package contracts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/notify"
)

// Invoices that send themselves: on issue, a job emails the client's
// billing address the PDF (and Stripe's payment link when there is one);
// a daily task reminds clients of unpaid invoices on the configured days
// after the due date. Every send is a row in invoice_sends, one per invoice
// and kind of send, written in the same transaction as the email it queues,
// so retries never send the same thing twice.

// InvoiceMailer queues an email in the caller's transaction
// (*notify.Service satisfies it).
// It also reads back what became of those emails.
type InvoiceMailer interface {
	SendTx(ctx context.Context, tx *gorm.DB, m notify.Email) (string, error)
	EmailsRegarding(ctx context.Context, regarding string) ([]notify.SentEmail, error)
}

type sending struct {
	mail         InvoiceMailer
	queue        *jobs.Queue
	reminderDays []int // ascending
}

// UseMail turns on emailing invoices to clients: on issue, and reminders
// reminderDays after the due date. Call it while wiring, before the queue
// is sealed.
func (s *Service) UseMail(m InvoiceMailer, q *jobs.Queue, reminderDays []int) {
	days := slices.Clone(reminderDays)
	slices.Sort(days)
	s.sending = &sending{mail: m, queue: q, reminderDays: slices.Compact(days)}
	river.AddWorker(q.Workers(), &sendInvoiceWorker{s: s})
}

// SendInvoiceArgs is the job that emails an issued invoice to its client.
type SendInvoiceArgs struct {
	InvoiceID string `json:"invoice_id"`
}

// Kind names the job.
func (SendInvoiceArgs) Kind() string { return "invoice-send" }

// InsertOpts: one live job per invoice.
func (SendInvoiceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// queueIssuedSend is called by Issue inside its transaction.
func (s *Service) queueIssuedSend(ctx context.Context, tx *gorm.DB, inv Invoice) error {
	if s.sending == nil || inv.ClientEmail == "" {
		return nil
	}
	return s.sending.queue.Insert(ctx, tx, SendInvoiceArgs{InvoiceID: inv.ID}, nil)
}

type sendInvoiceWorker struct {
	river.WorkerDefaults[SendInvoiceArgs]
	s *Service
}

// stripeTries is how many attempts wait for Stripe's payment link before
// the invoice goes without it (Stripe's own sync keeps retrying).
const stripeTries = 3

func (w *sendInvoiceWorker) Work(ctx context.Context, job *river.Job[SendInvoiceArgs]) error {
	s := w.s
	inv, err := s.Invoice(ctx, job.Args.InvoiceID)
	if err != nil {
		return err
	}
	if inv.State != StateIssued || inv.ClientEmail == "" {
		return nil
	}
	if s.stripe != nil && inv.Stripe.Sync != stripeSynced && job.Attempt < stripeTries {
		if err := s.SyncStripe(ctx, inv.ID); err != nil {
			return fmt.Errorf("waiting for Stripe's payment link: %w", err)
		}
		if inv, err = s.Invoice(ctx, inv.ID); err != nil {
			return err
		}
	}
	body := fmt.Sprintf("Dear %s,\n\nPlease find attached invoice %s for %s, dated %s, due by %s.\n",
		inv.ClientName, inv.Number, inv.Total.String(), inv.InvoiceDate.Format("Mon 2 Jan 2006"), inv.DueDate.Format("Mon 2 Jan 2006"))
	if inv.Stripe.HostedURL != "" {
		body += "\nYou can pay online: " + inv.Stripe.HostedURL + "\n"
	}
	body += payBy(s.org.BankAccount, s.org.SortCode, s.org.AccountNumber, inv.Number) + "\nThank you,\n" + s.org.Name + "\n"
	_, err = s.recordSend(ctx, inv, "issued", fmt.Sprintf("Invoice %s from %s", inv.Number, s.org.Name), body)
	return err
}

func payBy(name, sort, account, ref string) string {
	return fmt.Sprintf("\nOr by bank transfer to %s, sort code %s, account %s, quoting %s.\n", name, sort, account, ref)
}

// recordSend queues one email about inv with its PDF attached, and records
// it, unless a send of this kind is already recorded. It reports whether it
// sent.
func (s *Service) recordSend(ctx context.Context, inv Invoice, what, subject, body string) (bool, error) {
	pdf, err := InvoicePDF(inv, s.org)
	if err != nil {
		return false, err
	}
	sent := false
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&invoiceSendRow{}).Where("invoice_id = ? AND what = ?", inv.ID, what).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		emailID, err := s.sending.mail.SendTx(ctx, tx, notify.Email{To: inv.ClientEmail, Subject: subject, Body: body,
			AttachmentName: inv.Number + ".pdf", Attachment: pdf, Regarding: "invoice:" + inv.ID})
		if err != nil {
			return err
		}
		sent = true
		return tx.Create(&invoiceSendRow{ID: database.NewID(), InvoiceID: inv.ID, What: what, ToAddress: inv.ClientEmail,
			EmailID: emailID, CreatedAt: s.now().UTC()}).Error
	})
	if database.IsUniqueViolation(err) {
		return false, nil // another run recorded it first: it is sent once
	}
	return sent && err == nil, err
}

type invoiceSendRow struct {
	ID        string `gorm:"primaryKey"`
	InvoiceID string
	What      string
	ToAddress string
	EmailID   string
	CreatedAt time.Time
}

func (invoiceSendRow) TableName() string { return "invoice_sends" }

// What became of an invoice email.
const (
	SendQueued = "queued" // waiting to send (or trying again)
	SendSent   = "sent"
	SendFailed = "failed" // the email gave up, or had nobody to go to
)

// InvoiceSend is one email an invoice's client was sent.
type InvoiceSend struct {
	What     string     `json:"kind"` // issued, overdue-7, ...
	To       string     `json:"to"`
	State    string     `json:"state"`             // SendQueued, SendSent or SendFailed
	At       time.Time  `json:"queued_at"`         // when it was recorded and queued
	SentAt   *time.Time `json:"sent_at,omitempty"` // when the mail server took it
	Reminder int        `json:"-"`                 // overdue reminders: 1 for the first, 2 for the second...
	DaysLate int        `json:"-"`                 // overdue-N: N days after the due date
}

// Emailing reports whether this service emails invoices to clients.
func (s *Service) Emailing() bool { return s.sending != nil }

// InvoiceSends lists what an invoice's client was sent, oldest first, with
// what became of each email (queued when email is not set up here).
func (s *Service) InvoiceSends(ctx context.Context, invoiceID string) ([]InvoiceSend, error) {
	var rows []invoiceSendRow
	if err := s.db.WithContext(ctx).Where("invoice_id = ?", invoiceID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	emails := map[string]notify.SentEmail{}
	if s.sending != nil && len(rows) > 0 {
		sent, err := s.sending.mail.EmailsRegarding(ctx, "invoice:"+invoiceID)
		if err != nil {
			return nil, err
		}
		for _, e := range sent {
			emails[e.ID] = e
		}
	}
	gaveUp := notify.EmailArgs{}.InsertOpts().MaxAttempts
	out := make([]InvoiceSend, len(rows))
	reminders := 0
	for i, r := range rows {
		send := InvoiceSend{What: r.What, To: r.ToAddress, State: SendQueued, At: r.CreatedAt.UTC()}
		if n, ok := strings.CutPrefix(r.What, "overdue-"); ok {
			reminders++
			send.Reminder = reminders
			send.DaysLate, _ = strconv.Atoi(n)
		}
		if e, ok := emails[r.EmailID]; ok {
			switch {
			case e.Status == notify.EmailSent:
				send.State = SendSent
				if e.SentAt != nil {
					at := e.SentAt.UTC()
					send.SentAt = &at
				}
			case e.Status == notify.EmailSkipped || e.Attempts >= gaveUp:
				send.State = SendFailed
			}
		}
		out[i] = send
	}
	return out, nil
}

// FixedCompensation is the statutory fixed sum for late payment of a
// commercial debt (Late Payment of Commercial Debts (Interest) Act 1998):
// £40 under £1,000, £70 under £10,000, £100 from £10,000.
func FixedCompensation(debt money.Pence) money.Pence {
	switch {
	case debt < 1_000_00:
		return 40_00
	case debt < 10_000_00:
		return 70_00
	}
	return 100_00
}

// SendOverdueReminders reminds each client with an unpaid invoice whose
// due date was one of the reminder days ago or more: the latest such day
// only, once. A daily task runs it; running it again the same day sends
// nothing more. It returns how many reminders it queued.
func (s *Service) SendOverdueReminders(ctx context.Context) (int, error) {
	if s.sending == nil || len(s.sending.reminderDays) == 0 {
		return 0, nil
	}
	today := civil.In(s.now(), civil.London)
	first := today.AddDays(-s.sending.reminderDays[0])
	var ids []string
	if err := s.db.WithContext(ctx).Model(&invoiceRow{}).
		Where("state = ? AND due_date <= ? AND client_email <> ''", string(StateIssued), first).
		Order("due_date, id").Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		inv, err := s.Invoice(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if inv.Outstanding <= 0 {
			continue
		}
		late := inv.DueDate.DaysUntil(today)
		day := 0
		for _, d := range s.sending.reminderDays {
			if d <= late {
				day = d
			}
		}
		if day == 0 {
			continue
		}
		sent, err := s.recordSend(ctx, inv, fmt.Sprintf("overdue-%d", day),
			fmt.Sprintf("Reminder: invoice %s is %d days overdue", inv.Number, late), s.reminderBody(inv, late))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if sent {
			n++
		}
	}
	return n, errors.Join(errs...)
}

func (s *Service) reminderBody(inv Invoice, late int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\nInvoice %s, dated %s, was due for payment on %s and %s is still outstanding (%d days late). The invoice is attached.\n",
		inv.ClientName, inv.Number, inv.InvoiceDate.Format("Mon 2 Jan 2006"), inv.DueDate.Format("Mon 2 Jan 2006"), inv.Outstanding.String(), late)
	if inv.Stripe.HostedURL != "" {
		b.WriteString("\nYou can pay online: " + inv.Stripe.HostedURL + "\n")
	}
	b.WriteString(payBy(s.org.BankAccount, s.org.SortCode, s.org.AccountNumber, inv.Number))
	fmt.Fprintf(&b, "\nUnder the Late Payment of Commercial Debts (Interest) Act 1998 we are entitled to statutory interest at 8%% a year above the Bank of England base rate from the due date, and fixed compensation of %s for a debt of this size.\n",
		FixedCompensation(inv.Outstanding).String())
	b.WriteString("\nIf you have already paid, thank you, and please ignore this reminder.\n\n" + s.org.Name + "\n")
	return b.String()
}
