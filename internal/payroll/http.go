package payroll

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
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
	api.PUT("/employees/:id/pay-rate", auth.PayRatesWrite, h.setPayRate)
	api.GET("/employees/:id/pay-rates", auth.PayRatesRead, h.listPayRates)
	api.POST("/employees/:id/absences", auth.AbsencesWrite, h.recordAbsence)
	api.GET("/employees/:id/absences", auth.TimesheetsRead, h.listAbsences)
	api.DELETE("/absences/:id", auth.AbsencesWrite, h.deleteAbsence)
	api.PUT("/employees/:id/permitted-work", auth.PayrollManage, h.setPermittedWork)
	api.GET("/employees/:id/permitted-work", auth.PayrollManage, h.getPermittedWork)
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
