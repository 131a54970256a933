package rota

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/web"
)

// pages registers the phone pages for employees and the desk pages for
// supervisors.
func (h *Handler) pages(root web.Routes) {
	root.GET("/rota/week", auth.ShiftsMine, h.pageWeek)
	root.POST("/rota/shifts/:id/claim", auth.ShiftsMine, h.pageClaim)
	root.GET("/rota/open", auth.ShiftsMine, h.pageOpen)
	root.GET("/rota/availability", auth.ShiftsMine, h.pageAvailability)
	root.POST("/rota/availability", auth.ShiftsMine, h.pageSaveAvailability)
	root.GET("/rota/adjustments", auth.ShiftsMine, h.pageMyAdjustments)

	root.GET("/rota/board", auth.ShiftsRead, h.pageBoard)
	root.POST("/rota/board/shifts", auth.ShiftsWrite, h.pageCreateShift)
	root.GET("/rota/board/shifts/:id", auth.ShiftsRead, h.pageDeskShift)
	root.POST("/rota/board/shifts/:id/assign", auth.ShiftsWrite, h.pageAssign)
	root.POST("/rota/board/shifts/:id/cancel", auth.ShiftsWrite, h.pageCancel)
	root.GET("/rota/people", auth.AdjustmentsWrite, h.pagePeople)
	root.GET("/rota/people/:id", auth.AdjustmentsWrite, h.pagePerson)
	root.POST("/rota/people/:id", auth.AdjustmentsWrite, h.pageSaveAdjustments)

	h.shell.AddNav(
		web.NavItem{Label: "My week", Path: "/rota/week", Action: auth.ShiftsMine, Order: 10},
		web.NavItem{Label: "Open shifts", Path: "/rota/open", Action: auth.ShiftsMine, Order: 11},
		web.NavItem{Label: "Swaps", Path: "/rota/inbox", Action: auth.ShiftsMine, Order: 12},
		web.NavItem{Label: "Availability", Path: "/rota/availability", Action: auth.ShiftsMine, Order: 13},
		web.NavItem{Label: "Rota board", Path: "/rota/board", Action: auth.ShiftsRead, Order: 20},
		web.NavItem{Label: "Approvals", Path: "/rota/approvals", Action: auth.SwapsApprove, Order: 21},
		web.NavItem{Label: "Adjustments", Path: "/rota/people", Action: auth.AdjustmentsWrite, Order: 22},
	)
}

// problem flashes what went wrong, with each violation in plain words.
func problem(c *gin.Context, err error) {
	_, msg, details := errs.Public(err)
	if vs, ok := details.([]Violation); ok && len(vs) > 0 {
		// The message says what stopped it; the others follow as sentences.
		parts := []string{msg}
		for _, v := range vs {
			if !strings.Contains(msg, v.Message) {
				parts = append(parts, v.Message)
			}
		}
		msg = strings.Join(parts, " ")
	} else if fs, ok := details.([]errs.FieldError); ok && len(fs) > 1 {
		var parts []string
		for _, f := range fs {
			parts = append(parts, f.Field+": "+f.Message)
		}
		msg = strings.Join(parts, "; ")
	}
	web.Problem(c, msg)
}

// done answers a form: the error flashed, or success, then back to where.
func done(c *gin.Context, err error, ok, where string) {
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			web.Fail(c, err)
			return
		}
		problem(c, err)
	} else {
		web.Success(c, ok)
	}
	web.Redirect(c, where)
}

type dayShifts struct {
	Date   civil.Date
	Today  bool
	Shifts []Shift
}

func (h *Handler) pageWeek(c *gin.Context) {
	p := web.MustPrincipal(c)
	today := civil.In(h.svc.now(), civil.London)
	from, err := web.QueryDate(c, "from")
	if err != nil || from.IsZero() {
		from = today
	}
	shifts, err := h.svc.MyShifts(c.Request.Context(), p.ID, from, from.AddDays(6))
	if err != nil {
		web.Fail(c, err)
		return
	}
	days := make([]dayShifts, 7)
	for i := range days {
		days[i] = dayShifts{Date: from.AddDays(i), Today: from.AddDays(i) == today}
	}
	total := 0
	for _, sh := range shifts {
		if i := from.DaysUntil(sh.Date()); i >= 0 && i < 7 {
			days[i].Shifts = append(days[i].Shifts, sh)
			if sh.Status == Assigned {
				total += sh.WorkMinutes
			}
		}
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/week", gin.H{
		"Days": days, "From": from, "Prev": from.AddDays(-7), "Next": from.AddDays(7), "Total": total,
	})
}

