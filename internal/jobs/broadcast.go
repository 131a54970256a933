package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
	"gorm.io/gorm"
)

// Broadcast carries short messages to every server process on one
// PostgreSQL database (LISTEN/NOTIFY): caches drop an entry the moment
// another process changes it. A NOTIFY sent inside a transaction is
// delivered when it commits, never if it rolls back. SQLite is one process
// by nature and needs none.
//
// Subscribers must treat an empty payload as "anything may have changed":
// it is delivered on every (re)connection, because notifications sent while
// the listener was not connected are lost.
type Broadcast struct {
	db     *gorm.DB
	url    string
	logger *slog.Logger

	mu   sync.Mutex
	subs map[string][]func(payload string)
}

// NewBroadcast publishes through db and listens on its own connection to url.
func NewBroadcast(db *gorm.DB, url string, logger *slog.Logger) *Broadcast {
	return &Broadcast{db: db, url: url, logger: quiet(logger), subs: map[string][]func(string){}}
}

// Subscribe calls fn with each payload sent on channel (from any process,
// this one included). Subscribe before Listen.
func (b *Broadcast) Subscribe(channel string, fn func(payload string)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[channel] = append(b.subs[channel], fn)
}

// Publish sends payload to every process listening on channel. With tx a
// GORM transaction, it is delivered when that commits.
func (b *Broadcast) Publish(ctx context.Context, tx *gorm.DB, channel, payload string) error {
	if tx == nil {
		tx = b.db
	}
	return tx.WithContext(ctx).Exec("SELECT pg_notify(?, ?)", channel, payload).Error
}

// Listen runs until ctx ends, reconnecting (after a second) when the
// connection drops.
func (b *Broadcast) Listen(ctx context.Context) {
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, b.url) },
		LogError: func(ctx context.Context, err error) {
			b.logger.WarnContext(ctx, "broadcast listener", "error", err.Error())
		},
		ReconnectDelay: time.Second,
	}
	b.mu.Lock()
	for ch, fns := range b.subs {
		l.Handle(ch, handler(fns))
	}
	b.mu.Unlock()
	_ = l.Listen(ctx)
}

type handler []func(string)

func (h handler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	for _, fn := range h {
		fn(n.Payload)
	}
	return nil
}

// HandleBacklog runs on every (re)connection: whatever was sent while the
// listener was away is unknown, so subscribers hear "anything".
func (h handler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	for _, fn := range h {
		fn("")
	}
	return nil
}
