package wellbeing

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/web"
)

// pageRoutes registers the phone-first pages. Every page about a person
// lives under /wellbeing/people/:id and answers 404 outside its reach.
func (h *Handler) pageRoutes(root web.Routes) {
	root.GET("/wellbeing", auth.WellbeingPlan, h.hubPage)
	root.GET("/wellbeing/people/:id", auth.WellbeingPlan, h.personPage)
	root.GET("/wellbeing/people/:id/plan", auth.WellbeingPlan, h.planPage)
	root.POST("/wellbeing/people/:id/plan", auth.WellbeingPlan, h.planSubmit)
	root.GET("/wellbeing/people/:id/plan/versions", auth.WellbeingPlan, h.versionsPage)
	root.GET("/wellbeing/people/:id/plan/versions/:version", auth.WellbeingPlan, h.versionPage)
	root.GET("/wellbeing/people/:id/notes", auth.SupportNotesRead, h.notesPage)
	root.POST("/wellbeing/people/:id/notes", auth.SupportNotesWrite, h.noteSubmit)
	root.GET("/wellbeing/people/:id/flex", auth.FlexPeriodsRead, h.flexPage)
	root.POST("/wellbeing/people/:id/flex", auth.FlexPeriodsWrite, h.flexSubmit)
	root.POST("/wellbeing/people/:id/flex/:flex/end", auth.FlexPeriodsWrite, h.flexEndSubmit)
	root.GET("/wellbeing/people/:id/access-log", auth.AccessLogRead, h.accessLogPage)
	root.GET("/wellbeing/summaries", auth.SupportSummary, h.summariesPage)
	root.GET("/wellbeing/caseloads", auth.Caseloads, h.caseloadsPage)
	root.POST("/wellbeing/caseloads", auth.Caseloads, h.caseloadsSubmit)

	h.shell.AddNav(
		web.NavItem{Label: "Wellbeing", Path: "/wellbeing", Action: auth.WellbeingPlan, Order: 50},
		web.NavItem{Label: "Support summaries", Path: "/wellbeing/summaries", Action: auth.ShiftsRead, Order: 55},
		web.NavItem{Label: "Caseloads", Path: "/wellbeing/caseloads", Action: auth.PeopleManage, Order: 91},
	)
	h.shell.AddHomeSection(web.HomeSection{
		Roles: []auth.Role{auth.Employee}, Template: "wellbeing-home", Order: 50,
		Load: func(c *gin.Context, p auth.Principal) (any, error) {
			fs, err := h.svc.FlexPeriods(c.Request.Context(), p, p.ID)
			if err != nil {
				return nil, err
			}
			today := h.svc.today()
			var active []FlexPeriod
			for _, f := range fs {
				if !f.Cancelled && !f.To.Before(today) {
					active = append(active, f)
				}
			}
			return gin.H{"ID": p.ID, "Flex": active}, nil
		},
	})
}

// subject is the person a page is about, as the viewer may reach them.
type subject struct {
	ID     string
	Name   string
	Self   bool // the viewer is this person
	Access access
}

func (h *Handler) subject(c *gin.Context) (subject, bool) {
	id, err := web.PathID(c, "id", "person")
	if err != nil {
		web.Fail(c, ErrNotFound)
		return subject{}, false
	}
	p := web.MustPrincipal(c)
	ctx := c.Request.Context()
	a, err := h.svc.reach(ctx, h.svc.db, p, id)
	if err != nil {
		web.Fail(c, err)
		return subject{}, false
	}
	person, err := h.svc.person(ctx, id)
	if err != nil {
		web.Fail(c, ErrNotFound)
		return subject{}, false
	}
	return subject{ID: id, Name: person.Name, Self: a == asSelf, Access: a}, true
}

func (s subject) Base() string { return "/wellbeing/people/" + s.ID }

// Whose is "Your" or "Sam Okafor's".
func (s subject) Whose() string {
	if s.Self {
		return "Your"
	}
	return s.Name + "'s"
}

// IsSupportWorker reports whether the viewer is the person's support worker.
func (s subject) IsSupportWorker() bool { return s.Access == asSupportWorker }

