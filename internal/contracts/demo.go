package contracts

import (
	"context"
	"fmt"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// DemoSites are the demo clients' sites, by name, for other packages' demo data.
type DemoSites map[string]Site

// SeedDemo adds the demo clients and their London sites.
func (s *Service) SeedDemo(ctx context.Context) (DemoSites, error) {
	thirty, fourteen := 30, 14
	clients := []struct {
		in    ClientInput
		sites []SiteInput
	}{
		{ClientInput{
			LegalName: "Harbour Lane Housing Association", BillingEmail: "accounts@harbourlane.example",
			BillingAddress: []string{"Harbour Lane Housing Association", "3 Dock Street", "London", "E1 8LG"},
			VATNumber:      "GB 287 5521 08", PaymentTermsDays: &thirty, DefaultPONumber: "HLHA-2026-114",
		}, []SiteInput{
			{"Cable Street common parts", "41-63 Cable Street, London", "E1 8HW", "Key safe by the bin store, code from the supervisor. Mop sink is on the ground floor behind the lift."},
			{"Wapping Wall flats", "12 Wapping Wall, London", "E1W 3SG", "Concierge lets you in from 06:00. Sign the book at the desk."},
		}},
		{ClientInput{
			LegalName: "Brightwell Architects LLP", BillingEmail: "finance@brightwell.example",
			BillingAddress: []string{"Brightwell Architects LLP", "Studio 2, 88 Old Street", "London", "EC1V 9HU"},
			VATNumber:      "GB 412 9033 51", PaymentTermsDays: &fourteen,
		}, []SiteInput{
			{"Old Street studio", "Studio 2, 88 Old Street, London", "EC1V 9HU", "Alarm panel left of the door; the code changes monthly. Recycling goes to the basement."},
		}},
		{ClientInput{
			LegalName: "Greenfield Community Centre", BillingEmail: "office@greenfieldcc.example",
			BillingAddress:   []string{"Greenfield Community Centre", "7 Mile End Road", "London", "E1 4TP"},
			PaymentTermsDays: &thirty,
		}, []SiteInput{
			{"Mile End hall", "7 Mile End Road, London", "E1 4TP", "Caretaker Pat opens up. Hall floor is a sprung floor: no wet mopping."},
		}},
	}
	out := DemoSites{}
	for _, c := range clients {
		cl, err := s.CreateClient(ctx, c.in)
		if err != nil {
			return nil, fmt.Errorf("demo client %s: %w", c.in.LegalName, err)
		}
		for _, si := range c.sites {
			site, err := s.CreateSite(ctx, cl.ID, si)
			if err != nil {
				return nil, fmt.Errorf("demo site %s: %w", si.Name, err)
			}
			out[site.Name] = site
		}
	}
	if err := s.seedDemoContracts(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// demoContracts are the demo contracts, one per site, each priced a different way.
var demoContracts = []struct {
	ref, site string
	pricing   Pricing
	price     money.Pence
	notes     string
	schedules []ScheduleInput
}{
	{"HLHA-CS-01", "Cable Street common parts", PerVisit, 4850, "Stairs, landings and bin store, weekday mornings.", []ScheduleInput{
		{Weekdays: []string{"mon", "wed", "fri"}, StartTime: "06:00", EndTime: "08:00", CrewSize: 2, SkipBankHolidays: true},
	}},
	{"HLHA-WW-02", "Wapping Wall flats", PerCleanerHour, 2150, "Common parts and windows; charged per cleaner-hour.", []ScheduleInput{
		{Weekdays: []string{"tue", "thu"}, StartTime: "07:00", EndTime: "10:00", CrewSize: 2, SkipBankHolidays: true},
	}},
	{"BWA-OS-01", "Old Street studio", FixedMonthly, 125000, "Evening office clean, fixed monthly fee.", []ScheduleInput{
		{Weekdays: []string{"mon", "tue", "wed", "thu", "fri"}, StartTime: "18:00", EndTime: "20:00", CrewSize: 1, SkipBankHolidays: true},
	}},
	{"GCC-MH-01", "Mile End hall", PerVisit, 6500, "Hall and kitchen after weekend hire.", []ScheduleInput{
		{Weekdays: []string{"mon"}, StartTime: "08:00", EndTime: "11:00", CrewSize: 3},
		{Kind: OneOff, Description: "Deep clean before the winter fair", StartTime: "09:00", EndTime: "15:00", CrewSize: 3},
	}},
}

// seedDemoContracts adds the contracts and their schedules, generates
// visits from the start of last month to the end of next month, and
// records the past ones: mostly completed, one missed, one cancelled by the
// client with a charge.
func (s *Service) seedDemoContracts(ctx context.Context, sites DemoSites) error {
	today := civil.In(s.now(), civil.London)
	start := civil.D(today.Year, today.Month-2, 1)
	from, to := civil.D(today.Year, today.Month-1, 1), civil.D(today.Year, today.Month+2, 0)
	now := s.now()
	n := 0
	for _, d := range demoContracts {
		site := sites[d.site]
		price := d.price
		ct, err := s.CreateContract(ctx, ContractInput{
			Reference: d.ref, ClientID: site.ClientID, SiteIDs: []string{site.ID}, StartDate: start,
			Pricing: d.pricing, Price: &price, Notes: d.notes, Status: Active,
		})
		if err != nil {
			return fmt.Errorf("demo contract %s: %w", d.ref, err)
		}
		for _, in := range d.schedules {
			if in.Kind == OneOff {
				in.Date = today.AddDays(12)
			}
			if _, err := s.AddSchedule(ctx, ct.ID, in); err != nil {
				return fmt.Errorf("demo schedule for %s: %w", d.ref, err)
			}
		}
		res, err := s.GenerateVisits(ctx, ct.ID, from, to)
		if err != nil {
			return fmt.Errorf("demo visits for %s: %w", d.ref, err)
		}
		for _, v := range res.Created {
			if !v.End.Before(now) {
				continue
			}
			n++
			u := VisitUpdate{Status: VisitCompleted}
			switch n {
			case 7:
				u = VisitUpdate{Status: VisitMissed, Note: "Crew could not get in: key safe code changed"}
			case 19:
				charge := money.Pence(2500)
				u = VisitUpdate{Status: VisitCancelled, CancellationCharge: &charge, Note: "Client closed the building at short notice"}
			}
			if _, err := s.UpdateVisit(ctx, v.ID, u); err != nil {
				return fmt.Errorf("demo visit %s: %w", v.ID, err)
			}
		}
	}
	return s.seedDemoInvoices(ctx, today)
}

// seedDemoInvoices invoices last month and issues three of them — one
// paid, one part paid, one waiting — and leaves one draft; this month's
// invoices are drafts so far.
func (s *Service) seedDemoInvoices(ctx context.Context, today civil.Date) error {
	last := civil.MonthOf(today.AddDays(-today.Day))
	if _, err := s.RunInvoices(ctx, last, nil); err != nil {
		return fmt.Errorf("demo invoice run: %w", err)
	}
	invs, err := s.Invoices(ctx, InvoiceFilter{Period: last.String()})
	if err != nil {
		return err
	}
	for _, inv := range invs {
		var pay money.Pence
		switch inv.ContractReference {
		case "HLHA-CS-01":
			pay = inv.Total
		case "GCC-MH-01":
			pay = inv.Total / 2
		case "BWA-OS-01":
		default:
			continue
		}
		if _, err := s.Issue(ctx, inv.ID); err != nil {
			return fmt.Errorf("demo issue %s: %w", inv.ContractReference, err)
		}
		if pay > 0 {
			if _, err := s.RecordPayment(ctx, inv.ID, PaymentInput{Amount: pay, Method: "bacs", ReceivedOn: today.AddDays(-2), Reference: inv.ContractReference}); err != nil {
				return fmt.Errorf("demo payment %s: %w", inv.ContractReference, err)
			}
		}
	}
	if _, err := s.RunInvoices(ctx, civil.MonthOf(today), nil); err != nil {
		return fmt.Errorf("demo invoice run: %w", err)
	}
	return nil
}
