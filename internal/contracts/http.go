package contracts

import (
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
	api.GET("/clients", auth.ClientsRead, web.NoBody(h.listClients))
	api.POST("/clients", auth.ClientsWrite, web.JSON(h.createClient).Created())
	api.GET("/clients/:id", auth.ClientsRead, web.NoBody(h.getClient))
	api.PUT("/clients/:id", auth.ClientsWrite, web.JSON(h.updateClient))
	api.POST("/clients/:id/sites", auth.ClientsWrite, web.JSON(h.createSite).Created())
	api.GET("/sites", auth.ClientsRead, web.NoBody(h.listSites))
	api.GET("/sites/:id", auth.ClientsRead, web.NoBody(h.getSite))
	api.PATCH("/sites/:id", auth.SiteNotesWrite, web.JSON(h.updateSiteNotes))
	h.contractRoutes(api)
	h.visitRoutes(api)
	h.invoiceRoutes(api)
	h.stripeRoutes(api, root)
	h.pageRoutes(root)
}

func (h *Handler) listClients(c *gin.Context) (web.List[Client], error) {
	cs, err := h.svc.Clients(c.Request.Context())
	return web.Items(cs), err
}

func (h *Handler) createClient(c *gin.Context, in ClientInput) (Client, error) {
	return h.svc.CreateClient(c.Request.Context(), in)
}

func (h *Handler) getClient(c *gin.Context) (Client, error) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		return Client{}, err
	}
	return h.svc.Client(c.Request.Context(), id)
}

func (h *Handler) updateClient(c *gin.Context, in ClientInput) (Client, error) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		return Client{}, err
	}
	return h.svc.UpdateClient(c.Request.Context(), id, in)
}

func (h *Handler) createSite(c *gin.Context, in SiteInput) (Site, error) {
	id, err := web.PathID(c, "id", "client")
	if err != nil {
		return Site{}, err
	}
	return h.svc.CreateSite(c.Request.Context(), id, in)
}

func (h *Handler) listSites(c *gin.Context) (web.List[Site], error) {
	ss, err := h.svc.Sites(c.Request.Context(), c.Query("client"))
	return web.Items(ss), err
}

func (h *Handler) getSite(c *gin.Context) (Site, error) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		return Site{}, err
	}
	return h.svc.Site(c.Request.Context(), id)
}

type siteNotesRequest struct {
	AccessNotes string `json:"access_notes"`
}

func (h *Handler) updateSiteNotes(c *gin.Context, in siteNotesRequest) (Site, error) {
	id, err := web.PathID(c, "id", "site")
	if err != nil {
		return Site{}, err
	}
	return h.svc.SetAccessNotes(c.Request.Context(), id, in.AccessNotes)
}