// ShiftDetail is a shift as its page shows it.
type ShiftDetail struct {
	Shift      Shift
	Site       Site
	Crew       []string
	Swap       *Swap
	Mine       bool
	Future     bool
	Colleagues []people.Person
	Tradeable  []Shift
}

// Detail loads a shift for an employee's page: their own, an open one, or
// one a live swap offers them. Anything else is 404.
func (s *Service) Detail(ctx context.Context, employeeID, id string) (ShiftDetail, error) {
	sh, err := s.Shift(ctx, id)
	if err != nil {
		return ShiftDetail{}, err
	}
	d := ShiftDetail{Shift: sh, Mine: sh.EmployeeID == employeeID, Future: sh.Start.After(s.now())}
	var live []swapRow
	if err := s.cfg.DB.WithContext(ctx).Where("(shift_id = ? OR trade_shift_id = ?) AND status IN ?", id, id,
		[]string{SwapPending, SwapAwaitingApproval}).Find(&live).Error; err != nil {
		return ShiftDetail{}, err
	}
	if len(live) > 0 {
		ws, err := s.swaps(ctx, live[:1], true)
		if err != nil {
			return ShiftDetail{}, err
		}
		d.Swap = &ws[0]
	}
	visible := sh.Published && (d.Mine || sh.Status == Open ||
		(d.Swap != nil && (d.Swap.ToEmployeeID == employeeID || d.Swap.FromEmployeeID == employeeID || (d.Swap.Kind == Release && d.Swap.Status == SwapPending))))
	if !visible {
		return ShiftDetail{}, ErrNotFound
	}
	if d.Site, err = s.site(ctx, sh.SiteID); err != nil {
		return ShiftDetail{}, err
	}
	crewIDs, err := s.publishedCrew(s.cfg.DB.WithContext(ctx), sh)
	if err != nil {
		return ShiftDetail{}, err
	}
	names, err := s.cfg.People.Names(ctx, crewIDs)
	if err != nil {
		return ShiftDetail{}, err
	}
	for _, id := range crewIDs {
		if id != employeeID {
			d.Crew = append(d.Crew, names[id])
		}
	}
	slices.Sort(d.Crew)
	if d.Mine && d.Future && sh.Status == Assigned && d.Swap == nil {
		emps, err := s.cfg.People.Employees(ctx)
		if err != nil {
			return ShiftDetail{}, err
		}
		for _, e := range emps {
			if e.ID != employeeID {
				d.Colleagues = append(d.Colleagues, e)
			}
		}
		today := civil.In(s.now(), civil.London)
		others, err := s.Shifts(ctx, Filter{From: today, To: today.AddDays(20), Status: Assigned})
		if err != nil {
			return ShiftDetail{}, err
		}
		for _, o := range others {
			if o.EmployeeID != employeeID && o.Published && o.Start.After(s.now()) && len(d.Tradeable) < 60 {
				d.Tradeable = append(d.Tradeable, o)
			}
		}
		if d.Tradeable, err = s.tradeable(ctx, sh, employeeID, d.Tradeable); err != nil {
			return ShiftDetail{}, err
		}
	}
	return d, nil
}

func (h *Handler) pageClaim(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	_, err = h.svc.Claim(c.Request.Context(), web.MustPrincipal(c).ID, id)
	if err != nil {
		done(c, err, "", "/rota/open")
		return
	}
	done(c, nil, "The shift is yours.", "/rota/shifts/"+id)
}

func (h *Handler) pageOpen(c *gin.Context) {
	p := web.MustPrincipal(c)
	ctx := c.Request.Context()
	today := civil.In(h.svc.now(), civil.London)
	open, err := h.svc.OpenShiftsFor(ctx, p.ID, today, today.AddDays(27))
	if err != nil {
		web.Fail(c, err)
		return
	}
	releases, err := h.svc.ReleasesFor(ctx, p.ID) // only those the engine lets them take
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/open", gin.H{"Open": open, "Releases": releases})
}

// preferenceOption is one answer to "How do you feel about working then?".
type preferenceOption struct{ Value, Label string }

