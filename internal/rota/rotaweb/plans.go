package rotaweb

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

// Plans: proposals from the rota planner (docs/rota.md, "Plans").

// PlanRoutes registers the planner's API routes and pages.
func (h *Handler) PlanRoutes(api, root web.Routes) {
	api.POST("/rota/plans", auth.ShiftsWrite, web.JSON(h.createPlan).Created())
	api.GET("/rota/plans/:id", auth.ShiftsRead, web.NoBody(h.getPlan))
	api.POST("/rota/plans/:id/apply", auth.ShiftsWrite, web.NoBody(h.applyPlan))
	api.POST("/shifts/:id/offer", auth.ShiftsWrite, web.NoBody(h.offer))
	api.GET("/rota/plan-weights", auth.ShiftsRead, web.NoBody(h.getWeights))
	api.PUT("/rota/plan-weights", auth.ShiftsWrite, web.JSON(h.putWeights))
	api.GET("/me/wanted-hours", auth.ShiftsMine, web.NoBody(h.getWanted))
	api.PUT("/me/wanted-hours", auth.ShiftsMine, web.JSON(h.putWanted))
	root.POST("/rota/plans", auth.ShiftsWrite, h.pageCreatePlan)
	root.GET("/rota/plans/:id", auth.ShiftsRead, h.pagePlan)
	root.POST("/rota/plans/:id/apply", auth.ShiftsWrite, h.pageApplyPlan)
	root.POST("/rota/shifts/:id/offer", auth.ShiftsWrite, h.pageOffer)
	root.GET("/rota/wanted-hours", auth.ShiftsMine, h.pageWanted)
	root.POST("/rota/wanted-hours", auth.ShiftsMine, h.pageSetWanted)
	h.shell.AddNav(web.NavItem{Label: "Hours I would like", Path: "/rota/wanted-hours", Action: auth.ShiftsMine, Order: 14})
}

func (h *Handler) createPlan(c *gin.Context, in rota.PlanRequest) (rota.Plan, error) {
	return h.svc.Propose(c.Request.Context(), web.MustPrincipal(c).ID, in)
}

func (h *Handler) getPlan(c *gin.Context) (rota.Plan, error) {
	id, err := web.PathID(c, "id", "plan")
	if err != nil {
		return rota.Plan{}, err
	}
	return h.svc.GetPlan(c.Request.Context(), id)
}

func (h *Handler) applyPlan(c *gin.Context) (rota.ApplyResult, error) {
	id, err := web.PathID(c, "id", "plan")
	if err != nil {
		return rota.ApplyResult{}, err
	}
	return h.svc.ApplyPlan(c.Request.Context(), web.MustPrincipal(c).ID, id)
}

func (h *Handler) offer(c *gin.Context) (rota.OfferResult, error) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		return rota.OfferResult{}, err
	}
	return h.svc.OfferToEligible(c.Request.Context(), id)
}

func (h *Handler) getWeights(c *gin.Context) (rota.PlanWeights, error) {
	return h.svc.PlanWeightsNow(c.Request.Context())
}

func (h *Handler) putWeights(c *gin.Context, in rota.PlanWeights) (rota.PlanWeights, error) {
	return h.svc.SetPlanWeights(c.Request.Context(), in)
}

func (h *Handler) getWanted(c *gin.Context) (rota.WantedHours, error) {
	return h.svc.WantedHoursOf(c.Request.Context(), web.MustPrincipal(c).ID)
}

func (h *Handler) putWanted(c *gin.Context, in rota.WantedHours) (rota.WantedHours, error) {
	return h.svc.SetWantedHours(c.Request.Context(), web.MustPrincipal(c).ID, in)
}

// pageCreatePlan is "Fill this week" on the board: a fill plan for the
// board's week (and site, when the board is filtered to one), with
// mode=cover ("Cover open shifts") a cover plan for its published open
// shifts, or with mode=replan ("Re-plan this week") a replan, moving
// published shifts too when move_published is ticked.
func (h *Handler) pageCreatePlan(c *gin.Context) {
	mon, err := civil.Parse(c.PostForm("week"))
	if err != nil {
		web.Problem(c, "Choose a week to fill.")
		web.Redirect(c, "/rota/board")
		return
	}
	mon = rota.WeekStart(mon)
	req := rota.PlanRequest{From: mon, To: mon.AddDays(6), Mode: rota.PlanFill}
	switch c.PostForm("mode") {
	case rota.PlanCover:
		req.Mode = rota.PlanCover
	case rota.PlanReplan:
		req.Mode = rota.PlanReplan
		req.MovePublished = c.PostForm("move_published") != ""
		if req.MovePublished {
			req.Reason = c.PostForm("reason")
		}
	}
	if site := strings.TrimSpace(c.PostForm("site")); site != "" {
		req.SiteIDs = []string{site}
	}
	pl, err := h.svc.Propose(c.Request.Context(), web.MustPrincipal(c).ID, req)
	if err != nil {
		h.pageProblem(c, err, "/rota/board?week="+mon.String())
		return
	}
	web.Redirect(c, "/rota/plans/"+pl.ID)
}

