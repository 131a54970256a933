package contracts_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

var november = civil.Month{Year: 2026, Month: time.November}

// decemberService is the service on 2 December 2026, when November is invoiced.
func decemberService(db *gorm.DB) *contracts.Service {
	return contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }, Org: testOrg()})
}

func testOrg() config.Organisation {
	cfg, _ := config.Load(func(string) string { return "" })
	return cfg.Org
}

// fixedContracts makes n active fixed-monthly contracts at £100.01 + i pence.
func fixedContracts(t *testing.T, svc *contracts.Service, n int) []contracts.Contract {
	t.Helper()
	c, site := fixture(t, svc)
	out := make([]contracts.Contract, n)
	for i := range out {
		ct, err := svc.CreateContract(context.Background(), contracts.ContractInput{
			Reference: fmt.Sprintf("FX-%03d", i), ClientID: c.ID, SiteIDs: []string{site.ID}, StartDate: civil.D(2026, 10, 1),
			Pricing: contracts.FixedMonthly, Price: ptr(money.Pence(10001 + i)), Status: contracts.Active,
		})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = ct
	}
	return out
}

func TestTotalsRoundVATDownOnTheInvoiceTotal(t *testing.T) {
	for _, tc := range []struct {
		nets     []money.Pence
		rate     money.BasisPoints
		vat, tot money.Pence
	}{
		{[]money.Pence{4500, 4500}, 2000, 1800, 10800},
		{[]money.Pence{333, 333, 333}, 2000, 199, 1198}, // 999 × 20% = 199.8 -> 199 (down)
		{[]money.Pence{1}, 2000, 0, 1},
		{[]money.Pence{12345}, 500, 617, 12962}, // 617.25 -> 617
		{[]money.Pence{10000}, 0, 0, 10000},
	} {
		var lines []contracts.Line
		for _, n := range tc.nets {
			lines = append(lines, contracts.Line{Net: n, VATRate: tc.rate})
		}
		_, _, vat, total := contracts.Totals(lines)
		if vat != tc.vat || total != tc.tot {
			t.Errorf("%v at %v: VAT %d total %d, want %d %d", tc.nets, tc.rate, vat, total, tc.vat, tc.tot)
		}
	}
}

