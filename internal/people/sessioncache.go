package people

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
)

// SessionCacheTTL is how long a signed-in token is remembered in memory, so
// that the busiest requests (an employee's week, the inbox count) skip the
// session lookup. Signing out, changing a password, deactivating someone or
// changing their roles or name clears it at once in this process; a change
// made through another server process takes effect at once on PostgreSQL
// (ShareRevocations), and within this time if a broadcast is lost.
const SessionCacheTTL = 10 * time.Second

// sessionCacheMax bounds the memory the cache may hold; when full it starts
// again empty (a burst of misses, nothing worse).
const sessionCacheMax = 20_000

type cachedSession struct {
	p     auth.Principal
	until time.Time // the earlier of the session's expiry and now + SessionCacheTTL
}

// sessionCache maps token hashes to the principal they authenticated.
// A lookup that raced with a change (it read the database before the change
// and would store after it) is not stored: gen counts changes, and put is
// given the count from before the lookup.
type sessionCache struct {
	mu  sync.RWMutex
	m   map[string]cachedSession
	gen uint64
	// tell, when set (ShareRevocations), also tells every other server
	// process to drop the same entries: "t:<hash>" or "p:<person id>".
	tell atomic.Pointer[func(msg string)]
}

// generation is read before a database lookup and passed to put.
func (c *sessionCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]cachedSession{}} }

func (c *sessionCache) get(hash string, now time.Time) (auth.Principal, bool) {
	c.mu.RLock()
	e, ok := c.m[hash]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) {
		return auth.Principal{}, false
	}
	p := e.p
	p.Roles = slices.Clone(p.Roles) // callers may not share the cached slice
	return p, true
}

func (c *sessionCache) put(gen uint64, hash string, p auth.Principal, now, expires time.Time) {
	until := now.Add(SessionCacheTTL)
	if expires.Before(until) {
		until = expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.m) >= sessionCacheMax {
		clear(c.m)
	}
	p.Roles = slices.Clone(p.Roles)
	c.m[hash] = cachedSession{p: p, until: until}
}

// forget drops one token (here and, when shared, in every process).
func (c *sessionCache) forget(hash string) {
	c.dropToken(hash)
	c.broadcast("t:" + hash)
}

// forgetPerson drops every token of one person (their details, roles or
// sessions changed), here and, when shared, in every process.
func (c *sessionCache) forgetPerson(id string) {
	c.dropPerson(id)
	c.broadcast("p:" + id)
}

func (c *sessionCache) broadcast(msg string) {
	if tell := c.tell.Load(); tell != nil {
		(*tell)(msg)
	}
}

// dropAll empties the cache (a missed broadcast may have said anything).
func (c *sessionCache) dropAll() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}

func (c *sessionCache) dropToken(hash string) {
	c.mu.Lock()
	c.gen++
	delete(c.m, hash)
	c.mu.Unlock()
}

func (c *sessionCache) dropPerson(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for h, e := range c.m {
		if e.p.ID == id {
			delete(c.m, h)
		}
	}
}