var preferenceOptions = []preferenceOption{{"", "Happy to"}, {WouldLike, "I'd like to"}, {RatherNot, "I'd rather not"}}

var formDays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// availabilityForm declares the availability form (web.Form): a from and an
// until time for each day, and the dates the person cannot work, one a line.
func availabilityForm() *web.Form {
	var fields []web.Field
	for _, d := range formDays {
		day := strings.ToUpper(d[:1]) + d[1:]
		fields = append(fields,
			web.Field{Name: d + "_from", Label: day + " from", Kind: web.KindTime},
			web.Field{Name: d + "_to", Label: day + " until", Kind: web.KindTime},
			web.Field{Name: d + "_preference", Label: day + ": how you feel about working then", Kind: web.KindSelect})
	}
	fields[0].Keys = []string{"weekly"}
	return web.NewForm(append(fields, web.Field{Name: "unavailable", Label: "Dates you cannot work", Kind: web.KindLong})...)
}

func (h *Handler) pageAvailability(c *gin.Context) {
	a, err := h.svc.AvailabilityOf(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := availabilityForm()
	for _, w := range a.Weekly {
		f.Set(w.Day+"_from", w.From).Set(w.Day+"_to", w.To).Set(w.Day+"_preference", w.Preference)
	}
	var dates []string
	for _, d := range a.Unavailable {
		dates = append(dates, d.Format("Mon 2 Jan 2006"))
	}
	f.Set("unavailable", strings.Join(dates, "\n")).Set("version", strconv.Itoa(a.Version))
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/availability", gin.H{"Form": f, "Days": formDays, "Preferences": preferenceOptions})
}

func (h *Handler) pageSaveAvailability(c *gin.Context) {
	f := availabilityForm().Posted(c)
	var a Availability
	for _, d := range formDays {
		from, to, pref := f.Value(d+"_from"), f.Value(d+"_to"), f.Value(d+"_preference")
		day := strings.ToUpper(d[:1]) + d[1:]
		if pref != "" && pref != WouldLike && pref != RatherNot {
			f.Error(d+"_preference", day+": choose how you feel about working then from the list")
		}
		switch {
		case from == "" && to == "" && pref != "":
			f.Error(d+"_from", "Enter the times on "+day+" you would "+map[string]string{WouldLike: "like to", RatherNot: "rather not"}[pref]+" work")
			continue
		case from == "" && to == "":
			continue
		case from == "":
			f.Error(d+"_from", "Enter the time you can work from on "+day)
		case to == "":
			f.Error(d+"_to", "Enter the time you can work until on "+day)
		default:
			fm, ok1 := parseClock(from)
			tm, ok2 := parseClock(to)
			if to == "24:00" {
				tm, ok2 = 24*60, true
			}
			switch {
			case !ok1:
				f.Error(d+"_from", "Enter the time you can work from on "+day+" like 09:00")
			case !ok2:
				f.Error(d+"_to", "Enter the time you can work until on "+day+" like 17:00")
			case tm <= fm:
				f.Error(d+"_to", day+": the time until must be after the time from")
			}
		}
		a.Weekly = append(a.Weekly, Window{Day: d, From: from, To: to, Preference: pref})
	}
	for _, line := range strings.Split(f.Values.Get("unavailable"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		ds, ok := unavailableLine(line)
		if !ok {
			f.Error("unavailable", fmt.Sprintf("%q is not a date. Enter each date on its own line, like 24 December 2026", strings.TrimSpace(line)))
			break
		}
		a.Unavailable = append(a.Unavailable, ds...)
	}
	a.Version, _ = strconv.Atoi(f.Value("version"))
	if f.OK() {
		_, err := h.svc.SetAvailability(c.Request.Context(), web.MustPrincipal(c).ID, a)
		if err == nil {
			web.Success(c, "Availability saved.")
			web.Redirect(c, "/rota/availability")
			return
		}
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	web.FormPage(c, f.Status(), "rota/availability", gin.H{"Form": f, "Days": formDays, "Preferences": preferenceOptions})
}

// unavailableLine reads one line of the dates-I-cannot-work box: one date as
// a person types it, or several ISO or short dates split by commas or spaces.
func unavailableLine(line string) ([]civil.Date, bool) {
	if d, err := civil.ParsePersonDate(line); err == nil {
		return []civil.Date{d}, true
	}
	var out []civil.Date
	for _, tok := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
		d, err := civil.ParsePersonDate(tok)
		if err != nil {
			return nil, false
		}
		out = append(out, d)
	}
	return out, len(out) > 0
}

func (h *Handler) pageMyAdjustments(c *gin.Context) {
	p := web.MustPrincipal(c)
	a, err := h.svc.AdjustmentsOf(c.Request.Context(), p, p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/my_adjustments", gin.H{"A": a, "Rules": a.Explain()})
}

// Board is the supervisors' week: sites × days.
type Board struct {
	From, Prev, Next civil.Date
	Days             []civil.Date
	Rows             []BoardRow
	Sites            []Site
	Unavailable      []string
	Waiting          int
	Form             *web.Form // the "Add a shift" form
}

// BoardRow is one site's week.
type BoardRow struct {
	Site  Site
	Cells [][]BoardShift
}

// BoardShift is a shift on the board with any live swap.
type BoardShift struct {
	Shift
	SwapStatus string
	Changed    string // "changed" or "changed_notice" since publishing
}

func (h *Handler) pageBoard(c *gin.Context) {
	today := civil.In(h.svc.now(), civil.London)
	from, err := web.QueryDate(c, "week")
	if err != nil || from.IsZero() {
		from = today
	}
	from = weekStart(from)
	// A filtered board, or a week that is over, is the site board with its
	// filters and what happened (rotaweb): this page is for planning.
	q := c.Request.URL.Query()
	weekOver := !from.AddDays(7).Time(civil.London).After(h.svc.now())
	if q.Get("site") != "" || q.Get("person") != "" || q.Get("unfilled") != "" || q.Get("changed") != "" || weekOver {
		q.Set("week", from.String())
		c.Redirect(http.StatusSeeOther, "/rota/board/sites?"+q.Encode())
		return
	}
	f := newShiftForm().Set("date", from.String()).Set("start", "07:00").Set("end", "11:00")
	h.showBoard(c, http.StatusOK, from, f)
}

// newShiftForm declares the board's "Add a shift" form (web.Form).
func newShiftForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "site_id", Label: "Site", Kind: web.KindSelect},
		web.Field{Name: "date", Label: "Date", Kind: web.KindDate, Keys: []string{"start_at", "starts_at"}},
		web.Field{Name: "start", Label: "Start", Kind: web.KindTime},
		web.Field{Name: "end", Label: "End", Kind: web.KindTime, Keys: []string{"end_at", "ends_at"}},
		web.Field{Name: "break_minutes", Label: "Break", Kind: web.KindNumber},
	)
}

