package wellbeing

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves the wellbeing API and pages.
type Handler struct {
	svc   *Service
	shell *web.Shell
	org   string // organisation name, on exported documents
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell, org string) *Handler {
	return &Handler{svc: svc, shell: shell, org: org}
}

// Routes registers the API routes and pages.
func (h *Handler) Routes(api, root web.Routes) {
	api.GET("/employees/:id/wellness-plan", auth.WellbeingPlan, h.getPlan)
	api.PUT("/employees/:id/wellness-plan", auth.WellbeingPlan, h.putPlan)
	api.GET("/employees/:id/wellness-plan/versions", auth.WellbeingPlan, h.listVersions)
	api.GET("/employees/:id/wellness-plan/versions/:version", auth.WellbeingPlan, h.getVersion)
	api.GET("/employees/:id/support-summary", auth.SupportSummary, h.getSummary)
	api.GET("/employees/:id/support-notes", auth.SupportNotesRead, h.listNotes)
	api.POST("/employees/:id/support-notes", auth.SupportNotesWrite, h.addNote)
	api.GET("/employees/:id/access-log", auth.AccessLogRead, h.accessLog)
	api.GET("/employees/:id/flex-periods", auth.FlexPeriodsRead, h.listFlex)
	api.POST("/employees/:id/flex-periods", auth.FlexPeriodsWrite, h.startFlex)
	api.POST("/employees/:id/flex-periods/:flex/end", auth.FlexPeriodsWrite, h.endFlex)

	api.GET("/employees/:id/wellbeing-export", auth.WellbeingExport, h.export)
	api.GET("/employees/:id/wellbeing-export.pdf", auth.WellbeingExport, h.exportPDF)

	api.GET("/caseload", auth.Caseloads, h.myCaseload)
	api.GET("/support-workers/:id/caseload", auth.Caseloads, h.caseload)
	api.POST("/support-workers/:id/caseload", auth.Caseloads, h.assign)
	api.DELETE("/support-workers/:id/caseload/:employee", auth.Caseloads, h.unassign)

	h.pageRoutes(root)
}

func (h *Handler) employeeID(c *gin.Context) (string, bool) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, ErrNotFound)
		return "", false
	}
	return id, true
}

func (h *Handler) getPlan(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	plan, err := h.svc.Plan(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, plan)
}

func (h *Handler) putPlan(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	p := web.MustPrincipal(c)
	// Scope first, so nobody learns from a validation error that a plan exists.
	if _, err := h.svc.reach(c.Request.Context(), h.svc.db, p, id); err != nil {
		web.Fail(c, err)
		return
	}
	var in PlanInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	plan, err := h.svc.SavePlan(c.Request.Context(), p, id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, plan)
}

func (h *Handler) listVersions(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	vs, err := h.svc.PlanVersions(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(vs))
}

func (h *Handler) getVersion(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v < 1 {
		web.Fail(c, errs.E(errs.NotFound, "There is no such version of this plan; versions are numbered from 1."))
		return
	}
	plan, err := h.svc.PlanVersion(c.Request.Context(), web.MustPrincipal(c), id, v)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, plan)
}

func (h *Handler) getSummary(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	sum, err := h.svc.Summary(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sum)
}

func (h *Handler) listNotes(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	notes, err := h.svc.Notes(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(notes))
}

func (h *Handler) addNote(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	p := web.MustPrincipal(c)
	if a, err := h.svc.reach(c.Request.Context(), h.svc.db, p, id); err != nil || a != asSupportWorker {
		web.Fail(c, ErrNotFound)
		return
	}
	var in NoteInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	n, err := h.svc.AddNote(c.Request.Context(), p, id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, n)
}

func (h *Handler) accessLog(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	entries, err := h.svc.AccessLog(c.Request.Context(), web.MustPrincipal(c), id, 0)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(entries))
}

func (h *Handler) myCaseload(c *gin.Context) {
	p := web.MustPrincipal(c)
	if !p.Has(auth.SupportWorker) {
		c.JSON(http.StatusOK, web.Items([]CaseMember{}))
		return
	}
	cl, err := h.svc.Caseload(c.Request.Context(), p, p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(cl))
}

func (h *Handler) caseload(c *gin.Context) {
	id, err := web.PathID(c, "id", "support worker")
	if err != nil {
		web.Fail(c, err)
		return
	}
	cl, err := h.svc.Caseload(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(cl))
}

type assignRequest struct {
	EmployeeID string `json:"employee_id"`
}

func (h *Handler) assign(c *gin.Context) {
	id, err := web.PathID(c, "id", "support worker")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if !web.MustPrincipal(c).Has(auth.Admin) {
		web.Fail(c, ErrNotFound) // support workers see caseloads; admins change them
		return
	}
	var in assignRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.svc.Assign(c.Request.Context(), id, in.EmployeeID); err != nil {
		web.Fail(c, err)
		return
	}
	cl, err := h.svc.Caseload(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(cl))
}

func (h *Handler) unassign(c *gin.Context) {
	id, err := web.PathID(c, "id", "support worker")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if !web.MustPrincipal(c).Has(auth.Admin) {
		web.Fail(c, ErrNotFound)
		return
	}
	emp, err := web.PathID(c, "employee", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.svc.Unassign(c.Request.Context(), id, emp); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) listFlex(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	fs, err := h.svc.FlexPeriods(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(fs))
}

func (h *Handler) startFlex(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	p := web.MustPrincipal(c)
	if _, err := h.svc.reach(c.Request.Context(), h.svc.db, p, id); err != nil {
		web.Fail(c, err)
		return
	}
	var in FlexInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	f, err := h.svc.StartFlex(c.Request.Context(), p, id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, f)
}

func (h *Handler) endFlex(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	fid, err := web.PathID(c, "flex", "flex period")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f, err := h.svc.EndFlex(c.Request.Context(), web.MustPrincipal(c), id, fid)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (h *Handler) export(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	e, err := h.svc.Export(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="wellbeing-records.json"`)
	c.JSON(http.StatusOK, e)
}

func (h *Handler) exportPDF(c *gin.Context) {
	id, ok := h.employeeID(c)
	if !ok {
		return
	}
	e, err := h.svc.Export(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	pdf, err := e.PDF(h.org)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="wellbeing-records.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}
