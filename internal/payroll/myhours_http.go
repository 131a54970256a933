package payroll

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// MyHoursPath is the employee's My hours page.
const MyHoursPath = "/payroll/my-hours"

// myHoursRoutes registers My hours, hours queries and their API.
func (h *Handler) myHoursRoutes(api, root web.Routes) {
	root.GET(MyHoursPath, auth.ClockOwn, h.myHoursPage)
	root.POST(MyHoursPath+"/:id/query", auth.ClockOwn, h.querySubmit)
	root.POST("/payroll/queries/:id/answer", auth.TimesheetsApprove, h.answerSubmit)

	api.GET("/me/hours", auth.ClockOwn, web.NoBody(h.myHoursAPI))
	api.POST("/me/hours/:id/query", auth.ClockOwn, web.JSON(h.queryAPI).Created())
	api.POST("/hours-queries/:id/answer", auth.TimesheetsApprove, web.NoBody(h.answerAPI))
	h.shell.AddPagePanel(web.PagePanel{Page: "rota/week", Name: "permitted", Action: auth.ClockOwn, Load: h.permittedPanel})
}

// SendsToMyHours reports whether p, opening a supervisor's timesheet page,
// is sent to My hours instead: people who hold no supervisor or finance role.
func SendsToMyHours(p auth.Principal) bool {
	return p.Has(auth.Employee) && !p.HasAny(auth.Supervisor, auth.Finance)
}

// toMyHours redirects an employee off the supervisors' timesheet pages.
func (h *Handler) toMyHours(c *gin.Context, p auth.Principal, periodKey string) bool {
	if !SendsToMyHours(p) {
		return false
	}
	to := MyHoursPath
	if periodKey != "" {
		to += "?period=" + url.QueryEscape(periodKey)
	}
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
	return true
}

// queryForm is a query form being shown again with what went wrong.
type queryForm struct {
	ShiftID string
	Reason  string
	Note    string
	Errors  map[string]string
	List    []errs.FieldError
}

func (h *Handler) myHoursPage(c *gin.Context) {
	h.renderMyHours(c, http.StatusOK, c.Query("period"), nil)
}

func (h *Handler) renderMyHours(c *gin.Context, status int, periodKey string, form *queryForm) {
	p := web.MustPrincipal(c)
	mh, err := h.svc.MyHoursIn(c.Request.Context(), p, periodKey)
	if errs.CodeOf(err) == errs.NotFound && periodKey != "" {
		web.Problem(c, "There is no such pay period; here is the current one.")
		web.Redirect(c, MyHoursPath)
		return
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, status, "payroll/my_hours", gin.H{
		"Hours": mh, "Periods": h.svc.RecentPeriods(6), "Reasons": QueryReasons, "MaxNote": MaxQueryNote, "Form": form,
	})
}

func (h *Handler) querySubmit(c *gin.Context) {
	p := web.MustPrincipal(c)
	shiftID := c.Param("id")
	period := c.PostForm("period")
	in := QueryInput{Reason: c.PostForm("reason"), Note: c.PostForm("note")}
	q, err := h.svc.QueryShift(c.Request.Context(), p, shiftID, in)
	if err != nil {
		if code, _, details := errs.Public(err); code == errs.Invalid {
			fs, _ := details.([]errs.FieldError)
			f := &queryForm{ShiftID: shiftID, Reason: in.Reason, Note: in.Note, Errors: map[string]string{}, List: fs}
			for _, e := range fs {
				f.Errors[e.Field] = e.Message
			}
			h.renderMyHours(c, http.StatusUnprocessableEntity, period, f)
			return
		}
		if errs.CodeOf(err) == errs.Internal {
			web.Fail(c, err)
			return
		}
		_, msg, _ := errs.Public(err)
		web.Problem(c, msg)
		web.Redirect(c, myHoursLink(period))
		return
	}
	web.Success(c, "Sent to your supervisor: your query about "+q.DateLabel+". You will see here when it is answered.")
	web.Redirect(c, myHoursLink(period)+"#shift-"+q.ShiftID)
}

func myHoursLink(period string) string {
	if period == "" {
		return MyHoursPath
	}
	return MyHoursPath + "?period=" + url.QueryEscape(period)
}

func (h *Handler) answerSubmit(c *gin.Context) {
	back := c.PostForm("back")
	if u, err := url.Parse(back); err != nil || back == "" || u.IsAbs() || u.Host != "" || len(back) < 2 || back[0] != '/' || back[1] == '/' {
		back = "/payroll/timesheets"
	}
	q, err := h.svc.AnswerQuery(c.Request.Context(), web.MustPrincipal(c), c.Param("id"))
	if err != nil {
		h.problem(c, err, back)
		return
	}
	web.Success(c, "Marked the query about "+q.DateLabel+" answered; they have been told.")
	web.Redirect(c, back)
}

// myHoursAPI is GET /api/v1/me/hours?from=&to= (dates; the current pay
// period when both are left out, the rest of from's period when to is).
func (h *Handler) myHoursAPI(c *gin.Context) (MyHours, error) {
	from, err := web.QueryDate(c, "from")
	if err != nil {
		return MyHours{}, err
	}
	to, err := web.QueryDate(c, "to")
	if err != nil {
		return MyHours{}, err
	}
	p := web.MustPrincipal(c)
	switch {
	case from.IsZero() && to.IsZero():
		return h.svc.MyHoursIn(c.Request.Context(), p, "")
	case from.IsZero():
		from = h.svc.cal.PeriodOf(to).Start
	case to.IsZero():
		to = h.svc.cal.PeriodOf(from).End
	}
	return h.svc.MyHoursBetween(c.Request.Context(), p, from, to)
}

func (h *Handler) queryAPI(c *gin.Context, in QueryInput) (HoursQuery, error) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		return HoursQuery{}, err
	}
	return h.svc.QueryShift(c.Request.Context(), web.MustPrincipal(c), id, in)
}

func (h *Handler) answerAPI(c *gin.Context) (HoursQuery, error) {
	id, err := web.PathID(c, "id", "query")
	if err != nil {
		return HoursQuery{}, err
	}
	return h.svc.AnswerQuery(c.Request.Context(), web.MustPrincipal(c), id)
}

// permittedPanel is the employee's own permitted-work week on My week (the
// week containing the page's from date, or today).
func (h *Handler) permittedPanel(c *gin.Context, p auth.Principal) (any, error) {
	on, err := web.QueryDate(c, "from")
	if err != nil || on.IsZero() {
		on = civil.In(h.svc.now(), civil.London)
	}
	m, err := h.svc.MyPermittedWeek(c.Request.Context(), p, on)
	if err != nil || m == nil {
		return nil, err
	}
	return m, nil
}

// timesheetQueries are the queries shown on a supervisor's view of a timesheet.
func (h *Handler) timesheetQueries(c *gin.Context, t Timesheet) ([]HoursQuery, error) {
	return h.svc.QueriesFor(c.Request.Context(), web.MustPrincipal(c), t.EmployeeID, t.Period)
}
