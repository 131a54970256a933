package payroll

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the payroll API and pages.
type Handler struct {
	svc   *Service
	shell *web.Shell
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell) *Handler {
	return &Handler{svc: svc, shell: shell}
}

// Routes registers the API routes and pages.
func (h *Handler) Routes(api, root web.Routes) {
	h.pages(root)
	h.leaveRoutes(api, root)   // leave_http.go
	h.myHoursRoutes(api, root) // myhours_http.go: My hours, hours queries, the permitted-work panel
	api.PUT("/employees/:id/pay-rate", auth.PayRatesWrite, h.setPayRate)
	api.GET("/employees/:id/pay-rates", auth.PayRatesRead, h.listPayRates)
	api.POST("/employees/:id/absences", auth.AbsencesWrite, h.recordAbsence)
	api.GET("/employees/:id/absences", auth.TimesheetsRead, h.listAbsences)
	api.DELETE("/absences/:id", auth.AbsencesWrite, h.deleteAbsence)
	api.PUT("/employees/:id/permitted-work", auth.PayrollManage, h.setPermittedWork)
	api.GET("/employees/:id/permitted-work", auth.PayrollManage, h.getPermittedWork)

	api.POST("/shifts/:id/clock-in", auth.ClockOwn, h.clockIn)
	api.POST("/shifts/:id/clock-out", auth.ClockOwn, h.clockOut)
	api.GET("/me/clock", auth.ClockOwn, h.myClock)
	api.POST("/shifts/:id/attendance", auth.AttendanceWrite, h.recordAttendance)
	api.POST("/shifts/:id/no-show", auth.AttendanceWrite, h.noShow)
	api.GET("/attendance", auth.AttendanceWrite, h.attendanceDay)

	api.GET("/timesheets", auth.TimesheetsRead, h.listTimesheets)
	api.POST("/timesheets/:id/approve", auth.TimesheetsApprove, h.approveTimesheet)
	api.GET("/employees/:id/timesheets/:period", auth.TimesheetsRead, h.employeeTimesheet)

	api.GET("/pay-periods", auth.PayrollManage, h.listPeriods)
	api.POST("/pay-periods/:period/close", auth.PayrollManage, h.closePeriod)
	api.GET("/pay-periods/:period/summary", auth.PayrollManage, h.periodSummary)
	api.GET("/pay-periods/:period/permitted-work", auth.PayrollManage, h.permittedWorkMonitor)
	api.GET("/pay-periods/:period/timesheets.zip", auth.PayrollManage, h.timesheetsZip)
	api.GET("/pay-periods/:period/export.csv", auth.PayrollManage, h.exportCSV)
}

