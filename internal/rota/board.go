package rota

import (
	"context"
	"slices"
	"strings"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// Shift states on the board (shown in words, not by colour alone).
const (
	StateDraft         = "draft"
	StatePublished     = "published"
	StateChanged       = "changed"        // changed since publishing
	StateChangedNotice = "changed_notice" // changed inside the notice period
)

// Attendance tells the board what happened on shifts that are over
// (payroll satisfies it through internal/app): "worked", "no_show" or
// "clocked_in" by shift ID; shifts with nothing recorded are left out.
type Attendance interface {
	ShiftOutcomes(ctx context.Context, shiftIDs []string) (map[string]string, error)
}

// UseAttendance wires the attendance seam (payroll is built before the
// rota, but is given the rota afterwards; internal/app joins them).
func (s *Service) UseAttendance(a Attendance) { s.attendance = a }

// BoardFilter narrows the board by person.
type BoardFilter struct {
	SiteID       string
	EmployeeID   string
	UnfilledOnly bool
	ChangedOnly  bool
}

// BoardCell is one shift on the board with its state.
type BoardCell struct {
	Shift
	State   string
	Past    bool
	Outcome string // for a past shift: worked, no_show, clocked_in ("" unknown)
}

// OutcomeLabel is what happened, in words.
func (c BoardCell) OutcomeLabel() string {
	switch {
	case c.Status == Cancelled:
		return "Cancelled"
	case !c.Past:
		return ""
	case c.Status == Open:
		return "Not filled"
	case c.Outcome == "worked":
		return "Worked"
	case c.Outcome == "no_show":
		return "No-show"
	case c.Outcome == "clocked_in":
		return "Clocked in, not out"
	}
	return "No attendance recorded"
}

// StateLabel is the state in words.
func (c BoardCell) StateLabel() string {
	switch c.State {
	case StateDraft:
		return "Draft"
	case StateChanged:
		return "Changed"
	case StateChangedNotice:
		return "Changed at short notice"
	}
	return "Published"
}

// PersonWeek is one person's week on the board: their shifts by day, and
// their hours against contracted hours and their weekly limit.
type PersonWeek struct {
	EmployeeID        string
	Name              string
	ContractedMinutes int // 0: zero hours
	LimitMinutes      int // the tightest weekly limit of their own (0: only the law's)
	WeekMinutes       int // assigned, not cancelled
	Days              [][]BoardCell
}

// UnderContract reports whether they have fewer hours than contracted.
func (p PersonWeek) UnderContract() bool {
	return p.ContractedMinutes > 0 && p.WeekMinutes < p.ContractedMinutes
}

// OverLimit reports whether their week is over their own weekly limit.
func (p PersonWeek) OverLimit() bool { return p.LimitMinutes > 0 && p.WeekMinutes > p.LimitMinutes }

// PersonBoard is the week by person × day.
type PersonBoard struct {
	Week, Prev, Next civil.Date
	Days             []civil.Date
	People           []PersonWeek
	Unfilled         [][]BoardCell // open shifts by day
	UnfilledCount    int
	Sites            []Site
	Everyone         []PersonWeek // for the person filter, unfiltered
	Filter           BoardFilter
	Past             bool // the whole week is over
}

// PersonBoard builds the board by person for the week containing week.
func (s *Service) PersonBoard(ctx context.Context, week civil.Date, f BoardFilter) (PersonBoard, error) {
	if (f.SiteID != "" && !database.ValidID(f.SiteID)) || (f.EmployeeID != "" && !database.ValidID(f.EmployeeID)) {
		return PersonBoard{}, errs.E(errs.Invalid, "Pick the site and person from the lists.")
	}
	mon := weekStart(week)
	b := PersonBoard{Week: mon, Prev: mon.AddDays(-7), Next: mon.AddDays(7), Filter: f, Unfilled: make([][]BoardCell, 7)}
	for i := range 7 {
		b.Days = append(b.Days, mon.AddDays(i))
	}
	now := s.now()
	b.Past = !mon.AddDays(7).Time(civil.London).After(now)
	cells, err := s.weekCells(ctx, mon)
	if err != nil {
		return b, err
	}
	if b.Sites, err = s.sortedSites(ctx); err != nil {
		return b, err
	}
	emps, err := s.cfg.People.Employees(ctx)
	if err != nil {
		return b, err
	}
	adjs, err := s.adjustments(s.cfg.DB.WithContext(ctx), nil)
	if err != nil {
		return b, err
	}
	var permitted map[string]WeeklyLimits
	if s.cfg.PayInfo != nil && len(emps) > 0 {
		ids := make([]string, len(emps))
		for i, e := range emps {
			ids[i] = e.ID
		}
		if permitted, err = s.cfg.PayInfo.PermittedWork(ctx, ids, mon); err != nil {
			return b, err
		}
	}
	index := map[string]int{}
	for _, e := range emps {
		p := PersonWeek{EmployeeID: e.ID, Name: e.Name, Days: make([][]BoardCell, 7), LimitMinutes: weekLimit(adjs[e.ID], mon, permitted[e.ID])}
		if e.Employee != nil && e.Employee.ContractType == people.Contracted {
			p.ContractedMinutes = e.Employee.ContractedMinutesPerWeek
		}
		index[e.ID] = len(b.Everyone)
		b.Everyone = append(b.Everyone, p)
	}
	for _, c := range cells {
		d := mon.DaysUntil(c.Date())
		i, ok := index[c.EmployeeID]
		if ok && c.Status == Assigned {
			// The week's hours are every site's, whatever the filter shows.
			b.Everyone[i].WeekMinutes += c.WorkMinutes
		}
		if !f.shows(c) {
			continue
		}
		switch {
		case c.Status == Open:
			b.Unfilled[d] = append(b.Unfilled[d], c)
			b.UnfilledCount++
		case ok:
			b.Everyone[i].Days[d] = append(b.Everyone[i].Days[d], c)
		}
	}
	if !f.UnfilledOnly {
		for _, p := range b.Everyone {
			if f.EmployeeID != "" && p.EmployeeID != f.EmployeeID {
				continue
			}
			has := false
			for _, d := range p.Days {
				has = has || len(d) > 0
			}
			if (f.SiteID != "" || f.ChangedOnly) && !has {
				continue // filtered to shifts they do not have
			}
			b.People = append(b.People, p)
		}
	}
	slices.SortFunc(b.Everyone, func(x, y PersonWeek) int { return strings.Compare(x.Name, y.Name) })
	slices.SortFunc(b.People, func(x, y PersonWeek) int { return strings.Compare(x.Name, y.Name) })
	if f.EmployeeID != "" {
		b.Unfilled, b.UnfilledCount = make([][]BoardCell, 7), 0
	}
	return b, nil
}

// weekLimit is the tightest weekly limit of a person's own in the week of
// mon: their adjustment, a phased-return step, permitted work (0: none).
func weekLimit(a Adjustments, mon civil.Date, pw WeeklyLimits) int {
	limit := 0
	tighter := func(m int) {
		if m > 0 && (limit == 0 || m < limit) {
			limit = m
		}
	}
	if a.AppliesOn(mon) || a.AppliesOn(mon.AddDays(6)) {
		tighter(a.MaxWeekMinutes)
		step := 0
		for _, p := range a.PhasedReturn {
			if !p.From.After(mon.AddDays(6)) {
				step = p.MaxWeekMinutes
			}
		}
		tighter(step)
	}
	tighter(pw.Minutes)
	return limit
}

// shows reports whether the filter keeps a shift (person and unfilled are
// applied by each view: they decide rows).
func (f BoardFilter) shows(c BoardCell) bool {
	if f.SiteID != "" && c.SiteID != f.SiteID {
		return false
	}
	return !f.ChangedOnly || c.State == StateChanged || c.State == StateChangedNotice
}

// weekCells is every shift starting in the week of mon (cancelled ones
// too: a past week shows what happened), with its state and, once over,
// what happened on it.
func (s *Service) weekCells(ctx context.Context, mon civil.Date) ([]BoardCell, error) {
	shifts, err := s.Shifts(ctx, Filter{From: mon, To: mon.AddDays(6)})
	if err != nil {
		return nil, err
	}
	changed, err := s.ChangedShifts(ctx, mon, mon.AddDays(6))
	if err != nil {
		return nil, err
	}
	now := s.now()
	outcomes := map[string]string{}
	if s.attendance != nil {
		var past []string
		for _, sh := range shifts {
			if !sh.End.After(now) && sh.Status == Assigned {
				past = append(past, sh.ID)
			}
		}
		if len(past) > 0 {
			if outcomes, err = s.attendance.ShiftOutcomes(ctx, past); err != nil {
				return nil, err
			}
		}
	}
	out := make([]BoardCell, 0, len(shifts))
	for _, sh := range shifts {
		if d := mon.DaysUntil(sh.Date()); d < 0 || d > 6 {
			continue
		}
		c := BoardCell{Shift: sh, State: StatePublished, Past: !sh.End.After(now), Outcome: outcomes[sh.ID]}
		switch inside, ok := changed[sh.ID]; {
		case !sh.Published:
			c.State = StateDraft
		case ok && inside:
			c.State = StateChangedNotice
		case ok:
			c.State = StateChanged
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Service) sortedSites(ctx context.Context) ([]Site, error) {
	sites, err := s.siteMap(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Site, 0, len(sites))
	for _, x := range sites {
		out = append(out, x)
	}
	slices.SortFunc(out, func(x, y Site) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// SiteWeek is one site's week on the board by site.
type SiteWeek struct {
	Site Site
	Days [][]BoardCell
}

// SiteBoard is the week by site × day, with the same filters and states as
// the board by person.
type SiteBoard struct {
	Week, Prev, Next civil.Date
	Days             []civil.Date
	Rows             []SiteWeek
	Sites            []Site
	Everyone         []people.Person // for the person filter
	Filter           BoardFilter
	Past             bool // the whole week is over
	Shown            int  // shifts shown after filtering
}

// SiteBoard builds the board by site for the week containing week. The
// person filter keeps that person's shifts; unfilled only keeps open ones.
func (s *Service) SiteBoard(ctx context.Context, week civil.Date, f BoardFilter) (SiteBoard, error) {
	if (f.SiteID != "" && !database.ValidID(f.SiteID)) || (f.EmployeeID != "" && !database.ValidID(f.EmployeeID)) {
		return SiteBoard{}, errs.E(errs.Invalid, "Pick the site and person from the lists.")
	}
	mon := weekStart(week)
	b := SiteBoard{Week: mon, Prev: mon.AddDays(-7), Next: mon.AddDays(7), Filter: f,
		Past: !mon.AddDays(7).Time(civil.London).After(s.now())}
	for i := range 7 {
		b.Days = append(b.Days, mon.AddDays(i))
	}
	cells, err := s.weekCells(ctx, mon)
	if err != nil {
		return b, err
	}
	if b.Sites, err = s.sortedSites(ctx); err != nil {
		return b, err
	}
	if b.Everyone, err = s.cfg.People.Employees(ctx); err != nil {
		return b, err
	}
	slices.SortFunc(b.Everyone, func(x, y people.Person) int { return strings.Compare(x.Name, y.Name) })
	index := map[string]int{}
	for _, x := range b.Sites {
		if f.SiteID != "" && x.ID != f.SiteID {
			continue
		}
		index[x.ID] = len(b.Rows)
		b.Rows = append(b.Rows, SiteWeek{Site: x, Days: make([][]BoardCell, 7)})
	}
	for _, c := range cells {
		i, ok := index[c.SiteID]
		if !ok || !f.shows(c) || (f.UnfilledOnly && c.Status != Open) || (f.EmployeeID != "" && c.EmployeeID != f.EmployeeID) {
			continue
		}
		if !c.Past && c.Status == Cancelled {
			continue // a cancelled future shift is history, not the plan (the record of changes keeps it)
		}
		d := mon.DaysUntil(c.Date())
		b.Rows[i].Days[d] = append(b.Rows[i].Days[d], c)
		b.Shown++
	}
	return b, nil
}
