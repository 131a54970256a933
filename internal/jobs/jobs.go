// Package jobs is Goodshift's durable work queue: work that happens when
// nobody is clicking (email, reminders, expiry, purges) is a row in the
// same database as everything else, inserted in the transaction that causes
// it, so a job exists if and only if its change committed.
//
// The queue is River (github.com/riverqueue/river) on both databases:
// riverdatabasesql over the *sql.DB GORM already holds on PostgreSQL (with a
// small pgx pool used only to LISTEN, so jobs start at once rather than at
// the next poll) and riversqlite on SQLite. Both drivers take a *sql.Tx,
// which is what a GORM transaction holds, so InsertTx joins the caller's
// transaction. River gives retries with backoff, unique jobs, periodic jobs
// run by one elected leader across all processes, and rescue of jobs whose
// process died mid-run.
//
// Packages register their workers and periodic jobs on the Queue before
// app.New calls Seal; serve calls Start when workers are on.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/database"
)

// Config configures a Queue.
type Config struct {
	DB     *gorm.DB
	Logger *slog.Logger
	// ListenURL is the PostgreSQL URL for a small pgx pool used only for
	// LISTEN (new jobs, leader changes). Empty on PostgreSQL means poll only.
	ListenURL string
	// RetryBase is the first retry's delay; each further retry doubles it,
	// up to an hour. Zero means 30 seconds.
	RetryBase time.Duration
	// PollInterval is how often workers look for due jobs when nothing
	// woke them. Zero means one second.
	PollInterval time.Duration
	// MaxWorkers is how many jobs run at once in this process (default 4).
	MaxWorkers int
	// RescueAfter is how long a job may run before another process assumes
	// its process died and runs it again (default 15 minutes). A job is cut
	// off (its context cancelled) at three quarters of it, at most ten
	// minutes, so no live job is ever taken for a dead one.
	RescueAfter time.Duration
}

// Queue is the job queue of one process.
type Queue struct {
	cfg      Config
	sqlDB    *sql.DB
	workers  *river.Workers
	periodic []*river.PeriodicJob
	pool     *pgxpool.Pool
	client   *river.Client[*sql.Tx]
	metrics  *metrics
	running  atomic.Bool
	mu       sync.Mutex
	stopSubs func()
	subDone  chan struct{}
}

// New builds a queue over the database GORM holds. Register workers and
// periodic jobs, then Seal.
func New(c Config) (*Queue, error) {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 30 * time.Second
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = 4
	}
	if c.RescueAfter <= 0 {
		c.RescueAfter = 15 * time.Minute
	}
	sqlDB, err := c.DB.DB()
	if err != nil {
		return nil, err
	}
	return &Queue{cfg: c, sqlDB: sqlDB, workers: river.NewWorkers(), metrics: newMetrics()}, nil
}

// Workers is where packages add their workers (river.AddWorker).
func (q *Queue) Workers() *river.Workers { return q.workers }

// Periodic adds a job that the leader (one process among all) inserts on
// its schedule (and once when it becomes leader). id names it, so every
// process agrees which job it is; opts should make it unique per period.
func (q *Queue) Periodic(id string, every time.Duration, args func() river.JobArgs, opts *river.InsertOpts) {
	q.periodic = append(q.periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return args(), opts },
		&river.PeriodicJobOpts{ID: id, RunOnStart: true}))
}

func driverFor(db *gorm.DB, sqlDB *sql.DB, pool *pgxpool.Pool) riverdriver.Driver[*sql.Tx] {
	if database.Dialect(db) == database.Postgres {
		if pool != nil {
			return riverdatabasesql.NewWithPgxListener(sqlDB, pool)
		}
		return riverdatabasesql.New(sqlDB)
	}
	return riversqlite.New(sqlDB)
}

// Migrate brings River's own tables (river_job, river_leader, ...) up to
// date. It runs at start-up beside the goose migrations; it is cheap when
// nothing is to do.
func Migrate(ctx context.Context, db *gorm.DB, logger *slog.Logger) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(driverFor(db, sqlDB, nil), &rivermigrate.Config{Logger: quietRiver(logger)})
	if err != nil {
		return err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	if logger != nil && len(res.Versions) > 0 {
		logger.InfoContext(ctx, "job queue migrated", "versions", len(res.Versions))
	}
	return nil
}

