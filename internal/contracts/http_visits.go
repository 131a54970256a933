package contracts

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) visitRoutes(api web.Routes) {
	api.GET("/contracts/:id/schedules", auth.ContractsRead, h.listSchedules)
	api.POST("/contracts/:id/schedules", auth.ContractsWrite, h.addSchedule)
	api.PUT("/schedules/:id", auth.ContractsWrite, h.updateSchedule)
	api.POST("/contracts/:id/visits/generate", auth.VisitsGenerate, h.generateVisits)
	api.GET("/visits", auth.VisitsRead, h.listVisits)
	api.GET("/visits/:id", auth.VisitsRead, h.getVisit)
	api.PATCH("/visits/:id", auth.VisitsWrite, h.updateVisit)
}

func (h *Handler) listSchedules(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err == nil {
		_, err = h.svc.Contract(c.Request.Context(), id)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	ss, err := h.svc.Schedules(c.Request.Context(), id)
	respond(c, http.StatusOK, web.Items(ss), err)
}

func (h *Handler) addSchedule(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in ScheduleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	sc, err := h.svc.AddSchedule(c.Request.Context(), id, in)
	respond(c, http.StatusCreated, sc, err)
}

func (h *Handler) updateSchedule(c *gin.Context) {
	id, err := web.PathID(c, "id", "schedule")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in ScheduleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	sc, err := h.svc.UpdateSchedule(c.Request.Context(), id, in)
	respond(c, http.StatusOK, sc, err)
}

type generateRequest struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

func (h *Handler) generateVisits(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in generateRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.svc.GenerateVisits(c.Request.Context(), id, in.From, in.To)
	respond(c, http.StatusOK, res, err)
}

func (h *Handler) listVisits(c *gin.Context) {
	var f VisitFilter
	var err error
	if f.From, err = web.QueryDate(c, "from"); err != nil {
		web.Fail(c, err)
		return
	}
	if f.To, err = web.QueryDate(c, "to"); err != nil {
		web.Fail(c, err)
		return
	}
	f.SiteID, f.ContractID, f.Status = c.Query("site"), c.Query("contract"), VisitStatus(c.Query("status"))
	switch f.Status {
	case "", VisitScheduled, VisitCompleted, VisitCancelled, VisitMissed, VisitWithdrawn:
	default:
		web.Fail(c, errs.Fields(errs.FieldError{Field: "status", Message: "must be scheduled, completed, cancelled, missed or withdrawn"}))
		return
	}
	vs, err := h.svc.Visits(c.Request.Context(), f)
	respond(c, http.StatusOK, web.Items(vs), err)
}

func (h *Handler) getVisit(c *gin.Context) {
	id, err := web.PathID(c, "id", "visit")
	if err != nil {
		web.Fail(c, err)
		return
	}
	v, err := h.svc.Visit(c.Request.Context(), id)
	respond(c, http.StatusOK, v, err)
}

func (h *Handler) updateVisit(c *gin.Context) {
	id, err := web.PathID(c, "id", "visit")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in VisitUpdate
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	v, err := h.svc.UpdateVisit(c.Request.Context(), id, in)
	respond(c, http.StatusOK, v, err)
}
