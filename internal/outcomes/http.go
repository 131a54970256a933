package outcomes

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the outcomes API and pages.
type Handler struct {
	svc   *Service
	shell *web.Shell
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell) *Handler { return &Handler{svc: svc, shell: shell} }

// Routes registers the API routes and pages.
func (h *Handler) Routes(api, root web.Routes) {
	// gin cannot hold /outcomes next to /outcomes.csv as one parameter, but
	// these are fixed paths, so each is its own route.
	api.GET("/outcomes", auth.OutcomesRead, h.reportJSON)
	api.GET("/outcomes.csv", auth.OutcomesRead, h.reportCSV)
	api.GET("/outcomes.pdf", auth.OutcomesRead, h.reportPDF)
	api.GET("/employees/:id/employment-record", auth.EmploymentRecordWrite, h.getRecord)
	api.PUT("/employees/:id/employment-record", auth.EmploymentRecordWrite, h.putRecord)
	api.GET("/me/journey", auth.JourneyOwn, h.journeyJSON)

	root.GET("/outcomes", auth.OutcomesRead, h.reportPage)
	root.GET("/me/journey", auth.JourneyOwn, h.journeyPage)
	h.recordPages(root)
	h.shell.AddNav(
		web.NavItem{Label: "Outcomes", Path: "/outcomes", Action: auth.OutcomesRead, Order: 80},
		web.NavItem{Label: "My journey", Path: "/me/journey", Action: auth.JourneyOwn, Order: 16},
	)
}

func (h *Handler) report(c *gin.Context) (Report, bool) {
	p, err := ParsePeriod(c.Query("period"), c.Query("from"), c.Query("to"), h.svc.today())
	if err != nil {
		web.Fail(c, err)
		return Report{}, false
	}
	r, err := h.svc.Report(c.Request.Context(), p)
	if err != nil {
		web.Fail(c, err)
		return Report{}, false
	}
	return r, true
}

func (h *Handler) reportJSON(c *gin.Context) {
	if r, ok := h.report(c); ok {
		c.JSON(http.StatusOK, r)
	}
}

func (h *Handler) reportCSV(c *gin.Context) {
	r, ok := h.report(c)
	if !ok {
		return
	}
	b, err := CSV(r, c.Query("table"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+fileName(r, "csv")+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
}

func (h *Handler) reportPDF(c *gin.Context) {
	r, ok := h.report(c)
	if !ok {
		return
	}
	b, err := PDF(r, h.svc.c.Org)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+fileName(r, "pdf")+`"`)
	c.Data(http.StatusOK, "application/pdf", b)
}

func (h *Handler) getRecord(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	rec, err := h.svc.EmploymentRecord(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rec)
}

func (h *Handler) putRecord(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in people.EmploymentInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	rec, err := h.svc.SetEmploymentRecord(c.Request.Context(), web.MustPrincipal(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rec)
}

func (h *Handler) journeyJSON(c *gin.Context) {
	j, err := h.svc.MyJourney(c.Request.Context(), web.MustPrincipal(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, j)
}

// reportForm declares the report's two GET forms, a quarter or year and
// from–to dates (web.Form): dates are read as people type them.
func reportForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "to", Label: "To", Kind: web.KindDate},
		web.Field{Name: "period", Label: "Quarter or year", Kind: web.KindSelect},
	)
}

func (h *Handler) reportPage(c *gin.Context) {
	today := h.svc.today()
	f := reportForm()
	status := http.StatusOK
	for _, k := range []string{"period", "from", "to"} {
		if v := c.Query(k); v != "" {
			f.Set(k, v)
		}
	}
	from, to := f.Date("from"), f.Date("to")
	switch {
	case !f.OK():
	case f.Value("from") == "" && f.Value("to") != "":
		f.Error("from", "Enter the from date as well, like 1 July 2026")
	case f.Value("from") != "" && f.Value("to") == "":
		f.Error("to", "Enter the to date as well, like 30 September 2026")
	case !from.IsZero() && to.Before(from):
		f.Error("to", "To must be the same as or after the from date")
	}
	var fromS, toS string
	if !from.IsZero() && !to.IsZero() {
		fromS, toS = from.String(), to.String()
	}
	p, err := ParsePeriod(f.Value("period"), fromS, toS, today)
	if f.OK() && err != nil {
		if errs.CodeOf(err) == errs.Internal {
			web.Fail(c, err)
			return
		}
		field := "from"
		if f.Value("period") != "" && fromS == "" {
			field = "period"
		}
		_, msg, _ := errs.Public(err)
		f.Error(field, msg)
	}
	if !f.OK() { // the last complete quarter, with what was typed kept
		status = http.StatusUnprocessableEntity
		p, _ = ParsePeriod("", "", "", today)
	} else {
		f.Set("from", p.From.String()).Set("to", p.To.String())
	}
	r, err := h.svc.Report(c.Request.Context(), p)
	if err != nil {
		web.Fail(c, err)
		return
	}
	q := "from=" + p.From.String() + "&to=" + p.To.String()
	var quarters []map[string]string
	for i, d := 0, today; i < 8; i++ {
		qn := (int(d.Month)-1)/3 + 1
		key := civil.Month{Year: d.Year, Month: d.Month}.First().Format("2006") + "-Q" + string(rune('0'+qn))
		sel := ""
		if p.From == civil.D(d.Year, time.Month(3*qn-2), 1) && p.To == civil.D(d.Year, time.Month(3*qn+1), 0) {
			sel = "selected"
		}
		quarters = append(quarters, map[string]string{"Key": key, "Label": "Q" + string(rune('0'+qn)) + " " + d.Format("2006"), "Selected": sel})
		d = civil.D(d.Year, d.Month-3, 1)
	}
	web.FormPage(c, status, "outcomes/report", gin.H{
		"Report": r, "Charts": Charts(r), "Period": p, "Query": q, "Quarters": quarters, "Form": f,
		"Years": []string{today.Format("2006"), civil.D(today.Year-1, 1, 1).Format("2006")},
	})
}

func (h *Handler) journeyPage(c *gin.Context) {
	j, err := h.svc.MyJourney(c.Request.Context(), web.MustPrincipal(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "outcomes/journey", gin.H{"Journey": j, "Chart": JourneyChart(j)})
}