func (h *Handler) hubPage(c *gin.Context) {
	p := web.MustPrincipal(c)
	data := gin.H{"Self": p.Has(auth.Employee), "ID": p.ID}
	if p.Has(auth.SupportWorker) {
		cl, err := h.svc.Caseload(c.Request.Context(), p, p.ID)
		if err != nil {
			web.Fail(c, err)
			return
		}
		data["Caseload"] = cl
		data["SupportWorker"] = true
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/hub", data)
}

func (h *Handler) personPage(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	p := web.MustPrincipal(c)
	versions, err := h.svc.PlanVersions(ctx, p, s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	flex, err := h.svc.FlexPeriods(ctx, p, s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/person", gin.H{"S": s, "Versions": versions, "Flex": activeFlex(flex, h.svc.today())})
}

func activeFlex(fs []FlexPeriod, today civil.Date) []FlexPeriod {
	var out []FlexPeriod
	for _, f := range fs {
		if !f.Cancelled && !f.To.Before(today) {
			out = append(out, f)
		}
	}
	return out
}

type planForm struct {
	S        subject
	Plan     Plan
	Sections []sectionField
	Actions  []actionRow
	Form     *web.Form
}

type sectionField struct {
	Field, Label, Text string
}

// actionRow is one early warning sign and what to do, as shown in the form:
// its position (for ids and messages) and the values to show.
type actionRow struct {
	I                int
	ID, Sign, Action string
	SignID, ActionID string
}

// planFormFields declares the wellness plan form (web.Form): each section,
// the early warning signs (ew_sign_0, ew_action_0, ...; the inputs share the
// names ew_sign and ew_action), the review date and the summary.
func planFormFields() *web.Form {
	var fields []web.Field
	for _, l := range SectionLabels {
		fields = append(fields, web.Field{Name: l.Field, Label: l.Label, Kind: web.KindLong})
	}
	for i := 0; i <= maxActions+2; i++ {
		n := strconv.Itoa(i)
		key := "early_warning_actions[" + n + "]"
		fields = append(fields,
			web.Field{Name: "ew_sign_" + n, Label: "Early warning sign " + strconv.Itoa(i+1), Kind: web.KindText, Keys: []string{key + ".sign", key + ".id"}},
			web.Field{Name: "ew_action_" + n, Label: "What to do for early warning sign " + strconv.Itoa(i+1), Kind: web.KindText, Keys: []string{key + ".action"}})
	}
	return web.NewForm(append(fields,
		web.Field{Name: "review_date", Label: "When we review it", Kind: web.KindDate},
		web.Field{Name: "summary", Label: "How to support me", Kind: web.KindLong})...)
}

// newPlanForm shows plan p: its values in the form, two empty signs to add.
func newPlanForm(s subject, p Plan) planForm {
	f := planFormFields()
	for _, l := range SectionLabels {
		f.Set(l.Field, p.Text(l.Field))
	}
	for _, a := range append(append([]WarningAction{}, p.EarlyWarningActions...), WarningAction{}, WarningAction{}) {
		f.Values.Add("ew_id", a.ID)
		f.Values.Add("ew_sign", a.Sign)
		f.Values.Add("ew_action", a.Action)
	}
	if !p.ReviewDate.IsZero() {
		f.Set("review_date", p.ReviewDate.String())
	}
	f.Set("summary", p.Summary).Set("version", strconv.Itoa(p.Version))
	if p.ShareSummary {
		f.Set("share_summary", "yes")
	}
	return planFormOf(s, p, f)
}

// planFormOf is the page showing form f (as loaded, or as posted).
func planFormOf(s subject, p Plan, f *web.Form) planForm {
	out := planForm{S: s, Plan: p, Form: f}
	for _, l := range SectionLabels {
		out.Sections = append(out.Sections, sectionField{Field: l.Field, Label: l.Label, Text: f.Values.Get(l.Field)})
	}
	ids, signs, actions := f.Values["ew_id"], f.Values["ew_sign"], f.Values["ew_action"]
	for i := range signs {
		r := actionRow{I: i, Sign: signs[i], SignID: "ew_sign_" + strconv.Itoa(i), ActionID: "ew_action_" + strconv.Itoa(i)}
		if i < len(ids) {
			r.ID = ids[i]
		}
		if i < len(actions) {
			r.Action = actions[i]
		}
		out.Actions = append(out.Actions, r)
	}
	return out
}

func (h *Handler) planPage(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	plan, err := h.svc.Plan(c.Request.Context(), web.MustPrincipal(c), s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/plan", newPlanForm(s, plan))
}

func (h *Handler) planSubmit(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	f := planFormFields().Posted(c)
	in := PlanInput{Summary: f.Values.Get("summary")}
	in.StayWell, in.Triggers = f.Values.Get("stay_well"), f.Values.Get("triggers")
	in.EarlyWarningSigns, in.ImpactOnWork = f.Values.Get("early_warning_signs"), f.Values.Get("impact_on_work")
	in.SupportFromSupervisor, in.MyActions, in.Contacts = f.Values.Get("support_from_supervisor"), f.Values.Get("my_actions"), f.Values.Get("contacts")
	in.ReviewDate = f.Date("review_date")
	if v, err := strconv.Atoi(f.Value("version")); err == nil {
		in.Version = &v
	}
	if s.Self {
		share := f.Value("share_summary") == "yes"
		in.ShareSummary = &share
	}
	ids, signs, actions := f.Values["ew_id"], f.Values["ew_sign"], f.Values["ew_action"]
	for i := range signs {
		a := WarningAction{Sign: signs[i]}
		if i < len(ids) {
			a.ID = ids[i]
		}
		if i < len(actions) {
			a.Action = actions[i]
		}
		in.EarlyWarningActions = append(in.EarlyWarningActions, a)
	}
	if f.OK() {
		_, err := h.svc.SavePlan(c.Request.Context(), web.MustPrincipal(c), s.ID, in)
		if err == nil {
			web.Success(c, "Plan saved. A copy of this version is kept.")
			web.Redirect(c, s.Base())
			return
		}
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	// Show the form again with what was typed, so nothing is lost.
	p := Plan{}
	if in.Version != nil {
		p.Version = *in.Version
	}
	h.shell.Renderer.HTML(c, f.Status(), "wellbeing/plan", planFormOf(s, p, f))
}

func (h *Handler) versionsPage(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	vs, err := h.svc.PlanVersions(c.Request.Context(), web.MustPrincipal(c), s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/versions", gin.H{"S": s, "Versions": vs})
}

func (h *Handler) versionPage(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v < 1 {
		web.Fail(c, errs.E(errs.NotFound, "There is no such version of this plan."))
		return
	}
	plan, err := h.svc.PlanVersion(c.Request.Context(), web.MustPrincipal(c), s.ID, v)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/version", gin.H{"S": s, "Plan": plan, "Sections": newPlanForm(s, plan).Sections})
}

// noteForm declares the support note form (web.Form).
func noteForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "date", Label: "Date", Kind: web.KindDate},
		web.Field{Name: "kind", Label: "Kind", Kind: web.KindSelect},
		web.Field{Name: "text", Label: "Note", Kind: web.KindLong},
	)
}

func (h *Handler) notesPage(c *gin.Context) {
	f := noteForm().Set("date", h.svc.today().String()).Set("kind", NoteKinds[0].Kind).Set("corrects_id", c.Query("corrects"))
	h.showNotes(c, http.StatusOK, f)
}

// showNotes is the notes page with the note form f (as new, or as posted).
func (h *Handler) showNotes(c *gin.Context, status int, f *web.Form) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	notes, err := h.svc.Notes(c.Request.Context(), web.MustPrincipal(c), s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, status, "wellbeing/notes", gin.H{
		"S": s, "Notes": notes, "Kinds": NoteKinds, "Today": h.svc.today().String(), "Corrects": f.Value("corrects_id"), "Form": f,
	})
}

func (h *Handler) noteSubmit(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	f := noteForm().Posted(c)
	in := NoteInput{Kind: f.Value("kind"), Text: f.Values.Get("text"), CorrectsID: f.Value("corrects_id")}
	if f.Required("date") {
		in.Date = f.Date("date")
	}
	if NoteKindLabel(in.Kind) == in.Kind {
		f.Error("kind", "Choose the kind of note from the list")
	}
	if strings.TrimSpace(in.Text) == "" {
		f.Error("text", "Enter the note")
	}
	if f.OK() {
		_, err := h.svc.AddNote(c.Request.Context(), web.MustPrincipal(c), s.ID, in)
		if err == nil {
			web.Success(c, "Note added.")
			web.Redirect(c, s.Base()+"/notes")
			return
		}
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	h.showNotes(c, f.Status(), f)
}

// flexForm declares the flex period form (web.Form).
func flexForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "kind", Label: "What changes", Kind: web.KindChoice},
		web.Field{Name: "weekly_hours", Label: "Hours a week", Kind: web.KindNumber, Keys: []string{"max_weekly_minutes"}},
		web.Field{Name: "earliest_start", Label: "Start no earlier than", Kind: web.KindTime},
		web.Field{Name: "from", Label: "From", Kind: web.KindDate},
		web.Field{Name: "to", Label: "Until", Kind: web.KindDate},
		web.Field{Name: "early_warning_action_id", Label: "Early warning sign", Kind: web.KindText},
	)
}

