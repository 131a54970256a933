package contracts

import (
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