func (h *Handler) clockIn(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.ClockIn(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *Handler) clockOut(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.ClockOut(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *Handler) myClock(c *gin.Context) {
	ms, err := h.svc.TodaysShifts(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(ms))
}

func (h *Handler) recordAttendance(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in AttendanceInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.RecordAttendance(c.Request.Context(), web.MustPrincipal(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

type noShowRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) noShow(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in noShowRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.MarkNoShow(c.Request.Context(), web.MustPrincipal(c), id, in.Reason)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *Handler) attendanceDay(c *gin.Context) {
	d, err := web.QueryDate(c, "date")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if d.IsZero() {
		d = civil.In(h.svc.now(), civil.London)
	}
	day, err := h.svc.AttendanceOn(c.Request.Context(), d)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, day)
}

func (h *Handler) periodKey(c *gin.Context, key string) string {
	if key == "" {
		return h.svc.CurrentPeriod().Key
	}
	return key
}

func (h *Handler) listTimesheets(c *gin.Context) {
	key := h.periodKey(c, c.Query("period"))
	if _, err := h.svc.ParsePeriod(key); err != nil {
		_, msg, _ := errs.Public(err)
		web.Fail(c, errs.Fields(errs.FieldError{Field: "period", Message: msg}))
		return
	}
	ts, err := h.svc.Timesheets(c.Request.Context(), web.MustPrincipal(c), key)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(ts))
}

func (h *Handler) approveTimesheet(c *gin.Context) {
	id, err := web.PathID(c, "id", "timesheet")
	if err != nil {
		web.Fail(c, err)
		return
	}
	t, err := h.svc.ApproveTimesheet(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (h *Handler) employeeTimesheet(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	key := c.Param("period")
	if k, ok := strings.CutSuffix(key, ".pdf"); ok {
		h.timesheetPDF(c, id, k)
		return
	}
	t, err := h.svc.EmployeeTimesheet(c.Request.Context(), web.MustPrincipal(c), id, key)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (h *Handler) listPeriods(c *gin.Context) {
	ps, err := h.svc.Periods(c.Request.Context(), 12)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(ps))
}

func (h *Handler) closePeriod(c *gin.Context) {
	st, err := h.svc.ClosePeriod(c.Request.Context(), web.MustPrincipal(c), c.Param("period"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (h *Handler) periodSummary(c *gin.Context) {
	sum, err := h.svc.Summary(c.Request.Context(), c.Param("period"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sum)
}

func (h *Handler) permittedWorkMonitor(c *gin.Context) {
	p, err := h.svc.ParsePeriod(c.Param("period"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	ws, err := h.svc.PermittedWorkMonitor(c.Request.Context(), p)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(ws))
}

func (h *Handler) setPayRate(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in RateInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.svc.SetPayRate(c.Request.Context(), web.MustPrincipal(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (h *Handler) listPayRates(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	rs, err := h.svc.PayRates(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(rs))
}

func (h *Handler) recordAbsence(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in AbsenceInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.RecordAbsence(c.Request.Context(), web.MustPrincipal(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

func (h *Handler) listAbsences(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
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
	as, err := h.svc.Absences(c.Request.Context(), web.MustPrincipal(c), id, from, to)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(as))
}

func (h *Handler) deleteAbsence(c *gin.Context) {
	id, err := web.PathID(c, "id", "absence")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.svc.DeleteAbsence(c.Request.Context(), id); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) setPermittedWork(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in PermittedWorkInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	rec, ok, err := h.svc.SetPermittedWork(c.Request.Context(), web.MustPrincipal(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if !ok {
		c.JSON(http.StatusOK, gin.H{"employee_id": id, "benefit": "none"})
		return
	}
	c.JSON(http.StatusOK, rec)
}

func (h *Handler) getPermittedWork(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if _, err := h.svc.employee(c.Request.Context(), id); err != nil {
		web.Fail(c, err)
		return
	}
	rec, ok, err := h.svc.PermittedWorkFor(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if !ok {
		c.JSON(http.StatusOK, gin.H{"employee_id": id, "benefit": "none"})
		return
	}
	c.JSON(http.StatusOK, rec)
}

func (h *Handler) timesheetPDF(c *gin.Context, employeeID, period string) {
	b, t, err := h.svc.EmployeeTimesheetPDF(c.Request.Context(), web.MustPrincipal(c), employeeID, period)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+TimesheetFileName(t)+`"`)
	c.Data(http.StatusOK, "application/pdf", b)
}

func (h *Handler) timesheetsZip(c *gin.Context) {
	var buf bytes.Buffer
	if _, err := h.svc.WriteTimesheetsZip(c.Request.Context(), c.Param("period"), &buf); err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="timesheets-`+c.Param("period")+`.zip"`)
	c.Data(http.StatusOK, "application/zip", buf.Bytes())
}

func (h *Handler) exportCSV(c *gin.Context) {
	var buf bytes.Buffer
	format := c.DefaultQuery("format", FormatBrightPay)
	if _, err := h.svc.WriteExport(c.Request.Context(), c.Param("period"), format, &buf); err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="payroll-`+c.Param("period")+`-`+format+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