func quiet(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// Seal builds the client once every worker and periodic job is registered.
// With workers (run true) the client can be started; without, it only inserts.
func (q *Queue) Seal(ctx context.Context, run bool) error {
	if q.client != nil {
		return errors.New("jobs: already sealed")
	}
	if run && q.cfg.ListenURL != "" && database.Dialect(q.cfg.DB) == database.Postgres {
		pc, err := pgxpool.ParseConfig(q.cfg.ListenURL)
		if err != nil {
			return err
		}
		pc.MinConns, pc.MaxConns = 0, 1
		if q.pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			return err
		}
	}
	rc := &river.Config{
		Logger:               quietRiver(q.cfg.Logger),
		Workers:              q.workers,
		RetryPolicy:          backoff{base: q.cfg.RetryBase},
		MaxAttempts:          10,
		FetchPollInterval:    q.cfg.PollInterval,
		FetchCooldown:        min(q.cfg.PollInterval, 100*time.Millisecond),
		RescueStuckJobsAfter: q.cfg.RescueAfter,
		JobTimeout:           min(10*time.Minute, q.cfg.RescueAfter*3/4),
		// Job rows are the record of what was sent: keep finished ones a
		// month (River's default is a day).
		CompletedJobRetentionPeriod: 30 * 24 * time.Hour,
	}
	if run {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: q.cfg.MaxWorkers}}
		rc.PeriodicJobs = q.periodic
	}
	c, err := river.NewClient(driverFor(q.cfg.DB, q.sqlDB, q.pool), rc)
	if err != nil {
		return err
	}
	q.client = c
	return nil
}

// quietRiver drops River's chatty info lines (every start, every leader
// election) to debug.
func quietRiver(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(levelDown{l.Handler()})
}

type levelDown struct{ slog.Handler }

func (h levelDown) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo {
		r.Level = slog.LevelDebug
	}
	if !h.Handler.Enabled(ctx, r.Level) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h levelDown) Enabled(ctx context.Context, l slog.Level) bool {
	if l == slog.LevelInfo {
		l = slog.LevelDebug
	}
	return h.Handler.Enabled(ctx, l)
}

func (h levelDown) WithAttrs(as []slog.Attr) slog.Handler { return levelDown{h.Handler.WithAttrs(as)} }
func (h levelDown) WithGroup(n string) slog.Handler       { return levelDown{h.Handler.WithGroup(n)} }

// backoff doubles from base to at most an hour, counted from the attempt's
// start (River's own clock; the jobs package reads no clock of its own). If
// an attempt ran longer than its delay River falls back to its default
// policy, which is later still.
type backoff struct{ base time.Duration }

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.base
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	from := job.CreatedAt
	if job.AttemptedAt != nil {
		from = *job.AttemptedAt
	}
	return from.Add(d)
}

// Insert enqueues a job in tx, the caller's GORM transaction: it commits or
// rolls back with the change. With a plain *gorm.DB it is inserted on its own.
func (q *Queue) Insert(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error {
	if q == nil || q.client == nil {
		return errors.New("jobs: the queue is not ready")
	}
	if sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx); ok {
		_, err := q.client.InsertTx(ctx, sqlTx, args, opts)
		return err
	}
	_, err := q.client.Insert(ctx, args, opts)
	return err
}

// Start runs the workers (and, if this process is elected leader, the
// periodic jobs and River's maintenance) until Stop; ctx ending does not
// stop them.
func (q *Queue) Start(ctx context.Context) error {
	if q.client == nil {
		return errors.New("jobs: Seal before Start")
	}
	events, cancel := q.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	// Cancelling River's context is an abrupt stop (jobs in flight are
	// cancelled): the signal that ends serve must not do that, so only Stop
	// ends the workers, draining them first.
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		cancel()
		return err
	}
	q.mu.Lock()
	q.stopSubs = cancel
	q.subDone = make(chan struct{})
	q.mu.Unlock()
	go func() {
		defer close(q.subDone)
		for e := range events {
			q.metrics.observe(e)
		}
	}()
	q.running.Store(true)
	return nil
}

// Running reports whether this process's workers are running.
func (q *Queue) Running() bool { return q != nil && q.running.Load() }

// Stop drains: no new job is fetched, jobs in flight get until ctx ends to
// finish; then they are cancelled, and whatever did not finish is left for
// River's rescuer to hand to another process (workers are idempotent).
func (q *Queue) Stop(ctx context.Context) error {
	if q == nil || q.client == nil {
		return nil
	}
	var err error
	if q.running.Load() {
		err = q.client.Stop(ctx)
		if err != nil {
			hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = q.client.StopAndCancel(hard)
			cancel()
		}
		q.running.Store(false)
		q.mu.Lock()
		if q.stopSubs != nil {
			q.stopSubs()
			<-q.subDone
			q.stopSubs = nil
		}
		q.mu.Unlock()
	}
	if q.pool != nil {
		q.pool.Close()
		q.pool = nil
	}
	return err
}

// Client is the River client, for tests and the failed-jobs page.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }
