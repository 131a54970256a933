package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/jobs/jobsweb"
	"github.com/goodshift/goodshift/internal/notify"
)

// Work nobody clicks: the periodic jobs. The leader (one process among all
// serving this database, elected by River) inserts each on its schedule;
// a job is unique per task and period, so even a change of leader cannot
// run one twice in its period. Every task is idempotent and logs its counts.

// TaskArgs is a periodic maintenance task.
type TaskArgs struct {
	Task string `json:"task"`
}

// Kind names the job in the queue.
func (TaskArgs) Kind() string { return "task" }

type task struct {
	every time.Duration
	run   func(ctx context.Context) (string, error) // a summary of what it did, for the log
}

func (a *App) tasks() map[string]task {
	t := map[string]task{
		"swaps-expire": {time.Minute, func(ctx context.Context) (string, error) {
			n, err := a.Rota.ExpireStartedSwaps(ctx)
			if err != nil {
				return fmt.Sprintf("%d swap requests expired", n), err
			}
			// Changes made outside the rota (an absence in payroll) can stop
			// a live request: it is cancelled and both people told.
			m, err := a.Rota.RecheckSwaps(ctx)
			return fmt.Sprintf("%d swap requests expired, %d cancelled as no longer possible", n, m), err
		}},
		"sessions-purge": {24 * time.Hour, func(ctx context.Context) (string, error) {
			n, err := a.People.PurgeExpiredSessions(ctx)
			return fmt.Sprintf("%d expired sessions deleted", n), err
		}},
		"notifications-purge": {24 * time.Hour, func(ctx context.Context) (string, error) {
			n, e, err := a.Notify.PurgeRead(ctx, 90*24*time.Hour)
			return fmt.Sprintf("%d read notifications and %d email records older than 90 days deleted", n, e), err
		}},
		"wellbeing-purge": {24 * time.Hour, func(ctx context.Context) (string, error) {
			p, err := a.Wellbeing.Purge(ctx, a.Config.WellbeingRetention)
			return fmt.Sprintf("wellbeing records of %d former employees purged (%d plans, %d notes, %d flex periods)", p.Employees, p.Plans, p.Notes, p.FlexPeriods), err
		}},
	}
	t["rota-plans-purge"] = task{24 * time.Hour, func(ctx context.Context) (string, error) {
		n, err := a.Rota.DeleteExpiredPlans(ctx)
		return fmt.Sprintf("%d expired rota plans deleted", n), err
	}}
	t["shift-reminders"] = task{time.Hour, func(ctx context.Context) (string, error) {
		rs, err := a.Rota.RemindersDueFor(ctx, a.Notify) // without those who turned reminders off
		if err != nil {
			return "", err
		}
		for _, r := range rs {
			// Unique per shift and person (for as long as finished jobs are
			// kept, a month): the hourly runs of one evening remind once.
			if err := a.Jobs.Insert(ctx, a.DB.WithContext(ctx), ReminderArgs(r), nil); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("%d shift reminders due", len(rs)), nil
	}}
	if a.Notify.Pushing() {
		t["push-release"] = task{time.Minute, func(ctx context.Context) (string, error) {
			n, err := a.Notify.ReleaseHeldPushes(ctx)
			return fmt.Sprintf("%d pushes released after quiet hours", n), err
		}}
	}
	if a.Notify.Mailing() {
		t["invoice-reminders"] = task{time.Hour, func(ctx context.Context) (string, error) {
			n, err := a.Contracts.SendOverdueReminders(ctx)
			return fmt.Sprintf("%d overdue-invoice reminders queued", n), err
		}}
	}
	if a.Contracts.StripeEnabled() {
		// One job per pending invoice, retried with the queue's backoff.
		t["stripe-sync"] = task{15 * time.Minute, func(ctx context.Context) (string, error) {
			n, err := a.Contracts.QueuePendingStripe(ctx, a.Jobs)
			return fmt.Sprintf("%d invoices pending in Stripe, each with a sync job", n), err
		}}
	}
	return t
}

type taskWorker struct {
	river.WorkerDefaults[TaskArgs]
	a     *App
	tasks map[string]task
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	t, ok := w.tasks[job.Args.Task]
	if !ok {
		return river.JobCancel(fmt.Errorf("no task %q in this version", job.Args.Task))
	}
	did, err := t.run(ctx)
	if err != nil {
		w.a.Logger.WarnContext(ctx, "task failed; it will be retried", "task", job.Args.Task, "attempt", job.Attempt, "error", err.Error())
		return err
	}
	w.a.Logger.InfoContext(ctx, "task done", "task", job.Args.Task, "result", did)
	return nil
}

// ReminderArgs tells one person about tomorrow's shift.
type ReminderArgs struct {
	ShiftID    string `json:"shift_id" river:"unique"`
	EmployeeID string `json:"employee_id" river:"unique"`
	Subject    string `json:"subject"`
	Body       string `json:"body"`
}

// Kind names the job.
func (ReminderArgs) Kind() string { return "shift-reminder" }

// InsertOpts: once per shift and person.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	a *App
}

// Work puts the reminder in the person's inbox and queues its email in one
// transaction. (At least once: a crash between that commit and the job's
// completion repeats it.)
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	if off, err := w.a.Notify.RemindersOff(ctx, []string{job.Args.EmployeeID}); err != nil || off[job.Args.EmployeeID] {
		return err // turned off after it was queued: nothing to send
	}
	return w.a.Notify.Notify(ctx, []string{job.Args.EmployeeID}, job.Args.Subject, job.Args.Body, "/rota/week")
}

// registerTasks adds the task worker and the periodic schedule to the queue.
func (a *App) registerTasks(q *jobs.Queue) {
	ts := a.tasks()
	river.AddWorker(q.Workers(), &taskWorker{a: a, tasks: ts})
	river.AddWorker(q.Workers(), &reminderWorker{a: a})
	if a.Contracts.StripeEnabled() {
		a.Contracts.UseStripeJobs(q)
	}
	for name, t := range ts {
		args := TaskArgs{Task: name}
		q.Periodic(name, t.every, func() river.JobArgs { return args }, &river.InsertOpts{
			MaxAttempts: 5,
			UniqueOpts:  river.UniqueOpts{ByArgs: true, ByPeriod: t.every},
		})
	}
}

// shareAcrossServers makes the caches agree across server processes on
// PostgreSQL: session revocations and site changes are broadcast, and
// every process drops its copies when it hears one.
func (a *App) shareAcrossServers(sites *rotaSites) {
	if a.Config.DatabaseURL == "" || database.Dialect(a.DB) != database.Postgres {
		return
	}
	b := jobs.NewBroadcast(a.DB, a.Config.DatabaseURL, a.Logger)
	a.Broadcast = b
	a.People.ShareRevocations(b)
	b.Subscribe(siteChannel, func(string) { sites.drop() })
	a.Contracts.OnSitesChanged(func() {
		if err := b.Publish(context.Background(), nil, siteChannel, ""); err != nil {
			a.Logger.Warn("site change not broadcast; other servers follow within a minute", "error", err.Error())
		}
	})
}

// StartWorkers runs this process's job workers (unless
// GOODSHIFT_WORKERS=off) and, on PostgreSQL, its listener for other
// processes' cache invalidations, until ctx ends. serve calls it.
func (a *App) StartWorkers(ctx context.Context) error {
	if ctx.Err() != nil {
		return nil // already shutting down: nothing to start
	}
	if a.Broadcast != nil {
		go a.Broadcast.Listen(ctx)
	}
	if !a.Config.Workers {
		a.Logger.Info("job workers are off in this process (GOODSHIFT_WORKERS=off)")
		return nil
	}
	return a.Jobs.Start(ctx)
}

