package contracts

import (
	"fmt"
	"net/http"
	"net/url"
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
// redirects with a flash message (post → redirect → get); on an error a form
// a person types into shows its page again with what was typed (web.Form).
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

// done flashes the outcome and redirects (PRG). Forms a person types into
// do not use it: they show their page again on error (web.Form); done is
// for buttons (issue, a contract's status), whose errors leave nothing to
// keep.
func done(c *gin.Context, to string, err error, ok string) {
	if err != nil {
		code, msg, _ := errs.Public(err)
		if code == errs.Internal || code == errs.NotFound || code == errs.Forbidden {
			web.Fail(c, err)
			return
		}
		web.Problem(c, msg)
	} else {
		web.Success(c, ok)
	}
	web.Redirect(c, to)
}

// fail is the end of a form handler whose service refused: the form shows
// the error and show (the page again) runs, or the error is one a form
// cannot show (not found, internal) and goes to web.Fail.
func fail(c *gin.Context, f *web.Form, err error, words func(field, msg string) string, show func()) {
	if !fromService(f, err, words) {
		web.Fail(c, err)
		return
	}
	show()
}

func (h *Handler) today() civil.Date { return civil.In(h.svc.now(), civil.London) }

func (h *Handler) clientsPage(c *gin.Context) {
	h.showClients(c, http.StatusOK, clientFields().Set("payment_terms_days", "30"))
}

func (h *Handler) showClients(c *gin.Context, status int, f *web.Form) {
	cs, err := h.svc.Clients(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.FormPage(c, status, "contracts/clients", gin.H{"Clients": cs, "Form": f})
}

// clientInput reads the client form; problems go on f.
func clientInput(f *web.Form) ClientInput {
	in := ClientInput{LegalName: f.Value("legal_name"), BillingEmail: f.Value("billing_email"),
		VATNumber: f.Value("vat_number"), DefaultPONumber: f.Value("default_po_number")}
	for _, l := range strings.Split(f.Values.Get("billing_address"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			in.BillingAddress = append(in.BillingAddress, l)
		}
	}
	f.Required("legal_name")
	f.Required("billing_email")
	f.Required("billing_address")
	if f.Value("payment_terms_days") != "" {
		n := whole(f, "payment_terms_days", 0, 120, 30, "days")
		in.PaymentTermsDays = &n
	}
	return in
}

// clientWords puts the client service's messages in the page's words.
func clientWords(field, msg string) string {
	switch field {
	case "legal_name":
		return "Legal name must be at most 200 characters"
	case "billing_address":
		return "Billing address must have one to eight lines"
	case "payment_terms_days":
		return "Payment terms must be a whole number of days from 0 to 120"
	case "default_po_number":
		return "Default PO number must be at most 50 characters"
	}
	return ""
}

func (h *Handler) clientCreateSubmit(c *gin.Context) {
	f := clientFields().Posted(c)
	in := clientInput(f)
	show := func() { h.showClients(c, f.Status(), f) }
	if !f.OK() {
		show()
		return
	}
	cl, err := h.svc.CreateClient(c.Request.Context(), in)
	if err != nil {
		fail(c, f, err, clientWords, show)
		return
	}
	web.Success(c, cl.LegalName+" added. Add its sites below.")
	web.Redirect(c, "/clients/"+cl.ID)
}

func (h *Handler) clientPage(c *gin.Context) {
	h.showClient(c, http.StatusOK, nil, nil)
}

// showClient shows a client's page with its two forms: edit (nil: filled
// from the client) and site (nil: empty).
func (h *Handler) showClient(c *gin.Context, status int, edit, site *web.Form) {
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
	if edit == nil {
		edit = clientFields().Set("legal_name", cl.LegalName).Set("billing_email", cl.BillingEmail).
			Set("billing_address", strings.Join(cl.BillingAddress, "\n")).Set("vat_number", cl.VATNumber).
			Set("payment_terms_days", strconv.Itoa(cl.PaymentTermsDays)).Set("default_po_number", cl.DefaultPONumber)
	}
	if site == nil {
		site = siteFields()
	}
	web.FormPage(c, status, "contracts/client", gin.H{"Client": cl, "Sites": sites, "Contracts": cs, "Form": edit, "SiteForm": site})
}

func (h *Handler) clientUpdateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := clientFields().Posted(c)
	in := clientInput(f)
	show := func() { h.showClient(c, f.Status(), f, nil) }
	if !f.OK() {
		show()
		return
	}
	if _, err := h.svc.UpdateClient(c.Request.Context(), id, in); err != nil {
		fail(c, f, err, clientWords, show)
		return
	}
	web.Success(c, "Client details saved.")
	web.Redirect(c, "/clients/"+id)
}

func (h *Handler) siteCreateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := siteFields().Posted(c)
	f.Required("name")
	f.Required("address")
	f.Required("postcode")
	show := func() { h.showClient(c, f.Status(), nil, f) }
	if !f.OK() {
		show()
		return
	}
	words := func(field, _ string) string {
		switch field {
		case "name":
			return "Site name must be at most 120 characters"
		case "address":
			return "Address must be at most 300 characters"
		case "access_notes":
			return "Access notes must be at most 2000 characters"
		}
		return ""
	}
	if _, err := h.svc.CreateSite(c.Request.Context(), id, SiteInput{Name: f.Value("name"), Address: f.Value("address"),
		Postcode: f.Value("postcode"), AccessNotes: f.Value("access_notes")}); err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, "Site added.")
	web.Redirect(c, "/clients/"+id)
}

