package rotaweb

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

// SwapRoutes registers the swap pages: an employee's shift with who it can
// be offered to, offering, trading and releasing it, their swaps, and the
// supervisors' approvals.
func (h *Handler) SwapRoutes(root web.Routes) {
	root.GET("/rota/shifts/:id", auth.ShiftsMine, h.pageShift)
	root.POST("/rota/shifts/:id/swap", auth.ShiftsMine, h.pageRequestSwap)
	root.GET("/rota/inbox", auth.ShiftsMine, h.pageSwaps)
	root.POST("/rota/swaps/:id/:action", auth.ShiftsMine, h.pageSwapAction)
	root.GET("/rota/approvals", auth.SwapsApprove, h.pageApprovals)
	root.POST("/rota/approvals/:id/:action", auth.SwapsApprove, h.pageDecide)
}

// swapDone answers a swap form: the error flashed in plain words, or
// success, then back to where.
func swapDone(c *gin.Context, err error, ok, where string) {
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			web.Fail(c, err)
			return
		}
		web.Problem(c, plainProblem(err))
	} else {
		web.Success(c, ok)
	}
	web.Redirect(c, where)
}

// plainProblem is an error in words a person reads: the message alone (the
// rota's messages are sentences), and for a form's fields what to do,
// never a field's key.
func plainProblem(err error) string {
	_, msg, details := errs.Public(err)
	if fs, ok := details.([]errs.FieldError); ok && len(fs) > 0 {
		var parts []string
		for _, f := range fs {
			switch f.Field {
			case "to_employee_id":
				parts = append(parts, "Choose a colleague from the list.")
			case "trade_shift_id":
				parts = append(parts, "Choose the shift you would like in return from the list.")
			case "shift_id":
				parts = append(parts, "Choose one of your shifts.")
			case "reason", "override_reason":
				parts = append(parts, "Give a reason (at most a few sentences).")
			default:
				parts = append(parts, "Check the form and try again.")
			}
		}
		return strings.Join(parts, " ")
	}
	return msg
}

// shiftPage is a shift as its page shows it, with who it may be offered to.
type shiftPage struct {
	rota.ShiftDetail
	OfferTo, CannotOffer []rota.OfferChoice
}

func (h *Handler) pageShift(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	me := web.MustPrincipal(c).ID
	d, err := h.svc.Detail(ctx, me, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page := shiftPage{ShiftDetail: d}
	if d.Mine && d.Future && d.Shift.Status == rota.Assigned && d.Swap == nil {
		choices, err := h.svc.OfferChoices(ctx, me, id)
		if err != nil {
			web.Fail(c, err)
			return
		}
		for _, ch := range choices {
			if ch.Eligible {
				page.OfferTo = append(page.OfferTo, ch)
			} else {
				page.CannotOffer = append(page.CannotOffer, ch)
			}
		}
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/shift", page)
}

func (h *Handler) pageRequestSwap(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	back := "/rota/shifts/" + id
	in := rota.SwapRequest{ShiftID: id}
	msg := "Your shift is in the open pool until a colleague takes it."
	switch c.PostForm("kind") {
	case "offer":
		in.ToEmployeeID = c.PostForm("to_employee_id")
		msg = "Offer sent. You keep the shift until it is accepted."
		if in.ToEmployeeID == "" {
			swapDone(c, errs.E(errs.Invalid, "Choose a colleague to offer it to."), "", back)
			return
		}
	case "trade":
		in.TradeShiftID = c.PostForm("trade_shift_id")
		msg = "Trade request sent."
		if in.TradeShiftID == "" {
			swapDone(c, errs.E(errs.Invalid, "Choose the shift you would like in return."), "", back)
			return
		}
	case "release":
	default:
		swapDone(c, errs.E(errs.Invalid, "Choose offer, trade or release."), "", back)
		return
	}
	_, err = h.svc.RequestSwap(c.Request.Context(), web.MustPrincipal(c).ID, in)
	swapDone(c, err, msg, back)
}

func (h *Handler) pageSwaps(c *gin.Context) {
	p := web.MustPrincipal(c)
	swaps, err := h.svc.MySwaps(c.Request.Context(), p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var incoming, outgoing, past []rota.Swap
	for _, w := range swaps {
		switch {
		case w.Live() && w.FromEmployeeID == p.ID:
			outgoing = append(outgoing, w)
		case w.Live() && w.ToEmployeeID == p.ID:
			incoming = append(incoming, w)
		case !w.Live() && (w.FromEmployeeID == p.ID || w.ToEmployeeID == p.ID):
			past = append(past, w)
		}
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/swaps", gin.H{"Me": p.ID, "Incoming": incoming, "Outgoing": outgoing, "Past": past})
}

func (h *Handler) pageSwapAction(c *gin.Context) {
	id, err := web.PathID(c, "id", "swap request")
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := web.MustPrincipal(c)
	ctx := c.Request.Context()
	var w rota.Swap
	switch c.Param("action") {
	case "accept":
		w, err = h.svc.AcceptSwap(ctx, p, id)
	case "decline":
		w, err = h.svc.DeclineSwap(ctx, p, id)
	case "cancel":
		w, err = h.svc.CancelSwap(ctx, p, id)
	default:
		web.Fail(c, rota.ErrSwapNotFound)
		return
	}
	msg := ""
	switch w.Status {
	case rota.SwapCompleted:
		msg = "Done: the shift is now " + w.ToName + "'s."
	case rota.SwapAwaitingApproval:
		msg = "Accepted. A supervisor will approve it; you will be told."
	case rota.SwapDeclined:
		msg = "Declined."
	case rota.SwapCancelled:
		msg = "Request withdrawn."
	}
	swapDone(c, err, msg, "/rota/inbox")
}

func (h *Handler) pageApprovals(c *gin.Context) {
	queue, err := h.svc.SwapQueue(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/approvals", gin.H{"Queue": queue})
}

func (h *Handler) pageDecide(c *gin.Context) {
	id, err := web.PathID(c, "id", "swap request")
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := web.MustPrincipal(c)
	action := c.Param("action")
	f := decideForm(action, id).Posted(c)
	var done string
	switch action {
	case "approve":
		_, err = h.svc.ApproveSwap(c.Request.Context(), p, id, f.Value("reason"))
		done = "Swap approved. Both people have been told."
	case "reject":
		_, err = h.svc.RejectSwap(c.Request.Context(), p, id, f.Value("reason"))
		done = "Swap not approved. Both people have been told."
	default:
		web.Fail(c, rota.ErrSwapNotFound)
		return
	}
	if err == nil {
		web.Success(c, done)
		web.Redirect(c, "/rota/approvals")
		return
	}
	// Refused: the queue again, with what was typed kept by its box and
	// the reason in words (web.Form).
	if !f.FromError(err) {
		web.Fail(c, err)
		return
	}
	queue, qerr := h.svc.SwapQueue(c.Request.Context())
	if qerr != nil {
		web.Fail(c, qerr)
		return
	}
	web.FormPage(c, f.Status(), "rota/approvals", gin.H{"Queue": queue, "Form": f, "FormSwap": id, "FormAction": action})
}

// decideForm is a supervisor's approve or reject form for one swap request
// (several on the approvals page: ids carry the action and the request).
func decideForm(action, id string) *web.Form {
	label := "Why not"
	if action == "approve" {
		label = "Reason for the override"
	}
	return web.NewForm(web.Field{Name: "reason", Label: label, Kind: web.KindText, Keys: []string{"override_reason"}}).
		IDPrefix(action + "-" + id + "-")
}
