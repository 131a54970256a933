package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/jobs"
)

type slowArgs struct{}

func (slowArgs) Kind() string { return "slow" }

type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	started chan struct{}
	release chan struct{}
}

func (w *slowWorker) Work(ctx context.Context, _ *river.Job[slowArgs]) error {
	w.started <- struct{}{}
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func queue(t *testing.T, db *gorm.DB, w *slowWorker) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	river.AddWorker(q.Workers(), w)
	if err := q.Seal(ctx, true); err != nil {
		t.Fatal(err)
	}
	// Started with a context that is cancelled at once: like serve's on
	// SIGTERM, it must not cut jobs short; only Stop does, draining first.
	sctx, cancel := context.WithCancel(ctx)
	if err := q.Start(sctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	return q
}

func state(t *testing.T, db *gorm.DB) string {
	var s string
	if err := db.Raw("SELECT state FROM river_job WHERE kind = 'slow'").Row().Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStopDrains: a job in flight when the process is told to stop
// finishes; one that cannot finish in time is released, not lost.
func TestStopDrains(t *testing.T) {
	dbtest.Each(t, nil, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		t.Run("finishes", func(t *testing.T) {
			w := &slowWorker{started: make(chan struct{}, 1), release: make(chan struct{})}
			q := queue(t, db, w)
			if err := q.Insert(ctx, db, slowArgs{}, nil); err != nil {
				t.Fatal(err)
			}
			<-w.started
			stopped := make(chan error, 1)
			go func() {
				sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				stopped <- q.Stop(sctx)
			}()
			close(w.release)
			if err := <-stopped; err != nil {
				t.Fatal(err)
			}
			if s := state(t, db); s != "completed" {
				t.Errorf("job %s after a graceful stop, want completed", s)
			}
			db.Exec("DELETE FROM river_job")
		})
		t.Run("released", func(t *testing.T) {
			w := &slowWorker{started: make(chan struct{}, 1), release: make(chan struct{})}
			q := queue(t, db, w)
			if err := q.Insert(ctx, db, slowArgs{}, nil); err != nil {
				t.Fatal(err)
			}
			<-w.started
			sctx, cancel := context.WithCancel(ctx)
			cancel() // no time to finish
			_ = q.Stop(sctx)
			if s := state(t, db); s == "running" || s == "completed" {
				t.Errorf("job %s after a stop with no time, want it released for another process", s)
			}
		})
	})
}