// showBoard is the planning board of the week from, with the "Add a shift"
// form f (new, or as posted).
func (h *Handler) showBoard(c *gin.Context, status int, from civil.Date, f *web.Form) {
	ctx := c.Request.Context()
	shifts, err := h.svc.Shifts(ctx, Filter{From: from, To: from.AddDays(6)})
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.siteMap(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	queue, err := h.svc.SwapQueue(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	changed, err := h.svc.ChangedShifts(ctx, from, from.AddDays(6))
	if err != nil {
		web.Fail(c, err)
		return
	}
	live := map[string]string{}
	b := Board{From: from, Prev: from.AddDays(-7), Next: from.AddDays(7), Form: f}
	for _, w := range queue {
		live[w.Shift.ID] = w.Status
		if w.Status == SwapAwaitingApproval {
			b.Waiting++
		}
	}
	for i := range 7 {
		b.Days = append(b.Days, from.AddDays(i))
	}
	for _, s := range sites {
		b.Sites = append(b.Sites, s)
	}
	slices.SortFunc(b.Sites, func(x, y Site) int { return strings.Compare(x.Name, y.Name) })
	index := map[string]int{}
	for i, s := range b.Sites {
		index[s.ID] = i
		b.Rows = append(b.Rows, BoardRow{Site: s, Cells: make([][]BoardShift, 7)})
	}
	for _, sh := range shifts {
		i, ok := index[sh.SiteID]
		d := from.DaysUntil(sh.Date())
		if !ok || d < 0 || d > 6 || sh.Status == Cancelled {
			continue
		}
		bs := BoardShift{Shift: sh, SwapStatus: live[sh.ID]}
		if inside, ok := changed[sh.ID]; ok {
			bs.Changed = StateChanged
			if inside {
				bs.Changed = StateChangedNotice
			}
		}
		b.Rows[i].Cells[d] = append(b.Rows[i].Cells[d], bs)
	}
	// Who said they cannot work this week.
	avail, err := h.svc.availabilities(h.svc.cfg.DB.WithContext(ctx), nil)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var ids []string
	for id := range avail {
		ids = append(ids, id)
	}
	names, err := h.svc.cfg.People.Names(ctx, ids)
	if err != nil {
		web.Fail(c, err)
		return
	}
	for id, a := range avail {
		for _, d := range a.Unavailable {
			if !d.Before(from) && d.Before(from.AddDays(7)) {
				b.Unavailable = append(b.Unavailable, names[id]+": "+dateText(d))
			}
		}
	}
	slices.Sort(b.Unavailable)
	h.shell.Renderer.HTML(c, status, "rota/board", b)
}

func (h *Handler) pageCreateShift(c *gin.Context) {
	f := newShiftForm().Posted(c)
	today := civil.In(h.svc.now(), civil.London)
	week, _ := civil.Parse(f.Value("week"))
	var d civil.Date
	if f.Required("date") {
		d = f.Date("date")
	}
	var start, end int
	if f.Required("start") {
		var ok bool
		if start, ok = parseClock(f.Value("start")); !ok {
			f.Error("start", "Start must be a time like 07:00")
		}
	}
	if f.Required("end") {
		var ok bool
		if end, ok = parseClock(f.Value("end")); !ok {
			f.Error("end", "End must be a time like 11:00")
		}
	}
	in := ShiftInput{SiteID: f.Value("site_id"), Notes: f.Value("notes")}
	if in.SiteID == "" {
		f.Error("site_id", "Choose a site")
	}
	if b := f.Value("break_minutes"); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 0 {
			f.Error("break_minutes", "Break must be a whole number of minutes, like 30")
		}
		in.BreakMinutes = &n
	}
	if f.OK() {
		in.Start = d.At(start/60, start%60, civil.London)
		in.End = d.At(end/60, end%60, civil.London)
		if !in.End.After(in.Start) {
			in.End = d.AddDays(1).At(end/60, end%60, civil.London) // a night shift ends the next day
		}
		sh, err := h.svc.CreateShift(c.Request.Context(), web.MustPrincipal(c).ID, in)
		if err == nil {
			done(c, nil, "Shift added. Choose who works it.", "/rota/board/shifts/"+sh.ID)
			return
		}
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	// The board the person was looking at, with the form as they left it.
	switch {
	case !week.IsZero():
	case !d.IsZero():
		week = d
	default:
		week = today
	}
	h.showBoard(c, f.Status(), weekStart(week), f)
}

func (h *Handler) pageDeskShift(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	DeskShiftPage(c, h.svc, h.shell, http.StatusOK, id, "", nil)
}

// DeskShiftPage shows a shift's page on the board (who can work it, take
// them off, cancel it) with status. posted names the form that was posted
// and refused ("assign:<employee id>", "unassign" or "cancel"), f its
// values and messages (web.Form); the other forms show empty.
func DeskShiftPage(c *gin.Context, svc *Service, shell *web.Shell, status int, id, posted string, f *web.Form) {
	ctx := c.Request.Context()
	sh, err := svc.Shift(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var cands []Candidate
	if sh.Status != Cancelled && sh.End.After(svc.now()) {
		if cands, err = svc.Candidates(ctx, id); err != nil {
			web.Fail(c, err)
			return
		}
	}
	forms := map[string]*web.Form{"unassign": DeskShiftForm(), "cancel": DeskShiftForm(), "assign": DeskShiftForm()}
	assignTo := ""
	if f != nil {
		if strings.HasPrefix(posted, "assign:") {
			assignTo, posted = strings.TrimPrefix(posted, "assign:"), "assign"
		}
		forms[posted] = f
	}
	shell.Renderer.HTML(c, status, "rota/desk_shift", gin.H{"Shift": sh, "Candidates": cands,
		"NeedsReason": svc.ChangeNeedsReason(sh), "NoticeDays": svc.cfg.Notice.Days,
		"Form": f, "Forms": forms, "AssignTo": assignTo})
}

// DeskShiftForm declares the forms of a shift's board page (web.Form):
// assign (override and change reasons), take off (reason) and cancel
// (cancel_reason).
func DeskShiftForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "override_reason", Label: "Reason for the override", Kind: web.KindText},
		web.Field{Name: "change_reason", Label: "Reason for changing a published shift at short notice", Kind: web.KindText},
		web.Field{Name: "reason", Label: "Reason", Kind: web.KindText},
		web.Field{Name: "cancel_reason", Label: "Reason", Kind: web.KindText},
	)
}