func (h *Handler) sitesPage(c *gin.Context) {
	h.showSites(c, http.StatusOK, nil, "")
}

// showSites lists the sites, each with its access notes form; f is the
// form of site failed, shown again with what was typed.
func (h *Handler) showSites(c *gin.Context, status int, f *web.Form, failed string) {
	sites, err := h.svc.Sites(c.Request.Context(), "")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = siteNotesFields()
	}
	web.FormPage(c, status, "contracts/sites", gin.H{"Sites": sites, "Form": f, "Failed": failed})
}

func (h *Handler) siteNotesSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := siteNotesFields().Posted(c)
	s, err := h.svc.SetAccessNotes(c.Request.Context(), id, f.Values.Get("access_notes"))
	if err != nil {
		fail(c, f, err, func(string, string) string { return "Access notes must be at most 2000 characters" },
			func() { h.showSites(c, f.Status(), f, id) })
		return
	}
	web.Success(c, "Access notes for "+s.Name+" saved.")
	web.Redirect(c, "/sites#site-"+id)
}

func (h *Handler) contractsPage(c *gin.Context) {
	f := contractFields().Set("start_date", h.today().String()).Set("vat_rate", "20").
		Set("pricing", string(PerVisit)).Set("status", string(Draft))
	h.showContracts(c, http.StatusOK, f)
}

func (h *Handler) showContracts(c *gin.Context, status int, f *web.Form) {
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
	web.FormPage(c, status, "contracts/contracts", gin.H{"Rows": rows, "Clients": clients, "Sites": sites, "Today": today, "Form": f,
		"Pricings": []Pricing{PerVisit, PerCleanerHour, FixedMonthly}})
}

func contractWords(field, msg string) string {
	switch field {
	case "reference":
		return "Reference must be at most 50 characters"
	case "site_ids", "client_id":
		return "Choose one of the sites"
	case "pricing":
		return "Choose per visit, per cleaner-hour or fixed monthly"
	case "price":
		return "Price must be from £0.00 to £1,000,000.00"
	case "vat_rate_bp":
		return "VAT rate must be a percentage from 0 to 100, like 20"
	case "status":
		return "A new contract is a draft or active"
	case "notes":
		return "Notes must be at most 4000 characters"
	case "po_number":
		return "PO number must be at most 50 characters"
	case "start_date":
		if !strings.Contains(msg, "2000") {
			return "Enter start date"
		}
	}
	return ""
}

