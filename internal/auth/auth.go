// Package auth holds who is asking (Principal and Role), what they may do
// (the Policy: role × action, default deny), and the secrets that prove it
// (password hashes and opaque session tokens).
//
// It has no HTTP and no storage: internal/people authenticates and stores
// sessions, internal/web enforces the policy on every route.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a person does in the enterprise. A person may hold several.
type Role string

const (
	Employee      Role = "employee"
	Supervisor    Role = "supervisor"
	SupportWorker Role = "support_worker"
	Finance       Role = "finance"
	Admin         Role = "admin"
)

// Roles is every role, in display order.
var Roles = []Role{Employee, Supervisor, SupportWorker, Finance, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the role in plain words.
func (r Role) Label() string {
	switch r {
	case SupportWorker:
		return "Support worker"
	case Employee:
		return "Employee"
	case Supervisor:
		return "Supervisor"
	case Finance:
		return "Finance"
	case Admin:
		return "Admin"
	}
	return string(r)
}

// Principal is the signed-in person making a request.
type Principal struct {
	ID    string
	Name  string
	Email string
	Roles []Role
}

// Has reports whether the principal holds role r.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// HasAny reports whether the principal holds any of roles.
func (p Principal) HasAny(roles ...Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// IsSelf reports whether id is the principal's own person (and employee) ID.
func (p Principal) IsSelf(id string) bool { return p.ID != "" && p.ID == id }

type principalKey struct{}

// WithPrincipal stores p in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.ID != ""
}

// Passwords hashes and checks passwords with bcrypt (golang.org/x/crypto),
// chosen over argon2id because its hash string carries its own cost and salt
// and its memory use is small and fixed, which suits a 2-core server that
// also runs PDF batches.
type Passwords struct {
	Cost int // bcrypt cost; 0 means bcrypt.DefaultCost+2 (12)
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword explains what a password needs.
var ErrWeakPassword = fmt.Errorf("a password needs at least %d characters and at most 72 bytes", MinPasswordLength)

// CheckStrength reports whether pw is acceptable.
func CheckStrength(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength || len(pw) > 72 {
		return ErrWeakPassword
	}
	return nil
}

// Hash returns a bcrypt hash of pw.
func (p Passwords) Hash(pw string) (string, error) {
	if err := CheckStrength(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), p.cost())
	return string(h), err
}

func (p Passwords) cost() int {
	if p.Cost == 0 {
		return bcrypt.DefaultCost + 2
	}
	return p.Cost
}

// dummyHashes holds, per cost, a hash that is compared against when an email
// is unknown, so a failed sign-in takes as long whether or not the account
// exists.
var dummyHashes sync.Map

func (p Passwords) dummyHash() []byte {
	if h, ok := dummyHashes.Load(p.cost()); ok {
		return h.([]byte)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte(RandomSecret(12)), p.cost())
	dummyHashes.Store(p.cost(), h)
	return h
}

// Matches reports whether pw matches hash. An empty hash never matches but
// costs the same time as a real comparison.
func (p Passwords) Matches(hash, pw string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(p.dummyHash(), []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// NewToken returns a random opaque token for a client and the hash to store.
// Only the hash is ever written to the database.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is how a presented token is looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomSecret returns n random bytes as URL-safe text, for calendar feed
// secrets and temporary passwords.
func RandomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("auth: crypto/rand failed: " + err.Error()))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