// DeskShiftError puts a service's refusal on the desk shift form f and
// reports whether it did (see web.Form.FromError). A refusal that asks for
// a reason goes by the reason field (reasonField) when that was left empty.
func DeskShiftError(f *web.Form, err error, reasonField string) bool {
	if !f.FromError(err) {
		return false
	}
	for i := range f.Errors {
		if f.Errors[i].Field == "reason" && reasonField == "cancel_reason" {
			f.Errors[i].Field = reasonField // the service calls both "reason"
		}
	}
	if errs.CodeOf(err) == errs.RuleViolation && f.Value(reasonField) == "" {
		for i := range f.Errors {
			if f.Errors[i].Field == "" {
				f.Errors[i].Field = reasonField
			}
		}
	}
	return true
}

func (h *Handler) pageAssign(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := DeskShiftForm().Posted(c)
	emp := f.Value("employee_id")
	res, err := h.svc.Assign(c.Request.Context(), web.MustPrincipal(c).ID, id, emp, f.Value("override_reason"), f.Value("change_reason"))
	if err == nil {
		done(c, nil, res.Shift.EmployeeName+" is on this shift.", "/rota/board/shifts/"+id)
		return
	}
	field := "change_reason"
	var e *errs.Error
	if errors.As(err, &e) {
		if vs, ok := e.Details.([]Violation); ok && len(vs) > 0 {
			field = "override_reason"
			if f.Value("override_reason") == "" && !slices.ContainsFunc(vs, func(v Violation) bool { return v.Severity == Hard }) {
				f.Error("override_reason", "Enter a reason for the override")
			}
		}
	}
	if !DeskShiftError(f, err, field) {
		web.Fail(c, err)
		return
	}
	DeskShiftPage(c, h.svc, h.shell, f.Status(), id, "assign:"+emp, f)
}

