package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/jobs"
)

type flakyArgs struct {
	Name string `json:"name"`
}

func (flakyArgs) Kind() string { return "flaky" }

// flakyWorker fails the job named "never" every time and any other job
// its first two attempts.
type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	runs atomic.Int32
}

func (w *flakyWorker) Work(_ context.Context, j *river.Job[flakyArgs]) error {
	w.runs.Add(1)
	if j.Args.Name == "never" || j.Attempt <= 2 {
		return errors.New("the far end said no")
	}
	return nil
}

// TestRetriesBackOffAndMetrics: a failing job is retried after the base
// delay, then twice that, then succeeds, once; one that keeps failing is
// kept, retryable, on the failed list with its error, and can be retried
// by hand. /metrics shows the queue's depth by state, failures and run
// times.
func TestRetriesBackOffAndMetrics(t *testing.T) {
	dbtest.Each(t, nil, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, db, nil); err != nil {
			t.Fatal(err)
		}
		const base = 150 * time.Millisecond
		q, err := jobs.New(jobs.Config{DB: db, RetryBase: base, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		w := &flakyWorker{}
		river.AddWorker(q.Workers(), w)
		reg := prometheus.NewRegistry()
		q.Register(reg)
		if err := q.Seal(ctx, true); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, db, flakyArgs{Name: "twice"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, db, flakyArgs{Name: "never"}, &river.InsertOpts{MaxAttempts: 2}); err != nil {
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
		list := func(name string) *river.JobListResult {
			res, err := q.Client().JobList(ctx, river.NewJobListParams().Kinds("flaky").First(10))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		job := func(name string) (state string, attempt int, errs []time.Time, attempted time.Time) {
			for _, j := range list(name).Jobs {
				if strings.Contains(string(j.EncodedArgs), `"`+name+`"`) {
					for _, e := range j.Errors {
						errs = append(errs, e.At)
					}
					if j.AttemptedAt != nil {
						attempted = *j.AttemptedAt
					}
					return string(j.State), j.Attempt, errs, attempted
				}
			}
			return "", 0, nil, attempted
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			s1, _, _, _ := job("twice")
			s2, _, _, _ := job("never")
			if s1 == "completed" && s2 == "discarded" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("twice %s, never %s after 20 s", s1, s2)
			}
			time.Sleep(20 * time.Millisecond) // polling a condition
		}
		_, attempt, errs, last := job("twice")
		if attempt != 3 || len(errs) != 2 {
			t.Fatalf("%d attempts, %d errors; want 3 and 2", attempt, len(errs))
		}
		if gap1, gap2 := errs[1].Sub(errs[0]), last.Sub(errs[1]); gap1 < base-10*time.Millisecond || gap2 < 2*base-10*time.Millisecond {
			t.Errorf("retried %v, then %v after a failure; want at least %v, then %v", gap1, gap2, base, 2*base)
		}

		failed, err := q.Failed(ctx, 10)
		if err != nil || len(failed) != 1 || !failed[0].GaveUp || failed[0].Error != "the far end said no" || failed[0].Attempts != 2 {
			t.Fatalf("failed list %+v, %v", failed, err)
		}
		// On /metrics: one discarded job, failures counted, run and wait
		// times observed.
		if got, _ := metric(t, reg, "goodshift_jobs", "state", "discarded"); got != 1 {
			t.Errorf("goodshift_jobs{state=discarded} = %v, want 1", got)
		}
		if n, _ := metric(t, reg, "goodshift_jobs_finished_total", "outcome", "failed"); n != 4 {
			t.Errorf("%v failed attempts counted, want 4", n)
		}
		if n, _ := metric(t, reg, "goodshift_jobs_finished_total", "outcome", "completed"); n != 1 {
			t.Errorf("%v completed counted, want 1", n)
		}
		for _, h := range []string{"goodshift_jobs_run_seconds", "goodshift_jobs_queue_wait_seconds"} {
			if n, _ := metric(t, reg, h, "kind", "flaky"); n != 5 {
				t.Errorf("%s observed %v attempts, want 5", h, n)
			}
		}

		// Retried by hand: it runs (and fails) once more.
		before := w.runs.Load()
		if _, err := q.Retry(ctx, failed[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Retry(ctx, failed[0].ID); !errors.Is(err, jobs.ErrNotFailed) && err != nil {
			// It may have failed again already; then it is failed and retryable again.
			t.Fatal(err)
		}
		for w.runs.Load() == before {
			if time.Now().After(deadline.Add(10 * time.Second)) {
				t.Fatal("the retried job never ran")
			}
			time.Sleep(20 * time.Millisecond) // polling a condition
		}
	})
}

// metric sums the values of name's series whose label has value.
func metric(t *testing.T, reg *prometheus.Registry, name, label, value string) (sum float64, series int) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && (value == "" || l.GetValue() == value) {
					series++
					switch {
					case m.GetCounter() != nil:
						sum += m.GetCounter().GetValue()
					case m.GetGauge() != nil:
						sum += m.GetGauge().GetValue()
					case m.GetHistogram() != nil:
						sum += float64(m.GetHistogram().GetSampleCount())
					}
				}
			}
		}
	}
	return sum, series
}