func (h *Handler) flexPage(c *gin.Context) {
	today := h.svc.today()
	f := flexForm().Set("kind", FlexKinds[0].Kind).Set("from", today.String()).Set("to", today.AddDays(13).String())
	h.showFlex(c, http.StatusOK, f)
}

// showFlex shows the flex page with the form f (first showing, or again
// after an error with every value kept).
func (h *Handler) showFlex(c *gin.Context, status int, f *web.Form) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	p := web.MustPrincipal(c)
	fs, err := h.svc.FlexPeriods(ctx, p, s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	today := h.svc.today()
	web.FormPage(c, status, "wellbeing/flex", gin.H{
		"S": s, "Flex": fs, "Kinds": FlexKinds, "Today": today, "Min": today.String(), "Form": f,
		"Actions": h.warningActions(ctx, p, s.ID),
	})
}

// warningActions lists the plan's early-warning signs to link a flex period
// to. Reading them is reading the plan, so it is logged like any read.
func (h *Handler) warningActions(ctx context.Context, p auth.Principal, employeeID string) []WarningAction {
	plan, err := h.svc.Plan(ctx, p, employeeID)
	if err != nil {
		return nil
	}
	return plan.EarlyWarningActions
}

func (h *Handler) flexSubmit(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	f := flexForm().Posted(c)
	in := FlexInput{Kind: f.Value("kind"), EarliestStart: f.Value("earliest_start"), EarlyWarningActionID: f.Value("early_warning_action_id")}
	f.Required("kind")
	if f.Required("from") {
		in.From = f.Date("from")
	}
	if f.Required("to") {
		in.To = f.Date("to")
	}
	if !in.From.IsZero() && !in.To.IsZero() && in.To.Before(in.From) {
		f.Error("to", "Until must be the same as or after the from date")
	}
	if in.Kind != LaterStart {
		in.EarliestStart = ""
	} else {
		f.Required("earliest_start")
	}
	if in.Kind == WeeklyCap {
		hours, err := strconv.ParseFloat(f.Value("weekly_hours"), 64)
		if err != nil || hours < 1 || hours > 47 {
			f.Error("weekly_hours", "Hours a week must be a number from 1 to 47")
		}
		in.MaxWeeklyMinutes = int(hours*60 + 0.5)
	}
	if !f.OK() {
		h.showFlex(c, f.Status(), f)
		return
	}
	fp, err := h.svc.StartFlex(c.Request.Context(), web.MustPrincipal(c), s.ID, in)
	if err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showFlex(c, f.Status(), f)
		return
	}
	msg := "Done: " + fp.Describe() + ". The rota has been told."
	if fp.ReleasedShifts > 0 {
		msg += " " + strconv.Itoa(fp.ReleasedShifts) + " shift(s) went back to the open pool; the supervisor has been told."
	}
	if !fp.RotaNotified {
		msg = "Saved: " + fp.Describe() + ". The rota could not be told just now; it will be told again on the next change."
	}
	web.Success(c, msg)
	web.Redirect(c, s.Base()+"/flex")
}