// pageProblem shows a refusal as a message on the page at back; anything
// else is an error page.
func (h *Handler) pageProblem(c *gin.Context, err error, back string) {
	if errs.CodeOf(err) == errs.Internal {
		web.Fail(c, err)
		return
	}
	_, msg, _ := errs.Public(err)
	web.Problem(c, msg)
	web.Redirect(c, back)
}

// pagePlan shows a proposal: who goes where and why, what stays open and
// why, hours per person; Apply; and, once applied, what happened and the
// way to publish.
func (h *Handler) pagePlan(c *gin.Context) {
	id, err := web.PathID(c, "id", "plan")
	if err != nil {
		web.Fail(c, err)
		return
	}
	pl, err := h.svc.GetPlan(c.Request.Context(), id)
	if errs.CodeOf(err) == errs.NotFound {
		web.Problem(c, "That plan is gone: plans last a day. Make a new one with “Fill this week”.")
		web.Redirect(c, "/rota/board")
		return
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/plan", gin.H{"Plan": pl, "Week": rota.WeekStart(pl.From),
		"Words": planWords(pl)})
}

// planWords is the page's summary line.
func planWords(pl rota.Plan) string {
	if pl.Shifts == 0 {
		return "There are no open draft shifts to fill in these dates, or none that has not started."
	}
	s := "Fills " + itoa(pl.Covered) + " of " + plural(pl.Shifts, "open shift", "open shifts") + "."
	if pl.CoverBound < pl.Shifts {
		s += " At most " + itoa(pl.CoverBound) + " could be filled by the people allowed to work them."
	}
	return s
}

func (h *Handler) pageApplyPlan(c *gin.Context) {
	id, err := web.PathID(c, "id", "plan")
	if err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.svc.ApplyPlan(c.Request.Context(), web.MustPrincipal(c).ID, id)
	if err != nil {
		h.pageProblem(c, err, "/rota/plans/"+id)
		return
	}
	web.Success(c, res.Summary)
	web.Redirect(c, "/rota/plans/"+id)
}

func (h *Handler) pageOffer(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	back := c.PostForm("back")
	if !strings.HasPrefix(back, "/rota/") || strings.HasPrefix(back, "//") {
		back = "/rota/board"
	}
	res, err := h.svc.OfferToEligible(c.Request.Context(), id)
	if err != nil {
		h.pageProblem(c, err, back)
		return
	}
	if res.Offered == 0 {
		web.Problem(c, "Nobody can take this shift without breaking a rule, so nobody was told.")
	} else {
		web.Success(c, "Offered to "+plural(res.Offered, "person", "people")+"; the first to claim it gets it.")
	}
	web.Redirect(c, back)
}

// pageWanted is where an employee says how many hours a week they would
// like (the planner gives zero-hours staff hours in proportion).
func (h *Handler) pageWanted(c *gin.Context) {
	w, err := h.svc.WantedHoursOf(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := wantedForm().Set("hours", itoa(w.MinutesPerWeek/60))
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/plan_wanted", gin.H{"Form": f})
}

// wantedForm declares the hours-you-would-like form (web.Form).
func wantedForm() *web.Form {
	return web.NewForm(web.Field{Name: "hours", Label: "Hours a week", Kind: web.KindNumber, Keys: []string{"minutes_per_week"}})
}

func (h *Handler) pageSetWanted(c *gin.Context) {
	f := wantedForm().Posted(c)
	n, ok := wholeHours(f.Value("hours"))
	if !ok {
		f.Error("hours", "Hours a week must be a whole number from 0 to "+itoa(rota.MaxWantedMinutes/60))
	} else {
		_, err := h.svc.SetWantedHours(c.Request.Context(), web.MustPrincipal(c).ID, rota.WantedHours{MinutesPerWeek: n * 60})
		if err == nil {
			web.Success(c, "Saved: you would like "+plural(n, "hour", "hours")+" a week.")
			web.Redirect(c, "/rota/wanted-hours")
			return
		}
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	web.FormPage(c, f.Status(), "rota/plan_wanted", gin.H{"Form": f})
}

func wholeHours(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, n <= rota.MaxWantedMinutes/60
}
