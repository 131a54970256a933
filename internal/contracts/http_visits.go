package contracts

import (
	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) visitRoutes(api web.Routes) {
	api.GET("/contracts/:id/schedules", auth.ContractsRead, web.NoBody(h.listSchedules))
	api.POST("/contracts/:id/schedules", auth.ContractsWrite, web.JSON(h.addSchedule).Created())
	api.PUT("/schedules/:id", auth.ContractsWrite, web.JSON(h.updateSchedule))
	api.POST("/contracts/:id/visits/generate", auth.VisitsGenerate, web.JSON(h.generateVisits))
	api.GET("/visits", auth.VisitsRead, web.NoBody(h.listVisits))
	api.GET("/visits/:id", auth.VisitsRead, web.NoBody(h.getVisit))
	api.PATCH("/visits/:id", auth.VisitsWrite, web.JSON(h.updateVisit))
}

func (h *Handler) listSchedules(c *gin.Context) (web.List[Schedule], error) {
	id, err := web.PathID(c, "id", "contract")
	if err == nil {
		_, err = h.svc.Contract(c.Request.Context(), id)
	}
	if err != nil {
		return web.List[Schedule]{}, err
	}
	ss, err := h.svc.Schedules(c.Request.Context(), id)
	return web.Items(ss), err
}

func (h *Handler) addSchedule(c *gin.Context, in ScheduleInput) (Schedule, error) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		return Schedule{}, err
	}
	return h.svc.AddSchedule(c.Request.Context(), id, in)
}

func (h *Handler) updateSchedule(c *gin.Context, in ScheduleInput) (Schedule, error) {
	id, err := web.PathID(c, "id", "schedule")
	if err != nil {
		return Schedule{}, err
	}
	return h.svc.UpdateSchedule(c.Request.Context(), id, in)
}

type generateRequest struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

func (h *Handler) generateVisits(c *gin.Context, in generateRequest) (GenerateResult, error) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		return GenerateResult{}, err
	}
	return h.svc.GenerateVisits(c.Request.Context(), id, in.From, in.To)
}

func (h *Handler) listVisits(c *gin.Context) (web.List[Visit], error) {
	var f VisitFilter
	var err error
	if f.From, err = web.QueryDate(c, "from"); err != nil {
		return web.List[Visit]{}, err
	}
	if f.To, err = web.QueryDate(c, "to"); err != nil {
		return web.List[Visit]{}, err
	}
	f.SiteID, f.ContractID, f.Status = c.Query("site"), c.Query("contract"), VisitStatus(c.Query("status"))
	switch f.Status {
	case "", VisitScheduled, VisitCompleted, VisitCancelled, VisitMissed, VisitWithdrawn:
	default:
		return web.List[Visit]{}, errs.Fields(errs.FieldError{Field: "status", Message: "must be scheduled, completed, cancelled, missed or withdrawn"})
	}
	vs, err := h.svc.Visits(c.Request.Context(), f)
	return web.Items(vs), err
}

func (h *Handler) getVisit(c *gin.Context) (Visit, error) {
	id, err := web.PathID(c, "id", "visit")
	if err != nil {
		return Visit{}, err
	}
	return h.svc.Visit(c.Request.Context(), id)
}

func (h *Handler) updateVisit(c *gin.Context, in VisitUpdate) (Visit, error) {
	id, err := web.PathID(c, "id", "visit")
	if err != nil {
		return Visit{}, err
	}
	return h.svc.UpdateVisit(c.Request.Context(), id, in)
}
