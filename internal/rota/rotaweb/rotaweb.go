// Package rotaweb is the rota's planning HTTP: publishing a range of drafts,
// copying a week, the record of changes after publishing, the board by
// person, and the swap pages. It calls only exported rota.Service methods, so the compiler keeps
// handlers out of the service's internals.
package rotaweb

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the planning routes.
type Handler struct {
	svc   *rota.Service
	shell *web.Shell
}

// NewHandler builds the handler.
func NewHandler(svc *rota.Service, shell *web.Shell) *Handler {
	return &Handler{svc: svc, shell: shell}
}

// Routes registers the API routes and pages.
func (h *Handler) Routes(api, root web.Routes) {
	api.POST("/rota/publish", auth.ShiftsWrite, h.publish)
	root.GET("/rota/publish", auth.ShiftsRead, h.pagePublish)
	root.POST("/rota/publish", auth.ShiftsWrite, h.pageDoPublish)
	root.GET("/rota/board/people", auth.ShiftsRead, h.pageBoardPeople)
	root.GET("/rota/board/sites", auth.ShiftsRead, h.pageBoardSites)
	api.POST("/rota/copy", auth.ShiftsWrite, h.copyWeek)
	root.POST("/rota/copy", auth.ShiftsWrite, h.pageCopyWeek)
	api.GET("/rota/changes", auth.RotaChangesRead, h.changes)
	api.GET("/rota/short-notice-cancellations", auth.RotaChangesRead, h.shortNotice)
	root.GET("/rota/changes", auth.RotaChangesRead, h.pageChanges)
	root.POST("/rota/board/shifts/:id/unassign", auth.ShiftsWrite, h.pageUnassign)
	h.SwapRoutes(root)
	h.shell.AddNav(web.NavItem{Label: "Rota changes", Path: "/rota/changes", Action: auth.RotaChangesRead, Order: 23})
}

// publishRequest is POST /api/v1/rota/publish; preview answers what would
// happen without doing it.
type publishRequest struct {
	rota.PublishRequest
	Preview bool `json:"preview"`
}

func (h *Handler) publish(c *gin.Context) {
	var in publishRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var res rota.PublishResult
	var err error
	if in.Preview {
		res, err = h.svc.PublishPreview(ctx, in.PublishRequest)
	} else {
		res, err = h.svc.Publish(ctx, web.MustPrincipal(c).ID, in.PublishRequest)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// week reads ?week= (any date in it; this week when absent) as its Monday.
func (h *Handler) week(c *gin.Context, name string) (civil.Date, error) {
	d, err := web.QueryDate(c, name)
	if err != nil {
		return civil.Date{}, err
	}
	if d.IsZero() {
		d = h.svc.Today()
	}
	return rota.WeekStart(d), nil
}

// pagePublish previews publishing a week: who will be told and how many
// shifts each, before anything is sent.
func (h *Handler) pagePublish(c *gin.Context) {
	mon, err := h.week(c, "week")
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.showPublish(c, http.StatusOK, mon, strings.TrimSpace(c.Query("site")), publishForm())
}

// publishForm declares the publish form (web.Form): the reason for short
// notice, when one is needed.
func publishForm() *web.Form {
	return web.NewForm(web.Field{Name: "reason", Label: "Reason for the short notice", Kind: web.KindLong})
}

// showPublish is the preview of publishing the week of mon (one site, or
// all) with the form f (new, or as posted and refused).
func (h *Handler) showPublish(c *gin.Context, status int, mon civil.Date, site string, f *web.Form) {
	req := rota.PublishRequest{From: mon, To: mon.AddDays(6)}
	if site != "" {
		req.SiteIDs = []string{site}
	}
	res, err := h.svc.PublishPreview(c.Request.Context(), req)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, status, "rota/publish", gin.H{"Week": mon, "Site": site, "Preview": res,
		"NoticeDays": h.svc.NoticeSettings().Days, "Form": f})
}

func (h *Handler) pageDoPublish(c *gin.Context) {
	f := publishForm().Posted(c)
	mon, err := civil.Parse(f.Value("week"))
	if err != nil {
		web.Problem(c, "Choose a week to publish.")
		web.Redirect(c, "/rota/board")
		return
	}
	mon = rota.WeekStart(mon)
	site := f.Value("site")
	req := rota.PublishRequest{From: mon, To: mon.AddDays(6), Reason: f.Values.Get("reason")}
	if site != "" {
		req.SiteIDs = []string{site}
	}
	res, err := h.svc.Publish(c.Request.Context(), web.MustPrincipal(c).ID, req)
	if err != nil {
		if !rota.DeskShiftError(f, err, "reason") {
			web.Fail(c, err)
			return
		}
		h.showPublish(c, f.Status(), mon, site, f)
		return
	}
	web.Success(c, publishedText(res))
	web.Redirect(c, "/rota/board?week="+mon.String())
}

// publishedText is "Published 12 shifts; 4 people told." in plain words.
func publishedText(r rota.PublishResult) string {
	if r.Published == 0 {
		return "Nothing new to publish: this week is already published."
	}
	return "Published " + plural(r.Published, "shift", "shifts") + "; " + plural(len(r.Told), "person", "people") + " told."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}