func (h *Handler) contractCreateSubmit(c *gin.Context) {
	f := contractFields().Posted(c)
	show := func() { h.showContracts(c, f.Status(), f) }
	f.Required("reference")
	var start civil.Date
	if f.Required("start_date") {
		start = f.Date("start_date")
	}
	price := pounds(f, "price", true)
	vat := StandardVATRate
	if v := f.Value("vat_rate"); v != "" {
		bp, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil || bp < 0 || bp > 100 {
			f.Error("vat_rate", "VAT rate must be a percentage from 0 to 100, like 20")
		}
		vat = money.BasisPoints(bp*100 + 0.5)
	}
	if !f.OK() {
		show()
		return
	}
	siteID := f.Value("site_id")
	clientID := ""
	if s, err := h.svc.Site(c.Request.Context(), siteID); err == nil {
		clientID = s.ClientID
	}
	po := f.Value("po_number")
	ct, err := h.svc.CreateContract(c.Request.Context(), ContractInput{
		Reference: f.Value("reference"), ClientID: clientID, SiteIDs: []string{siteID}, StartDate: start,
		Pricing: Pricing(f.Value("pricing")), Price: &price, VATRate: &vat, PONumber: &po, Notes: f.Value("notes"),
		Status: ContractStatus(f.Value("status")),
	})
	if err != nil {
		fail(c, f, err, contractWords, show)
		return
	}
	web.Success(c, "Contract "+ct.Reference+" added. Add its schedule below.")
	web.Redirect(c, "/contracts/"+ct.ID)
}

// contractForms are the forms of a contract's page; nil ones are shown
// fresh.
type contractForms struct{ Price, Schedule, Generate *web.Form }

func (h *Handler) contractPage(c *gin.Context) {
	h.showContract(c, http.StatusOK, contractForms{})
}

func (h *Handler) showContract(c *gin.Context, status int, forms contractForms) {
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
	if forms.Price == nil {
		forms.Price = priceFields()
	}
	if forms.Schedule == nil {
		forms.Schedule = scheduleFields().Set("kind", string(Weekly)).Set("every_n_weeks", "1").Set("start_time", "06:00").
			Set("end_time", "08:00").Set("crew_size", "2").Set("skip_bank_holidays", "1")
	}
	if forms.Generate == nil {
		forms.Generate = generateFields().Set("from", today.String()).Set("to", today.AddDays(27).String())
	}
	var contractSites []Site
	for _, s := range sites {
		if ct.HasSite(s.ID) {
			contractSites = append(contractSites, s)
		}
	}
	if len(contractSites) == 0 {
		contractSites = sites
	}
	web.FormPage(c, status, "contracts/contract", gin.H{"Contract": ct, "Schedules": scheds, "Sites": contractSites,
		"Visits": visits, "Today": today, "Next": transitions[ct.Status],
		"SiteNames": siteNames(sites), "Days": []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
		"PriceForm": forms.Price, "ScheduleForm": forms.Schedule, "GenerateForm": forms.Generate})
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
	f := priceFields().Posted(c)
	show := func() { h.showContract(c, f.Status(), contractForms{Price: f}) }
	amount := pounds(f, "amount", true)
	var from civil.Date
	if f.Required("effective_from") {
		from = f.Date("effective_from")
	}
	if !f.OK() {
		show()
		return
	}
	words := func(field, msg string) string {
		if field == "effective_from" && strings.Contains(msg, "before the contract starts") {
			return "Takes effect from must not be before the contract starts"
		}
		return ""
	}
	if _, err := h.svc.AddPrice(c.Request.Context(), id, Price{EffectiveFrom: from, Amount: amount}); err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, "New price saved; earlier visits keep their price.")
	web.Redirect(c, "/contracts/"+id)
}

func scheduleWords(field, msg string) string {
	switch field {
	case "weekdays":
		return "Choose at least one day"
	case "date":
		if strings.Contains(msg, "only for one-off") {
			return "Leave the one-off date empty for a weekly pattern"
		}
		return "Enter the date of the one-off job"
	case "kind":
		if strings.Contains(msg, "one-off job has a date") {
			return "A one-off job has a date, not days, an until date or a repeat"
		}
		return "Choose a weekly pattern or a one-off job"
	case "start_time":
		return "Start must be a time like 06:30"
	case "end_time":
		if strings.Contains(msg, "differ") {
			return "End must not be the same as the start"
		}
		return "End must be a time like 08:30"
	case "valid_from":
		if strings.Contains(msg, "before the contract starts") {
			return "From must not be before the contract starts"
		}
	case "valid_to":
		if strings.Contains(msg, "before") {
			return "Until must be the same as or after the from date"
		}
	case "site_id":
		return "Choose one of the contract's sites"
	case "description":
		return "Description must be at most 500 characters"
	}
	return ""
}

