package contracts_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

func ptr[T any](v T) *T { return &v }

// fixture is a client with one site.
func fixture(t *testing.T, svc *contracts.Service) (contracts.Client, contracts.Site) {
	t.Helper()
	ctx := context.Background()
	in := validClient()
	in.DefaultPONumber = "PO-77"
	c, err := svc.CreateClient(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	site, err := svc.CreateSite(ctx, c.ID, contracts.SiteInput{Name: "Head office", Address: "1 High Street, London", Postcode: "E1 1AA"})
	if err != nil {
		t.Fatal(err)
	}
	return c, site
}

func newContract(t *testing.T, svc *contracts.Service, c contracts.Client, site contracts.Site, pricing contracts.Pricing, price money.Pence) contracts.Contract {
	t.Helper()
	ct, err := svc.CreateContract(context.Background(), contracts.ContractInput{
		Reference: "C-" + string(pricing), ClientID: c.ID, SiteIDs: []string{site.ID}, StartDate: civil.D(2026, 10, 1),
		Pricing: pricing, Price: ptr(price), Status: contracts.Active,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestContractLifecycleAndPriceHistory(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := newService(db)
		c, site := fixture(t, svc)
		ct, err := svc.CreateContract(ctx, contracts.ContractInput{
			Reference: " HL-001 ", ClientID: c.ID, SiteIDs: []string{site.ID, site.ID}, StartDate: civil.D(2026, 10, 1),
			Pricing: contracts.PerVisit, Price: ptr(money.Pence(4500)),
		})
		if err != nil {
			t.Fatal(err)
		}
		if ct.Reference != "HL-001" || ct.Status != contracts.Draft || ct.VATRate != 2000 || ct.PONumber != "PO-77" ||
			len(ct.SiteIDs) != 1 || ct.ClientName != c.LegalName || len(ct.Prices) != 1 {
			t.Errorf("contract: %+v", ct)
		}
		if _, err := svc.CreateContract(ctx, contracts.ContractInput{
			Reference: "HL-001", ClientID: c.ID, SiteIDs: []string{site.ID}, StartDate: civil.D(2026, 10, 1),
			Pricing: contracts.PerVisit, Price: ptr(money.Pence(1)),
		}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("duplicate reference: %v", err)
		}
		if ct, err = svc.AddPrice(ctx, ct.ID, contracts.Price{EffectiveFrom: civil.D(2027, 4, 1), Amount: 4800}); err != nil {
			t.Fatal(err)
		}
		if _, err = svc.AddPrice(ctx, ct.ID, contracts.Price{EffectiveFrom: civil.D(2027, 4, 1), Amount: 1}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("two prices on one date: %v", err)
		}
		if _, err = svc.AddPrice(ctx, ct.ID, contracts.Price{EffectiveFrom: civil.D(2027, 5, 1), Amount: -1}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("negative price: %v", err)
		}
		for d, want := range map[civil.Date]money.Pence{
			civil.D(2026, 10, 1): 4500, civil.D(2027, 3, 31): 4500, civil.D(2027, 4, 1): 4800, civil.D(2030, 1, 1): 4800,
		} {
			if got, ok := ct.PriceOn(d); !ok || got != want {
				t.Errorf("price on %s = %v, want %v", d, got, want)
			}
		}
		if _, ok := ct.PriceOn(civil.D(2026, 9, 30)); ok {
			t.Errorf("a price before the contract started")
		}
		// Status transitions.
		if _, _, err := svc.SetStatus(ctx, ct.ID, contracts.Suspended); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("draft -> suspended: %v", err)
		}
		for _, to := range []contracts.ContractStatus{contracts.Active, contracts.Suspended, contracts.Active, contracts.Ended} {
			if ct, _, err = svc.SetStatus(ctx, ct.ID, to); err != nil || ct.Status != to {
				t.Fatalf("-> %s: %+v %v", to, ct, err)
			}
		}
		if ct.EndDate != civil.D(2026, 11, 2) {
			t.Errorf("ended contract has end date %s, want today", ct.EndDate)
		}
		if _, _, err := svc.SetStatus(ctx, ct.ID, contracts.Active); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("ended -> active: %v", err)
		}
		ct, err = svc.UpdateContract(ctx, ct.ID, contracts.ContractChanges{PONumber: ptr(" PO-99 "), VATRate: ptr(money.BasisPoints(0)), Version: ct.Version})
		if err != nil || ct.PONumber != "PO-99" || ct.VATRate != 0 {
			t.Fatalf("update: %+v %v", ct, err)
		}
		if _, err := svc.UpdateContract(ctx, ct.ID, contracts.ContractChanges{Notes: ptr("x"), Version: 1}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("stale version: %v", err)
		}
		list, err := svc.Contracts(ctx, contracts.ContractFilter{Status: contracts.Ended})
		if err != nil || len(list) != 1 {
			t.Errorf("list: %v %v", list, err)
		}
	})
}

func TestContractValidation(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := newService(db)
		c, site := fixture(t, svc)
		other, err := svc.CreateClient(ctx, contracts.ClientInput{LegalName: "Other Ltd", BillingEmail: "a@b.example", BillingAddress: []string{"x"}})
		if err != nil {
			t.Fatal(err)
		}
		otherSite, err := svc.CreateSite(ctx, other.ID, contracts.SiteInput{Name: "Elsewhere", Address: "2 Road", Postcode: "E2 2AA"})
		if err != nil {
			t.Fatal(err)
		}
		good := func() contracts.ContractInput {
			return contracts.ContractInput{Reference: "R1", ClientID: c.ID, SiteIDs: []string{site.ID}, StartDate: civil.D(2026, 10, 1),
				Pricing: contracts.PerVisit, Price: ptr(money.Pence(100))}
		}
		for name, f := range map[string]func(*contracts.ContractInput){
			"no reference":     func(in *contracts.ContractInput) { in.Reference = "" },
			"unknown client":   func(in *contracts.ContractInput) { in.ClientID = database.NewID() },
			"another's site":   func(in *contracts.ContractInput) { in.SiteIDs = []string{otherSite.ID} },
			"no sites":         func(in *contracts.ContractInput) { in.SiteIDs = nil },
			"bad pricing":      func(in *contracts.ContractInput) { in.Pricing = "per_smile" },
			"negative price":   func(in *contracts.ContractInput) { in.Price = ptr(money.Pence(-5)) },
			"no price":         func(in *contracts.ContractInput) { in.Price = nil },
			"VAT over 100%":    func(in *contracts.ContractInput) { in.VATRate = ptr(money.BasisPoints(10001)) },
			"end before start": func(in *contracts.ContractInput) { in.EndDate = civil.D(2026, 9, 1) },
			"born ended":       func(in *contracts.ContractInput) { in.Status = contracts.Ended },
		} {
			in := good()
			f(&in)
			if _, err := svc.CreateContract(ctx, in); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%s: got %v, want invalid", name, err)
			}
		}
		if cs, _ := svc.Contracts(ctx, contracts.ContractFilter{}); len(cs) != 0 {
			t.Errorf("a refused contract was stored: %v", cs)
		}
	})
}
