package app

import (
	"context"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/rota"
)

// rotaSites gives the rota the sites it needs from contracts — names,
// addresses and access notes, never prices.
type rotaSites struct{ c *contracts.Service }

func rotaSite(s contracts.Site) rota.Site {
	return rota.Site{
		ID: s.ID, Name: s.Name, ClientName: s.ClientName, Address: s.Address, Postcode: s.Postcode,
		AccessNotes: s.AccessNotes, TimeZone: s.TimeZone,
	}
}

func (a rotaSites) Site(ctx context.Context, id string) (rota.Site, error) {
	s, err := a.c.Site(ctx, id)
	if err != nil {
		return rota.Site{}, err
	}
	return rotaSite(s), nil
}

func (a rotaSites) Sites(ctx context.Context) ([]rota.Site, error) {
	ss, err := a.c.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]rota.Site, len(ss))
	for i, s := range ss {
		out[i] = rotaSite(s)
	}
	return out, nil
}