func (h *Handler) scheduleSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := scheduleFields().Posted(c)
	show := func() { h.showContract(c, f.Status(), contractForms{Schedule: f}) }
	in := ScheduleInput{SiteID: f.Value("site_id"), Kind: ScheduleKind(f.Value("kind")), Weekdays: f.Values["weekdays"],
		StartTime: f.Value("start_time"), EndTime: f.Value("end_time"), SkipBankHolidays: f.Value("skip_bank_holidays") == "1",
		Description: f.Value("description")}
	f.Required("start_time")
	f.Required("end_time")
	in.CrewSize = whole(f, "crew_size", 1, 50, 0, "people")
	if in.CrewSize == 0 && f.Value("crew_size") == "" {
		f.Required("crew_size")
	}
	if in.Kind == OneOff {
		if f.Required("date") {
			in.Date = f.Date("date")
		}
	} else {
		in.EveryNWeeks = whole(f, "every_n_weeks", 1, 52, 1, "weeks")
		in.ValidFrom = f.Date("valid_from")
		in.ValidTo = f.Date("valid_to")
		if len(in.Weekdays) == 0 {
			f.Error("weekdays", "Choose at least one day")
		}
		if !in.ValidFrom.IsZero() && !in.ValidTo.IsZero() && in.ValidTo.Before(in.ValidFrom) {
			f.Error("valid_to", "Until must be the same as or after the from date")
		}
	}
	if !f.OK() {
		show()
		return
	}
	if _, err := h.svc.AddSchedule(c.Request.Context(), id, in); err != nil {
		fail(c, f, err, scheduleWords, show)
		return
	}
	web.Success(c, "Schedule added. Generate visits to put it on the rota.")
	web.Redirect(c, "/contracts/"+id)
}

func (h *Handler) generateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := generateFields().Posted(c)
	show := func() { h.showContract(c, f.Status(), contractForms{Generate: f}) }
	var from, to civil.Date
	if f.Required("from") {
		from = f.Date("from")
	}
	if f.Required("to") {
		to = f.Date("to")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		f.Error("to", "To must be the same as or after the from date")
	}
	if !f.OK() {
		show()
		return
	}
	words := func(field, _ string) string {
		if field == "to" {
			return "To must be on or after the from date, and at most a year later"
		}
		return ""
	}
	res, err := h.svc.GenerateVisits(c.Request.Context(), id, from, to)
	if err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, fmt.Sprintf("Visits %s to %s: %d created, %d unchanged, %d withdrawn, %d kept (someone assigned); %d open shifts created, %d cancelled.",
		from.Format("Mon 2 Jan"), to.Format("Mon 2 Jan"), len(res.Created), res.Unchanged, len(res.Withdrawn), len(res.KeptAssigned), res.ShiftsCreated, res.ShiftsCancelled))
	web.Redirect(c, "/contracts/"+id)
}

func filterFields() *web.Form {
	return web.NewForm(
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "to", Label: "To", Kind: web.KindDate},
		web.Field{Name: "site", Label: "Site", Kind: web.KindSelect},
		web.Field{Name: "status", Label: "Status", Kind: web.KindSelect},
	)
}

func (h *Handler) visitsPage(c *gin.Context) {
	h.showVisits(c, http.StatusOK, c.Request.URL.Query(), nil, "")
}

// showVisits lists visits as the filter q asks (dates as people type them;
// one that is not a date is shown by its field, and the default used);
// f is the record form of visit failed, shown again with what was typed.
func (h *Handler) showVisits(c *gin.Context, status int, q url.Values, f *web.Form, failed string) {
	ctx := c.Request.Context()
	today := h.today()
	filter := filterFields()
	for _, k := range []string{"from", "to", "site", "status"} {
		filter.Set(k, q.Get(k))
	}
	from, to := filter.Date("from"), filter.Date("to")
	if !filter.OK() && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	if from.IsZero() {
		from = today.AddDays(-7)
	}
	if to.IsZero() || to.Before(from) || from.DaysUntil(to) > 62 {
		to = from.AddDays(13)
	}
	if filter.OK() {
		filter.Set("from", from.String()).Set("to", to.String())
	}
	vs := VisitStatus(q.Get("status"))
	switch vs {
	case "", VisitScheduled, VisitCompleted, VisitCancelled, VisitMissed, VisitWithdrawn:
	default:
		vs = ""
	}
	site := q.Get("site")
	visits, err := h.svc.Visits(ctx, VisitFilter{From: from, To: to, SiteID: site, Status: vs})
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.Sites(ctx, "")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = visitFields()
	}
	back := "/visits"
	if len(q) > 0 {
		back += "?" + q.Encode()
	}
	web.FormPage(c, status, "contracts/visits", gin.H{"Visits": visits, "Sites": sites, "SiteNames": siteNames(sites),
		"Filter": filter, "Site": site, "Status": string(vs), "Now": h.svc.now(), "Back": back, "Form": f, "Failed": failed})
}

