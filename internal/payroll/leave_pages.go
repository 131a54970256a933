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
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) leavePages(root web.Routes) {
	root.GET("/me/leave", auth.LeaveOwn, h.myLeavePage)
	root.POST("/me/leave", auth.LeaveOwn, h.myLeaveSubmit)
	root.POST("/me/leave/:id/cancel", auth.LeaveOwn, h.myLeaveCancel)
	root.GET("/leave", auth.LeaveApprove, h.leaveRequestsPage)
	root.POST("/leave/:id/approve", auth.LeaveApprove, h.leaveApproveSubmit)
	root.POST("/leave/:id/decline", auth.LeaveApprove, h.leaveDeclineSubmit)
	root.GET("/leave/settings", auth.LeaveSettings, h.leaveSettingsPage)
	root.POST("/leave/settings", auth.LeaveSettings, h.leaveSettingsSubmit)
	h.shell.AddNav(
		web.NavItem{Label: "Leave", Path: "/me/leave", Action: auth.LeaveOwn, Order: 16},
		web.NavItem{Label: "Leave requests", Path: "/leave", Action: auth.LeaveApprove, Order: 42},
		web.NavItem{Label: "Leave settings", Path: "/leave/settings", Action: auth.LeaveSettings, Order: 45},
	)
}

// leaveForm is the request form as typed, kept on an error, with each
// field's message.
type leaveForm struct {
	Type, From, To, Part, Hours, DayHours string
	Errors                                map[string]string
	Order                                 []errs.FieldError // the summary, in form order
}

// leaveFieldOrder is the form's fields top to bottom (the error summary's order).
var leaveFieldOrder = []string{"type", "from", "to", "part", "minutes", "day_minutes"}

// leaveFieldID maps a service field to the input that shows its message.
var leaveFieldID = map[string]string{"type": "type", "from": "from", "to": "to", "part": "part", "minutes": "hours", "day_minutes": "day_hours"}

func (f *leaveForm) fail(err error) bool {
	_, msg, details := errs.Public(err)
	fs, ok := details.([]errs.FieldError)
	if !ok {
		if errs.CodeOf(err) == errs.Internal {
			return false
		}
		fs = []errs.FieldError{{Field: "from", Message: msg}}
	}
	f.Errors = map[string]string{}
	for _, fe := range fs {
		id := leaveFieldID[fe.Field]
		if id == "" {
			id = "from"
		}
		if _, dup := f.Errors[id]; !dup {
			f.Errors[id] = fe.Message
		}
	}
	for _, k := range leaveFieldOrder {
		if m, ok := f.Errors[leaveFieldID[k]]; ok {
			f.Order = append(f.Order, errs.FieldError{Field: leaveFieldID[k], Message: m})
		}
	}
	return true
}

func (h *Handler) myLeavePage(c *gin.Context) {
	today := civil.In(h.svc.now(), civil.London)
	h.renderMyLeave(c, http.StatusOK, leaveForm{Type: Holiday, From: today.String()})
}