func (h *Handler) flexEndSubmit(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	fid, err := web.PathID(c, "flex", "flex period")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if _, err := h.svc.EndFlex(c.Request.Context(), web.MustPrincipal(c), s.ID, fid); err != nil {
		if errs.CodeOf(err) != errs.Conflict {
			web.Fail(c, err)
			return
		}
		_, msg, _ := errs.Public(err)
		web.Problem(c, msg)
		web.Redirect(c, s.Base()+"/flex")
		return
	}
	web.Success(c, "The flex period has ended.")
	web.Redirect(c, s.Base()+"/flex")
}

func (h *Handler) accessLogPage(c *gin.Context) {
	s, ok := h.subject(c)
	if !ok {
		return
	}
	log, err := h.svc.AccessLog(c.Request.Context(), web.MustPrincipal(c), s.ID, 200)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/access_log", gin.H{"S": s, "Log": log})
}

// summariesPage shows a supervisor the "how to support me" summaries that
// employees chose to share, and nothing else.
func (h *Handler) summariesPage(c *gin.Context) {
	p := web.MustPrincipal(c)
	ctx := c.Request.Context()
	if !p.Has(auth.Supervisor) {
		web.Redirect(c, "/wellbeing")
		return
	}
	emps, err := h.svc.people.List(ctx, people.Filter{Role: auth.Employee, ActiveOnly: true})
	if err != nil {
		web.Fail(c, err)
		return
	}
	shared, err := h.svc.sharedSummaryIDs(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	type row struct {
		Name    string
		Summary SupportSummary
	}
	var rows []row
	for _, e := range emps {
		if !shared[e.ID] || e.ID == p.ID {
			continue
		}
		sum, err := h.svc.Summary(ctx, p, e.ID)
		if errs.CodeOf(err) == errs.NotFound {
			continue
		}
		if err != nil {
			web.Fail(c, err)
			return
		}
		rows = append(rows, row{Name: e.Name, Summary: sum})
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "wellbeing/summaries", gin.H{"Rows": rows})
}

// caseloadsPage lets an admin see and change who supports whom: names only,
// never content.
func (h *Handler) caseloadsPage(c *gin.Context) {
	h.showCaseloads(c, http.StatusOK, caseloadForm())
}

// caseloadForm declares the "Add someone to a caseload" form (web.Form).
func caseloadForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "support_worker_id", Label: "Support worker", Kind: web.KindSelect},
		web.Field{Name: "employee_id", Label: "Employee", Kind: web.KindSelect},
	)
}

