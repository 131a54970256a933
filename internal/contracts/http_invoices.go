package contracts

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) invoiceRoutes(api web.Routes) {
	api.POST("/invoice-runs", auth.InvoicesWrite, web.JSON(h.runInvoices))
	api.GET("/invoice-runs", auth.InvoicesRead, web.NoBody(h.listRuns))
	api.GET("/invoices", auth.InvoicesRead, web.NoBody(h.listInvoices))
	api.GET("/invoices/:id", auth.InvoicesRead, web.NoBody(h.getInvoice)) // also :id.pdf
	api.POST("/invoices/:id/issue", auth.InvoicesWrite, web.NoBody(h.issueInvoice))
	api.POST("/invoices/:id/lines", auth.InvoicesWrite, web.JSON(h.addLine).Created())
	api.DELETE("/invoices/:id/lines/:line", auth.InvoicesWrite, web.NoBody(h.removeLine))
	api.GET("/invoices/:id/payments", auth.InvoicesRead, web.NoBody(h.listPayments))
	api.POST("/invoices/:id/payments", auth.InvoicesWrite, web.JSON(h.recordPayment).Created())
	api.GET("/invoices/:id/credit-notes", auth.InvoicesRead, web.NoBody(h.listCreditNotes))
	api.POST("/invoices/:id/credit-notes", auth.InvoicesWrite, web.JSON(h.creditInvoice).Created())
	api.GET("/credit-notes/:id", auth.InvoicesRead, web.NoBody(h.getCreditNote)) // also :id.pdf
	api.GET("/reports/aged-debtors", auth.InvoicesRead, web.NoBody(h.agedDebtors))
	api.GET("/reports/aged-debtors.csv", auth.InvoicesRead, h.agedDebtorsCSV)
}

type runRequest struct {
	Period civil.Month `json:"period"`
}

func (h *Handler) runInvoices(c *gin.Context, in runRequest) (RunSummary, error) {
	if in.Period.Year == 0 {
		return RunSummary{}, errs.Fields(errs.FieldError{Field: "period", Message: "is required, a month like 2026-11"})
	}
	return h.svc.RunInvoices(c.Request.Context(), in.Period, nil)
}

func (h *Handler) listRuns(c *gin.Context) (web.List[RunSummary], error) {
	runs, err := h.svc.InvoiceRuns(c.Request.Context(), 50)
	return web.Items(runs), err
}

func invoiceFilter(c *gin.Context) (InvoiceFilter, error) {
	f := InvoiceFilter{Period: c.Query("period"), ClientID: c.Query("client"), Status: c.Query("status")}
	if f.Period != "" {
		if _, err := civil.ParseMonth(f.Period); err != nil {
			return f, errs.Fields(errs.FieldError{Field: "period", Message: err.Error()})
		}
	}
	switch f.Status {
	case "", StatusDraft, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusOverdue, StatusVoid:
	default:
		return f, errs.Fields(errs.FieldError{Field: "status", Message: "must be draft, issued, partially_paid, paid, overdue or void"})
	}
	return f, nil
}

func (h *Handler) listInvoices(c *gin.Context) (web.List[Invoice], error) {
	f, err := invoiceFilter(c)
	if err != nil {
		return web.List[Invoice]{}, err
	}
	invs, err := h.svc.Invoices(c.Request.Context(), f)
	return web.Items(invs), err
}

// idParam reads an ID path parameter that may end in ".pdf".
func idParam(c *gin.Context, what string) (id string, pdf bool, err error) {
	raw := c.Param("id")
	if strings.HasSuffix(raw, ".pdf") {
		raw, pdf = strings.TrimSuffix(raw, ".pdf"), true
	}
	c.Params = append(gin.Params{{Key: "_id", Value: raw}}, c.Params...)
	id, err = web.PathID(c, "_id", what)
	return id, pdf, err
}

// InvoiceWithSends is the invoice as GET /invoices/:id answers it: with
// every email its client was sent.
type InvoiceWithSends struct {
	Invoice
	Sends []InvoiceSend `json:"sends"`
}

