package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
)

// metrics are what this process saw happen to jobs, plus the queue's depth
// read from the database at each scrape (so every process reports the same
// depth: it is one queue).
type metrics struct {
	finished *prometheus.CounterVec   // by kind and outcome
	wait     *prometheus.HistogramVec // time available before a worker took it
	run      *prometheus.HistogramVec // time the worker ran
}

func newMetrics() *metrics {
	buckets := []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}
	return &metrics{
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goodshift_jobs_finished_total",
			Help: "Job attempts finished in this process, by kind and outcome (completed, failed, cancelled). A failed attempt is retried until its attempts run out.",
		}, []string{"kind", "outcome"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "goodshift_jobs_queue_wait_seconds", Help: "How long a job waited, due, before a worker took it.", Buckets: buckets,
		}, []string{"kind"}),
		run: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "goodshift_jobs_run_seconds", Help: "How long a job's worker ran.", Buckets: buckets,
		}, []string{"kind"}),
	}
}

func (m *metrics) observe(e *river.Event) {
	if e == nil || e.Job == nil {
		return
	}
	outcome := "completed"
	switch e.Kind {
	case river.EventKindJobFailed:
		outcome = "failed"
	case river.EventKindJobCancelled:
		outcome = "cancelled"
	}
	m.finished.WithLabelValues(e.Job.Kind, outcome).Inc()
	if e.JobStats != nil {
		m.wait.WithLabelValues(e.Job.Kind).Observe(e.JobStats.QueueWaitDuration.Seconds())
		m.run.WithLabelValues(e.Job.Kind).Observe(e.JobStats.RunDuration.Seconds())
	}
}

// Register adds the queue's metrics to reg (the /metrics registry).
func (q *Queue) Register(reg prometheus.Registerer) {
	reg.MustRegister(q.metrics.finished, q.metrics.wait, q.metrics.run, depthCollector{q})
}

var depthDesc = prometheus.NewDesc("goodshift_jobs", "Jobs in the queue by state (available = due and waiting; retryable = failed, will retry; discarded = failed for good).", []string{"state"}, nil)

type depthCollector struct{ q *Queue }

func (d depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- depthDesc }

func (d depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := d.q.Depth(ctx)
	if err != nil {
		return
	}
	for _, state := range []string{"available", "scheduled", "running", "retryable", "discarded"} {
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(counts[state]), state)
	}
}

// Depth counts jobs by state (finished ones, completed and cancelled, are
// left out: they are history).
func (q *Queue) Depth(ctx context.Context) (map[string]int, error) {
	rows, err := q.sqlDB.QueryContext(ctx, `SELECT state, COUNT(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled') GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
