package contracts

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/jobs"
)

// Stripe sync as jobs: Issue tries Stripe at once; whatever is still
// pending afterwards gets a job per invoice (QueuePendingStripe, from a
// periodic task), which the queue retries with backoff. SyncStripe looks
// up by our ID before creating anything (stripe_lookup.go), so however
// late a retry comes, it creates nothing twice.

// StripeSyncArgs is the job that puts one issued invoice into Stripe.
type StripeSyncArgs struct {
	InvoiceID string `json:"invoice_id"`
}

// Kind names the job.
func (StripeSyncArgs) Kind() string { return "stripe-sync" }

// InsertOpts: one live job per invoice (a finished or discarded one does
// not stop a later try).
func (StripeSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

// UseStripeJobs registers the Stripe sync worker. Call it while wiring,
// before the queue is sealed, when Stripe is on.
func (s *Service) UseStripeJobs(q *jobs.Queue) {
	river.AddWorker(q.Workers(), &stripeSyncWorker{s: s})
}

type stripeSyncWorker struct {
	river.WorkerDefaults[StripeSyncArgs]
	s *Service
}

// Work syncs one invoice; a failure is retried with the queue's backoff.
func (w *stripeSyncWorker) Work(ctx context.Context, job *river.Job[StripeSyncArgs]) error {
	err := w.s.SyncStripe(ctx, job.Args.InvoiceID)
	var e *errs.Error
	if errors.As(err, &e) && (e.Code == errs.RuleViolation || e.Code == errs.NotFound) {
		// Voided since, or Stripe switched off: nothing to retry.
		return river.JobCancel(err)
	}
	return err
}

// QueuePendingStripe queues a sync job for every issued invoice still
// pending in Stripe (one live job per invoice). It returns how many
// invoices are pending.
func (s *Service) QueuePendingStripe(ctx context.Context, q *jobs.Queue) (int, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&invoiceRow{}).Where("state = ? AND stripe_sync = ?", string(StateIssued), stripePending).
		Order("seq").Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := q.Insert(ctx, s.db.WithContext(ctx), StripeSyncArgs{InvoiceID: id}, nil); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