// StopWorkers drains the workers: jobs in flight get until ctx ends, then
// are cancelled and left for another process (or this one, restarted).
func (a *App) StopWorkers(ctx context.Context) error { return a.Jobs.Stop(ctx) }

func (a *App) workersStatus() string {
	switch {
	case a.Jobs.Running():
		return "running"
	case a.Config.Workers:
		return "stopped"
	default:
		return "off"
	}
}

// taskNames are the periodic tasks in words, for the failed-jobs page.
var taskNames = map[string]string{
	"swaps-expire":        "Expiring swap requests whose shift has started",
	"sessions-purge":      "Daily clean-up of expired sign-ins",
	"notifications-purge": "Daily clean-up of old read notifications and email records",
	"wellbeing-purge":     "Daily removal of wellbeing records past their retention",
	"shift-reminders":     "Finding tomorrow's shifts to remind people of",
	"invoice-reminders":   "Reminding clients of overdue invoices",
	"stripe-sync":         "Finding invoices still to put into Stripe",
}

// describeJob says in plain words what a failed job is about, for the
// failed-jobs page (internal/jobs/jobsweb). It names people and invoices,
// never what a job carries: no email subject or text, no reminder wording
// (a person's email may be about anything).
func (a *App) describeJob(ctx context.Context, kind string, args []byte) string {
	person := func(id string) string {
		if p, err := a.People.Get(ctx, id); err == nil {
			return p.Name
		}
		return "someone no longer on the system"
	}
	invoice := func(id string) string {
		// Invoices are finance's: an admin is told only that it is one.
		if p, ok := auth.PrincipalFrom(ctx); !ok || !auth.Can(p, auth.InvoicesRead) {
			return "an invoice"
		}
		if inv, err := a.Contracts.Invoice(ctx, id); err == nil && inv.Number != "" {
			return "invoice " + inv.Number + " (" + inv.ClientName + ")"
		}
		return "an invoice"
	}
	switch kind {
	case notify.EmailArgs{}.Kind():
		var x notify.EmailArgs
		var row struct {
			PersonID  *string
			ToAddress string
			Regarding string
		}
		if json.Unmarshal(args, &x) != nil || a.DB.WithContext(ctx).Raw("SELECT person_id, to_address, regarding FROM emails WHERE id = ?", x.EmailID).Scan(&row).Error != nil {
			return "An email"
		}
		switch {
		case strings.HasPrefix(row.Regarding, "invoice:"):
			if what := invoice(strings.TrimPrefix(row.Regarding, "invoice:")); what != "an invoice" {
				return "Email to " + row.ToAddress + " about " + what
			}
			return "Email to a client about an invoice"
		case row.PersonID != nil:
			return "Email to " + person(*row.PersonID) + " (a copy of a notification in their inbox)"
		case row.ToAddress != "":
			return "Email to " + row.ToAddress
		}
		return "An email that no longer exists"
	case contracts.SendInvoiceArgs{}.Kind():
		var x contracts.SendInvoiceArgs
		if json.Unmarshal(args, &x) == nil {
			return "Emailing " + invoice(x.InvoiceID) + " to the client"
		}
	case contracts.StripeSyncArgs{}.Kind():
		var x contracts.StripeSyncArgs
		if json.Unmarshal(args, &x) == nil {
			return "Putting " + invoice(x.InvoiceID) + " into Stripe"
		}
	case ReminderArgs{}.Kind():
		var x ReminderArgs
		if json.Unmarshal(args, &x) == nil {
			return "Reminder to " + person(x.EmployeeID) + " of their shift tomorrow"
		}
	case TaskArgs{}.Kind():
		var x TaskArgs
		if json.Unmarshal(args, &x) == nil {
			if n, ok := taskNames[x.Task]; ok {
				return n
			}
		}
	}
	return jobsweb.KindName(kind)
}
