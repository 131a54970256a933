package payroll

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/web"
)

// pages registers the payroll pages, navigation and the home panel.
func (h *Handler) pages(root web.Routes) {
	root.GET("/clock", auth.ClockOwn, h.clockPage)
	root.POST("/clock/:id/in", auth.ClockOwn, h.clockInSubmit)
	root.POST("/clock/:id/out", auth.ClockOwn, h.clockOutSubmit)
	root.POST("/clock/:id/undo", auth.ClockOwn, h.undoClockOutSubmit) // clockout.go
	root.GET("/payroll/timesheets", auth.TimesheetsRead, h.timesheetsPage)
	root.POST("/payroll/timesheets/:id/approve", auth.TimesheetsApprove, h.approveSubmit)
	root.GET("/payroll/timesheets/:id/:period", auth.TimesheetsRead, h.timesheetPage)
	root.GET("/payroll/attendance", auth.AttendanceWrite, h.attendancePage)
	root.POST("/payroll/attendance/:id", auth.AttendanceWrite, h.attendanceSubmit)
	root.POST("/payroll/attendance/:id/no-show", auth.AttendanceWrite, h.noShowSubmit)
	root.GET("/payroll/absences", auth.AbsencesWrite, h.absencesPage)
	root.POST("/payroll/absences", auth.AbsencesWrite, h.absenceSubmit)
	root.GET("/payroll/periods", auth.PayrollManage, h.periodsPage)
	root.POST("/payroll/periods/:period/close", auth.PayrollManage, h.closeSubmit)
	root.GET("/payroll/rates", auth.PayRatesRead, h.ratesPage)
	root.POST("/payroll/rates", auth.PayRatesWrite, h.rateSubmit)
	root.POST("/payroll/permitted-work", auth.PayrollManage, h.permittedWorkSubmit)

	h.shell.AddNav(
		web.NavItem{Label: "Clock in", Path: "/clock", Action: auth.ClockOwn, Order: 15},
		web.NavItem{Label: "Timesheets", Path: "/payroll/timesheets", Action: auth.TimesheetsRead, Order: 40},
		web.NavItem{Label: "Attendance", Path: "/payroll/attendance", Action: auth.AttendanceWrite, Order: 41},
		web.NavItem{Label: "Absences", Path: "/payroll/absences", Action: auth.AbsencesWrite, Order: 42},
		web.NavItem{Label: "Pay periods", Path: "/payroll/periods", Action: auth.PayrollManage, Order: 43},
		web.NavItem{Label: "Pay rates", Path: "/payroll/rates", Action: auth.PayRatesRead, Order: 44},
	)
	h.shell.AddHomeSection(web.HomeSection{Roles: []auth.Role{auth.Employee}, Template: "payroll_clock_home", Order: 10,
		Load: func(c *gin.Context, p auth.Principal) (any, error) {
			return h.svc.TodaysShifts(c.Request.Context(), p.ID)
		}})
}

func (h *Handler) problem(c *gin.Context, err error, to string) {
	if errs.CodeOf(err) == errs.Internal {
		web.Fail(c, err)
		return
	}
	_, msg, details := errs.Public(err)
	if fs, ok := details.([]errs.FieldError); ok {
		// Never a field key: "pay period" rather than "period:".
		var parts []string
		for _, f := range fs {
			w := strings.ReplaceAll(f.Field, "_", " ")
			if w != "" {
				w = strings.ToUpper(w[:1]) + w[1:] + " "
			}
			parts = append(parts, w+f.Message)
		}
		msg = strings.Join(parts, ". ") + "."
	}
	web.Problem(c, msg)
	web.Redirect(c, to)
}

// periodLinks are the current period and the six before it.
func (h *Handler) periodLinks() []Period {
	p := h.svc.CurrentPeriod()
	out := []Period{p}
	for range 6 {
		p = h.svc.cal.Previous(p)
		out = append(out, p)
	}
	return out
}

