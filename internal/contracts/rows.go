package contracts

import (
	"github.com/goodshift/goodshift/internal/civil"
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
