package rota

import (
	"context"
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

var formDays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

func (h *Handler) pageAvailability(c *gin.Context) {
	a, err := h.svc.AvailabilityOf(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	type row struct{ Day, From, To string }
	rows := make([]row, len(formDays))
	for i, d := range formDays {
		rows[i].Day = d
		for _, w := range a.Weekly {
			if w.Day == d {
				rows[i].From, rows[i].To = w.From, w.To
			}
		}
	}
	var dates []string
	for _, d := range a.Unavailable {
		dates = append(dates, d.String())
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/availability", gin.H{"Rows": rows, "Dates": strings.Join(dates, "\n"), "Version": a.Version})
}

func (h *Handler) pageSaveAvailability(c *gin.Context) {
	var a Availability
	for _, d := range formDays {
		from, to := strings.TrimSpace(c.PostForm(d+"_from")), strings.TrimSpace(c.PostForm(d+"_to"))
		if from == "" && to == "" {
			continue
		}
		a.Weekly = append(a.Weekly, Window{Day: d, From: from, To: to})
	}
	for _, f := range strings.Fields(strings.ReplaceAll(c.PostForm("unavailable"), ",", " ")) {
		d, err := civil.Parse(f)
		if err != nil {
			done(c, errs.Fields(errs.FieldError{Field: "unavailable", Message: err.Error()}), "", "/rota/availability")
			return
		}
		a.Unavailable = append(a.Unavailable, d)
	}
	a.Version, _ = strconv.Atoi(c.PostForm("version"))
	_, err := h.svc.SetAvailability(c.Request.Context(), web.MustPrincipal(c).ID, a)
	done(c, err, "Availability saved.", "/rota/availability")
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
	ctx := c.Request.Context()
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
	b := Board{From: from, Prev: from.AddDays(-7), Next: from.AddDays(7)}
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
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/board", b)
}

func (h *Handler) pageCreateShift(c *gin.Context) {
	d, err := civil.Parse(c.PostForm("date"))
	if err != nil {
		done(c, errs.Fields(errs.FieldError{Field: "date", Message: err.Error()}), "", "/rota/board")
		return
	}
	start, ok1 := parseClock(c.PostForm("start"))
	end, ok2 := parseClock(c.PostForm("end"))
	if !ok1 || !ok2 {
		done(c, errs.Fields(errs.FieldError{Field: "start", Message: "start and end must be times like 07:00"}), "", "/rota/board?week="+d.String())
		return
	}
	st := d.At(start/60, start%60, civil.London)
	en := d.At(end/60, end%60, civil.London)
	if !en.After(st) {
		en = d.AddDays(1).At(end/60, end%60, civil.London) // a night shift ends the next day
	}
	in := ShiftInput{SiteID: c.PostForm("site_id"), Start: st, End: en, Notes: c.PostForm("notes")}
	if b := strings.TrimSpace(c.PostForm("break_minutes")); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil {
			done(c, errs.Fields(errs.FieldError{Field: "break_minutes", Message: "must be a number of minutes"}), "", "/rota/board?week="+d.String())
			return
		}
		in.BreakMinutes = &n
	}
	sh, err := h.svc.CreateShift(c.Request.Context(), web.MustPrincipal(c).ID, in)
	if err != nil {
		done(c, err, "", "/rota/board?week="+d.String())
		return
	}
	done(c, nil, "Shift added. Choose who works it.", "/rota/board/shifts/"+sh.ID)
}

func (h *Handler) pageDeskShift(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	sh, err := h.svc.Shift(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var cands []Candidate
	if sh.Status != Cancelled && sh.End.After(h.svc.now()) {
		if cands, err = h.svc.Candidates(ctx, id); err != nil {
			web.Fail(c, err)
			return
		}
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/desk_shift", gin.H{"Shift": sh, "Candidates": cands,
		"NeedsReason": h.svc.ChangeNeedsReason(sh), "NoticeDays": h.svc.cfg.Notice.Days})
}

func (h *Handler) pageAssign(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.svc.Assign(c.Request.Context(), web.MustPrincipal(c).ID, id, c.PostForm("employee_id"), c.PostForm("override_reason"), c.PostForm("change_reason"))
	done(c, err, res.Shift.EmployeeName+" is on this shift.", "/rota/board/shifts/"+id)
}

func (h *Handler) pageCancel(c *gin.Context) {
	id, err := web.PathID(c, "id", "shift")
	if err != nil {
		web.Fail(c, err)
		return
	}
	_, err = h.svc.CancelShift(c.Request.Context(), web.MustPrincipal(c).ID, id, c.PostForm("reason"))
	done(c, err, "Shift cancelled.", "/rota/board/shifts/"+id)
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

func (h *Handler) pagePerson(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
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
	var phases []string
	for _, s := range a.PhasedReturn {
		phases = append(phases, fmt.Sprintf("%s %g", s.From, float64(s.MaxWeekMinutes)/60))
	}
	var colleagues []people.Person
	for _, e := range emps {
		if e.ID != id {
			colleagues = append(colleagues, e)
		}
	}
	set := func(xs []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/person", gin.H{
		"DaysOff": set(a.DaysNeverWorked), "WorkWith": set(a.WorkWith), "Fixed": set(a.FixedSites),
		"Person": person, "A": a, "Rules": a.Explain(), "Days": formDays, "Colleagues": colleagues, "Sites": siteList,
		"Phases": strings.Join(phases, "\n"), "Availability": avail,
		"Hours": map[string]string{"shift": hoursField(a.MaxShiftMinutes), "day": hoursField(a.MaxDayMinutes), "week": hoursField(a.MaxWeekMinutes)},
	})
}

func hoursField(minutes int) string {
	if minutes == 0 {
		return ""
	}
	return strconv.FormatFloat(float64(minutes)/60, 'f', -1, 64)
}

// hoursToMinutes reads "7.5" hours as 450 minutes ("" is 0: no rule).
func hoursToMinutes(field, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 100 {
		return 0, errs.Fields(errs.FieldError{Field: field, Message: "must be a number of hours like 7.5, or empty"})
	}
	return int(f*60 + 0.5), nil
}

func intField(c *gin.Context, field string) (int, error) {
	s := strings.TrimSpace(c.PostForm(field))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errs.Fields(errs.FieldError{Field: field, Message: "must be a whole number, or empty"})
	}
	return n, nil
}

func dateField(c *gin.Context, field string) (civil.Date, error) {
	s := strings.TrimSpace(c.PostForm(field))
	if s == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}, errs.Fields(errs.FieldError{Field: field, Message: err.Error()})
	}
	return d, nil
}