func (h *Handler) visitSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "visit")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := visitFields().Posted(c)
	back := f.Values.Get("back")
	if !strings.HasPrefix(back, "/visits") {
		back = "/visits"
	}
	var q url.Values
	if u, err := url.Parse(back); err == nil {
		q = u.Query()
	}
	show := func() { h.showVisits(c, f.Status(), q, f, id) }
	u := VisitUpdate{Status: VisitStatus(f.Value("status")), Note: f.Value("note")}
	if f.Value("charge") != "" {
		p := pounds(f, "charge", false)
		if u.Status != VisitCancelled {
			f.Error("charge", "Cancellation charge is only for a visit cancelled by the client")
		}
		u.CancellationCharge = &p
	}
	if !f.OK() {
		show()
		return
	}
	if v, err := strconv.Atoi(f.Values.Get("version")); err == nil {
		u.Version = v
	}
	words := func(field, _ string) string {
		switch field {
		case "status":
			return "Choose completed, cancelled or missed"
		case "note":
			return "Note must be at most 500 characters"
		case "cancellation_charge":
			return "Cancellation charge is only for a visit cancelled by the client"
		}
		return ""
	}
	v, err := h.svc.UpdateVisit(c.Request.Context(), id, u)
	if err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, fmt.Sprintf("Visit on %s recorded as %s.", v.Date.Format("Mon 2 Jan"), v.Status))
	web.Redirect(c, back)
}

func (h *Handler) runsPage(c *gin.Context) {
	last := civil.MonthOf(h.today().AddDays(-h.today().Day))
	h.showRuns(c, http.StatusOK, runFields().Set("period", last.String()))
}

func (h *Handler) showRuns(c *gin.Context, status int, f *web.Form) {
	runs, err := h.svc.InvoiceRuns(c.Request.Context(), 20)
	if err != nil {
		web.Fail(c, err)
		return
	}
	last := civil.MonthOf(h.today().AddDays(-h.today().Day))
	_, isMonth := civil.ParseMonth(f.Values.Get("period"))
	web.FormPage(c, status, "contracts/runs", gin.H{"Runs": runs, "LastMonth": last.String(), "Form": f,
		"MonthInput": isMonth == nil || f.Values.Get("period") == ""})
}