func (h *Handler) pageCancel(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := DeskShiftForm().Posted(c)
	reason := f.Value("cancel_reason")
	if reason == "" {
		reason = f.Value("reason") // as it was called before
	}
	_, err = h.svc.CancelShift(c.Request.Context(), web.MustPrincipal(c).ID, id, reason)
	if err == nil {
		done(c, nil, "Shift cancelled.", "/rota/board/shifts/"+id)
		return
	}
	if !DeskShiftError(f, err, "cancel_reason") {
		web.Fail(c, err)
		return
	}
	DeskShiftPage(c, h.svc, h.shell, f.Status(), id, "cancel", f)
}

type personAdjustments struct {
	Person people.Person
	Rules  []string
	Review bool
}

func (h *Handler) pagePeople(c *gin.Context) {
	ctx := c.Request.Context()
	p := web.MustPrincipal(c)
	emps, err := h.svc.cfg.People.Employees(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	all, err := h.svc.adjustments(h.svc.cfg.DB.WithContext(ctx), nil)
	if err != nil {
		web.Fail(c, err)
		return
	}
	today := civil.In(h.svc.now(), civil.London)
	var out []personAdjustments
	for _, e := range emps {
		if err := h.svc.canSeeAdjustments(ctx, p, e.ID, true); err != nil {
			continue
		}
		a := all[e.ID]
		out = append(out, personAdjustments{Person: e, Rules: a.Explain(), Review: !a.ReviewDate.IsZero() && !a.ReviewDate.After(today)})
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/people", gin.H{"People": out})
}

// adjustmentsForm declares the agreed adjustments form (web.Form).
func adjustmentsForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "effective_from", Label: "In force from", Kind: web.KindDate},
		web.Field{Name: "effective_to", Label: "Until", Kind: web.KindDate},
		web.Field{Name: "review_date", Label: "Review on", Kind: web.KindDate},
		web.Field{Name: "earliest_start", Label: "No starts before", Kind: web.KindTime},
		web.Field{Name: "latest_finish", Label: "No finishes after", Kind: web.KindTime},
		web.Field{Name: "max_shift_hours", Label: "Longest shift", Kind: web.KindMoney, Keys: []string{"max_shift_minutes"}},
		web.Field{Name: "max_day_hours", Label: "Most hours a day", Kind: web.KindMoney, Keys: []string{"max_day_minutes"}},
		web.Field{Name: "max_week_hours", Label: "Most hours a week", Kind: web.KindMoney, Keys: []string{"max_week_minutes"}},
		web.Field{Name: "days_never_worked", Label: "Days never worked", Kind: web.KindChoice},
		web.Field{Name: "work_with", Label: "Works with", Kind: web.KindChoice},
		web.Field{Name: "fixed_sites", Label: "Sites", Kind: web.KindChoice},
		web.Field{Name: "min_notice_days", Label: "Days' notice", Kind: web.KindNumber},
		web.Field{Name: "max_consecutive_days", Label: "Most days in a row", Kind: web.KindNumber},
		web.Field{Name: "break_after_minutes", Label: "Extra break in shifts longer than", Kind: web.KindNumber},
		web.Field{Name: "min_break_minutes", Label: "Break of at least", Kind: web.KindNumber},
		web.Field{Name: "phased_return", Label: "Phased return", Kind: web.KindLong},
		web.Field{Name: "benefit_cap", Label: "Benefit cap", Kind: web.KindSelect},
	)
}