func (h *Handler) clockPage(c *gin.Context) {
	p := web.MustPrincipal(c)
	ctx := c.Request.Context()
	today, err := h.svc.TodaysShifts(ctx, p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	cur := h.svc.CurrentPeriod()
	ts, err := h.svc.EmployeeTimesheet(ctx, p, p.ID, cur.Key)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "payroll/clock", gin.H{
		"Today": today, "Timesheet": ts, "Periods": h.periodLinks(), "EmployeeID": p.ID,
	})
}

func (h *Handler) clockInSubmit(c *gin.Context) {
	a, err := h.svc.ClockIn(c.Request.Context(), web.MustPrincipal(c), c.Param("id"))
	if err != nil {
		h.problem(c, err, "/clock")
		return
	}
	msg := "You clocked in at " + hhmm(*a.ClockIn) + "."
	if a.ArrivedLateMinutes > 0 {
		msg += fmt.Sprintf(" That is %d minutes after the start; it has been noted.", a.ArrivedLateMinutes)
	}
	web.Success(c, msg)
	web.Redirect(c, "/clock")
}

func (h *Handler) timesheetsPage(c *gin.Context) {
	p := web.MustPrincipal(c)
	key := c.Query("period")
	if h.toMyHours(c, p, key) { // employees get My hours, not the supervisors' table
		return
	}
	if key == "" {
		key = h.svc.CurrentPeriod().Key
	}
	period, err := h.svc.ParsePeriod(key)
	if err != nil {
		h.problem(c, err, "/payroll/timesheets")
		return
	}
	ts, err := h.svc.Timesheets(c.Request.Context(), p, period.Key)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "payroll/timesheets", gin.H{
		"Period": period, "Timesheets": ts, "Periods": h.periodLinks(), "SeesPay": p.Has(auth.Finance),
		"CanApprove": auth.Can(p, auth.TimesheetsApprove), "Ended": civil.In(h.svc.now(), civil.London).After(period.End),
	})
}

