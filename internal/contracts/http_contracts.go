package contracts

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) contractRoutes(api web.Routes) {
	api.GET("/contracts", auth.ContractsRead, h.listContracts)
	api.POST("/contracts", auth.ContractsWrite, h.createContract)
	api.GET("/contracts/:id", auth.ContractsRead, h.getContract)
	api.PATCH("/contracts/:id", auth.ContractsWrite, h.updateContract)
	api.POST("/contracts/:id/status", auth.ContractsWrite, h.setContractStatus)
	api.POST("/contracts/:id/prices", auth.ContractsWrite, h.addPrice)
}

// forRole hides prices from people who may read a contract but not its
// money (supervisors see contracts for their visits, "visits only").
func forRole(c *gin.Context, ct Contract) Contract {
	if !auth.Can(web.MustPrincipal(c), auth.ContractsWrite) {
		ct.Prices = []Price{}
	}
	return ct
}

// respond answers with v, or the error.
func respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(status, v)
}

func (h *Handler) listContracts(c *gin.Context) {
	f := ContractFilter{ClientID: c.Query("client"), Status: ContractStatus(c.Query("status"))}
	switch f.Status {
	case "", Draft, Active, Suspended, Ended:
	default:
		web.Fail(c, errs.Fields(errs.FieldError{Field: "status", Message: "must be draft, active, suspended or ended"}))
		return
	}
	cs, err := h.svc.Contracts(c.Request.Context(), f)
	for i := range cs {
		cs[i] = forRole(c, cs[i])
	}
	respond(c, http.StatusOK, web.Items(cs), err)
}

func (h *Handler) createContract(c *gin.Context) {
	var in ContractInput
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	ct, err := h.svc.CreateContract(c.Request.Context(), in)
	respond(c, http.StatusCreated, ct, err)
}

func (h *Handler) getContract(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ct, err := h.svc.Contract(c.Request.Context(), id)
	respond(c, http.StatusOK, forRole(c, ct), err)
}

func (h *Handler) updateContract(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in ContractChanges
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	ct, err := h.svc.UpdateContract(c.Request.Context(), id, in)
	respond(c, http.StatusOK, ct, err)
}

type statusRequest struct {
	Status ContractStatus `json:"status"`
}

func (h *Handler) setContractStatus(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in statusRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	switch in.Status {
	case Draft, Active, Suspended, Ended:
	default:
		web.Fail(c, errs.Fields(errs.FieldError{Field: "status", Message: "must be active, suspended or ended"}))
		return
	}
	ct, change, err := h.svc.SetStatus(c.Request.Context(), id, in.Status)
	respond(c, http.StatusOK, struct {
		Contract
		Visits StatusChange `json:"visits"`
	}{ct, change}, err)
}

func (h *Handler) addPrice(c *gin.Context) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in Price
	if err := web.DecodeJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	ct, err := h.svc.AddPrice(c.Request.Context(), id, in)
	respond(c, http.StatusCreated, ct, err)
}