// getInvoice answers JSON, or the PDF for /invoices/:id.pdf (written by
// invoicePDF itself).
func (h *Handler) getInvoice(c *gin.Context) (InvoiceWithSends, error) {
	id, pdf, err := idParam(c, "invoice")
	if err != nil {
		return InvoiceWithSends{}, err
	}
	if pdf {
		h.invoicePDF(c, id)
		return InvoiceWithSends{}, nil
	}
	inv, err := h.svc.Invoice(c.Request.Context(), id)
	if err != nil {
		return InvoiceWithSends{}, err
	}
	sends, err := h.svc.InvoiceSends(c.Request.Context(), id)
	return InvoiceWithSends{Invoice: inv, Sends: sends}, err
}

func (h *Handler) issueInvoice(c *gin.Context) (Invoice, error) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		return Invoice{}, err
	}
	return h.svc.Issue(c.Request.Context(), id)
}

func (h *Handler) addLine(c *gin.Context, in ManualLine) (Invoice, error) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		return Invoice{}, err
	}
	return h.svc.AddManualLine(c.Request.Context(), id, in)
}

func (h *Handler) removeLine(c *gin.Context) (Invoice, error) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		return Invoice{}, err
	}
	line, err := web.PathID(c, "line", "invoice line")
	if err != nil {
		return Invoice{}, err
	}
	return h.svc.RemoveManualLine(c.Request.Context(), id, line)
}

func (h *Handler) listPayments(c *gin.Context) (web.List[Payment], error) {
	id, err := web.PathID(c, "id", "invoice")
	if err == nil {
		_, err = h.svc.Invoice(c.Request.Context(), id)
	}
	if err != nil {
		return web.List[Payment]{}, err
	}
	ps, err := h.svc.Payments(c.Request.Context(), id)
	return web.Items(ps), err
}

func (h *Handler) recordPayment(c *gin.Context, in PaymentInput) (Invoice, error) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		return Invoice{}, err
	}
	return h.svc.RecordPayment(c.Request.Context(), id, in)
}

func (h *Handler) listCreditNotes(c *gin.Context) (web.List[CreditNote], error) {
	id, err := web.PathID(c, "id", "invoice")
	if err == nil {
		_, err = h.svc.Invoice(c.Request.Context(), id)
	}
	if err != nil {
		return web.List[CreditNote]{}, err
	}
	ns, err := h.svc.CreditNotes(c.Request.Context(), id)
	return web.Items(ns), err
}

func (h *Handler) creditInvoice(c *gin.Context, in CreditRequest) (CreditNote, error) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		return CreditNote{}, err
	}
	return h.svc.Credit(c.Request.Context(), id, in)
}

// getCreditNote answers JSON, or the PDF for /credit-notes/:id.pdf.
func (h *Handler) getCreditNote(c *gin.Context) (CreditNote, error) {
	id, pdf, err := idParam(c, "credit note")
	if err != nil {
		return CreditNote{}, err
	}
	if pdf {
		h.creditNotePDF(c, id)
		return CreditNote{}, nil
	}
	return h.svc.CreditNote(c.Request.Context(), id)
}

func (h *Handler) agedDebtors(c *gin.Context) (AgedDebtors, error) {
	return h.svc.AgedDebtors(c.Request.Context())
}

func (h *Handler) agedDebtorsCSV(c *gin.Context) {
	ad, err := h.svc.AgedDebtors(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="aged-debtors-`+ad.AsOf.String()+`.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"client", "current", "1-30 days", "31-60 days", "61-90 days", "over 90 days", "total"})
	row := func(name string, d DebtorLine) {
		_ = w.Write([]string{csvSafe(name), d.Current.Decimal(), d.Days1to30.Decimal(), d.Days31to60.Decimal(),
			d.Days61to90.Decimal(), d.Over90.Decimal(), d.Total.Decimal()})
	}
	for _, d := range ad.Clients {
		row(d.ClientName, d)
	}
	row("Total", ad.Total)
	w.Flush()
}

// csvSafe stops a spreadsheet from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