// timesheetPage is one employee's timesheet: what the PDF says, on a phone.
func (h *Handler) timesheetPage(c *gin.Context) {
	p := web.MustPrincipal(c)
	if c.Param("id") == p.ID && h.toMyHours(c, p, c.Param("period")) { // employees get My hours (someone else's: 404 below)
		return
	}
	t, err := h.svc.EmployeeTimesheet(c.Request.Context(), p, c.Param("id"), c.Param("period"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	queries, err := h.timesheetQueries(c, t) // myhours_http.go
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "payroll/timesheet", gin.H{
		"T": t, "Queries": queries, "CanAnswer": auth.Can(p, auth.TimesheetsApprove) && p.ID != t.EmployeeID, "CanApprove": auth.Can(p, auth.TimesheetsApprove) && t.ID != "" && t.Status == TimesheetOpen && !t.PeriodClosed && p.ID != t.EmployeeID &&
			civil.In(h.svc.now(), civil.London).After(t.Period.End),
	})
}

func (h *Handler) approveSubmit(c *gin.Context) {
	back := "/payroll/timesheets?period=" + c.PostForm("period")
	t, err := h.svc.ApproveTimesheet(c.Request.Context(), web.MustPrincipal(c), c.Param("id"))
	if err != nil {
		h.problem(c, err, back)
		return
	}
	web.Success(c, "Approved the timesheet of "+t.EmployeeName+" for "+t.Period.Label()+".")
	web.Redirect(c, "/payroll/timesheets?period="+t.Period.Key)
}

// timesForm declares the times form of one shift on the attendance sheet;
// its ids start with the shift's id, as the sheet has one form per shift.
func timesForm(shiftID string) *web.Form {
	return web.NewForm(
		web.Field{Name: "clock_in", Label: "Started", Kind: web.KindTime},
		web.Field{Name: "clock_out", Label: "Finished", Kind: web.KindTime},
		web.Field{Name: "break_minutes", Label: "Unpaid break", Kind: web.KindNumber},
		web.Field{Name: "reason", Label: "Reason", Kind: web.KindText},
	).IDPrefix("t-" + shiftID + "-")
}

// noShowForm declares the "Mark no-show" form of one shift.
func noShowForm(shiftID string) *web.Form {
	return web.NewForm(web.Field{Name: "reason", Label: "Reason for marking a no-show", Kind: web.KindText}).IDPrefix("ns-" + shiftID + "-")
}

func (h *Handler) attendancePage(c *gin.Context) {
	d, err := web.QueryDate(c, "date")
	if err != nil {
		h.problem(c, err, "/payroll/attendance")
		return
	}
	if d.IsZero() {
		d = civil.In(h.svc.now(), civil.London)
	}
	h.showAttendance(c, http.StatusOK, d, "", nil)
}

// showAttendance shows the sheet of day d, each shift with its forms filled
// from what is recorded; posted (for shift shiftID, after an error) takes
// the place of that shift's form, with every value kept.
func (h *Handler) showAttendance(c *gin.Context, status int, d civil.Date, shiftID string, posted *web.Form) {
	day, err := h.svc.AttendanceOn(c.Request.Context(), d)
	if err != nil {
		web.Fail(c, err)
		return
	}
	times, noShows := map[string]*web.Form{}, map[string]*web.Form{}
	for _, it := range day.Items {
		f := timesForm(it.ShiftID)
		if a := it.Attendance; a != nil {
			if a.ClockIn != nil {
				f.Set("clock_in", hhmm(*a.ClockIn))
			}
			if a.ClockOut != nil {
				f.Set("clock_out", hhmm(*a.ClockOut))
			}
		}
		times[it.ShiftID], noShows[it.ShiftID] = f, noShowForm(it.ShiftID)
	}
	if posted != nil {
		if _, ok := times[shiftID]; ok && posted.Is("form", "no_show") {
			noShows[shiftID] = posted
		} else if ok {
			times[shiftID] = posted
		}
	}
	web.FormPage(c, status, "payroll/attendance", gin.H{"Day": day, "Prev": d.AddDays(-1), "Next": d.AddDays(1), "Times": times, "NoShows": noShows})
}

// localInstant reads "HH:MM" on a date in London; a time before start
// (for a finish) is the next day.
func localInstant(d civil.Date, hhmmStr string, after time.Time) (time.Time, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmmStr))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time like 08:30", hhmmStr)
	}
	v := d.At(t.Hour(), t.Minute(), civil.London)
	if !after.IsZero() && !v.After(after) {
		v = d.AddDays(1).At(t.Hour(), t.Minute(), civil.London)
	}
	return v, nil
}

func (h *Handler) attendanceSubmit(c *gin.Context) {
	id := c.Param("id")
	f := timesForm(id).Posted(c)
	d, err := civil.Parse(f.Value("date")) // hidden: the sheet's day
	if err != nil {
		web.Fail(c, errs.E(errs.Invalid, "The form has no day: open the attendance sheet again."))
		return
	}
	back := "/payroll/attendance?date=" + d.String()
	var in, out time.Time
	if f.Required("clock_in") {
		if in, err = localInstant(d, f.Value("clock_in"), time.Time{}); err != nil {
			f.Error("clock_in", "Started must be a time like 08:30")
		}
	}
	if f.Required("clock_out") {
		if out, err = localInstant(d, f.Value("clock_out"), in); err != nil {
			f.Error("clock_out", "Finished must be a time like 17:00")
		}
	}
	req := AttendanceInput{ClockIn: in, ClockOut: out, Reason: f.Value("reason")}
	if b := f.Value("break_minutes"); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 0 {
			f.Error("break_minutes", "Unpaid break must be a whole number of minutes, like 30")
		}
		req.BreakMinutes = &n
	}
	if !f.OK() {
		h.showAttendance(c, f.Status(), d, id, f)
		return
	}
	a, err := h.svc.RecordAttendance(c.Request.Context(), web.MustPrincipal(c), id, req)
	if err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showAttendance(c, f.Status(), d, id, f)
		return
	}
	web.Success(c, fmt.Sprintf("Recorded %s–%s (%s paid).", hhmm(*a.ClockIn), hhmm(*a.ClockOut), FormatMinutes(a.PaidMinutes)))
	web.Redirect(c, back)
}

