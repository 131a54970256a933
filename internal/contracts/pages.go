package contracts

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/web"
)

// pageRoutes are the finance and supervisor pages. Every form posts, then
// redirects back with a flash message (post → redirect → get).
func (h *Handler) pageRoutes(root web.Routes) {
	root.GET("/clients", auth.ClientsRead, h.clientsPage)
	root.POST("/clients", auth.ClientsWrite, h.clientCreateSubmit)
	root.GET("/clients/:id", auth.ClientsRead, h.clientPage)
	root.POST("/clients/:id", auth.ClientsWrite, h.clientUpdateSubmit)
	root.POST("/clients/:id/sites", auth.ClientsWrite, h.siteCreateSubmit)
	root.GET("/sites", auth.ClientsRead, h.sitesPage)
	root.POST("/sites/:id/notes", auth.SiteNotesWrite, h.siteNotesSubmit)
	root.GET("/contracts", auth.ContractsRead, h.contractsPage)
	root.POST("/contracts", auth.ContractsWrite, h.contractCreateSubmit)
	root.GET("/contracts/:id", auth.ContractsRead, h.contractPage)
	root.POST("/contracts/:id/status", auth.ContractsWrite, h.contractStatusSubmit)
	root.POST("/contracts/:id/prices", auth.ContractsWrite, h.priceSubmit)
	root.POST("/contracts/:id/schedules", auth.ContractsWrite, h.scheduleSubmit)
	root.POST("/contracts/:id/generate", auth.VisitsGenerate, h.generateSubmit)
	root.GET("/visits", auth.VisitsRead, h.visitsPage)
	root.POST("/visits/:id", auth.VisitsWrite, h.visitSubmit)
	root.GET("/invoice-runs", auth.InvoicesRead, h.runsPage)
	root.POST("/invoice-runs", auth.InvoicesWrite, h.runSubmit)
	root.GET("/invoices", auth.InvoicesRead, h.invoicesPage)
	root.GET("/invoices/:id", auth.InvoicesRead, h.invoicePage)
	root.POST("/invoices/:id/issue", auth.InvoicesWrite, h.issueSubmit)
	root.POST("/invoices/:id/lines", auth.InvoicesWrite, h.lineSubmit)
	root.POST("/invoices/:id/payments", auth.InvoicesWrite, h.paymentSubmit)
	root.POST("/invoices/:id/credit-notes", auth.InvoicesWrite, h.creditSubmit)
	root.GET("/aged-debtors", auth.InvoicesRead, h.agedPage)

	h.shell.AddNav(
		web.NavItem{Label: "Visits", Path: "/visits", Action: auth.VisitsRead, Order: 30},
		web.NavItem{Label: "Sites", Path: "/sites", Action: auth.ClientsRead, Order: 31},
		web.NavItem{Label: "Clients", Path: "/clients", Action: auth.ClientsWrite, Order: 40},
		web.NavItem{Label: "Contracts", Path: "/contracts", Action: auth.ContractsRead, Order: 41},
		web.NavItem{Label: "Invoices", Path: "/invoices", Action: auth.InvoicesRead, Order: 42},
	)
}

// done flashes the outcome and redirects (PRG).
func done(c *gin.Context, to string, err error, ok string) {
	if err != nil {
		code, msg, details := errs.Public(err)
		if code == errs.Internal {
			web.Fail(c, err)
			return
		}
		if fe, isFields := details.([]errs.FieldError); isFields && len(fe) > 1 {
			var parts []string
			for _, f := range fe {
				parts = append(parts, strings.ReplaceAll(f.Field, "_", " ")+" "+f.Message)
			}
			msg = strings.Join(parts, "; ")
		}
		web.Problem(c, msg)
	} else {
		web.Success(c, ok)
	}
	web.Redirect(c, to)
}

func formPence(c *gin.Context, field string) (money.Pence, error) {
	p, err := money.Parse(c.PostForm(field))
	if err != nil {
		return 0, errs.Fields(errs.FieldError{Field: field, Message: err.Error()})
	}
	return p, nil
}

func formDate(c *gin.Context, field string) (civil.Date, error) {
	v := c.PostForm(field)
	if v == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return civil.Date{}, errs.Fields(errs.FieldError{Field: field, Message: err.Error()})
	}
	return d, nil
}

func (h *Handler) today() civil.Date { return civil.In(h.svc.now(), civil.London) }