func (h *Handler) pageSaveAdjustments(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	back := "/rota/people/" + id
	a, err := adjustmentsFromForm(c)
	if err != nil {
		done(c, err, "", back)
		return
	}
	_, err = h.svc.SetAdjustments(c.Request.Context(), web.MustPrincipal(c), id, a)
	done(c, err, "Adjustments saved. The person has been told.", back)
}

func adjustmentsFromForm(c *gin.Context) (Adjustments, error) {
	a := Adjustments{
		EarliestStart: strings.TrimSpace(c.PostForm("earliest_start")), LatestFinish: strings.TrimSpace(c.PostForm("latest_finish")),
		DaysNeverWorked: c.PostFormArray("days_never_worked"), NoNights: c.PostForm("no_nights") != "",
		NotAlone: c.PostForm("not_alone") != "", WorkWith: c.PostFormArray("work_with"), FixedSites: c.PostFormArray("fixed_sites"),
		BenefitCap: c.PostForm("benefit_cap"),
	}
	var err error
	if a.EffectiveFrom, err = dateField(c, "effective_from"); err != nil {
		return a, err
	}
	if a.EffectiveTo, err = dateField(c, "effective_to"); err != nil {
		return a, err
	}
	if a.ReviewDate, err = dateField(c, "review_date"); err != nil {
		return a, err
	}
	for field, dst := range map[string]*int{"max_shift_hours": &a.MaxShiftMinutes, "max_day_hours": &a.MaxDayMinutes, "max_week_hours": &a.MaxWeekMinutes} {
		if *dst, err = hoursToMinutes(field, c.PostForm(field)); err != nil {
			return a, err
		}
	}
	for field, dst := range map[string]*int{"min_notice_days": &a.MinNoticeDays, "max_consecutive_days": &a.MaxConsecutiveDays,
		"break_after_minutes": &a.BreakAfterMinutes, "min_break_minutes": &a.MinBreakMinutes, "version": &a.Version} {
		if *dst, err = intField(c, field); err != nil {
			return a, err
		}
	}
	for _, line := range strings.Split(c.PostForm("phased_return"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return a, errs.Fields(errs.FieldError{Field: "phased_return", Message: "each line is a date and weekly hours, like 2026-12-07 12"})
		}
		d, err := civil.Parse(f[0])
		if err != nil {
			return a, errs.Fields(errs.FieldError{Field: "phased_return", Message: err.Error()})
		}
		m, err := hoursToMinutes("phased_return", f[1])
		if err != nil {
			return a, err
		}
		a.PhasedReturn = append(a.PhasedReturn, PhaseStep{From: d, MaxWeekMinutes: m})
	}
	for _, id := range append(slices.Clone(a.WorkWith), a.FixedSites...) {
		if !database.ValidID(id) {
			return a, errs.E(errs.Invalid, "Pick colleagues and sites from the lists.")
		}
	}
	return a, nil
}