func (h *Handler) noShowSubmit(c *gin.Context) {
	id := c.Param("id")
	f := noShowForm(id).Posted(c)
	d, err := civil.Parse(f.Value("date"))
	if err != nil {
		web.Fail(c, errs.E(errs.Invalid, "The form has no day: open the attendance sheet again."))
		return
	}
	if _, err := h.svc.MarkNoShow(c.Request.Context(), web.MustPrincipal(c), id, f.Value("reason")); err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showAttendance(c, f.Status(), d, id, f)
		return
	}
	web.Success(c, "Marked as a no-show.")
	web.Redirect(c, "/payroll/attendance?date="+d.String())
}

func (h *Handler) employees(c *gin.Context) ([]people.Person, error) {
	return h.svc.people.Employees(c.Request.Context())
}

// absenceForm declares the record-an-absence form (web.Form).
func absenceForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "employee_id", Label: "Employee", Kind: web.KindSelect},
		web.Field{Name: "type", Label: "Type", Kind: web.KindSelect},
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "to", Label: "To", Kind: web.KindDate},
		web.Field{Name: "paid_hours", Label: "Paid holiday hours a day", Kind: web.KindMoney, Keys: []string{"paid_minutes_per_day"}},
	)
}

func (h *Handler) absencesPage(c *gin.Context) {
	today := civil.In(h.svc.now(), civil.London)
	h.showAbsences(c, http.StatusOK, absenceForm().Set("from", today.String()))
}

// showAbsences shows the absences page with the form f (first showing, or
// again after an error with every value kept).
func (h *Handler) showAbsences(c *gin.Context, status int, f *web.Form) {
	emps, err := h.employees(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	today := civil.In(h.svc.now(), civil.London)
	rows, err := h.svc.absenceRows(c.Request.Context(), h.svc.db, nil, today.AddDays(-60), today.AddDays(120))
	if err != nil {
		web.Fail(c, err)
		return
	}
	names := map[string]string{}
	for _, p := range emps {
		names[p.ID] = p.Name
	}
	type item struct {
		Absence
		Name string
	}
	var items []item
	for i := len(rows) - 1; i >= 0; i-- {
		items = append(items, item{rows[i].absence(), names[rows[i].EmployeeID]})
	}
	web.FormPage(c, status, "payroll/absences", gin.H{"Employees": emps, "Absences": items, "Types": AbsenceTypes, "Form": f})
}

func (h *Handler) absenceSubmit(c *gin.Context) {
	f := absenceForm().Posted(c)
	in := AbsenceInput{Type: f.Value("type")}
	if f.Required("from") {
		in.From = f.Date("from")
	}
	in.To = f.Date("to")
	if !in.From.IsZero() && !in.To.IsZero() && in.To.Before(in.From) {
		f.Error("to", "To must be the same as or after the from date")
	}
	if v := f.Value("paid_hours"); v != "" {
		p, err := money.Parse(v) // hours with up to two decimals
		if err != nil || p < 0 || p > 1200 {
			f.Error("paid_hours", "Paid holiday hours a day must be hours from 0 to 12, like 7.5")
		}
		in.PaidMinutesPerDay = int(p) * 60 / 100
	}
	if !f.OK() {
		h.showAbsences(c, f.Status(), f)
		return
	}
	a, err := h.svc.RecordAbsence(c.Request.Context(), web.MustPrincipal(c), f.Value("employee_id"), in)
	if err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showAbsences(c, f.Status(), f)
		return
	}
	web.Success(c, fmt.Sprintf("Recorded %s from %s to %s.", a.Type, a.From.Format("Mon 2 Jan"), a.To.Format("Mon 2 Jan")))
	web.Redirect(c, "/payroll/absences")
}

