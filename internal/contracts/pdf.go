package contracts

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/pdfdoc"
	"github.com/goodshift/goodshift/internal/web"
)

const dateLayout = "2 January 2006"

func orgLines(org config.Organisation) []string {
	lines := append([]string{org.Name}, org.Address...)
	if org.VATNumber != "" {
		lines = append(lines, "VAT registration number: "+org.VATNumber)
	}
	if org.CompanyNumber != "" {
		lines = append(lines, "Company number: "+org.CompanyNumber)
	}
	if org.Email != "" || org.Phone != "" {
		lines = append(lines, org.Email+"  "+org.Phone)
	}
	return lines
}

func footer(org config.Organisation) string {
	return fmt.Sprintf("%s · Company %s · VAT %s", org.Name, org.CompanyNumber, org.VATNumber)
}

// vatLabel shows a rate as HMRC asks: zero-rated lines say so.
func vatLabel(r money.BasisPoints) string {
	if r == 0 {
		return "0% (zero-rated)"
	}
	return r.String()
}

// InvoicePDF prints an invoice with every field of an HMRC full VAT
// invoice: a unique sequential number, the supplier's name, address and VAT
// number, the invoice date and tax point, the customer's name and address,
// each service with its quantity, unit price excluding VAT and VAT rate,
// the total excluding VAT, the VAT and the total. The same invoice always
// gives the same bytes. A draft says clearly that it is not an invoice.
func InvoicePDF(inv Invoice, org config.Organisation) ([]byte, error) {
	created := inv.Period.Last().Time(time.UTC)
	if inv.IssuedAt != nil {
		created = *inv.IssuedAt
	}
	title := "VAT invoice " + inv.Number
	if inv.State == StateDraft {
		title = "DRAFT invoice – not a VAT invoice"
	}
	d := pdfdoc.New(pdfdoc.Meta{Title: title, Author: org.Name, Footer: footer(org), Created: created})
	d.Title(title)
	var right []pdfdoc.Field
	if inv.Number != "" {
		right = append(right, pdfdoc.Field{Label: "Invoice number", Value: inv.Number})
	}
	if !inv.InvoiceDate.IsZero() {
		right = append(right, pdfdoc.Field{Label: "Invoice date", Value: inv.InvoiceDate.Format(dateLayout)})
		right = append(right, pdfdoc.Field{Label: "Tax point", Value: inv.TaxPoint.Format(dateLayout)})
		right = append(right, pdfdoc.Field{Label: "Due date", Value: inv.DueDate.Format(dateLayout)})
	}
	right = append(right, pdfdoc.Field{Label: "Period", Value: inv.Period.First().Format("January 2006")})
	right = append(right, pdfdoc.Field{Label: "Contract", Value: inv.ContractReference})
	if inv.PONumber != "" {
		right = append(right, pdfdoc.Field{Label: "PO number", Value: inv.PONumber})
	}
	d.Blocks("From", orgLines(org), right)
	to := append([]string{}, inv.ClientAddress...)
	if len(to) == 0 || to[0] != inv.ClientName {
		to = append([]string{inv.ClientName}, to...)
	}
	if inv.ClientVATNumber != "" {
		to = append(to, "VAT number: "+inv.ClientVATNumber)
	}
	d.Blocks("Bill to", to, nil)
	t := pdfdoc.Table{Columns: []pdfdoc.Column{
		{Title: "Date", Width: 0.14}, {Title: "Description", Width: 0.38}, {Title: "Qty", Width: 0.08, Align: "R"},
		{Title: "Unit price", Width: 0.14, Align: "R"}, {Title: "VAT rate", Width: 0.12, Align: "R"},
		{Title: "Net", Width: 0.14, Align: "R"},
	}}
	for _, l := range inv.Lines {
		unit := l.UnitPrice.String()
		if l.Unit == "minute" {
			unit += " /h"
		}
		t.Rows = append(t.Rows, []string{l.ServiceDate.Format("02/01/2006"), l.Description, l.QuantityText(), unit, vatLabel(l.VATRate), l.Net.String()})
	}
	t.Foot = append(t.Foot, []string{"", "Total excluding VAT", "", "", "", inv.Net.String()})
	for _, g := range inv.VATGroups {
		t.Foot = append(t.Foot, []string{"", "VAT at " + vatLabel(g.Rate) + " on " + g.Net.String(), "", "", "", g.VAT.String()})
	}
	t.Foot = append(t.Foot, []string{"", "Total VAT", "", "", "", inv.VAT.String()})
	t.Foot = append(t.Foot, []string{"", "Total (GBP)", "", "", "", inv.Total.String()})
	d.Table(t)
	d.Text("Unit prices and net amounts exclude VAT. Hours are cleaner-hours; an hourly price is per hour.")
	if inv.Credited > 0 || inv.Paid > 0 {
		d.Fields([]pdfdoc.Field{
			{Label: "Credited", Value: inv.Credited.String()},
			{Label: "Paid", Value: inv.Paid.String()},
			{Label: "Amount due", Value: inv.Outstanding.String()},
		})
	}
	d.Heading("How to pay")
	ref := inv.Number
	if ref == "" {
		ref = inv.ContractReference
	}
	d.Fields([]pdfdoc.Field{
		{Label: "Payment terms", Value: fmt.Sprintf("%d days from the invoice date", inv.PaymentTermsDays)},
		{Label: "Bank", Value: org.BankName},
		{Label: "Account name", Value: org.BankAccount},
		{Label: "Sort code", Value: org.SortCode},
		{Label: "Account number", Value: org.AccountNumber},
		{Label: "Reference", Value: ref},
	})
	if inv.Stripe.HostedURL != "" {
		d.Text("Or pay online: " + inv.Stripe.HostedURL)
	}
	d.Space(3)
	d.Text("We may charge statutory interest and compensation on late payments under the Late Payment of Commercial Debts (Interest) Act 1998.")
	return d.Bytes()
}

