package rota

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the rota API and pages.
type Handler struct {
	svc   *Service
	shell *web.Shell
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell) *Handler {
	return &Handler{svc: svc, shell: shell}
}

// Routes registers the rota's API routes.
func (h *Handler) Routes(api, root web.Routes) {
	api.GET("/shifts", auth.ShiftsRead, h.listShifts)
	api.POST("/shifts", auth.ShiftsWrite, h.createShift)
	api.GET("/shifts/:id", auth.ShiftsRead, h.getShift)
	api.PATCH("/shifts/:id", auth.ShiftsWrite, h.updateShift)
	api.POST("/shifts/:id/cancel", auth.ShiftsWrite, h.cancelShift)
	api.POST("/shifts/:id/unassign", auth.ShiftsWrite, h.unassign)
	api.POST("/shifts/:id/assign", auth.ShiftsWrite, h.assign)
	api.GET("/shifts/:id/candidates", auth.ShiftsRead, h.candidates)
	api.POST("/shifts/:id/claim", auth.ShiftsMine, h.claim)
	api.GET("/me/shifts", auth.ShiftsMine, h.myShifts)
	api.GET("/me/open-shifts", auth.ShiftsMine, h.myOpenShifts)
	api.POST("/swaps", auth.ShiftsMine, h.requestSwap)
	api.GET("/swaps", auth.SwapsApprove, h.swapQueue)
	api.GET("/me/swaps", auth.ShiftsMine, h.mySwaps)
	api.GET("/swaps/:id", auth.SignedIn, h.getSwap)
	api.POST("/swaps/:id/accept", auth.ShiftsMine, h.swapAction(func(s *Service, c *gin.Context, id, _ string) (Swap, error) {
		return s.AcceptSwap(c.Request.Context(), web.MustPrincipal(c), id)
	}))
	api.POST("/swaps/:id/decline", auth.ShiftsMine, h.swapAction(func(s *Service, c *gin.Context, id, _ string) (Swap, error) {
		return s.DeclineSwap(c.Request.Context(), web.MustPrincipal(c), id)
	}))
	api.POST("/swaps/:id/cancel", auth.ShiftsMine, h.swapAction(func(s *Service, c *gin.Context, id, _ string) (Swap, error) {
		return s.CancelSwap(c.Request.Context(), web.MustPrincipal(c), id)
	}))
	api.POST("/swaps/:id/approve", auth.SwapsApprove, h.swapAction(func(s *Service, c *gin.Context, id, reason string) (Swap, error) {
		return s.ApproveSwap(c.Request.Context(), web.MustPrincipal(c), id, reason)
	}))
	api.POST("/swaps/:id/reject", auth.SwapsApprove, h.swapAction(func(s *Service, c *gin.Context, id, reason string) (Swap, error) {
		return s.RejectSwap(c.Request.Context(), web.MustPrincipal(c), id, reason)
	}))
	api.PUT("/rota/sites/:id/policy", auth.ShiftsWrite, h.putSitePolicy)
	api.GET("/me/calendar", auth.ShiftsMine, h.myCalendar)
	api.POST("/me/calendar", auth.ShiftsMine, h.newCalendar)
	root.GET("/calendar/:file", auth.CalendarFeedRead, h.calendarFeed)
	h.pages(root)
	api.GET("/employees/:id/adjustments", auth.AdjustmentsRead, h.getAdjustments)
	api.PUT("/employees/:id/adjustments", auth.AdjustmentsWrite, h.putAdjustments)
	api.GET("/employees/:id/availability", auth.ShiftsRead, h.getAvailability)
	api.GET("/me/availability", auth.ShiftsMine, h.myAvailability)
	api.PUT("/me/availability", auth.ShiftsMine, h.putMyAvailability)
}

func (h *Handler) getAdjustments(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.AdjustmentsOf(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, adjustmentsView{a, a.Explain()})
}

// adjustmentsView is the adjustments with each rule in plain words.
type adjustmentsView struct {
	Adjustments
	Rules []string `json:"rules"`
}

func (h *Handler) putAdjustments(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in adjustmentsView // what GET returns may be sent back; rules is ignored
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.SetAdjustments(c.Request.Context(), web.MustPrincipal(c), id, in.Adjustments)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, adjustmentsView{a, a.Explain()})
}