func (h *Handler) periodsPage(c *gin.Context) {
	ctx := c.Request.Context()
	ps, err := h.svc.Periods(ctx, 6)
	if err != nil {
		web.Fail(c, err)
		return
	}
	key := c.Query("period")
	if key == "" {
		key = h.svc.cal.Previous(h.svc.CurrentPeriod()).Key
	}
	sum, err := h.svc.Summary(ctx, key)
	if err != nil {
		h.problem(c, err, "/payroll/periods")
		return
	}
	monitor, err := h.svc.PermittedWorkMonitor(ctx, sum.Period.Period)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "payroll/periods", gin.H{
		"Periods": ps, "Summary": sum, "Monitor": monitor,
		"Ended": civil.In(h.svc.now(), civil.London).After(sum.Period.End),
	})
}

func (h *Handler) closeSubmit(c *gin.Context) {
	key := c.Param("period")
	st, err := h.svc.ClosePeriod(c.Request.Context(), web.MustPrincipal(c), key)
	if err != nil {
		h.problem(c, err, "/payroll/periods?period="+key)
		return
	}
	web.Success(c, "Closed the pay period "+st.Label()+". It is frozen; the export is ready.")
	web.Redirect(c, "/payroll/periods?period="+st.Key)
}

// rateRow is an employee on the rates page.
type rateRow struct {
	Person    people.Person
	Rate      money.Pence
	HasRate   bool
	From      civil.Date
	Minimum   money.Pence
	Band      Band
	Below     bool
	Permitted *PermittedWorkRecord
}

// rateForm declares the "Set a rate" form (web.Form).
func rateForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "employee_id", Label: "Employee", Kind: web.KindSelect},
		web.Field{Name: "hourly_rate", Label: "Hourly rate", Kind: web.KindMoney},
		web.Field{Name: "effective_from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "apprentice", Label: "Apprentice", Kind: web.KindChoice},
	)
}

// permittedForm declares the "Permitted work" form; its ids start "pw-" as
// it shares the page (and the employee_id name) with the rate form.
func permittedForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "employee_id", Label: "Employee", Kind: web.KindSelect},
		web.Field{Name: "benefit", Label: "Benefit", Kind: web.KindSelect},
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "max_weekly_hours", Label: "Most hours a week", Kind: web.KindMoney, Keys: []string{"max_weekly_minutes"}},
		web.Field{Name: "max_weekly_earnings", Label: "Most earnings a week", Kind: web.KindMoney},
	).IDPrefix("pw-")
}

// Benefits are the choices of the permitted-work form.
var permittedBenefits = []struct{ Value, Label string }{
	{BenefitESAPermitted, "ESA permitted work"},
	{BenefitESASupported, "ESA supported permitted work"},
	{BenefitOther, "Other (set limits)"},
	{"none", "None (remove)"},
}

func (h *Handler) ratesPage(c *gin.Context) {
	today := civil.In(h.svc.now(), civil.London).String()
	h.showRates(c, http.StatusOK, rateForm().Set("effective_from", today), permittedForm().Set("from", today))
}

