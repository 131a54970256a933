package notify

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the inbox API and page.
type Handler struct {
	svc   *Service
	shell *web.Shell
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell) *Handler { return &Handler{svc: svc, shell: shell} }

// Routes registers the inbox for every signed-in person.
func (h *Handler) Routes(api, root web.Routes) {
	api.GET("/me/notifications", auth.SignedIn, h.list)
	api.POST("/me/notifications/read-all", auth.SignedIn, h.readAll)
	api.POST("/me/notifications/:id/read", auth.SignedIn, h.read)
	root.GET("/inbox", auth.SignedIn, h.page)
	root.POST("/inbox/read-all", auth.SignedIn, h.pageReadAll)
	root.POST("/inbox/:id/read", auth.SignedIn, h.pageRead)
	h.shell.AddNav(web.NavItem{Label: "Inbox", Path: "/inbox", Action: auth.SignedIn, Order: 90})
	h.shell.AddHomeSection(web.HomeSection{
		Roles: auth.Roles, Template: "notify/home", Order: 5,
		Load: func(c *gin.Context, p auth.Principal) (any, error) {
			n, err := h.svc.UnreadCount(c.Request.Context(), p.ID)
			return map[string]int{"Unread": n}, err
		},
	})
}

type inbox struct {
	Items  []Notification `json:"items"`
	Unread int            `json:"unread"`
}

func (h *Handler) list(c *gin.Context) {
	items, unread, err := h.svc.Inbox(c.Request.Context(), web.MustPrincipal(c).ID, 50)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, inbox{items, unread})
}

func (h *Handler) read(c *gin.Context) {
	id, err := web.PathID(c, "id", "notification")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.svc.MarkRead(c.Request.Context(), web.MustPrincipal(c).ID, id); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) readAll(c *gin.Context) {
	if err := h.svc.MarkAllRead(c.Request.Context(), web.MustPrincipal(c).ID); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) page(c *gin.Context) {
	items, unread, err := h.svc.Inbox(c.Request.Context(), web.MustPrincipal(c).ID, 50)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "notify/inbox", inbox{items, unread})
}

func (h *Handler) pageRead(c *gin.Context) {
	id, err := web.PathID(c, "id", "notification")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.svc.MarkRead(c.Request.Context(), web.MustPrincipal(c).ID, id); err != nil {
		web.Fail(c, err)
		return
	}
	if next := c.PostForm("next"); len(next) > 1 && next[0] == '/' && next[1] != '/' && next[1] != '\\' {
		web.Redirect(c, next)
		return
	}
	web.Redirect(c, "/inbox")
}

func (h *Handler) pageReadAll(c *gin.Context) {
	if err := h.svc.MarkAllRead(c.Request.Context(), web.MustPrincipal(c).ID); err != nil {
		web.Fail(c, err)
		return
	}
	web.Success(c, "Everything is marked as read.")
	web.Redirect(c, "/inbox")
}
