package contracts

import (
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/money"
	"strings"

	"time"
)

type clientRow struct {
	ID               string `gorm:"primaryKey"`
	LegalName        string
	BillingEmail     string
	BillingAddress   string
	VATNumber        string `gorm:"column:vat_number"`
	PaymentTermsDays int
	DefaultPONumber  string `gorm:"column:default_po_number"`
	StripeCustomerID string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (clientRow) TableName() string { return "clients" }

func clientRowFrom(c Client) clientRow {
	return clientRow{
		ID: c.ID, LegalName: c.LegalName, BillingEmail: c.BillingEmail,
		BillingAddress: strings.Join(c.BillingAddress, "\n"), VATNumber: c.VATNumber,
		PaymentTermsDays: c.PaymentTermsDays, DefaultPONumber: c.DefaultPONumber, CreatedAt: c.CreatedAt,
	}
}

func (r clientRow) client() Client {
	return Client{
		ID: r.ID, LegalName: r.LegalName, BillingEmail: r.BillingEmail,
		BillingAddress: strings.Split(r.BillingAddress, "\n"), VATNumber: r.VATNumber,
		PaymentTermsDays: r.PaymentTermsDays, DefaultPONumber: r.DefaultPONumber, CreatedAt: r.CreatedAt,
	}
}

type siteRow struct {
	ID          string `gorm:"primaryKey"`
	ClientID    string
	Name        string
	Address     string
	Postcode    string
	AccessNotes string
	TimeZone    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (siteRow) TableName() string { return "sites" }

type contractRow struct {
	ID        string `gorm:"primaryKey"`
	Reference string
	ClientID  string
	StartDate civil.Date
	EndDate   civil.Date
	Status    string
	Pricing   string
	VATRateBP int64  `gorm:"column:vat_rate_bp"`
	PONumber  string `gorm:"column:po_number"`
	Notes     string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (contractRow) TableName() string { return "contracts" }

func (r contractRow) contract() Contract {
	return Contract{
		ID: r.ID, Reference: r.Reference, ClientID: r.ClientID, StartDate: r.StartDate, EndDate: r.EndDate,
		Status: ContractStatus(r.Status), Pricing: Pricing(r.Pricing), VATRate: money.BasisPoints(r.VATRateBP),
		PONumber: r.PONumber, Notes: r.Notes, Version: r.Version, CreatedAt: r.CreatedAt,
	}
}

type contractSiteRow struct {
	ContractID string `gorm:"primaryKey"`
	SiteID     string `gorm:"primaryKey"`
}

func (contractSiteRow) TableName() string { return "contract_sites" }

type contractPriceRow struct {
	ID            string `gorm:"primaryKey"`
	ContractID    string
	EffectiveFrom civil.Date
	Amount        int64
	CreatedAt     time.Time
}

func (contractPriceRow) TableName() string { return "contract_prices" }

type scheduleRow struct {
	ID               string `gorm:"primaryKey"`
	ContractID       string
	SiteID           string
	Kind             string
	Weekdays         int
	EveryNWeeks      int `gorm:"column:every_n_weeks"`
	StartTime        string
	EndTime          string
	CrewSize         int
	ValidFrom        civil.Date
	ValidTo          civil.Date
	SkipBankHolidays bool
	Description      string
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (scheduleRow) TableName() string { return "visit_schedules" }

func scheduleRowFrom(s Schedule) scheduleRow {
	days := 0
	for i, on := range s.days {
		if on {
			days |= 1 << i
		}
	}
	return scheduleRow{
		ID: s.ID, ContractID: s.ContractID, SiteID: s.SiteID, Kind: string(s.Kind), Weekdays: days,
		EveryNWeeks: s.EveryNWeeks, StartTime: s.start.String(), EndTime: s.end.String(), CrewSize: s.CrewSize,
		ValidFrom: s.ValidFrom, ValidTo: s.ValidTo, SkipBankHolidays: s.SkipBankHolidays, Description: s.Description,
		Version: s.Version,
	}
}

func (r scheduleRow) schedule() Schedule {
	s := Schedule{
		ID: r.ID, ContractID: r.ContractID, SiteID: r.SiteID, Kind: ScheduleKind(r.Kind), EveryNWeeks: r.EveryNWeeks,
		CrewSize: r.CrewSize, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, SkipBankHolidays: r.SkipBankHolidays,
		Description: r.Description, Version: r.Version,
	}
	for i := range s.days {
		s.days[i] = r.Weekdays&(1<<i) != 0
	}
	s.start, _ = ParseClockTime(r.StartTime)
	s.end, _ = ParseClockTime(r.EndTime)
	s.fill()
	return s
}

type visitRow struct {
	ID                 string `gorm:"primaryKey"`
	ContractID         string
	ScheduleID         string
	SiteID             string
	VisitDate          civil.Date
	StartsAt           time.Time
	EndsAt             time.Time
	CrewSize           int
	Status             string
	ActualStart        *time.Time
	ActualEnd          *time.Time
	Crew               string
	CancellationCharge int64
	StatusNote         string
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (visitRow) TableName() string { return "visits" }

func (r visitRow) visit() Visit {
	v := Visit{
		ID: r.ID, ContractID: r.ContractID, ScheduleID: r.ScheduleID, SiteID: r.SiteID, Date: r.VisitDate,
		Start: r.StartsAt.UTC(), End: r.EndsAt.UTC(), CrewSize: r.CrewSize, Status: VisitStatus(r.Status),
		CancellationCharge: money.Pence(r.CancellationCharge), Note: r.StatusNote, Version: r.Version, Crew: []string{},
	}
	v.LocalStart, v.LocalEnd = v.Start.In(civil.London).Format("15:04"), v.End.In(civil.London).Format("15:04")
	if r.ActualStart != nil {
		t := r.ActualStart.UTC()
		v.ActualStart = &t
	}
	if r.ActualEnd != nil {
		t := r.ActualEnd.UTC()
		v.ActualEnd = &t
	}
	if r.Crew != "" {
		v.Crew = strings.Split(r.Crew, ",")
	}
	return v
}

type invoiceRunRow struct {
	ID         string `gorm:"primaryKey"`
	Period     string
	StartedAt  time.Time
	FinishedAt *time.Time
	Contracts  int
	Created    int
	Refreshed  int
	Unchanged  int
	Issued     int
	Removed    int
	Nothing    int `gorm:"column:nothing_to_bill"`
}

func (invoiceRunRow) TableName() string { return "invoice_runs" }

type invoiceRow struct {
	ID                string `gorm:"primaryKey"`
	ContractID        string
	ClientID          string
	Period            string
	State             string
	Number            *string
	Seq               *int64
	InvoiceDate       civil.Date
	TaxPoint          civil.Date
	DueDate           civil.Date
	ContractReference string
	ClientName        string
	ClientAddress     string
	ClientVATNumber   string `gorm:"column:client_vat_number"`
	ClientEmail       string
	PONumber          string `gorm:"column:po_number"`
	PaymentTermsDays  int
	Net               int64
	VAT               int64 `gorm:"column:vat"`
	Total             int64
	Paid              int64
	Credited          int64
	StripeCustomerID  string
	StripeInvoiceID   string
	StripeHostedURL   string `gorm:"column:stripe_hosted_url"`
	StripeSync        string
	StripeError       string
	StripeStatus      string
	Version           int
	IssuedAt          *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (invoiceRow) TableName() string { return "invoices" }

func (r invoiceRow) invoice(today civil.Date) Invoice {
	p, _ := civil.ParseMonth(r.Period)
	inv := Invoice{
		ID: r.ID, Number: derefStr(r.Number), ContractID: r.ContractID, ContractReference: r.ContractReference,
		ClientID: r.ClientID, ClientName: r.ClientName, ClientAddress: strings.Split(r.ClientAddress, "\n"),
		ClientVATNumber: r.ClientVATNumber, ClientEmail: r.ClientEmail, Period: p, State: InvoiceState(r.State),
		InvoiceDate: r.InvoiceDate, TaxPoint: r.TaxPoint, DueDate: r.DueDate, PONumber: r.PONumber,
		PaymentTermsDays: r.PaymentTermsDays, Net: money.Pence(r.Net), VAT: money.Pence(r.VAT), Total: money.Pence(r.Total),
		Paid: money.Pence(r.Paid), Credited: money.Pence(r.Credited), Version: r.Version, Lines: []Line{}, VATGroups: []VATGroup{},
		Stripe: StripeRef{CustomerID: r.StripeCustomerID, InvoiceID: r.StripeInvoiceID, HostedURL: r.StripeHostedURL, Sync: r.StripeSync, Error: r.StripeError, Status: r.StripeStatus},
	}
	if inv.State != StateDraft {
		inv.Outstanding = inv.Total - inv.Credited - inv.Paid
	}
	if r.IssuedAt != nil {
		t := r.IssuedAt.UTC()
		inv.IssuedAt = &t
	}
	inv.Status = inv.statusOn(today)
	return inv
}

type invoiceLineRow struct {
	ID          string `gorm:"primaryKey"`
	InvoiceID   string
	Position    int
	Kind        string
	VisitID     *string
	ServiceDate civil.Date
	Description string
	Quantity    int64
	Unit        string
	UnitPrice   int64
	Net         int64
	VATRateBP   int64 `gorm:"column:vat_rate_bp"`
	CreatedAt   time.Time
}

func (invoiceLineRow) TableName() string { return "invoice_lines" }

func lineRowFrom(invoiceID string, l Line, now time.Time) invoiceLineRow {
	r := invoiceLineRow{
		ID: database.NewID(), InvoiceID: invoiceID, Position: l.Position, Kind: string(l.Kind), ServiceDate: l.ServiceDate,
		Description: l.Description, Quantity: l.Quantity, Unit: l.Unit, UnitPrice: int64(l.UnitPrice), Net: int64(l.Net),
		VATRateBP: int64(l.VATRate), CreatedAt: now,
	}
	if l.VisitID != "" {
		v := l.VisitID
		r.VisitID = &v
	}
	return r
}

func (r invoiceLineRow) line() Line {
	return Line{
		ID: r.ID, Position: r.Position, Kind: LineKind(r.Kind), VisitID: derefStr(r.VisitID), ServiceDate: r.ServiceDate,
		Description: r.Description, Quantity: r.Quantity, Unit: r.Unit, UnitPrice: money.Pence(r.UnitPrice),
		Net: money.Pence(r.Net), VATRate: money.BasisPoints(r.VATRateBP),
	}
}

type creditNoteRow struct {
	ID         string `gorm:"primaryKey"`
	InvoiceID  string
	Number     string
	Seq        int64
	IssueDate  civil.Date
	Reason     string
	FullCredit bool
	Net        int64
	VAT        int64 `gorm:"column:vat"`
	Total      int64
	CreatedAt  time.Time
}

func (creditNoteRow) TableName() string { return "credit_notes" }

type creditNoteLineRow struct {
	ID           string `gorm:"primaryKey"`
	CreditNoteID string
	Position     int
	Description  string
	Net          int64
	VATRateBP    int64 `gorm:"column:vat_rate_bp"`
	VAT          int64 `gorm:"column:vat"`
}

func (creditNoteLineRow) TableName() string { return "credit_note_lines" }

type paymentRow struct {
	ID         string `gorm:"primaryKey"`
	InvoiceID  string
	Amount     int64
	Method     string
	ReceivedOn civil.Date
	Reference  string
	SourceKey  *string
	CreatedAt  time.Time
}

func (paymentRow) TableName() string { return "payments" }

type stripeEventRow struct {
	ID         string `gorm:"primaryKey"`
	Type       string
	InvoiceID  string
	ReceivedAt time.Time
}

func (stripeEventRow) TableName() string { return "stripe_events" }
