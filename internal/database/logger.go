package database

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// quietLogger is GORM's slog logger, except that it formats a statement
// only when it will be logged: a failed statement, a slow one, or every one
// at Info level. GORM's own logger renders the SQL (a regexp pass over the
// statement) on every query before deciding, which was 13% of the CPU of a
// busy "my week" request.
type quietLogger struct {
	logger.Interface
	level  logger.LogLevel
	slow   time.Duration
	params gorm.ParamsFilter // the inner logger's, so parameters stay out of logs
}

func newQuietLogger(inner logger.Interface, cfg logger.Config) logger.Interface {
	q := &quietLogger{Interface: inner, level: cfg.LogLevel, slow: cfg.SlowThreshold}
	q.params, _ = inner.(gorm.ParamsFilter)
	return q
}

func (q *quietLogger) LogMode(level logger.LogLevel) logger.Interface {
	c := *q
	c.Interface = q.Interface.LogMode(level)
	c.level = level
	c.params, _ = c.Interface.(gorm.ParamsFilter)
	return &c
}

// Trace passes a statement to the inner logger only if it would log it.
func (q *quietLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if q.level <= logger.Silent {
		return
	}
	failed := err != nil && !errors.Is(err, logger.ErrRecordNotFound)
	slow := q.slow != 0 && time.Since(begin) > q.slow // wall clock: real elapsed time of the statement
	if failed || slow || q.level >= logger.Info {
		q.Interface.Trace(ctx, begin, fc, err)
	}
}

// ParamsFilter keeps the inner logger's choice to log statements without
// their values (which may be personal data).
func (q *quietLogger) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	if q.params == nil {
		return sql, params
	}
	return q.params.ParamsFilter(ctx, sql, params...)
}