// showRates shows the rates page with its two forms (first showing, or
// again after an error in one of them with every value kept).
func (h *Handler) showRates(c *gin.Context, status int, rf, pf *web.Form) {
	ctx := c.Request.Context()
	emps, err := h.employees(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	today := civil.In(h.svc.now(), civil.London)
	book, err := h.svc.loadRates(ctx, h.svc.db, nil)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var rows []rateRow
	for _, p := range emps {
		if p.Employee == nil {
			continue
		}
		r := rateRow{Person: p}
		rate, ok := book.on(p.ID, today)
		r.Minimum, r.Band, _ = MinimumFor(*p.Employee, rate.Apprentice, today)
		if ok {
			r.Rate, r.HasRate, r.From = rate.HourlyPence, true, rate.EffectiveFrom
			r.Below = rate.HourlyPence < h.svc.policyFloor
		}
		if rec, found, err := h.svc.PermittedWorkFor(ctx, p.ID); err != nil {
			web.Fail(c, err)
			return
		} else if found {
			r.Permitted = &rec
		}
		rows = append(rows, r)
	}
	web.FormPage(c, status, "payroll/rates", gin.H{
		"Rows": rows, "Floor": h.svc.policyFloor, "Today": today, "CanWrite": auth.Can(web.MustPrincipal(c), auth.PayRatesWrite),
		"RateForm": rf, "PermittedForm": pf, "Benefits": permittedBenefits,
	})
}

func (h *Handler) rateSubmit(c *gin.Context) {
	f := rateForm().Posted(c)
	today := civil.In(h.svc.now(), civil.London).String()
	again := func() { h.showRates(c, f.Status(), f, permittedForm().Set("from", today)) }
	var in RateInput
	f.Required("employee_id")
	if f.Required("hourly_rate") {
		r, err := money.Parse(f.Value("hourly_rate"))
		if err != nil {
			f.Error("hourly_rate", "Hourly rate must be an amount in pounds like 12.50")
		}
		in.HourlyRate = Amount(r)
	}
	if f.Required("effective_from") {
		in.EffectiveFrom = f.Date("effective_from")
	}
	in.Apprentice = f.Value("apprentice") != ""
	if !f.OK() {
		again()
		return
	}
	res, err := h.svc.SetPayRate(c.Request.Context(), web.MustPrincipal(c), f.Value("employee_id"), in)
	if errs.CodeOf(err) == errs.RuleViolation { // below the statutory minimum: by the rate
		_, msg, _ := errs.Public(err)
		f.Error("hourly_rate", msg)
		again()
		return
	}
	if err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		again()
		return
	}
	msg := fmt.Sprintf("Set %s an hour from %s.", res.Rate.HourlyRate, res.Rate.EffectiveFrom.Format("Mon 2 Jan 2006"))
	if len(res.Warnings) > 0 {
		web.SetFlash(c, "info", msg+" Warning: "+strings.Join(res.Warnings, " "))
	} else {
		web.Success(c, msg)
	}
	web.Redirect(c, "/payroll/rates")
}

func (h *Handler) permittedWorkSubmit(c *gin.Context) {
	f := permittedForm().Posted(c)
	today := civil.In(h.svc.now(), civil.London).String()
	again := func() { h.showRates(c, f.Status(), rateForm().Set("effective_from", today), f) }
	in := PermittedWorkInput{Benefit: f.Value("benefit")}
	f.Required("employee_id")
	known := false
	for _, b := range permittedBenefits {
		known = known || b.Value == in.Benefit
	}
	if !known {
		f.Error("benefit", "Select a benefit from the list")
	}
	in.From = f.Date("from")
	if v := f.Value("max_weekly_hours"); v != "" {
		hrs, err := money.Parse(v) // hours with up to two decimals
		if err != nil || hrs < 0 {
			f.Error("max_weekly_hours", "Most hours a week must be a number of hours like 15.75, or 0 for no limit")
		}
		m := int(hrs) * 60 / 100
		in.MaxWeeklyMinutes = &m
	}
	if v := f.Value("max_weekly_earnings"); v != "" {
		p, err := money.Parse(v)
		if err != nil || p < 0 {
			f.Error("max_weekly_earnings", "Most earnings a week must be an amount in pounds like 183.50, or 0 for no limit")
		}
		a := Amount(p)
		in.MaxWeeklyEarnings = &a
	}
	if !f.OK() {
		again()
		return
	}
	rec, ok, err := h.svc.SetPermittedWork(c.Request.Context(), web.MustPrincipal(c), f.Value("employee_id"), in)
	if err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		again()
		return
	}
	if !ok {
		web.Success(c, "Removed the permitted-work record.")
	} else {
		limit := "no hours limit"
		if rec.MaxWeeklyMinutes > 0 {
			limit = "up to " + FormatMinutes(rec.MaxWeeklyMinutes)
		}
		earn := "no earnings limit"
		if rec.MaxWeeklyEarnings > 0 {
			earn = "up to " + rec.MaxWeeklyEarnings.String()
		}
		web.Success(c, fmt.Sprintf("Permitted work recorded: %s, %s and %s a week.", benefitLabel(rec.Benefit), limit, earn))
	}
	web.Redirect(c, "/payroll/rates")
}

func benefitLabel(v string) string {
	for _, b := range permittedBenefits {
		if b.Value == v {
			return b.Label
		}
	}
	return v
}