func (h *Handler) renderMyLeave(c *gin.Context, status int, form leaveForm) {
	resp, err := h.apiMyLeave(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := web.MustPrincipal(c)
	emp, err := h.svc.employee(c.Request.Context(), p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	dayHint := ""
	if e := emp.Employee; e.ContractedMinutesPerWeek > 0 && e.ContractType != "zero_hours" {
		dayHint = "Leave empty for " + FormatMinutes(e.ContractedMinutesPerWeek/5) + " (your weekly hours ÷ 5). Saturdays and Sundays count no hours."
	}
	type typeOption struct{ Value, Label string }
	var types []typeOption
	for _, t := range resp.Types {
		types = append(types, typeOption{t, AbsenceLabel(t)})
	}
	h.shell.Renderer.HTML(c, status, "payroll/leave", gin.H{
		"Balance": resp.Balance, "Requests": resp.Items, "Types": types, "Form": form, "DayHint": dayHint,
		"Today": civil.In(h.svc.now(), civil.London).String(),
	})
}

func (h *Handler) myLeaveSubmit(c *gin.Context) {
	form := leaveForm{Type: c.PostForm("type"), From: strings.TrimSpace(c.PostForm("from")), To: strings.TrimSpace(c.PostForm("to")),
		Part: c.PostForm("part"), Hours: strings.TrimSpace(c.PostForm("hours")), DayHours: strings.TrimSpace(c.PostForm("day_hours"))}
	in := LeaveInput{Type: form.Type, Part: form.Part}
	var bad []errs.FieldError
	var ok bool
	if in.From, ok = parseDay(form.From); !ok {
		bad = append(bad, errs.FieldError{Field: "from", Message: "Enter the first day as a date, like 24 December 2026."})
	}
	if form.To != "" {
		if in.To, ok = parseDay(form.To); !ok {
			bad = append(bad, errs.FieldError{Field: "to", Message: "Enter the last day as a date, like 28 December 2026, or leave it empty for one day."})
		}
	}
	if in.Type == Holiday && in.Part == PartHours {
		if in.Minutes, ok = parseHours(form.Hours); !ok {
			bad = append(bad, errs.FieldError{Field: "minutes", Message: "Enter the hours, like 3:30."})
		}
	}
	if in.Type == Holiday && in.Part != PartHours && form.DayHours != "" {
		if in.DayMinutes, ok = parseHours(form.DayHours); !ok {
			bad = append(bad, errs.FieldError{Field: "day_minutes", Message: "Enter the hours of a day, like 7:30."})
		}
	}
	err := error(nil)
	if len(bad) > 0 {
		err = errs.Fields(bad...)
	} else {
		var r LeaveRequest
		if r, err = h.svc.RequestLeave(c.Request.Context(), web.MustPrincipal(c), in); err == nil {
			msg := fmt.Sprintf("Your request for %s on %s is sent to your supervisor.", strings.ToLower(r.TypeLabel()), r.Dates())
			web.Success(c, msg)
			web.Redirect(c, "/me/leave")
			return
		}
	}
	if !form.fail(err) {
		web.Fail(c, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if errs.CodeOf(err) == errs.Conflict {
		status = http.StatusConflict
	}
	h.renderMyLeave(c, status, form)
}

// parseDay reads a date as a person types it, or as a date input sends it.
func parseDay(s string) (civil.Date, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "2/1/2006", "2 Jan 2006", "2 January 2006", "Mon 2 Jan 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return civil.D(t.Year(), t.Month(), t.Day()), true
		}
	}
	return civil.Date{}, false
}

// parseHours reads "7:30", "7.5" or "7" as minutes.
func parseHours(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "h"))
	if h, m, ok := strings.Cut(s, ":"); ok {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
			return 0, false
		}
		return hh*60 + mm, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 24 {
		return 0, false
	}
	return int(f*60 + 0.5), true
}

func (h *Handler) myLeaveCancel(c *gin.Context) {
	r, err := h.svc.CancelLeave(c.Request.Context(), web.MustPrincipal(c), c.Param("id"))
	if err != nil {
		h.leaveProblem(c, err, "/me/leave")
		return
	}
	web.Success(c, fmt.Sprintf("Your request for %s is cancelled.", r.Dates()))
	web.Redirect(c, "/me/leave")
}

// leaveProblem flashes a one-line message (the action buttons have no
// fields to keep) and goes back.
func (h *Handler) leaveProblem(c *gin.Context, err error, to string) {
	if errs.CodeOf(err) == errs.Internal {
		web.Fail(c, err)
		return
	}
	_, msg, details := errs.Public(err)
	if fs, ok := details.([]errs.FieldError); ok && len(fs) > 0 {
		msg = fs[0].Message
	}
	web.Problem(c, msg)
	web.Redirect(c, to)
}

