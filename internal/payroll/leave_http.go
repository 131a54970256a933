package payroll

import (
	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/web"
)

// leaveRoutes registers the leave API (/api/v1/...) and pages (leave_pages.go).
func (h *Handler) leaveRoutes(api, root web.Routes) {
	h.leavePages(root)
	api.GET("/me/leave", auth.LeaveOwn, web.NoBody(h.apiMyLeave))
	api.POST("/me/leave", auth.LeaveOwn, web.JSON(h.apiRequestLeave).Created())
	api.POST("/me/leave/:id/cancel", auth.LeaveOwn, web.NoBody(h.apiCancelLeave))
	api.GET("/leave", auth.LeaveApprove, web.NoBody(h.apiLeaveList))
	api.POST("/leave/:id/approve", auth.LeaveApprove, web.NoBody(h.apiApproveLeave))
	api.POST("/leave/:id/decline", auth.LeaveApprove, web.OptionalJSON(h.apiDeclineLeave))
	api.GET("/leave/settings", auth.LeaveSettings, web.NoBody(h.apiLeaveSettings))
	api.PUT("/leave/settings", auth.LeaveSettings, web.JSON(h.apiSetLeaveSettings))
}

// MyLeaveResponse is the employee's balance and requests.
type MyLeaveResponse struct {
	Balance LeaveBalance   `json:"balance"`
	Items   []LeaveRequest `json:"items"`
	Types   []string       `json:"types"`
}

func (h *Handler) apiMyLeave(c *gin.Context) (MyLeaveResponse, error) {
	p := web.MustPrincipal(c)
	ctx := c.Request.Context()
	b, err := h.svc.LeaveBalance(ctx, p, p.ID)
	if err != nil {
		return MyLeaveResponse{}, err
	}
	items, err := h.svc.MyLeave(ctx, p)
	if err != nil {
		return MyLeaveResponse{}, err
	}
	set, err := h.svc.LeaveSettings(ctx)
	if err != nil {
		return MyLeaveResponse{}, err
	}
	if items == nil {
		items = []LeaveRequest{}
	}
	return MyLeaveResponse{Balance: b, Items: items, Types: set.EnabledTypes}, nil
}

func (h *Handler) apiRequestLeave(c *gin.Context, in LeaveInput) (LeaveRequest, error) {
	return h.svc.RequestLeave(c.Request.Context(), web.MustPrincipal(c), in)
}

func (h *Handler) apiCancelLeave(c *gin.Context) (LeaveRequest, error) {
	id, err := web.PathID(c, "id", "leave request")
	if err != nil {
		return LeaveRequest{}, err
	}
	return h.svc.CancelLeave(c.Request.Context(), web.MustPrincipal(c), id)
}

func (h *Handler) apiLeaveList(c *gin.Context) (web.List[LeaveRequest], error) {
	items, err := h.svc.LeaveRequests(c.Request.Context(), c.Query("status"))
	if err != nil {
		return web.List[LeaveRequest]{}, err
	}
	return web.Items(items), nil
}

func (h *Handler) apiApproveLeave(c *gin.Context) (LeaveRequest, error) {
	id, err := web.PathID(c, "id", "leave request")
	if err != nil {
		return LeaveRequest{}, err
	}
	return h.svc.ApproveLeave(c.Request.Context(), web.MustPrincipal(c), id)
}

func (h *Handler) apiDeclineLeave(c *gin.Context, in LeaveDecision) (LeaveRequest, error) {
	id, err := web.PathID(c, "id", "leave request")
	if err != nil {
		return LeaveRequest{}, err
	}
	return h.svc.DeclineLeave(c.Request.Context(), web.MustPrincipal(c), id, in)
}

func (h *Handler) apiLeaveSettings(c *gin.Context) (LeaveSettings, error) {
	return h.svc.LeaveSettings(c.Request.Context())
}

func (h *Handler) apiSetLeaveSettings(c *gin.Context, in LeaveSettingsInput) (LeaveSettings, error) {
	return h.svc.SetLeaveSettings(c.Request.Context(), web.MustPrincipal(c), in)
}
