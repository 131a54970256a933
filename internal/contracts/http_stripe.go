package contracts

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) stripeRoutes(api, root web.Routes) {
	root.POST("/webhooks/stripe", auth.StripeWebhook, web.RawBody(h.stripeWebhook))
	api.POST("/invoices/:id/stripe-sync", auth.InvoicesWrite, web.NoBody(h.stripeSync))
}

// stripeWebhook answers 200 for events it handled, replays and events it
// does not use; 400 for a bad signature or body (Stripe then retries, and
// a forger learns nothing).
func (h *Handler) stripeWebhook(c *gin.Context) {
	payload, err := io.ReadAll(c.Request.Body)
	if err != nil {
		web.Fail(c, errs.E(errs.Invalid, "The body could not be read."))
		return
	}
	res, err := h.svc.HandleWebhook(c.Request.Context(), payload, c.GetHeader("Stripe-Signature"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (h *Handler) stripeSync(c *gin.Context) (Invoice, error) {
	id, err := web.PathID(c, "id", "invoice")
	if err != nil {
		return Invoice{}, err
	}
	if err := h.svc.SyncStripe(c.Request.Context(), id); err != nil {
		if errs.CodeOf(err) == errs.Internal {
			err = errs.Wrap(errs.Unavailable, err, "Stripe did not accept the invoice; it stays issued and marked pending. Try again later.")
		}
		return Invoice{}, err
	}
	return h.svc.Invoice(c.Request.Context(), id)
}
