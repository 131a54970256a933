package auth

// Action is something a route does. Every route is registered with exactly
// one action (internal/web.Routes), and the policy below is the only place
// that says which roles may perform it. Anything not listed is denied.
//
// The policy decides by role. Scope — "only your own shifts", "only your
// caseload" — is checked by the domain service, which answers 404 for things
// outside it, so a person cannot learn what exists beyond their reach.
type Action string

// Rule is who may perform an action.
type Rule struct {
	Roles []Role
	// Hidden actions answer 404, not 403, to roles without them: a supervisor
	// must not learn that a wellness plan exists.
	Hidden bool
	// Public actions need no sign-in (they carry their own proof, if any:
	// a webhook signature, a calendar feed secret).
	Public bool
	// SignedIn actions are open to every signed-in person.
	SignedIn bool
}

// The actions. Group by package; keep names as "noun.verb".
const (
	// Foundation.
	Public   Action = "public"    // sign-in, health checks, metrics, static files
	SignedIn Action = "signed_in" // me, sign-out, home page, own password, inbox

	PeopleManage  Action = "people.manage"  // create people, change roles, deactivate
	EmployeesList Action = "employees.list" // the employee directory (names, works numbers)

	// Contracts and invoicing.
	ClientsRead      Action = "clients.read"
	ClientsWrite     Action = "clients.write"
	SiteNotesWrite   Action = "sites.notes.write"
	ContractsRead    Action = "contracts.read"
	ContractsWrite   Action = "contracts.write"
	VisitsGenerate   Action = "visits.generate"
	VisitsRead       Action = "visits.read"
	VisitsWrite      Action = "visits.write"
	InvoicesRead     Action = "invoices.read"
	InvoicesWrite    Action = "invoices.write"
	StripeWebhook    Action = "stripe.webhook" // public, verified by signature
	CalendarFeedRead Action = "calendar.feed"  // public, the secret URL is the proof

	// Rota.
	ShiftsRead       Action = "shifts.read"  // the whole rota
	ShiftsWrite      Action = "shifts.write" // create, edit, cancel, assign
	ShiftsMine       Action = "shifts.mine"  // own shifts, open shifts, swaps, claims, availability
	SwapsApprove     Action = "swaps.approve"
	AdjustmentsRead  Action = "adjustments.read"
	AdjustmentsWrite Action = "adjustments.write"
	RotaChangesRead  Action = "rota.changes.read" // changes after publishing, short-notice cancellations

	// Wellbeing.
	WellbeingPlan     Action = "wellbeing.plan"
	SupportNotesRead  Action = "wellbeing.notes.read"
	SupportNotesWrite Action = "wellbeing.notes.write"
	FlexPeriodsWrite  Action = "wellbeing.flex"
	AccessLogRead     Action = "wellbeing.access_log"
	WellbeingExport   Action = "wellbeing.export"
	Caseloads         Action = "wellbeing.caseloads"
	SupportSummary    Action = "wellbeing.summary" // the short summary an employee chose to share
	FlexPeriodsRead   Action = "wellbeing.flex.read"

	// Payroll.
	ClockOwn          Action = "clock.own"
	AttendanceWrite   Action = "attendance.write"
	AbsencesWrite     Action = "absences.write"
	TimesheetsRead    Action = "timesheets.read" // employees: own only
	TimesheetsApprove Action = "timesheets.approve"
	PayRatesRead      Action = "payrates.read"
	PayRatesWrite     Action = "payrates.write"
	PayrollManage     Action = "payroll.manage"
	LeaveOwn          Action = "leave.own"      // an employee's own leave requests and balance
	LeaveApprove      Action = "leave.approve"  // decide leave requests
	LeaveSettings     Action = "leave.settings" // which absence types employees may ask for; the leave year

	// Outcomes (job outcomes and social value: aggregates only).
	OutcomesRead          Action = "outcomes.read"             // the outcomes report, CSV and PDF
	EmploymentRecordWrite Action = "outcomes.employment.write" // leaving, referral, consent flags, postcode district
	JourneyOwn            Action = "outcomes.journey"          // an employee's own journey page

	// Jobs (work nobody clicks).
	JobsManage Action = "jobs.manage" // failed jobs: see them, retry them
)

func roles(r ...Role) []Role { return r }