func TestInvoiceRun(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := decemberService(db)
		c, site := fixture(t, svc)
		perVisit := newContract(t, svc, c, site, contracts.PerVisit, 4500)
		if _, err := svc.AddPrice(ctx, perVisit.ID, contracts.Price{EffectiveFrom: civil.D(2026, 11, 16), Amount: 4750}); err != nil {
			t.Fatal(err)
		}
		hourly := newContract(t, svc, c, site, contracts.PerCleanerHour, 2150)
		_, err := svc.CreateContract(ctx, contracts.ContractInput{Reference: "FIX", ClientID: c.ID, SiteIDs: []string{site.ID},
			StartDate: civil.D(2026, 11, 11), Pricing: contracts.FixedMonthly, Price: ptr(money.Pence(120000)), Status: contracts.Active})
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range []contracts.Contract{perVisit, hourly} {
			if _, err := svc.AddSchedule(ctx, ct.ID, contracts.ScheduleInput{Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "08:15", CrewSize: 2}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.GenerateVisits(ctx, ct.ID, november.First(), november.Last()); err != nil {
				t.Fatal(err)
			}
		}
		// Mondays 2, 9, 16, 23, 30: complete 2, 9, 16; 23 cancelled with a £20 charge; 30 missed.
		for _, ct := range []contracts.Contract{perVisit, hourly} {
			vs, _ := svc.Visits(ctx, contracts.VisitFilter{ContractID: ct.ID})
			for i, v := range vs {
				u := contracts.VisitUpdate{Status: contracts.VisitCompleted}
				switch i {
				case 3:
					u = contracts.VisitUpdate{Status: contracts.VisitCancelled, CancellationCharge: ptr(money.Pence(2000))}
				case 4:
					u = contracts.VisitUpdate{Status: contracts.VisitMissed}
				}
				if _, err := svc.UpdateVisit(ctx, v.ID, u); err != nil {
					t.Fatal(err)
				}
			}
		}
		sum, err := svc.RunInvoices(ctx, november, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Contracts != 3 || sum.Created != 3 {
			t.Fatalf("first run: %+v", sum)
		}
		invs, _ := svc.Invoices(ctx, contracts.InvoiceFilter{Period: "2026-11"})
		byRef := map[string]contracts.Invoice{}
		for _, inv := range invs {
			byRef[inv.ContractReference], _ = svc.Invoice(ctx, inv.ID)
		}
		// Per visit: 45.00 × 2 (2, 9 Nov) + 47.50 (16 Nov, new price) + 20.00 charge = 157.50; VAT 31.50.
		pv := byRef[perVisit.Reference]
		if pv.Net != 15750 || pv.VAT != 3150 || pv.Total != 18900 || len(pv.Lines) != 4 || pv.Status != "draft" {
			t.Errorf("per visit invoice: net %d vat %d total %d lines %d", pv.Net, pv.VAT, pv.Total, len(pv.Lines))
		}
		// Hourly: 3 visits × 2h15 × 2 cleaners = 810 minutes × £21.50/h = £290.25 + £20 charge = £310.25; VAT £62.05.
		hr := byRef[hourly.Reference]
		if hr.Net != 31025 || hr.VAT != 6205 || hr.Lines[0].QuantityText() != "4.5 h" {
			t.Errorf("hourly invoice: net %d vat %d qty %s", hr.Net, hr.VAT, hr.Lines[0].QuantityText())
		}
		// Fixed: £1,200 × 20/30 days (from 11 Nov) = £800.00.
		fx := byRef["FIX"]
		if fx.Net != 80000 || fx.VAT != 16000 || len(fx.Lines) != 1 {
			t.Errorf("fixed invoice: %+v", fx)
		}
		// A manual line survives a re-run; a second run changes nothing.
		if _, err := svc.AddManualLine(ctx, pv.ID, contracts.ManualLine{Description: "Extra bin store clean", Quantity: 2, UnitPrice: 1250}); err != nil {
			t.Fatal(err)
		}
		again, err := svc.RunInvoices(ctx, november, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 || again.Refreshed != 0 || again.Unchanged != 3 {
			t.Errorf("second run: %+v", again)
		}
		pv, _ = svc.Invoice(ctx, pv.ID)
		if pv.Net != 18250 || len(pv.Lines) != 5 {
			t.Errorf("manual line lost: net %d lines %d", pv.Net, len(pv.Lines))
		}
		// Issue one; then a price correction refreshes only the drafts.
		issued, err := svc.Issue(ctx, pv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if issued.Number != "INV-000001" || issued.InvoiceDate != civil.D(2026, 12, 2) || issued.TaxPoint != civil.D(2026, 12, 2) ||
			issued.DueDate != civil.D(2027, 1, 1) || issued.Status != "issued" || issued.Outstanding != 21900 {
			t.Errorf("issued: %+v", issued)
		}
		if _, err := svc.AddManualLine(ctx, pv.ID, contracts.ManualLine{Description: "x", Quantity: 1, UnitPrice: 1}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("edit an issued invoice: %v", err)
		}
		if _, err := svc.Issue(ctx, pv.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("issue twice: %v", err)
		}
		if _, err := svc.AddPrice(ctx, hourly.ID, contracts.Price{EffectiveFrom: civil.D(2026, 11, 9), Amount: 2200}); err != nil {
			t.Fatal(err)
		}
		third, err := svc.RunInvoices(ctx, november, nil)
		if err != nil {
			t.Fatal(err)
		}
		if third.Issued != 1 || third.Refreshed != 1 || third.Unchanged != 1 {
			t.Errorf("third run: %+v", third)
		}
		after, _ := svc.Invoice(ctx, pv.ID)
		if after.Version != issued.Version || after.Net != issued.Net {
			t.Errorf("the run touched an issued invoice")
		}
		if _, err := svc.RunInvoices(ctx, civil.Month{Year: 1999, Month: 1}, nil); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("bad period: %v", err)
		}
	})
}

func TestConcurrentIssueIsGapFree(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := decemberService(db)
		fixedContracts(t, svc, 50)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{Status: "draft"})
		if len(drafts) != 50 {
			t.Fatalf("%d drafts", len(drafts))
		}
		var wg sync.WaitGroup
		numbers := make([]string, len(drafts))
		errsSeen := make([]error, len(drafts))
		start := make(chan struct{})
		for i, d := range drafts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				inv, err := svc.Issue(ctx, d.ID)
				numbers[i], errsSeen[i] = inv.Number, err
			}()
		}
		// And a second issue of some of the same drafts: only one may win.
		dupes := make([]error, 10)
		for i := range dupes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, dupes[i] = svc.Issue(ctx, drafts[i].ID)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errsSeen {
			if err != nil && errs.CodeOf(err) != errs.Conflict {
				t.Fatalf("issue %d: %v", i, err)
			}
		}
		for _, err := range dupes {
			if err != nil && errs.CodeOf(err) != errs.Conflict {
				t.Fatalf("duplicate issue: %v", err)
			}
		}
		all, _ := svc.Invoices(ctx, contracts.InvoiceFilter{Period: "2026-11"})
		var got []string
		for _, inv := range all {
			if inv.Number == "" {
				t.Errorf("invoice %s was not issued", inv.ContractReference)
			}
			got = append(got, inv.Number)
		}
		sort.Strings(got)
		for i, n := range got {
			if want := contracts.InvoiceNumber(int64(i + 1)); n != want {
				t.Fatalf("numbers %v: position %d is %s, want %s", got, i, n, want)
			}
		}
	})
}

