package rotaweb

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) copyWeek(c *gin.Context) {
	var in rota.CopyRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.svc.CopyWeek(c.Request.Context(), web.MustPrincipal(c).ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// pageCopyWeek copies the week before into the board's week and shows what
// was skipped and why.
func (h *Handler) pageCopyWeek(c *gin.Context) {
	to, err := civil.Parse(c.PostForm("week"))
	if err != nil {
		web.Problem(c, "Choose a week to fill.")
		web.Redirect(c, "/rota/board")
		return
	}
	to = rota.WeekStart(to)
	res, err := h.svc.CopyWeek(c.Request.Context(), web.MustPrincipal(c).ID, rota.CopyRequest{FromWeek: to.AddDays(-7), ToWeek: to})
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			web.Fail(c, err)
			return
		}
		_, msg, _ := errs.Public(err)
		web.Problem(c, msg)
		web.Redirect(c, "/rota/board?week="+to.String())
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/copied", gin.H{"Result": res, "Summary": copiedText(res)})
}

func copiedText(r rota.CopyResult) string {
	parts := []string{"Copied " + plural(len(r.Copied), "assignment", "assignments") + " as drafts"}
	if r.Already > 0 {
		parts = append(parts, plural(r.Already, "was", "were")+" already there")
	}
	if len(r.Skipped) > 0 {
		parts = append(parts, plural(len(r.Skipped), "skipped", "skipped"))
	}
	return strings.Join(parts, "; ") + "."
}