// Policy is role × action for the whole application. DESIGN.md's roles
// table, as code.
var Policy = map[Action]Rule{
	Public:   {Public: true},
	SignedIn: {SignedIn: true},

	PeopleManage:  {Roles: roles(Admin)},
	EmployeesList: {Roles: roles(Supervisor, Finance, SupportWorker, Admin)},

	ClientsRead:      {Roles: roles(Finance, Supervisor)},
	ClientsWrite:     {Roles: roles(Finance)},
	SiteNotesWrite:   {Roles: roles(Supervisor, Finance)},
	ContractsRead:    {Roles: roles(Finance, Supervisor)},
	ContractsWrite:   {Roles: roles(Finance)},
	VisitsGenerate:   {Roles: roles(Finance, Supervisor)},
	VisitsRead:       {Roles: roles(Supervisor, Finance)},
	VisitsWrite:      {Roles: roles(Supervisor)},
	InvoicesRead:     {Roles: roles(Finance)},
	InvoicesWrite:    {Roles: roles(Finance)},
	StripeWebhook:    {Public: true},
	CalendarFeedRead: {Public: true},

	ShiftsRead:       {Roles: roles(Supervisor)},
	ShiftsWrite:      {Roles: roles(Supervisor)},
	ShiftsMine:       {Roles: roles(Employee)},
	SwapsApprove:     {Roles: roles(Supervisor)},
	AdjustmentsRead:  {Roles: roles(Employee, Supervisor, SupportWorker)},
	AdjustmentsWrite: {Roles: roles(Supervisor, SupportWorker)},
	RotaChangesRead:  {Roles: roles(Supervisor, Finance)},

	WellbeingPlan:     {Roles: roles(Employee, SupportWorker), Hidden: true},
	SupportNotesRead:  {Roles: roles(Employee, SupportWorker), Hidden: true},
	SupportNotesWrite: {Roles: roles(SupportWorker), Hidden: true},
	FlexPeriodsWrite:  {Roles: roles(Employee, SupportWorker), Hidden: true},
	AccessLogRead:     {Roles: roles(Employee, SupportWorker), Hidden: true},
	WellbeingExport:   {Roles: roles(Employee), Hidden: true},
	Caseloads:         {Roles: roles(SupportWorker, Admin), Hidden: true},
	SupportSummary:    {Roles: roles(Supervisor, Employee, SupportWorker)},
	FlexPeriodsRead:   {Roles: roles(Employee, SupportWorker), Hidden: true},

	ClockOwn:          {Roles: roles(Employee)},
	AttendanceWrite:   {Roles: roles(Supervisor)},
	AbsencesWrite:     {Roles: roles(Supervisor, Finance)},
	TimesheetsRead:    {Roles: roles(Employee, Supervisor, Finance)},
	TimesheetsApprove: {Roles: roles(Supervisor)},
	PayRatesRead:      {Roles: roles(Finance)},
	PayRatesWrite:     {Roles: roles(Finance)},
	PayrollManage:     {Roles: roles(Finance)},
	LeaveOwn:          {Roles: roles(Employee)},
	LeaveApprove:      {Roles: roles(Supervisor)},
	LeaveSettings:     {Roles: roles(Admin, Finance)},

	OutcomesRead:          {Roles: roles(Admin)},
	EmploymentRecordWrite: {Roles: roles(Admin, SupportWorker)},
	JourneyOwn:            {Roles: roles(Employee)},

	JobsManage: {Roles: roles(Finance, Admin)},
}

// Decision is the outcome of asking the policy.
type Decision int

const (
	Allow          Decision = iota
	DenyUnsignedIn          // 401: sign in first
	DenyForbidden           // 403
	DenyHidden              // 404: the role may not know it exists
)

// Decide applies the policy. signedIn is false for anonymous requests, in
// which case p is ignored. An action missing from the policy is denied.
func Decide(a Action, signedIn bool, p Principal) Decision {
	rule, ok := Policy[a]
	switch {
	case ok && rule.Public:
		return Allow
	case !signedIn:
		return DenyUnsignedIn
	case !ok:
		return DenyForbidden
	case rule.SignedIn || p.HasAny(rule.Roles...):
		return Allow
	case rule.Hidden:
		return DenyHidden
	}
	return DenyForbidden
}

// Can reports whether p may perform a (for showing or hiding links and buttons).
func Can(p Principal, a Action) bool { return Decide(a, p.ID != "", p) == Allow }
