package app

import (
	"context"
	"sync"
	"time"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/rota"
)

// rotaSites gives the rota the sites it needs from contracts — names,
// addresses and access notes, never prices.
//
// The rota asks for every site on each list of shifts it shows (an
// employee's week, the board), and the list changes a few times a year, so
// it is kept in memory: it is reloaded when contracts reports a change made
// through this process (SitesVersion), and at least every siteCacheTTL in
// case another instance made it.
type rotaSites struct {
	c   *contracts.Service
	now func() time.Time // the application's clock

	mu      sync.Mutex
	sites   []rota.Site
	version uint64
	loaded  time.Time
}

// siteCacheTTL bounds how stale a site name or access note can be when it
// was changed by another server process.
const siteCacheTTL = time.Minute

func rotaSite(s contracts.Site) rota.Site {
	return rota.Site{
		ID: s.ID, Name: s.Name, ClientName: s.ClientName, Address: s.Address, Postcode: s.Postcode,
		AccessNotes: s.AccessNotes, TimeZone: s.TimeZone,
	}
}

func (a *rotaSites) Site(ctx context.Context, id string) (rota.Site, error) {
	s, err := a.c.Site(ctx, id)
	if err != nil {
		return rota.Site{}, err
	}
	return rotaSite(s), nil
}

// Sites returns every site. The slice is shared: callers must not modify it.
func (a *rotaSites) Sites(ctx context.Context) ([]rota.Site, error) {
	v := a.c.SitesVersion()
	a.mu.Lock()
	if a.sites != nil && a.version == v && a.now().Sub(a.loaded) < siteCacheTTL {
		out := a.sites
		a.mu.Unlock()
		return out, nil
	}
	a.mu.Unlock()
	ss, err := a.c.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]rota.Site, len(ss))
	for i, s := range ss {
		out[i] = rotaSite(s)
	}
	a.mu.Lock()
	a.sites, a.version, a.loaded = out, v, a.now()
	a.mu.Unlock()
	return out, nil
}