func (h *Handler) clientsPage(c *gin.Context) {
	cs, err := h.svc.Clients(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/clients", gin.H{"Clients": cs})
}

func clientForm(c *gin.Context) (ClientInput, error) {
	in := ClientInput{LegalName: c.PostForm("legal_name"), BillingEmail: c.PostForm("billing_email"),
		BillingAddress: strings.Split(c.PostForm("billing_address"), "\n"), VATNumber: c.PostForm("vat_number"),
		DefaultPONumber: c.PostForm("default_po_number")}
	if v := c.PostForm("payment_terms_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return in, errs.Fields(errs.FieldError{Field: "payment_terms_days", Message: "must be a whole number of days"})
		}
		in.PaymentTermsDays = &n
	}
	return in, nil
}

func (h *Handler) clientCreateSubmit(c *gin.Context) {
	in, err := clientForm(c)
	if err != nil {
		done(c, "/clients", err, "")
		return
	}
	cl, err := h.svc.CreateClient(c.Request.Context(), in)
	if err != nil {
		done(c, "/clients", err, "")
		return
	}
	done(c, "/clients/"+cl.ID, nil, cl.LegalName+" added. Add its sites below.")
}

func (h *Handler) clientPage(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	cl, err := h.svc.Client(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.Sites(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	cs, err := h.svc.Contracts(c.Request.Context(), ContractFilter{ClientID: id})
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/client", gin.H{"Client": cl, "Sites": sites, "Contracts": cs,
		"Address": strings.Join(cl.BillingAddress, "\n")})
}

func (h *Handler) clientUpdateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	in, err := clientForm(c)
	if err == nil {
		_, err = h.svc.UpdateClient(c.Request.Context(), id, in)
	}
	done(c, "/clients/"+id, err, "Client details saved.")
}

func (h *Handler) siteCreateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	_, err = h.svc.CreateSite(c.Request.Context(), id, SiteInput{Name: c.PostForm("name"), Address: c.PostForm("address"),
		Postcode: c.PostForm("postcode"), AccessNotes: c.PostForm("access_notes")})
	done(c, "/clients/"+id, err, "Site added.")
}

func (h *Handler) sitesPage(c *gin.Context) {
	sites, err := h.svc.Sites(c.Request.Context(), "")
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/sites", gin.H{"Sites": sites})
}

func (h *Handler) siteNotesSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		web.Fail(c, err)
		return
	}
	s, err := h.svc.SetAccessNotes(c.Request.Context(), id, c.PostForm("access_notes"))
	done(c, "/sites#site-"+id, err, "Access notes for "+s.Name+" saved.")
}

func (h *Handler) contractsPage(c *gin.Context) {
	ctx := c.Request.Context()
	cs, err := h.svc.Contracts(ctx, ContractFilter{Status: ContractStatus(c.Query("status"))})
	if err != nil {
		web.Fail(c, err)
		return
	}
	clients, err := h.svc.Clients(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.Sites(ctx, "")
	if err != nil {
		web.Fail(c, err)
		return
	}
	today := h.today()
	type row struct {
		Contract
		PriceToday money.Pence
	}
	rows := make([]row, len(cs))
	for i, ct := range cs {
		p, _ := ct.PriceOn(today)
		rows[i] = row{ct, p}
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/contracts", gin.H{"Rows": rows, "Clients": clients, "Sites": sites, "Today": today})
}

func (h *Handler) contractCreateSubmit(c *gin.Context) {
	price, err := formPence(c, "price")
	if err != nil {
		done(c, "/contracts", err, "")
		return
	}
	start, err := formDate(c, "start_date")
	if err != nil {
		done(c, "/contracts", err, "")
		return
	}
	siteID := c.PostForm("site_id")
	clientID := ""
	if s, err := h.svc.Site(c.Request.Context(), siteID); err == nil {
		clientID = s.ClientID
	}
	vat := StandardVATRate
	if v := c.PostForm("vat_rate"); v != "" {
		bp, err := strconv.ParseFloat(v, 64)
		if err != nil || bp < 0 || bp > 100 {
			done(c, "/contracts", errs.Fields(errs.FieldError{Field: "vat_rate", Message: "must be a percentage like 20"}), "")
			return
		}
		vat = money.BasisPoints(bp*100 + 0.5)
	}
	po := c.PostForm("po_number")
	ct, err := h.svc.CreateContract(c.Request.Context(), ContractInput{
		Reference: c.PostForm("reference"), ClientID: clientID, SiteIDs: []string{siteID}, StartDate: start,
		Pricing: Pricing(c.PostForm("pricing")), Price: &price, VATRate: &vat, PONumber: &po, Notes: c.PostForm("notes"),
		Status: ContractStatus(c.PostForm("status")),
	})
	if err != nil {
		done(c, "/contracts", err, "")
		return
	}
	done(c, "/contracts/"+ct.ID, nil, "Contract "+ct.Reference+" added. Add its schedule below.")
}

func (h *Handler) contractPage(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ct, err := h.svc.Contract(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	scheds, err := h.svc.Schedules(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.Sites(ctx, ct.ClientID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	today := h.today()
	visits, err := h.svc.Visits(ctx, VisitFilter{ContractID: id, From: today, To: today.AddDays(13)})
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/contract", gin.H{"Contract": ct, "Schedules": scheds, "Sites": sites,
		"Visits": visits, "Today": today, "Next": transitions[ct.Status], "GenTo": today.AddDays(27),
		"SiteNames": siteNames(sites), "Days": []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}})
}

func siteNames(sites []Site) map[string]string {
	m := map[string]string{}
	for _, s := range sites {
		m[s.ID] = s.Name
	}
	return m
}

func (h *Handler) contractStatusSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ct, ch, err := h.svc.SetStatus(c.Request.Context(), id, ContractStatus(c.PostForm("status")))
	msg := ""
	if err == nil {
		msg = fmt.Sprintf("Contract %s is now %s.", ct.Reference, ct.Status)
		if ch.Withdrawn+ch.KeptAssigned > 0 {
			msg += fmt.Sprintf(" %d future visits withdrawn; %d kept because someone is assigned (settle them on the rota).", ch.Withdrawn, ch.KeptAssigned)
		}
	}
	done(c, "/contracts/"+id, err, msg)
}

func (h *Handler) priceSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	amount, err := formPence(c, "amount")
	if err == nil {
		var from civil.Date
		if from, err = formDate(c, "effective_from"); err == nil {
			_, err = h.svc.AddPrice(c.Request.Context(), id, Price{EffectiveFrom: from, Amount: amount})
		}
	}
	done(c, "/contracts/"+id, err, "New price saved; earlier visits keep their price.")
}

