package rotaweb

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

// pageBoardPeople is the week by person × day: each person's hours
// against contracted hours and their weekly limit, with filters. On a
// phone it is a list per day.
func (h *Handler) pageBoardPeople(c *gin.Context) {
	mon, err := h.week(c, "week")
	if err != nil {
		web.Fail(c, err)
		return
	}
	b, err := h.svc.PersonBoard(c.Request.Context(), mon, boardFilter(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/board_people", b)
}

// boardFilter reads the board's filters: ?site=&person=&unfilled=1&changed=1.
func boardFilter(c *gin.Context) rota.BoardFilter {
	return rota.BoardFilter{SiteID: c.Query("site"), EmployeeID: c.Query("person"), UnfilledOnly: c.Query("unfilled") != "", ChangedOnly: c.Query("changed") != ""}
}

// pageBoardSites is the week by site × day with the board's filters, the
// state of every shift in words and, for a past week, what happened. On a
// phone it is a list per day.
func (h *Handler) pageBoardSites(c *gin.Context) {
	mon, err := h.week(c, "week")
	if err != nil {
		web.Fail(c, err)
		return
	}
	b, err := h.svc.SiteBoard(c.Request.Context(), mon, boardFilter(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/board_sites", b)
}
