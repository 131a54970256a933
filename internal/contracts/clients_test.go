package contracts_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

var migrations = []database.Migrations{people.Migrations, contracts.Migrations}

func newService(db *gorm.DB) *contracts.Service {
	return contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }})
}

func validClient() contracts.ClientInput {
	return contracts.ClientInput{
		LegalName: "Acme Offices Ltd", BillingEmail: "Accounts@Acme.example",
		BillingAddress: []string{"Acme Offices Ltd", " 1 High Street ", "", "London E1 1AA"},
		VATNumber:      "gb 123 4567 89",
	}
}

func TestClientsAndSites(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := newService(db)
		c, err := svc.CreateClient(ctx, validClient())
		if err != nil {
			t.Fatal(err)
		}
		if c.BillingEmail != "accounts@acme.example" || c.VATNumber != "GB 123 4567 89" || len(c.BillingAddress) != 3 || c.PaymentTermsDays != 30 {
			t.Errorf("client not normalised: %+v", c)
		}
		if _, err := svc.CreateClient(ctx, validClient()); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("duplicate legal name: got %v, want conflict", err)
		}
		site, err := svc.CreateSite(ctx, c.ID, contracts.SiteInput{Name: "Head office", Address: "1 High Street, London", Postcode: "e1 1aa"})
		if err != nil {
			t.Fatal(err)
		}
		if site.Postcode != "E1 1AA" || site.ClientName != "Acme Offices Ltd" || site.TimeZone != "Europe/London" {
			t.Errorf("site: %+v", site)
		}
		if _, err := svc.CreateSite(ctx, database.NewID(), contracts.SiteInput{Name: "x", Address: "y", Postcode: "E1 1AA"}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("site for unknown client: %v", err)
		}
		got, err := svc.SetAccessNotes(ctx, site.ID, "Key safe code 1234")
		if err != nil || got.AccessNotes != "Key safe code 1234" {
			t.Fatalf("notes: %+v %v", got, err)
		}
		if _, err := svc.SetAccessNotes(ctx, database.NewID(), "x"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("notes on unknown site: %v", err)
		}
		sites, err := svc.Sites(ctx, "")
		if err != nil || len(sites) != 1 {
			t.Fatalf("sites: %v %v", sites, err)
		}
	})
}

func TestClientValidation(t *testing.T) {
	bad := func(f func(*contracts.ClientInput)) contracts.ClientInput {
		in := validClient()
		f(&in)
		return in
	}
	neg := -1
	for name, in := range map[string]contracts.ClientInput{
		"no name":       bad(func(c *contracts.ClientInput) { c.LegalName = " " }),
		"bad email":     bad(func(c *contracts.ClientInput) { c.BillingEmail = "nope" }),
		"no address":    bad(func(c *contracts.ClientInput) { c.BillingAddress = nil }),
		"bad VAT":       bad(func(c *contracts.ClientInput) { c.VATNumber = "123" }),
		"negative term": bad(func(c *contracts.ClientInput) { c.PaymentTermsDays = &neg }),
	} {
		t.Run(name, func(t *testing.T) {
			dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
				svc := newService(db)
				if _, err := svc.CreateClient(context.Background(), in); errs.CodeOf(err) != errs.Invalid {
					t.Errorf("got %v, want invalid", err)
				}
				if cs, _ := svc.Clients(context.Background()); len(cs) != 0 {
					t.Errorf("a refused client was stored")
				}
			})
		})
	}
}
