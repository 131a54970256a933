package people

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

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

// Login checks an email and password and opens a session. Attempts are
// limited per account and per client IP (see AccountSignInBurst), counted
// before the password is checked and given back when it is right; a
// deactivated account cannot sign in, and the answer never says whether an
// email exists.
func (s *Service) Login(ctx context.Context, email, password, ip string) (Session, Person, error) {
	impossible := !utf8.ValidString(email) || strings.ContainsRune(email, 0) // checked before ToLower hides bad bytes
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || password == "" {
		return Session{}, Person{}, errs.E(errs.Invalid, "Enter your email and password.")
	}
	if impossible || len(email) > maxEmailLength {
		return Session{}, Person{}, errBadLogin // no account has such an email: nothing to guess
	}
	if err := s.takeSignInTokens(ctx, email, ip); err != nil {
		if errs.CodeOf(err) == errs.RateLimited {
			s.logger.InfoContext(ctx, "sign-in limited")
		}
		return Session{}, Person{}, err
	}
	var row personRow
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&row).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, Person{}, err
	}
	if !s.passwords.Matches(row.PasswordHash, password) || !row.Active {
		s.logger.InfoContext(ctx, "sign-in refused", "known_account", row.ID != "", "active", row.Active)
		return Session{}, Person{}, errBadLogin
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return Session{}, Person{}, err
	}
	now := s.now().UTC()
	sess := sessionRow{ID: database.NewID(), TokenHash: hash, PersonID: row.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl), LastSeenAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := refundSignInTokens(tx, email, ip); err != nil {
			return err
		}
		return tx.Create(&sess).Error
	})
	if err != nil {
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

// PurgeExpiredSessions deletes sessions past their expiry, and sign-in
// limit rows that no longer limit anything (PurgeSignInAttempts). The
// count is of sessions.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", s.now().UTC()).Delete(&sessionRow{})
	if res.Error != nil {
		return 0, res.Error
	}
	if _, err := s.PurgeSignInAttempts(ctx); err != nil {
		return res.RowsAffected, err
	}
	return res.RowsAffected, nil
}

// Sign-in limits. Every attempt takes a token from the account's bucket
// (the lower-cased email, whether or not it has an account) and from the
// client address's bucket before the password is looked at; a successful
// sign-in gives both back, so only wrong guesses use them up. The buckets
// live in the database (signin_attempts), so any number of server
// processes together allow no more guesses than one.
const (
	AccountSignInBurst = 5               // guesses at one account in a burst
	AccountSignInEvery = time.Minute     // then one more each
	IPSignInBurst      = 20              // guesses from one address in a burst
	IPSignInEvery      = 6 * time.Second // then one more each
)

var errTooManySignIns = errs.E(errs.RateLimited, "Too many sign-in attempts. Wait a minute, then try again.")

type signInBucket struct {
	kind, subject string
	every         time.Duration
	burst         int
}

func signInBuckets(email, ip string) []signInBucket {
	// Always account first, then address: two sign-ins lock rows in the
	// same order, so they cannot deadlock on PostgreSQL.
	return []signInBucket{
		{"account", email, AccountSignInEvery, AccountSignInBurst},
		{"ip", ip, IPSignInEvery, IPSignInBurst},
	}
}

// takeSignInTokens takes one token from each bucket, or none: it answers
// errTooManySignIns when either is empty. Each take is one conditional
// upsert, atomic on both databases (PostgreSQL locks the row; SQLite's
// writers are serialised), so concurrent attempts cannot share a token.
func (s *Service) takeSignInTokens(ctx context.Context, email, ip string) error {
	now := s.now().UTC().UnixMilli()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, b := range signInBuckets(email, ip) {
			every := b.every.Milliseconds()
			var got []int64
			err := tx.Raw(`INSERT INTO signin_attempts (kind, subject, full_at) VALUES (?, ?, ?)
ON CONFLICT (kind, subject) DO UPDATE
SET full_at = (CASE WHEN signin_attempts.full_at > ? THEN signin_attempts.full_at ELSE ? END) + ?
WHERE signin_attempts.full_at <= ?
RETURNING full_at`,
				b.kind, b.subject, now+every, now, now, every, now+int64(b.burst-1)*every).Scan(&got).Error
			if err != nil {
				return err
			}
			if len(got) == 0 {
				return errTooManySignIns // rolls back a token taken from the bucket before
			}
		}
		return nil
	})
}

// refundSignInTokens gives back the tokens a successful sign-in took, in
// the transaction that opens its session.
func refundSignInTokens(tx *gorm.DB, email, ip string) error {
	for _, b := range signInBuckets(email, ip) {
		err := tx.Exec("UPDATE signin_attempts SET full_at = full_at - ? WHERE kind = ? AND subject = ?",
			b.every.Milliseconds(), b.kind, b.subject).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// PurgeSignInAttempts deletes the sign-in buckets that are full again
// (the same as having none). PurgeExpiredSessions calls it.
func (s *Service) PurgeSignInAttempts(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM signin_attempts WHERE full_at <= ?", s.now().UTC().UnixMilli())
	return res.RowsAffected, res.Error
}