func (h *Handler) scheduleSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	in := ScheduleInput{SiteID: c.PostForm("site_id"), Kind: ScheduleKind(c.PostForm("kind")), Weekdays: c.PostFormArray("weekdays"),
		StartTime: c.PostForm("start_time"), EndTime: c.PostForm("end_time"), SkipBankHolidays: c.PostForm("skip_bank_holidays") == "1",
		Description: c.PostForm("description")}
	in.CrewSize, _ = strconv.Atoi(c.PostForm("crew_size"))
	if v := c.PostForm("every_n_weeks"); v != "" {
		in.EveryNWeeks, _ = strconv.Atoi(v)
	}
	if in.Kind == OneOff {
		in.Date, err = formDate(c, "date")
	} else {
		in.ValidFrom, err = formDate(c, "valid_from")
		if err == nil {
			in.ValidTo, err = formDate(c, "valid_to")
		}
	}
	if err == nil {
		_, err = h.svc.AddSchedule(c.Request.Context(), id, in)
	}
	done(c, "/contracts/"+id, err, "Schedule added. Generate visits to put it on the rota.")
}

func (h *Handler) generateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	from, err := formDate(c, "from")
	var to civil.Date
	if err == nil {
		to, err = formDate(c, "to")
	}
	msg := ""
	if err == nil {
		var res GenerateResult
		res, err = h.svc.GenerateVisits(c.Request.Context(), id, from, to)
		msg = fmt.Sprintf("Visits %s to %s: %d created, %d unchanged, %d withdrawn, %d kept (someone assigned); %d open shifts created, %d cancelled.",
			from.Format("2 Jan"), to.Format("2 Jan"), len(res.Created), res.Unchanged, len(res.Withdrawn), len(res.KeptAssigned), res.ShiftsCreated, res.ShiftsCancelled)
	}
	done(c, "/contracts/"+id, err, msg)
}

func (h *Handler) visitsPage(c *gin.Context) {
	ctx := c.Request.Context()
	today := h.today()
	from, err := web.QueryDate(c, "from")
	if err != nil {
		web.Fail(c, err)
		return
	}
	to, err := web.QueryDate(c, "to")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if from.IsZero() {
		from = today.AddDays(-7)
	}
	if to.IsZero() || to.Before(from) || from.DaysUntil(to) > 62 {
		to = from.AddDays(13)
	}
	status := VisitStatus(c.Query("status"))
	switch status {
	case "", VisitScheduled, VisitCompleted, VisitCancelled, VisitMissed, VisitWithdrawn:
	default:
		status = ""
	}
	site := c.Query("site")
	visits, err := h.svc.Visits(ctx, VisitFilter{From: from, To: to, SiteID: site, Status: status})
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.Sites(ctx, "")
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/visits", gin.H{"Visits": visits, "Sites": sites, "SiteNames": siteNames(sites),
		"From": from, "To": to, "Site": site, "Status": string(status), "Now": h.svc.now(), "Back": c.Request.URL.RequestURI()})
}