// showCaseloads is the caseloads page with the add form f (new, or as
// posted and refused).
func (h *Handler) showCaseloads(c *gin.Context, status int, f *web.Form) {
	p := web.MustPrincipal(c)
	if !p.Has(auth.Admin) {
		web.Redirect(c, "/wellbeing")
		return
	}
	ctx := c.Request.Context()
	sws, err := h.svc.SupportWorkers(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	emps, err := h.svc.people.List(ctx, people.Filter{Role: auth.Employee, ActiveOnly: true})
	if err != nil {
		web.Fail(c, err)
		return
	}
	type group struct {
		Worker  people.Person
		Members []CaseMember
	}
	var groups []group
	for _, sw := range sws {
		cl, err := h.svc.Caseload(ctx, p, sw.ID)
		if err != nil {
			web.Fail(c, err)
			return
		}
		groups = append(groups, group{Worker: sw, Members: cl})
	}
	h.shell.Renderer.HTML(c, status, "wellbeing/caseloads", gin.H{"Groups": groups, "Workers": sws, "Employees": emps, "Form": f})
}

func (h *Handler) caseloadsSubmit(c *gin.Context) {
	if !web.MustPrincipal(c).Has(auth.Admin) {
		web.Fail(c, ErrNotFound)
		return
	}
	ctx := c.Request.Context()
	f := caseloadForm().Posted(c)
	sw, emp := f.Value("support_worker_id"), f.Value("employee_id")
	if c.PostForm("do") == "remove" {
		// A button, nothing typed: a refusal (someone else took them off
		// first) is told on the page it came from.
		if err := h.svc.Unassign(ctx, sw, emp); err != nil {
			if errs.CodeOf(err) == errs.Internal {
				web.Fail(c, err)
				return
			}
			_, msg, _ := errs.Public(err)
			web.Problem(c, msg)
		} else {
			web.Success(c, "Taken off the caseload.")
		}
		web.Redirect(c, "/wellbeing/caseloads")
		return
	}
	f.Required("support_worker_id")
	f.Required("employee_id")
	if f.OK() {
		err := h.svc.Assign(ctx, sw, emp)
		if err == nil {
			web.Success(c, "Added to the caseload.")
			web.Redirect(c, "/wellbeing/caseloads")
			return
		}
		switch {
		case errs.CodeOf(err) == errs.NotFound:
			f.Error("support_worker_id", "Choose a support worker from the list")
		case errs.CodeOf(err) == errs.Invalid:
			f.Error("employee_id", "Choose an employee from the list: they may have left since the page was opened")
		case !f.FromError(err):
			web.Fail(c, err)
			return
		}
	}
	h.showCaseloads(c, f.Status(), f)
}