func (h *Handler) pagePerson(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.svc.AdjustmentsOf(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := adjustmentsForm()
	day := func(d civil.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	f.Set("version", strconv.Itoa(a.Version)).Set("effective_from", day(a.EffectiveFrom)).Set("effective_to", day(a.EffectiveTo)).
		Set("review_date", day(a.ReviewDate)).Set("earliest_start", a.EarliestStart).Set("latest_finish", a.LatestFinish).
		Set("max_shift_hours", hoursField(a.MaxShiftMinutes)).Set("max_day_hours", hoursField(a.MaxDayMinutes)).
		Set("max_week_hours", hoursField(a.MaxWeekMinutes)).Set("min_notice_days", num(a.MinNoticeDays)).
		Set("max_consecutive_days", num(a.MaxConsecutiveDays)).Set("break_after_minutes", num(a.BreakAfterMinutes)).
		Set("min_break_minutes", num(a.MinBreakMinutes)).Set("benefit_cap", a.BenefitCap)
	f.Values["days_never_worked"] = a.DaysNeverWorked
	f.Values["work_with"] = a.WorkWith
	f.Values["fixed_sites"] = a.FixedSites
	if a.NoNights {
		f.Set("no_nights", "1")
	}
	if a.NotAlone {
		f.Set("not_alone", "1")
	}
	var phases []string
	for _, s := range a.PhasedReturn {
		phases = append(phases, fmt.Sprintf("%s, %g", s.From.Format("Mon 2 Jan 2006"), float64(s.MaxWeekMinutes)/60))
	}
	f.Set("phased_return", strings.Join(phases, "\n"))
	h.showPerson(c, http.StatusOK, id, f)
}

// showPerson shows a person's adjustments page with the form f (first
// showing, or again after an error with every value kept).
func (h *Handler) showPerson(c *gin.Context, status int, id string, f *web.Form) {
	ctx := c.Request.Context()
	p := web.MustPrincipal(c)
	a, err := h.svc.AdjustmentsOf(ctx, p, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	person, err := h.svc.cfg.People.Get(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	emps, err := h.svc.cfg.People.Employees(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	sites, err := h.svc.siteMap(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var siteList []Site
	for _, s := range sites {
		siteList = append(siteList, s)
	}
	slices.SortFunc(siteList, func(x, y Site) int { return strings.Compare(x.Name, y.Name) })
	avail, err := h.svc.AvailabilityOf(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var colleagues []people.Person
	for _, e := range emps {
		if e.ID != id {
			colleagues = append(colleagues, e)
		}
	}
	web.FormPage(c, status, "rota/person", gin.H{
		"Person": person, "Rules": a.Explain(), "Days": formDays, "Colleagues": colleagues, "Sites": siteList,
		"Availability": avail, "Form": f,
	})
}

func hoursField(minutes int) string {
	if minutes == 0 {
		return ""
	}
	return strconv.FormatFloat(float64(minutes)/60, 'f', -1, 64)
}

func (h *Handler) pageSaveAdjustments(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := adjustmentsForm().Posted(c)
	a := adjustmentsFromForm(f)
	if f.OK() {
		_, err = h.svc.SetAdjustments(c.Request.Context(), web.MustPrincipal(c), id, a)
		if err == nil {
			web.Success(c, "Adjustments saved. The person has been told.")
			web.Redirect(c, "/rota/people/"+id)
			return
		}
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
	}
	h.showPerson(c, f.Status(), id, f)
}

// adjustmentsFromForm reads the adjustments form, recording on f what is
// wrong in words a person can act on.
func adjustmentsFromForm(f *web.Form) Adjustments {
	a := Adjustments{
		EarliestStart: f.Value("earliest_start"), LatestFinish: f.Value("latest_finish"),
		DaysNeverWorked: f.Values["days_never_worked"], NoNights: f.Value("no_nights") != "",
		NotAlone: f.Value("not_alone") != "", WorkWith: f.Values["work_with"], FixedSites: f.Values["fixed_sites"],
		BenefitCap:    f.Value("benefit_cap"),
		EffectiveFrom: f.Date("effective_from"), EffectiveTo: f.Date("effective_to"), ReviewDate: f.Date("review_date"),
	}
	if !a.EffectiveFrom.IsZero() && !a.EffectiveTo.IsZero() && a.EffectiveTo.Before(a.EffectiveFrom) {
		f.Error("effective_to", "Until must be the same as or after the in-force-from date")
	}
	for _, x := range []struct {
		name string
		dst  *int
		max  int
	}{{"max_shift_hours", &a.MaxShiftMinutes, 16}, {"max_day_hours", &a.MaxDayMinutes, 16}, {"max_week_hours", &a.MaxWeekMinutes, 60}} {
		*x.dst = hoursOf(f, x.name, x.max)
	}
	for _, x := range []struct {
		name string
		dst  *int
		max  int
	}{{"min_notice_days", &a.MinNoticeDays, 60}, {"max_consecutive_days", &a.MaxConsecutiveDays, 13},
		{"break_after_minutes", &a.BreakAfterMinutes, 12 * 60}, {"min_break_minutes", &a.MinBreakMinutes, 180}} {
		v := f.Value(x.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > x.max {
			f.Error(x.name, fmt.Sprintf("%s must be a whole number from 0 to %d, or empty", f.Label(x.name), x.max))
			continue
		}
		*x.dst = n
	}
	if a.MinBreakMinutes > 0 && a.BreakAfterMinutes == 0 && f.ErrorOf("break_after_minutes") == "" {
		f.Error("break_after_minutes", "Enter how long a shift must be for the extra break")
	}
	a.Version, _ = strconv.Atoi(f.Value("version"))
	for _, line := range strings.Split(f.Values.Get("phased_return"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		cut := strings.LastIndexAny(line, " \t")
		var d civil.Date
		var err error
		h := -1.0
		if cut > 0 {
			d, err = civil.ParsePersonDate(strings.TrimRight(line[:cut], " ,:"))
			if x, perr := strconv.ParseFloat(line[cut+1:], 64); perr == nil && x > 0 && x <= 60 {
				h = x
			}
		}
		if cut <= 0 || err != nil || h < 0 {
			f.Error("phased_return", fmt.Sprintf("%q is not a step. Enter each step on its own line: a date and weekly hours, like 7 December 2026, 12", line))
			break
		}
		a.PhasedReturn = append(a.PhasedReturn, PhaseStep{From: d, MaxWeekMinutes: int(h*60 + 0.5)})
	}
	for _, id := range append(slices.Clone(a.WorkWith), a.FixedSites...) {
		if !database.ValidID(id) {
			f.Error("work_with", "Pick colleagues and sites from the lists")
			break
		}
	}
	return a
}

// hoursOf reads "7.5" hours as 450 minutes ("" is 0: no rule).
func hoursOf(f *web.Form, name string, max int) int {
	v := f.Value(name)
	if v == "" {
		return 0
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x < 0 || x > float64(max) {
		f.Error(name, fmt.Sprintf("%s must be a number of hours from 0 to %d, like 7.5, or empty", f.Label(name), max))
		return 0
	}
	return int(x*60 + 0.5)
}