func (h *Handler) visitSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "visit")
	if err != nil {
		web.Fail(c, err)
		return
	}
	back := c.PostForm("back")
	if !strings.HasPrefix(back, "/visits") {
		back = "/visits"
	}
	u := VisitUpdate{Status: VisitStatus(c.PostForm("status")), Note: c.PostForm("note")}
	if u.Status == VisitCancelled && c.PostForm("charge") != "" {
		p, err := formPence(c, "charge")
		if err != nil {
			done(c, back, err, "")
			return
		}
		u.CancellationCharge = &p
	}
	if v, err := strconv.Atoi(c.PostForm("version")); err == nil {
		u.Version = v
	}
	v, err := h.svc.UpdateVisit(c.Request.Context(), id, u)
	done(c, back, err, fmt.Sprintf("Visit on %s recorded as %s.", v.Date.Format("Mon 2 Jan"), v.Status))
}

func (h *Handler) runsPage(c *gin.Context) {
	runs, err := h.svc.InvoiceRuns(c.Request.Context(), 20)
	if err != nil {
		web.Fail(c, err)
		return
	}
	last := civil.MonthOf(h.today().AddDays(-h.today().Day))
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/runs", gin.H{"Runs": runs, "LastMonth": last.String()})
}

func (h *Handler) runSubmit(c *gin.Context) {
	m, err := civil.ParseMonth(c.PostForm("period"))
	if err != nil {
		done(c, "/invoice-runs", errs.Fields(errs.FieldError{Field: "period", Message: err.Error()}), "")
		return
	}
	sum, err := h.svc.RunInvoices(c.Request.Context(), m, nil)
	done(c, "/invoices?period="+m.String(), err, fmt.Sprintf(
		"Invoice run for %s: %d contracts. %d new drafts, %d refreshed, %d unchanged, %d already issued (left alone), %d empty drafts removed. Drafts total %s before VAT.",
		m, sum.Contracts, sum.Created, sum.Refreshed, sum.Unchanged, sum.Issued, sum.Removed, sum.Net))
}

func (h *Handler) invoicesPage(c *gin.Context) {
	f, err := invoiceFilter(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	invs, err := h.svc.Invoices(c.Request.Context(), f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var total, outstanding money.Pence
	for _, i := range invs {
		total += i.Total
		outstanding += i.Outstanding
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/invoices", gin.H{"Invoices": invs, "Filter": f, "Total": total, "Outstanding": outstanding,
		"Statuses": []string{StatusDraft, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusOverdue, StatusVoid}})
}

func (h *Handler) invoicePage(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.svc.Invoice(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	notes, err := h.svc.CreditNotes(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	pays, err := h.svc.Payments(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	sends, err := h.svc.InvoiceSends(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/invoice", gin.H{"Invoice": inv, "CreditNotes": notes, "Payments": pays, "Today": h.today(),
		"Left": inv.Total - inv.Credited, "Sends": sends, "Emailing": h.svc.Emailing()})
}

func (h *Handler) issueSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	inv, err := h.svc.Issue(c.Request.Context(), id)
	msg := "Invoice " + inv.Number + " issued."
	if inv.Stripe.Sync == stripePending {
		msg += " Stripe did not take it yet; it is marked pending for stripe-sync."
	}
	done(c, "/invoices/"+id, err, msg)
}

func (h *Handler) lineSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	price, err := formPence(c, "unit_price")
	if err == nil {
		qty, _ := strconv.ParseInt(c.PostForm("quantity"), 10, 64)
		_, err = h.svc.AddManualLine(c.Request.Context(), id, ManualLine{Description: c.PostForm("description"), Quantity: qty, UnitPrice: price})
	}
	done(c, "/invoices/"+id, err, "Line added.")
}

func (h *Handler) paymentSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	amount, err := formPence(c, "amount")
	if err == nil {
		var on civil.Date
		if on, err = formDate(c, "received_on"); err == nil {
			_, err = h.svc.RecordPayment(c.Request.Context(), id, PaymentInput{Amount: amount, Method: c.PostForm("method"), ReceivedOn: on, Reference: c.PostForm("reference")})
		}
	}
	done(c, "/invoices/"+id, err, "Payment recorded.")
}

func (h *Handler) creditSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	r := CreditRequest{Reason: c.PostForm("reason"), Full: c.PostForm("full") == "1"}
	if !r.Full {
		amount, err := formPence(c, "amount")
		if err != nil {
			done(c, "/invoices/"+id, err, "")
			return
		}
		r.Amount = &amount
	}
	cn, err := h.svc.Credit(c.Request.Context(), id, r)
	done(c, "/invoices/"+id, err, "Credit note "+cn.Number+" raised for "+cn.Total.String()+".")
}

func (h *Handler) agedPage(c *gin.Context) {
	ad, err := h.svc.AgedDebtors(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/aged", gin.H{"Aged": ad})
}
