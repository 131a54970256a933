package app

import "github.com/goodshift/goodshift/internal/web"

// declareBodies says which API routes of packages whose handlers are still
// plain gin handlers (not web.JSON / web.NoBody endpoints) read a JSON
// body. Every other API route refuses a body (400), so a malformed request
// to, say, clock-in cannot half-succeed. TestBodyRulesMatchHandlers checks
// this list against what each handler really does; delete a line when its
// handler becomes an endpoint.
func declareBodies(t *web.RouteTable) {
	t.DeclareBody(web.BodyRequired,
		// rota
		"POST /api/v1/shifts",
		"PATCH /api/v1/shifts/:id",
		"POST /api/v1/shifts/:id/assign",
		"POST /api/v1/swaps",
		"PUT /api/v1/rota/sites/:id/policy",
		"PUT /api/v1/employees/:id/adjustments",
		"PUT /api/v1/me/availability",
		"POST /api/v1/rota/publish",
		"POST /api/v1/rota/copy",
		// payroll
		"PUT /api/v1/employees/:id/pay-rate",
		"POST /api/v1/employees/:id/absences",
		"PUT /api/v1/employees/:id/permitted-work",
		"POST /api/v1/shifts/:id/attendance",
		"POST /api/v1/shifts/:id/no-show",
		// wellbeing
		"PUT /api/v1/employees/:id/wellness-plan",
		"POST /api/v1/employees/:id/support-notes",
		"POST /api/v1/employees/:id/flex-periods",
		"POST /api/v1/support-workers/:id/caseload",
		// outcomes
		"PUT /api/v1/employees/:id/employment-record",
	)
	t.DeclareBody(web.BodyOptional,
		// rota: an optional reason
		"POST /api/v1/shifts/:id/cancel",
		"POST /api/v1/shifts/:id/unassign",
		"POST /api/v1/swaps/:id/accept",
		"POST /api/v1/swaps/:id/decline",
		"POST /api/v1/swaps/:id/cancel",
		"POST /api/v1/swaps/:id/approve",
		"POST /api/v1/swaps/:id/reject",
	)
}