func (h *Handler) runSubmit(c *gin.Context) {
	f := runFields().Posted(c)
	show := func() { h.showRuns(c, f.Status(), f) }
	var m civil.Month
	if f.Required("period") {
		var ok bool
		if m, ok = personMonth(f.Value("period")); !ok {
			f.Error("period", "Month must be a month like November 2026")
		}
	}
	if !f.OK() {
		show()
		return
	}
	sum, err := h.svc.RunInvoices(c.Request.Context(), m, nil)
	if err != nil {
		fail(c, f, err, func(string, string) string { return "Month must be a month like November 2026" }, show)
		return
	}
	web.Success(c, fmt.Sprintf(
		"Invoice run for %s: %d contracts. %d new drafts, %d refreshed, %d unchanged, %d already issued (left alone), %d empty drafts removed. Drafts total %s before VAT.",
		monthWords(m), sum.Contracts, sum.Created, sum.Refreshed, sum.Unchanged, sum.Issued, sum.Removed, sum.Net))
	web.Redirect(c, "/invoices?period="+m.String())
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

// invoiceForms are the forms of an invoice's page; nil ones are shown
// fresh.
type invoiceForms struct{ Line, Payment, Credit *web.Form }

func (h *Handler) invoicePage(c *gin.Context) {
	h.showInvoice(c, http.StatusOK, invoiceForms{})
}

func (h *Handler) showInvoice(c *gin.Context, status int, forms invoiceForms) {
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
	if forms.Line == nil {
		forms.Line = lineFields().Set("quantity", "1")
	}
	if forms.Payment == nil {
		forms.Payment = paymentFields().Set("amount", inv.Outstanding.Decimal()).Set("method", "bacs").Set("received_on", h.today().String())
	}
	if forms.Credit == nil {
		forms.Credit = creditFields()
	}
	web.FormPage(c, status, "contracts/invoice", gin.H{"Invoice": inv, "CreditNotes": notes, "Payments": pays, "Today": h.today(),
		"Left": inv.Total - inv.Credited, "Sends": sends, "Emailing": h.svc.Emailing(),
		"LineForm": forms.Line, "PaymentForm": forms.Payment, "CreditForm": forms.Credit})
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
	f := lineFields().Posted(c)
	show := func() { h.showInvoice(c, f.Status(), invoiceForms{Line: f}) }
	f.Required("description")
	qty := whole(f, "quantity", 1, 10000, 1, "items")
	price := pounds(f, "unit_price", true)
	if !f.OK() {
		show()
		return
	}
	words := func(field, _ string) string {
		switch field {
		case "description":
			return "Description must be at most 300 characters"
		case "unit_price":
			return "Unit price must be from £0.00 to £1,000,000.00"
		}
		return ""
	}
	if _, err := h.svc.AddManualLine(c.Request.Context(), id, ManualLine{Description: f.Value("description"), Quantity: int64(qty), UnitPrice: price}); err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, "Line added.")
	web.Redirect(c, "/invoices/"+id)
}

func (h *Handler) paymentSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := paymentFields().Posted(c)
	show := func() { h.showInvoice(c, f.Status(), invoiceForms{Payment: f}) }
	amount := pounds(f, "amount", true)
	if f.ErrorOf("amount") == "" && f.Value("amount") != "" && amount <= 0 {
		f.Error("amount", "Amount must be more than £0.00")
	}
	on := f.Date("received_on")
	if !f.OK() {
		show()
		return
	}
	words := func(field, msg string) string {
		switch field {
		case "amount":
			return "Amount must be more than £0.00"
		case "method":
			return "Choose BACS or cheque"
		case "received_on":
			if strings.Contains(msg, "future") {
				return "Received on cannot be in the future"
			}
		case "reference":
			return "Reference must be at most 100 characters"
		}
		return ""
	}
	if _, err := h.svc.RecordPayment(c.Request.Context(), id, PaymentInput{Amount: amount, Method: f.Value("method"), ReceivedOn: on, Reference: f.Value("reference")}); err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, "Payment recorded.")
	web.Redirect(c, "/invoices/"+id)
}

func (h *Handler) creditSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := creditFields().Posted(c)
	show := func() { h.showInvoice(c, f.Status(), invoiceForms{Credit: f}) }
	r := CreditRequest{Reason: f.Value("reason"), Full: f.Value("full") == "1"}
	f.Required("reason")
	if !r.Full {
		if f.Value("credit_amount") == "" {
			f.Error("credit_amount", "Enter an amount, or tick \"Credit everything still uncredited\"")
		} else {
			amount := pounds(f, "credit_amount", false)
			if f.ErrorOf("credit_amount") == "" && amount <= 0 {
				f.Error("credit_amount", "Amount must be more than £0.00")
			}
			r.Amount = &amount
		}
	}
	if !f.OK() {
		show()
		return
	}
	words := func(field, msg string) string {
		switch field {
		case "reason":
			return "Reason must be at most 500 characters"
		case "amount":
			if strings.Contains(msg, "more than zero") {
				return "Amount must be more than £0.00"
			}
			return "Enter an amount, or tick \"Credit everything still uncredited\""
		}
		return ""
	}
	cn, err := h.svc.Credit(c.Request.Context(), id, r)
	if err != nil {
		fail(c, f, err, words, show)
		return
	}
	web.Success(c, "Credit note "+cn.Number+" raised for "+cn.Total.String()+".")
	web.Redirect(c, "/invoices/"+id)
}

func (h *Handler) agedPage(c *gin.Context) {
	ad, err := h.svc.AgedDebtors(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "contracts/aged", gin.H{"Aged": ad})
}
