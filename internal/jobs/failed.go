package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// FailedJob is a job whose last attempt failed: discarded (out of attempts,
// or given up on) or retryable (it will be tried again by itself).
type FailedJob struct {
	ID          int64
	Kind        string
	Args        []byte // the job's arguments as stored (JSON); never shown as is
	GaveUp      bool   // discarded: nothing will try it again unless someone retries it
	Attempts    int
	MaxAttempts int
	FailedAt    time.Time  // the last attempt's failure (or when it was given up)
	NextTry     *time.Time // retryable: when it runs again by itself
	Error       string     // the last attempt's error
}

// ErrNotFailed is the answer to retrying a job that does not exist or has
// not failed (it finished, or is waiting or running already).
var ErrNotFailed = errors.New("jobs: no such failed job")

// Failed lists failed jobs, most recent failure first, at most limit.
func (q *Queue) Failed(ctx context.Context, limit int) ([]FailedJob, error) {
	if q == nil || q.client == nil {
		return nil, errors.New("jobs: the queue is not ready")
	}
	res, err := q.client.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateDiscarded, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, err
	}
	out := make([]FailedJob, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		out = append(out, failedJob(j))
	}
	return out, nil
}

func failedJob(j *rivertype.JobRow) FailedJob {
	f := FailedJob{ID: j.ID, Kind: j.Kind, Args: j.EncodedArgs, Attempts: j.Attempt, MaxAttempts: j.MaxAttempts}
	if n := len(j.Errors); n > 0 {
		f.Error, f.FailedAt = j.Errors[n-1].Error, j.Errors[n-1].At
	}
	switch j.State {
	case rivertype.JobStateDiscarded:
		f.GaveUp = true
		if j.FinalizedAt != nil && f.FailedAt.IsZero() {
			f.FailedAt = *j.FinalizedAt
		}
	case rivertype.JobStateRetryable:
		at := j.ScheduledAt
		f.NextTry = &at
	}
	if f.FailedAt.IsZero() && j.AttemptedAt != nil {
		f.FailedAt = *j.AttemptedAt
	}
	return f
}

// Retry makes a failed job due now (a discarded one gets one more
// attempt). Any process's workers pick it up.
func (q *Queue) Retry(ctx context.Context, id int64) (FailedJob, error) {
	if q == nil || q.client == nil {
		return FailedJob{}, errors.New("jobs: the queue is not ready")
	}
	j, err := q.client.JobGet(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) {
		return FailedJob{}, ErrNotFailed
	}
	if err != nil {
		return FailedJob{}, err
	}
	if j.State != rivertype.JobStateDiscarded && j.State != rivertype.JobStateRetryable {
		return FailedJob{}, ErrNotFailed
	}
	f := failedJob(j)
	if _, err := q.client.JobRetry(ctx, id); err != nil {
		if errors.Is(err, rivertype.ErrNotFound) {
			return FailedJob{}, ErrNotFailed
		}
		return FailedJob{}, err
	}
	return f, nil
}
