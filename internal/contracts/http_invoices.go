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
	api.POST("/invoice-runs", auth.InvoicesWrite, h.runInvoices)
	api.GET("/invoice-runs", auth.InvoicesRead, h.listRuns)
	api.GET("/invoices", auth.InvoicesRead, h.listInvoices)
	api.GET("/invoices/:id", auth.InvoicesRead, h.getInvoice) // also :id.pdf
	api.POST("/invoices/:id/issue", auth.InvoicesWrite, h.issueInvoice)
	api.POST("/invoices/:id/lines", auth.InvoicesWrite, h.addLine)
	api.DELETE("/invoices/:id/lines/:line", auth.InvoicesWrite, h.removeLine)
	api.GET("/invoices/:id/payments", auth.InvoicesRead, h.listPayments)
	api.POST("/invoices/:id/payments", auth.InvoicesWrite, h.recordPayment)
	api.GET("/invoices/:id/credit-notes", auth.InvoicesRead, h.listCreditNotes)
	api.POST("/invoices/:id/credit-notes", auth.InvoicesWrite, h.creditInvoice)
	api.GET("/credit-notes/:id", auth.InvoicesRead, h.getCreditNote) // also :id.pdf
	api.GET("/reports/aged-debtors", auth.InvoicesRead, h.agedDebtors)
	api.GET("/reports/aged-debtors.csv", auth.InvoicesRead, h.agedDebtorsCSV)
}

type runRequest struct {
	Period civil.Month `json:"period"`
}

func (h *Handler) runInvoices(c *gin.Context) {
	var in runRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	if in.Period.Year == 0 {
		web.Fail(c, errs.Fields(errs.FieldError{Field: "period", Message: "is required, a month like 2026-11"}))
		return
	}
	sum, err := h.svc.RunInvoices(c.Request.Context(), in.Period, nil)
	respond(c, http.StatusOK, sum, err)
}

func (h *Handler) listRuns(c *gin.Context) {
	runs, err := h.svc.InvoiceRuns(c.Request.Context(), 50)
	respond(c, http.StatusOK, web.Items(runs), err)
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

func (h *Handler) listInvoices(c *gin.Context) {
	f, err := invoiceFilter(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	invs, err := h.svc.Invoices(c.Request.Context(), f)
	respond(c, http.StatusOK, web.Items(invs), err)
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

func (h *Handler) getInvoice(c *gin.Context) {
	id, pdf, err := idParam(c, "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if pdf {
		h.invoicePDF(c, id)
		return
	}
	inv, err := h.svc.Invoice(c.Request.Context(), id)
	respond(c, http.StatusOK, inv, err)
}

func (h *Handler) issueInvoice(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.svc.Issue(c.Request.Context(), id)
	respond(c, http.StatusOK, inv, err)
}

func (h *Handler) addLine(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in ManualLine
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.svc.AddManualLine(c.Request.Context(), id, in)
	respond(c, http.StatusCreated, inv, err)
}

func (h *Handler) removeLine(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	line, err := web.PathID(c, "line", "invoice line")
	if err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.svc.RemoveManualLine(c.Request.Context(), id, line)
	respond(c, http.StatusOK, inv, err)
}

func (h *Handler) listPayments(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err == nil {
		_, err = h.svc.Invoice(c.Request.Context(), id)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	ps, err := h.svc.Payments(c.Request.Context(), id)
	respond(c, http.StatusOK, web.Items(ps), err)
}

func (h *Handler) recordPayment(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in PaymentInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.svc.RecordPayment(c.Request.Context(), id, in)
	respond(c, http.StatusCreated, inv, err)
}

func (h *Handler) listCreditNotes(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err == nil {
		_, err = h.svc.Invoice(c.Request.Context(), id)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	ns, err := h.svc.CreditNotes(c.Request.Context(), id)
	respond(c, http.StatusOK, web.Items(ns), err)
}

func (h *Handler) creditInvoice(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in CreditRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cn, err := h.svc.Credit(c.Request.Context(), id, in)
	respond(c, http.StatusCreated, cn, err)
}

func (h *Handler) getCreditNote(c *gin.Context) {
	id, pdf, err := idParam(c, "credit note")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if pdf {
		h.creditNotePDF(c, id)
		return
	}
	cn, err := h.svc.CreditNote(c.Request.Context(), id)
	respond(c, http.StatusOK, cn, err)
}

func (h *Handler) agedDebtors(c *gin.Context) {
	ad, err := h.svc.AgedDebtors(c.Request.Context())
	respond(c, http.StatusOK, ad, err)
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
