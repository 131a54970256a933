package app

import (
	"context"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// The rota's copy of the site list follows every change made through
// contracts at once, and a change made elsewhere (another server process,
// here a direct write) within siteCacheTTL.
func TestRotaSiteListFollowsChanges(t *testing.T) {
	db := dbtest.SQLite(t, Migrations()...)
	ctx := context.Background()
	c := contracts.NewService(contracts.Config{DB: db, Now: time.Now})
	sites := &rotaSites{c: c, now: time.Now}
	cl, err := c.CreateClient(ctx, contracts.ClientInput{LegalName: "Acme Ltd", BillingEmail: "ap@acme.example", BillingAddress: []string{"1 High St"}})
	if err != nil {
		t.Fatal(err)
	}
	names := func() map[string]string {
		t.Helper()
		ss, err := sites.Sites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, s := range ss {
			out[s.ID] = s.ClientName + " / " + s.Name + " / " + s.AccessNotes
		}
		return out
	}
	if len(names()) != 0 {
		t.Fatal("sites before any were made")
	}
	s, err := c.CreateSite(ctx, cl.ID, contracts.SiteInput{Name: "Depot", Address: "2 Low Rd", Postcode: "E1 8JG"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names()[s.ID]; got != "Acme Ltd / Depot / " {
		t.Fatalf("new site: %q", got)
	}
	if _, err := c.SetAccessNotes(ctx, s.ID, "Key safe 1234"); err != nil {
		t.Fatal(err)
	}
	if got := names()[s.ID]; got != "Acme Ltd / Depot / Key safe 1234" {
		t.Fatalf("after access notes: %q", got)
	}
	if _, err := c.UpdateClient(ctx, cl.ID, contracts.ClientInput{LegalName: "Acme Holdings Ltd", BillingEmail: "ap@acme.example", BillingAddress: []string{"1 High St"}}); err != nil {
		t.Fatal(err)
	}
	if got := names()[s.ID]; got != "Acme Holdings Ltd / Depot / Key safe 1234" {
		t.Fatalf("after client rename: %q", got)
	}

	// Written behind contracts' back: seen once the cache time has passed.
	if err := db.Exec("UPDATE sites SET name = 'Main depot' WHERE id = ?", s.ID).Error; err != nil {
		t.Fatal(err)
	}
	sites.mu.Lock()
	sites.loaded = sites.loaded.Add(-siteCacheTTL)
	sites.mu.Unlock()
	if got := names()[s.ID]; got != "Acme Holdings Ltd / Main depot / Key safe 1234" {
		t.Fatalf("after the cache time: %q", got)
	}
}
