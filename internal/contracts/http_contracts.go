package contracts

import (
	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

func (h *Handler) contractRoutes(api web.Routes) {
	api.GET("/contracts", auth.ContractsRead, web.NoBody(h.listContracts))
	api.POST("/contracts", auth.ContractsWrite, web.JSON(h.createContract).Created())
	api.GET("/contracts/:id", auth.ContractsRead, web.NoBody(h.getContract))
	api.PATCH("/contracts/:id", auth.ContractsWrite, web.JSON(h.updateContract))
	api.POST("/contracts/:id/status", auth.ContractsWrite, web.JSON(h.setContractStatus))
	api.POST("/contracts/:id/prices", auth.ContractsWrite, web.JSON(h.addPrice).Created())
}

// forRole hides prices from people who may read a contract but not its
// money (supervisors see contracts for their visits, "visits only").
func forRole(c *gin.Context, ct Contract) Contract {
	if !auth.Can(web.MustPrincipal(c), auth.ContractsWrite) {
		ct.Prices = []Price{}
	}
	return ct
}

func (h *Handler) listContracts(c *gin.Context) (web.List[Contract], error) {
	f := ContractFilter{ClientID: c.Query("client"), Status: ContractStatus(c.Query("status"))}
	switch f.Status {
	case "", Draft, Active, Suspended, Ended:
	default:
		return web.List[Contract]{}, errs.Fields(errs.FieldError{Field: "status", Message: "must be draft, active, suspended or ended"})
	}
	cs, err := h.svc.Contracts(c.Request.Context(), f)
	for i := range cs {
		cs[i] = forRole(c, cs[i])
	}
	return web.Items(cs), err
}

func (h *Handler) createContract(c *gin.Context, in ContractInput) (Contract, error) {
	return h.svc.CreateContract(c.Request.Context(), in)
}

func (h *Handler) getContract(c *gin.Context) (Contract, error) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		return Contract{}, err
	}
	ct, err := h.svc.Contract(c.Request.Context(), id)
	return forRole(c, ct), err
}

func (h *Handler) updateContract(c *gin.Context, in ContractChanges) (Contract, error) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		return Contract{}, err
	}
	return h.svc.UpdateContract(c.Request.Context(), id, in)
}

type statusRequest struct {
	Status ContractStatus `json:"status"`
}

type statusResponse struct {
	Contract
	Visits StatusChange `json:"visits"`
}

func (h *Handler) setContractStatus(c *gin.Context, in statusRequest) (statusResponse, error) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		return statusResponse{}, err
	}
	switch in.Status {
	case Draft, Active, Suspended, Ended:
	default:
		return statusResponse{}, errs.Fields(errs.FieldError{Field: "status", Message: "must be active, suspended or ended"})
	}
	ct, change, err := h.svc.SetStatus(c.Request.Context(), id, in.Status)
	return statusResponse{ct, change}, err
}

func (h *Handler) addPrice(c *gin.Context, in Price) (Contract, error) {
	id, err := web.PathID(c, "id", "contract")
	if err != nil {
		return Contract{}, err
	}
	return h.svc.AddPrice(c.Request.Context(), id, in)
}