func TestFailedIssueBurnsNoNumber(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := decemberService(db)
		fixedContracts(t, svc, 2)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		boom := errors.New("disk full")
		contracts.SetIssueHook(svc, func(string) error { return boom })
		if _, err := svc.Issue(ctx, drafts[0].ID); !errors.Is(err, boom) {
			t.Fatalf("issue with failing hook: %v", err)
		}
		contracts.SetIssueHook(svc, nil)
		inv, _ := svc.Invoice(ctx, drafts[0].ID)
		if inv.State != contracts.StateDraft || inv.Number != "" {
			t.Fatalf("failed issue left %+v", inv)
		}
		inv, err := svc.Issue(ctx, drafts[1].ID)
		if err != nil || inv.Number != "INV-000001" {
			t.Fatalf("next issue got %q (%v), want INV-000001", inv.Number, err)
		}
	})
}

func TestCreditNotesPaymentsAndAgedDebtors(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		svc := contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return now }})
		fixedContracts(t, svc, 3)
		if _, err := svc.RunInvoices(ctx, november, nil); err != nil {
			t.Fatal(err)
		}
		drafts, _ := svc.Invoices(ctx, contracts.InvoiceFilter{})
		if _, err := svc.Credit(ctx, drafts[0].ID, contracts.CreditRequest{Reason: "x", Full: true}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("credit a draft: %v", err)
		}
		if _, err := svc.RecordPayment(ctx, drafts[0].ID, contracts.PaymentInput{Amount: 100, Method: "bacs"}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("pay a draft: %v", err)
		}
		var issued []contracts.Invoice
		for _, d := range drafts {
			inv, err := svc.Issue(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			issued = append(issued, inv)
		}
		a := issued[0] // £100.01 + VAT £20.00 = £120.01
		if a.Total != 12001 {
			t.Fatalf("total %d", a.Total)
		}
		for name, r := range map[string]contracts.CreditRequest{
			"no reason":     {Full: true},
			"both":          {Reason: "x", Full: true, Amount: ptr(money.Pence(1))},
			"neither":       {Reason: "x"},
			"negative":      {Reason: "x", Amount: ptr(money.Pence(-100))},
			"more than all": {Reason: "x", Amount: ptr(money.Pence(12002))},
		} {
			if _, err := svc.Credit(ctx, a.ID, r); err == nil || errs.CodeOf(err) == errs.Internal {
				t.Errorf("%s: %v", name, err)
			}
		}
		half, err := svc.Credit(ctx, a.ID, contracts.CreditRequest{Reason: "Two visits missed", Amount: ptr(money.Pence(6000))})
		if err != nil {
			t.Fatal(err)
		}
		if half.Number != "CN-000001" || half.VAT != 1000 || half.Net != 5000 || half.Total != 6000 {
			t.Errorf("half credit: %+v", half)
		}
		for name, p := range map[string]contracts.PaymentInput{
			"negative": {Amount: -1, Method: "bacs"},
			"zero":     {Amount: 0, Method: "bacs"},
			"method":   {Amount: 1, Method: "bitcoin"},
			"future":   {Amount: 1, Method: "bacs", ReceivedOn: civil.D(2027, 1, 1)},
			"overpay":  {Amount: 6002, Method: "bacs"},
		} {
			if _, err := svc.RecordPayment(ctx, a.ID, p); err == nil || errs.CodeOf(err) == errs.Internal {
				t.Errorf("payment %s: %v", name, err)
			}
		}
		part, err := svc.RecordPayment(ctx, a.ID, contracts.PaymentInput{Amount: 1, Method: "cheque"})
		if err != nil || part.Status != "partially_paid" || part.Outstanding != 6000 {
			t.Fatalf("part payment: %+v %v", part, err)
		}
		paid, err := svc.RecordPayment(ctx, a.ID, contracts.PaymentInput{Amount: 6000, Method: "bacs", Reference: "HLHA 114"})
		if err != nil || paid.Status != "paid" || paid.Outstanding != 0 {
			t.Fatalf("paid: %+v %v", paid, err)
		}
		full, err := svc.Credit(ctx, issued[1].ID, contracts.CreditRequest{Reason: "Contract cancelled", Full: true})
		if err != nil || full.Number != "CN-000002" || full.Total != issued[1].Total {
			t.Fatalf("full credit: %+v %v", full, err)
		}
		if inv, _ := svc.Invoice(ctx, issued[1].ID); inv.Status != "void" {
			t.Errorf("fully credited invoice is %s", inv.Status)
		}
		// 45 days after the due date (1 January): the third invoice is 31–60 days late.
		now = time.Date(2027, 2, 15, 10, 0, 0, 0, time.UTC)
		ad, err := svc.AgedDebtors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ad.Clients) != 1 || ad.Total.Days31to60 != issued[2].Total || ad.Total.Total != issued[2].Total {
			t.Errorf("aged debtors: %+v", ad)
		}
		if inv, _ := svc.Invoice(ctx, issued[2].ID); inv.Status != "overdue" {
			t.Errorf("unpaid invoice past due is %s", inv.Status)
		}
	})
}