func (h *Handler) leaveRequestsPage(c *gin.Context) {
	ctx := c.Request.Context()
	pending, err := h.svc.LeaveRequests(ctx, LeavePending)
	if err != nil {
		web.Fail(c, err)
		return
	}
	type item struct {
		LeaveRequest
		Balance LeaveBalance
	}
	items := make([]item, len(pending))
	for i, r := range pending {
		items[i].LeaveRequest = r
		if r.Type == Holiday {
			if items[i].Balance, err = h.svc.LeaveBalance(ctx, web.MustPrincipal(c), r.EmployeeID); err != nil {
				web.Fail(c, err)
				return
			}
		}
	}
	all, err := h.svc.LeaveRequests(ctx, "")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var recent []LeaveRequest
	for _, r := range all {
		if r.Status != LeavePending && len(recent) < 30 {
			recent = append(recent, r)
		}
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "payroll/leave_requests", gin.H{"Pending": items, "Recent": recent})
}

func (h *Handler) leaveApproveSubmit(c *gin.Context) {
	r, err := h.svc.ApproveLeave(c.Request.Context(), web.MustPrincipal(c), c.Param("id"))
	if err != nil {
		h.leaveProblem(c, err, "/leave")
		return
	}
	web.Success(c, fmt.Sprintf("Approved: %s, %s. Their shifts on those days went back to the open pool.", r.TypeLabel(), r.Dates()))
	web.Redirect(c, "/leave")
}

func (h *Handler) leaveDeclineSubmit(c *gin.Context) {
	r, err := h.svc.DeclineLeave(c.Request.Context(), web.MustPrincipal(c), c.Param("id"), LeaveDecision{Message: c.PostForm("message")})
	if err != nil {
		h.leaveProblem(c, err, "/leave")
		return
	}
	web.Success(c, fmt.Sprintf("Declined: %s, %s.", r.TypeLabel(), r.Dates()))
	web.Redirect(c, "/leave")
}

func (h *Handler) leaveSettingsPage(c *gin.Context) {
	set, err := h.svc.LeaveSettings(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.renderLeaveSettings(c, http.StatusOK, set, "")
}

func (h *Handler) renderLeaveSettings(c *gin.Context, status int, set LeaveSettings, problem string) {
	type option struct {
		Value, Label    string
		On, AlwaysOn    bool
		MonthNo         int
		MonthName       string
		MonthIsSelected bool
	}
	var types []option
	for _, t := range AbsenceTypes {
		types = append(types, option{Value: t, Label: AbsenceLabel(t), On: containsString(set.EnabledTypes, t), AlwaysOn: t == Holiday || t == Sick})
	}
	var months []option
	for m := 1; m <= 12; m++ {
		months = append(months, option{MonthNo: m, MonthName: time.Month(m).String(), MonthIsSelected: m == set.YearStartMonth})
	}
	h.shell.Renderer.HTML(c, status, "payroll/leave_settings", gin.H{"Types": types, "Months": months, "Error": problem, "Settings": set})
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (h *Handler) leaveSettingsSubmit(c *gin.Context) {
	in := LeaveSettingsInput{EnabledTypes: c.PostFormArray("types")}
	m, err := strconv.Atoi(c.PostForm("year_start_month"))
	if err != nil {
		m = -1
	}
	in.YearStartMonth = m
	set, err := h.svc.SetLeaveSettings(c.Request.Context(), web.MustPrincipal(c), in)
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			web.Fail(c, err)
			return
		}
		_, msg, details := errs.Public(err)
		if fs, ok := details.([]errs.FieldError); ok && len(fs) > 0 {
			msg = fs[0].Message
		}
		cur := LeaveSettings{EnabledTypes: enabledTypes(in.EnabledTypes), YearStartMonth: m}
		h.renderLeaveSettings(c, http.StatusUnprocessableEntity, cur, msg)
		return
	}
	web.Success(c, "Leave settings saved.")
	_ = set
	web.Redirect(c, "/leave/settings")
}
