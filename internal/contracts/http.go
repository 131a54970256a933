package contracts

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the contracts API and pages.
type Handler struct {
	svc   *Service
	shell *web.Shell
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell) *Handler {
	return &Handler{svc: svc, shell: shell}
}

// Routes registers the routes.
func (h *Handler) Routes(api, root web.Routes) {
	api.GET("/clients", auth.ClientsRead, h.listClients)
	api.POST("/clients", auth.ClientsWrite, h.createClient)
	api.GET("/clients/:id", auth.ClientsRead, h.getClient)
	api.PUT("/clients/:id", auth.ClientsWrite, h.updateClient)
	api.POST("/clients/:id/sites", auth.ClientsWrite, h.createSite)
	api.GET("/sites", auth.ClientsRead, h.listSites)
	api.GET("/sites/:id", auth.ClientsRead, h.getSite)
	api.PATCH("/sites/:id", auth.SiteNotesWrite, h.updateSiteNotes)
	h.contractRoutes(api)
	h.visitRoutes(api)
	h.invoiceRoutes(api)
	h.stripeRoutes(api, root)
	h.pageRoutes(root)
}

func (h *Handler) listClients(c *gin.Context) {
	cs, err := h.svc.Clients(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(cs))
}

func (h *Handler) createClient(c *gin.Context) {
	var in ClientInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cl, err := h.svc.CreateClient(c.Request.Context(), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, cl)
}

func (h *Handler) getClient(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	cl, err := h.svc.Client(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cl)
}

func (h *Handler) updateClient(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in ClientInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cl, err := h.svc.UpdateClient(c.Request.Context(), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cl)
}

func (h *Handler) createSite(c *gin.Context) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in SiteInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	s, err := h.svc.CreateSite(c.Request.Context(), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s)
}

func (h *Handler) listSites(c *gin.Context) {
	ss, err := h.svc.Sites(c.Request.Context(), c.Query("client"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(ss))
}

func (h *Handler) getSite(c *gin.Context) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		web.Fail(c, err)
		return
	}
	s, err := h.svc.Site(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s)
}

type siteNotesRequest struct {
	AccessNotes string `json:"access_notes"`
}

func (h *Handler) updateSiteNotes(c *gin.Context) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in siteNotesRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	s, err := h.svc.SetAccessNotes(c.Request.Context(), id, in.AccessNotes)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s)
}