func (h *Handler) getAvailability(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.AvailabilityOf(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *Handler) myAvailability(c *gin.Context) {
	a, err := h.svc.AvailabilityOf(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *Handler) putMyAvailability(c *gin.Context) {
	var in Availability
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.SetAvailability(c.Request.Context(), web.MustPrincipal(c).ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (h *Handler) filter(c *gin.Context) (Filter, error) {
	from, err := web.QueryDate(c, "from")
	if err != nil {
		return Filter{}, err
	}
	to, err := web.QueryDate(c, "to")
	if err != nil {
		return Filter{}, err
	}
	return Filter{From: from, To: to, SiteID: c.Query("site"), EmployeeID: c.Query("employee"), Status: c.Query("status")}, nil
}

func (h *Handler) listShifts(c *gin.Context) {
	f, err := h.filter(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.svc.Shifts(c.Request.Context(), f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) myShifts(c *gin.Context) {
	f, err := h.filter(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.svc.MyShifts(c.Request.Context(), web.MustPrincipal(c).ID, f.From, f.To)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) myOpenShifts(c *gin.Context) {
	f, err := h.filter(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.svc.OpenShiftsFor(c.Request.Context(), web.MustPrincipal(c).ID, f.From, f.To)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) createShift(c *gin.Context) {
	var in ShiftInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	sh, err := h.svc.CreateShift(c.Request.Context(), web.MustPrincipal(c).ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, sh)
}

func (h *Handler) getShift(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	sh, err := h.svc.Shift(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

func (h *Handler) updateShift(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in ShiftUpdate
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	sh, err := h.svc.UpdateShift(c.Request.Context(), web.MustPrincipal(c).ID, id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) cancelShift(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in reasonRequest
	if err := decodeOptional(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	sh, err := h.svc.CancelShift(c.Request.Context(), web.MustPrincipal(c).ID, id, in.Reason)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

func (h *Handler) unassign(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in reasonRequest
	if err := decodeOptional(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	sh, err := h.svc.Unassign(c.Request.Context(), web.MustPrincipal(c).ID, id, in.Reason)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

type assignRequest struct {
	EmployeeID     string `json:"employee_id"`
	OverrideReason string `json:"override_reason"`
	Reason         string `json:"reason"` // for a change inside the notice period
}

func (h *Handler) assign(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in assignRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.svc.Assign(c.Request.Context(), web.MustPrincipal(c).ID, id, in.EmployeeID, in.OverrideReason, in.Reason)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (h *Handler) candidates(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.svc.Candidates(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) claim(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	sh, err := h.svc.Claim(c.Request.Context(), web.MustPrincipal(c).ID, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

// decodeOptional is DecodeJSON for bodies that may be left out.
func decodeOptional(c *gin.Context, dst any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	return web.DecodeJSON(c, dst)
}

type overrideRequest struct {
	Reason         string `json:"reason"`
	OverrideReason string `json:"override_reason"`
}

func (h *Handler) swapAction(do func(*Service, *gin.Context, string, string) (Swap, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := web.PathID(c, "id", "swap request")
		if err != nil {
			web.Fail(c, err)
			return
		}
		var in overrideRequest
		if err := decodeOptional(c, &in); err != nil {
			web.Fail(c, err)
			return
		}
		reason := in.Reason
		if reason == "" {
			reason = in.OverrideReason
		}
		w, err := do(h.svc, c, id, reason)
		if err != nil {
			web.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, w)
	}
}

func (h *Handler) requestSwap(c *gin.Context) {
	var in SwapRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	w, err := h.svc.RequestSwap(c.Request.Context(), web.MustPrincipal(c).ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, w)
}

func (h *Handler) swapQueue(c *gin.Context) {
	out, err := h.svc.SwapQueue(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) mySwaps(c *gin.Context) {
	out, err := h.svc.MySwaps(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) getSwap(c *gin.Context) {
	id, err := web.PathID(c, "id", "swap request")
	if err != nil {
		web.Fail(c, err)
		return
	}
	w, err := h.svc.SwapFor(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

type sitePolicy struct {
	AutoApproveSwaps bool `json:"auto_approve_swaps"`
}

func (h *Handler) putSitePolicy(c *gin.Context) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in sitePolicy
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.svc.SetAutoApprove(c.Request.Context(), id, in.AutoApproveSwaps); err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, in)
}

func (h *Handler) myCalendar(c *gin.Context) {
	f, err := h.svc.Feed(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (h *Handler) newCalendar(c *gin.Context) {
	f, err := h.svc.NewFeedSecret(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, f)
}

// calendarFeed serves /calendar/{secret}.ics; the secret is the proof.
func (h *Handler) calendarFeed(c *gin.Context) {
	file := c.Param("file")
	secret, ok := strings.CutSuffix(file, ".ics")
	if !ok {
		web.Fail(c, ErrNoFeed)
		return
	}
	body, err := h.svc.FeedICS(c.Request.Context(), secret)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `inline; filename="goodshift.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", body)
}
