package rotaweb

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

// dates reads ?from=&to= (local dates); from defaults to four weeks ago and
// to to four weeks after from.
func (h *Handler) dates(c *gin.Context) (civil.Date, civil.Date, error) {
	from, err := web.QueryDate(c, "from")
	if err != nil {
		return civil.Date{}, civil.Date{}, err
	}
	to, err := web.QueryDate(c, "to")
	if err != nil {
		return civil.Date{}, civil.Date{}, err
	}
	if from.IsZero() {
		from = h.svc.Today().AddDays(-28)
	}
	if to.IsZero() {
		to = from.AddDays(55)
	}
	return from, to, nil
}

func (h *Handler) changes(c *gin.Context) {
	from, to, err := h.dates(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.svc.Changes(c.Request.Context(), from, to)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

func (h *Handler) shortNotice(c *gin.Context) {
	from, to, err := h.dates(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.svc.ShortNoticeCancellationsBetween(c.Request.Context(), from, to)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, web.Items(out))
}

// pageChanges is the record of changes after publishing and of short-notice
// cancellations, for supervisors and finance.
// changesForm declares the changes page's dates (web.Form, sent by GET).
func changesForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "to", Label: "To", Kind: web.KindDate},
	)
}

func (h *Handler) pageChanges(c *gin.Context) {
	f := changesForm().Set("from", c.Query("from")).Set("to", c.Query("to"))
	from, to := f.Date("from"), f.Date("to")
	if from.IsZero() {
		from = h.svc.Today().AddDays(-28)
	}
	if to.IsZero() {
		to = from.AddDays(55)
	}
	if f.OK() && to.Before(from) {
		f.Error("to", "To must be the same as or after the from date")
	}
	status := http.StatusOK
	if !f.OK() {
		// Dates typed wrong: the usual weeks, and the dates as typed with
		// their messages.
		status, from = f.Status(), h.svc.Today().AddDays(-28)
		to = from.AddDays(55)
	} else {
		f.Set("from", from.String()).Set("to", to.String())
	}
	ctx := c.Request.Context()
	changes, err := h.svc.Changes(ctx, from, to)
	if err != nil {
		web.Fail(c, err)
		return
	}
	cancelled, err := h.svc.ShortNoticeCancellationsBetween(ctx, from, to)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, status, "rota/changes", gin.H{
		"From": from, "To": to, "Changes": changes, "Cancelled": cancelled, "Notice": h.svc.NoticeSettings(),
		"WindowHours": int(h.svc.NoticeSettings().ShortNoticeWindow.Hours()), "Share": shareText(h.svc.NoticeSettings()),
		"Form": f,
	})
}

func (h *Handler) pageUnassign(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	back := "/rota/board/shifts/" + id
	f := rota.DeskShiftForm().Posted(c)
	sh, err := h.svc.Unassign(c.Request.Context(), web.MustPrincipal(c).ID, id, f.Value("reason"))
	if err != nil {
		if !rota.DeskShiftError(f, err, "reason") {
			web.Fail(c, err)
			return
		}
		rota.DeskShiftPage(c, h.svc, h.shell, f.Status(), id, "unassign", f)
		return
	}
	msg := "The shift is open again."
	if sh.Published {
		msg += " The person who was on it has been told."
	}
	web.Success(c, msg)
	web.Redirect(c, back)
}

// shareText is "50% of the shift's pay" or "unpaid".
func shareText(n rota.Notice) string {
	if n.ShortNoticePay == 0 {
		return "unpaid"
	}
	return n.ShortNoticePay.String() + " of the shift's pay"
}
