package people

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Session is a successful sign-in. Token is shown to the client once; only
// its hash is stored.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	// Lifetime is how long the session lasts from now (the cookie's
	// Max-Age); ExpiresAt is the same instant on the server's clock.
	Lifetime time.Duration `json:"-"`
}

var errBadLogin = errs.E(errs.Unauthenticated, "That email and password do not match an active account.")

// Login checks an email and password and opens a session. Failed attempts
// are limited per account and per client IP; a deactivated account cannot
// sign in, and the answer never says whether an email exists.
func (s *Service) Login(ctx context.Context, email, password, ip string) (Session, Person, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || password == "" {
		return Session{}, Person{}, errs.E(errs.Invalid, "Enter your email and password.")
	}
	if !s.throttle.allowed(email, ip) {
		return Session{}, Person{}, errs.E(errs.RateLimited, "Too many sign-in attempts. Wait a minute, then try again.")
	}
	var row personRow
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&row).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, Person{}, err
	}
	if !s.passwords.Matches(row.PasswordHash, password) || !row.Active {
		s.throttle.failed(email, ip)
		s.logger.InfoContext(ctx, "sign-in refused", "known_account", row.ID != "", "active", row.Active)
		return Session{}, Person{}, errBadLogin
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return Session{}, Person{}, err
	}
	now := s.now().UTC()
	sess := sessionRow{ID: database.NewID(), TokenHash: hash, PersonID: row.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl), LastSeenAt: now}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return Session{}, Person{}, err
	}
	p, err := s.Get(ctx, row.ID)
	if err != nil {
		return Session{}, Person{}, err
	}
	return Session{Token: token, ExpiresAt: sess.ExpiresAt, Lifetime: s.ttl}, p, nil
}

// Logout ends the session a token belongs to. Unknown tokens are ignored.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	hash := auth.HashToken(token)
	err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Delete(&sessionRow{}).Error
	s.sessions.forget(hash)
	return err
}

// Authenticate returns the principal a token belongs to. Expired tokens and
// tokens of deactivated people are refused. An answer is remembered for up
// to SessionCacheTTL (see sessionCache).
func (s *Service) Authenticate(ctx context.Context, token string) (auth.Principal, error) {
	if len(token) < 20 || len(token) > 100 {
		return auth.Principal{}, errs.E(errs.Unauthenticated, "invalid token")
	}
	now := s.now().UTC()
	hash := auth.HashToken(token)
	if p, ok := s.sessions.get(hash, now); ok {
		return p, nil
	}
	gen := s.sessions.generation()
	// One round trip: the session, its person (who must be active) and
	// their roles, one row per role. This runs on every request.
	var rows []struct {
		SessionID  string
		ExpiresAt  time.Time
		LastSeenAt time.Time
		PersonID   string
		Name       string
		Email      string
		Role       *string
	}
	err := s.db.WithContext(ctx).Table("sessions").
		Select("sessions.id AS session_id, sessions.expires_at, sessions.last_seen_at, people.id AS person_id, people.name, people.email, person_roles.role").
		Joins("JOIN people ON people.id = sessions.person_id AND people.active = ?", true).
		Joins("LEFT JOIN person_roles ON person_roles.person_id = people.id").
		Where("sessions.token_hash = ? AND sessions.expires_at > ?", hash, now).
		Scan(&rows).Error
	if err != nil {
		return auth.Principal{}, err
	}
	if len(rows) == 0 {
		return auth.Principal{}, errs.E(errs.Unauthenticated, "invalid token")
	}
	r := rows[0]
	p := auth.Principal{ID: r.PersonID, Name: r.Name, Email: r.Email}
	for _, r := range rows {
		if r.Role != nil {
			p.Roles = append(p.Roles, auth.Role(*r.Role))
		}
	}
	sortRoles(p.Roles)
	// Record activity at most every five minutes, not on every request.
	if now.Sub(r.LastSeenAt) > 5*time.Minute {
		s.db.WithContext(ctx).Model(&sessionRow{}).Where("id = ?", r.SessionID).Update("last_seen_at", now)
	}
	s.sessions.put(gen, hash, p, now, r.ExpiresAt)
	return p, nil
}

// PurgeExpiredSessions deletes sessions past their expiry.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", s.now().UTC()).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}

// throttle limits failed sign-ins: 5 in a burst per account then one a
// minute, 20 in a burst per IP then one every 6 seconds. It uses
// golang.org/x/time/rate token buckets and forgets idle keys.
type throttle struct {
	mu       sync.Mutex
	now      func() time.Time
	accounts map[string]*bucket
	ips      map[string]*bucket
	swept    time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, accounts: map[string]*bucket{}, ips: map[string]*bucket{}}
}

func (t *throttle) get(m map[string]*bucket, key string, every time.Duration, burst int, now time.Time) *bucket {
	b, ok := m[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(every), burst)}
		m[key] = b
	}
	b.seen = now
	return b
}

func (t *throttle) allowed(account, ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	a := t.get(t.accounts, account, time.Minute, 5, now)
	i := t.get(t.ips, ip, 6*time.Second, 20, now)
	return a.lim.TokensAt(now) >= 1 && i.lim.TokensAt(now) >= 1
}

func (t *throttle) failed(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.get(t.accounts, account, time.Minute, 5, now).lim.AllowN(now, 1)
	t.get(t.ips, ip, 6*time.Second, 20, now).lim.AllowN(now, 1)
}

func (t *throttle) sweep(now time.Time) {
	if now.Sub(t.swept) < 10*time.Minute {
		return
	}
	t.swept = now
	for _, m := range []map[string]*bucket{t.accounts, t.ips} {
		for k, b := range m {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(m, k)
			}
		}
	}
}