// CreditNotePDF prints a credit note: its own number, the invoice it
// corrects, the reason, and the amounts credited by VAT rate.
func CreditNotePDF(cn CreditNote, inv Invoice, org config.Organisation) ([]byte, error) {
	d := pdfdoc.New(pdfdoc.Meta{Title: "Credit note " + cn.Number, Author: org.Name, Footer: footer(org), Created: cn.IssueDate.Time(time.UTC)})
	d.Title("Credit note " + cn.Number)
	right := []pdfdoc.Field{
		{Label: "Credit note number", Value: cn.Number},
		{Label: "Credit note date", Value: cn.IssueDate.Format(dateLayout)},
		{Label: "Against invoice", Value: cn.InvoiceNumber},
		{Label: "Invoice date", Value: inv.InvoiceDate.Format(dateLayout)},
	}
	if inv.PONumber != "" {
		right = append(right, pdfdoc.Field{Label: "PO number", Value: inv.PONumber})
	}
	d.Blocks("From", orgLines(org), right)
	to := append([]string{}, inv.ClientAddress...)
	if inv.ClientVATNumber != "" {
		to = append(to, "VAT number: "+inv.ClientVATNumber)
	}
	d.Blocks("To", to, nil)
	d.Fields([]pdfdoc.Field{{Label: "Reason", Value: cn.Reason}})
	d.Space(2)
	t := pdfdoc.Table{Columns: []pdfdoc.Column{
		{Title: "Description", Width: 0.52}, {Title: "Net", Width: 0.16, Align: "R"},
		{Title: "VAT rate", Width: 0.14, Align: "R"}, {Title: "VAT", Width: 0.18, Align: "R"},
	}}
	for _, l := range cn.Lines {
		t.Rows = append(t.Rows, []string{l.Description, l.Net.String(), vatLabel(l.VATRate), l.VAT.String()})
	}
	t.Foot = [][]string{
		{"Total excluding VAT", cn.Net.String(), "", ""},
		{"Total VAT", "", "", cn.VAT.String()},
		{"Total credited (GBP)", "", "", cn.Total.String()},
	}
	d.Table(t)
	return d.Bytes()
}

func (h *Handler) invoicePDF(c *gin.Context, id string) {
	inv, err := h.svc.Invoice(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	b, err := InvoicePDF(inv, h.svc.org)
	if err != nil {
		web.Fail(c, err)
		return
	}
	name := inv.Number
	if name == "" {
		name = "draft-" + inv.ContractReference + "-" + inv.Period.String()
	}
	sendPDF(c, name, b)
}

func (h *Handler) creditNotePDF(c *gin.Context, id string) {
	ctx := c.Request.Context()
	b, name, err := h.svc.CreditNotePDF(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	sendPDF(c, name, b)
}

// CreditNotePDF prints a stored credit note.
func (s *Service) CreditNotePDF(ctx context.Context, id string) ([]byte, string, error) {
	cn, err := s.CreditNote(ctx, id)
	if err != nil {
		return nil, "", err
	}
	inv, err := s.Invoice(ctx, cn.InvoiceID)
	if err != nil {
		return nil, "", err
	}
	b, err := CreditNotePDF(cn, inv, s.org)
	return b, cn.Number, err
}

func sendPDF(c *gin.Context, name string, b []byte) {
	c.Header("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", b)
}
