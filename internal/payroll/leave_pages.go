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

// newLeaveForm is the request form (internal/web's one form mechanism):
// on an error the page comes back with every value kept and each message
// by its field.
func newLeaveForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "type", Label: "What for", Kind: web.KindSelect},
		web.Field{Name: "from", Label: "First day", Kind: web.KindDate},
		web.Field{Name: "to", Label: "Last day", Kind: web.KindDate},
		web.Field{Name: "part", Label: "Which part of the days", Kind: web.KindChoice},
		web.Field{Name: "day_hours", Label: "Hours in a full day of holiday", Kind: web.KindText, Keys: []string{"day_minutes"}},
		web.Field{Name: "hours", Label: "Hours on the day", Kind: web.KindText, Keys: []string{"minutes"}},
	)
}

func (h *Handler) myLeavePage(c *gin.Context) {
	today := civil.In(h.svc.now(), civil.London)
	h.renderMyLeave(c, http.StatusOK, newLeaveForm().Set("type", Holiday).Set("from", today.String()).Set("part", PartWhole))
}

func (h *Handler) renderMyLeave(c *gin.Context, status int, form *web.Form) {
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
	web.FormPage(c, status, "payroll/leave", gin.H{
		"Balance": resp.Balance, "Requests": resp.Items, "Types": types, "Form": form, "DayHint": dayHint,
		"Today": civil.In(h.svc.now(), civil.London).String(),
	})
}

func (h *Handler) myLeaveSubmit(c *gin.Context) {
	form := newLeaveForm().Posted(c)
	in := LeaveInput{Type: form.Value("type"), Part: form.Value("part")}
	if form.Required("from") {
		in.From = form.Date("from")
	}
	in.To = form.Date("to")
	var ok bool
	if in.Type == Holiday && in.Part == PartHours {
		if in.Minutes, ok = parseHours(form.Value("hours")); !ok {
			form.Error("hours", "Enter the hours on the day, like 3:30")
		}
	}
	if v := form.Value("day_hours"); in.Type == Holiday && in.Part != PartHours && v != "" {
		if in.DayMinutes, ok = parseHours(v); !ok {
			form.Error("day_hours", "Enter the hours of a day, like 7:30")
		}
	}
	if form.OK() {
		r, err := h.svc.RequestLeave(c.Request.Context(), web.MustPrincipal(c), in)
		if err == nil {
			web.Success(c, fmt.Sprintf("Your request for %s on %s is sent to your supervisor.", strings.ToLower(r.TypeLabel()), r.Dates()))
			web.Redirect(c, "/me/leave")
			return
		}
		if !form.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	h.renderMyLeave(c, form.Status(), form)
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

func newLeaveSettingsForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "types", Label: "What employees may ask for", Kind: web.KindChoice, Keys: []string{"enabled_types"}},
		web.Field{Name: "year_start_month", Label: "The month the leave year starts", Kind: web.KindSelect},
	)
}

func (h *Handler) leaveSettingsPage(c *gin.Context) {
	set, err := h.svc.LeaveSettings(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	form := newLeaveSettingsForm().Set("year_start_month", strconv.Itoa(set.YearStartMonth))
	form.Values["types"] = set.EnabledTypes
	h.renderLeaveSettings(c, http.StatusOK, form, set)
}

func (h *Handler) renderLeaveSettings(c *gin.Context, status int, form *web.Form, set LeaveSettings) {
	type option struct {
		Value, Label string
		AlwaysOn     bool
	}
	var types []option
	for _, t := range AbsenceTypes {
		types = append(types, option{Value: t, Label: AbsenceLabel(t), AlwaysOn: t == Holiday || t == Sick})
	}
	var months []option
	for m := 1; m <= 12; m++ {
		months = append(months, option{Value: strconv.Itoa(m), Label: time.Month(m).String()})
	}
	web.FormPage(c, status, "payroll/leave_settings", gin.H{"Types": types, "Months": months, "Form": form, "Settings": set})
}

func (h *Handler) leaveSettingsSubmit(c *gin.Context) {
	form := newLeaveSettingsForm().Posted(c)
	in := LeaveSettingsInput{EnabledTypes: form.Values["types"]}
	m, err := strconv.Atoi(form.Value("year_start_month"))
	if err != nil || m < 1 || m > 12 {
		form.Error("year_start_month", "Choose the month the leave year starts")
	}
	in.YearStartMonth = m
	if form.OK() {
		_, err := h.svc.SetLeaveSettings(c.Request.Context(), web.MustPrincipal(c), in)
		if err == nil {
			web.Success(c, "Leave settings saved.")
			web.Redirect(c, "/leave/settings")
			return
		}
		if !form.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	set, err := h.svc.LeaveSettings(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.renderLeaveSettings(c, form.Status(), form, set)
}
