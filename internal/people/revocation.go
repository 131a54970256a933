package people

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// Broadcaster carries a message to every server process on the database
// (internal/jobs.Broadcast: PostgreSQL LISTEN/NOTIFY).
type Broadcaster interface {
	Publish(ctx context.Context, tx *gorm.DB, channel, payload string) error
	Subscribe(channel string, fn func(payload string))
}

// RevocationChannel is where sign-outs, deactivations and role, name or
// password changes are announced, so every process drops its cached
// sessions for them at once.
const RevocationChannel = "goodshift_sessions"

// ShareRevocations makes the session cache agree across server processes:
// each revocation here is broadcast, and each broadcast (from any process)
// drops the matching cached entries. Call it while wiring, before listening.
func (s *Service) ShareRevocations(b Broadcaster) {
	b.Subscribe(RevocationChannel, func(msg string) {
		switch {
		case strings.HasPrefix(msg, "t:"):
			s.sessions.dropToken(msg[2:])
		case strings.HasPrefix(msg, "p:"):
			s.sessions.dropPerson(msg[2:])
		default:
			s.sessions.dropAll()
		}
	})
	tell := func(msg string) {
		// After the change committed (every caller revokes after its
		// write). If the broadcast fails, other processes catch up within
		// SessionCacheTTL.
		if err := b.Publish(context.Background(), nil, RevocationChannel, msg); err != nil {
			s.logger.Warn("session revocation not broadcast; other servers follow within the cache time", "error", err.Error())
		}
	}
	s.sessions.tell.Store(&tell)
}
