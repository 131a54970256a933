package rota

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/plan"
)

// Plan modes.
const (
	PlanFill   = "fill"   // fill open draft shifts; leave every assignment alone
	PlanReplan = "replan" // also move draft assignments (published ones only when asked: MovePublished)
	PlanCover  = "cover"  // cover exactly the shifts a change released
)

// MaxPlanDays is the longest period one plan covers.
const MaxPlanDays = 14

// PlanRequest asks for a proposal.
type PlanRequest struct {
	From    civil.Date `json:"from"`
	To      civil.Date `json:"to"` // inclusive
	SiteIDs []string   `json:"site_ids"`
	Mode    string     `json:"mode"`
	// MovePublished lets a replan move published assignments and fill
	// published open shifts too; the people affected are told when it is
	// applied. A published shift inside the notice period is moved only
	// with a Reason (otherwise it stays as it is).
	MovePublished bool   `json:"move_published"`
	Reason        string `json:"reason"`
	// ShiftIDs, for a cover plan, are the shifts to cover (set by the
	// rota when a change releases shifts, never by a client).
	ShiftIDs []string `json:"-"`
}

func (r *PlanRequest) check() error {
	var bad []errs.FieldError
	switch {
	case r.From.IsZero():
		bad = append(bad, errs.FieldError{Field: "from", Message: "is required, like 2026-11-30"})
	case r.To.IsZero():
		bad = append(bad, errs.FieldError{Field: "to", Message: "is required, like 2026-12-06"})
	case r.To.Before(r.From):
		bad = append(bad, errs.FieldError{Field: "to", Message: "is before from"})
	case r.From.DaysUntil(r.To) >= MaxPlanDays:
		bad = append(bad, errs.FieldError{Field: "to", Message: fmt.Sprintf("is %d or more days after from; plan at most %d days at once", MaxPlanDays, MaxPlanDays)})
	}
	if r.Mode == "" {
		r.Mode = PlanFill
	}
	if r.Mode != PlanFill && r.Mode != PlanReplan && !(r.Mode == PlanCover && len(r.ShiftIDs) > 0) {
		bad = append(bad, errs.FieldError{Field: "mode", Message: "must be fill, replan or cover"})
	}
	r.Reason = strings.TrimSpace(r.Reason)
	switch {
	case r.MovePublished && r.Mode != PlanReplan:
		bad = append(bad, errs.FieldError{Field: "move_published", Message: "is only for a replan"})
	case r.Reason != "" && !r.MovePublished:
		bad = append(bad, errs.FieldError{Field: "reason", Message: "is only for a replan that moves published shifts"})
	case tooLong(r.Reason, MaxReasonChars):
		bad = append(bad, errs.FieldError{Field: "reason", Message: fmt.Sprintf("is at most %d characters", MaxReasonChars)})
	}
	for _, id := range r.SiteIDs {
		if !database.ValidID(id) {
			bad = append(bad, errs.FieldError{Field: "site_ids", Message: "must be site IDs"})
			break
		}
	}
	if len(r.SiteIDs) > MaxFixedSites {
		bad = append(bad, errs.FieldError{Field: "site_ids", Message: fmt.Sprintf("names at most %d sites", MaxFixedSites)})
	}
	if len(bad) > 0 {
		return errs.Fields(bad...)
	}
	slices.Sort(r.SiteIDs)
	r.SiteIDs = slices.Compact(r.SiteIDs)
	return nil
}

// build reads everything the rules and the soft terms need for a plan, from
// what is committed now, and returns the problem with the tasks to plan.
func (s *Service) buildPlan(ctx context.Context, r PlanRequest) (*planProblem, error) {
	db := s.cfg.DB.WithContext(ctx)
	lo, hi := r.From.Time(civil.London).UTC(), r.To.AddDays(1).Time(civil.London).UTC()
	now := s.now()
	// The shifts to plan.
	q := db.Where("starts_at >= ? AND starts_at < ? AND starts_at > ?", lo, hi, now)
	switch r.Mode {
	case PlanCover:
		q = q.Where("id IN ? AND status = ?", r.ShiftIDs, Open)
	case PlanReplan:
		if !r.MovePublished {
			q = q.Where("published_at IS NULL")
		}
		q = q.Where("status IN ?", []string{Open, Assigned})
	default:
		q = q.Where("published_at IS NULL AND status = ?", Open)
	}
	if len(r.SiteIDs) > 0 {
		q = q.Where("site_id IN ?", r.SiteIDs)
	}
	rows, err := findShiftRows(q.Order("starts_at, site_id, slot, id"))
	if err != nil {
		return nil, err
	}
	shifts, err := s.decorate(ctx, rows)
	if err != nil {
		return nil, err
	}
	if r.MovePublished && r.Reason == "" {
		// Without a reason, published shifts inside the notice period stay
		// as they are: the plan never proposes a change it could not make.
		shifts = slices.DeleteFunc(shifts, func(sh Shift) bool { return sh.Published && s.ChangeNeedsReason(sh) })
	}
	all, err := s.cfg.People.Employees(ctx)
	if err != nil {
		return nil, err
	}
	p := &planProblem{now: now, from: r.From, to: r.To}
	var ids []string
	for _, e := range all {
		if !e.Active || !e.Has(auth.Employee) || e.Employee == nil {
			continue
		}
		emp := *e.Employee
		wk := &planWorker{id: e.ID, name: e.Name, person: Person{ID: e.ID, Name: e.Name}, dob: emp.DateOfBirth,
			sites: map[string]int{}, siteDays: map[string]bool{}, slots: map[string]bool{}, mates: map[string]bool{},
			isAge: emp.AgeOn}
		if emp.ContractedMinutesPerWeek > 0 {
			wk.target, wk.targetOf = emp.ContractedMinutesPerWeek, "contracted"
		}
		p.workers = append(p.workers, wk)
		ids = append(ids, e.ID)
	}
	slices.SortFunc(p.workers, func(a, b *planWorker) int { return strings.Compare(a.id, b.id) })
	slices.Sort(ids)

	// What the rules need, loaded at the same time.
	mons := map[civil.Date]bool{}
	days := map[civil.Date]bool{}
	for _, sh := range shifts {
		for _, d := range sh.Work().days() {
			days[d] = true
			mons[weekStart(d)] = true
		}
	}
	first := weekStart(r.From).AddDays(-windowBefore)
	if d := r.From.AddDays(-28); d.Before(first) {
		first = d
	}
	last := weekStart(r.To).AddDays(windowAfter)
	var (
		work     map[string][]Work
		adjs     map[string]Adjustments
		avail    map[string]Availability
		wanted   map[string]int
		seams    seamAnswers
		mu       sync.Mutex
		prior    = map[civil.Date]map[string]int{}
		permit   = map[civil.Date]map[string]WeeklyLimits{}
		rates    = map[civil.Date]map[string]money.Pence{}
		sitesMap map[string]Site
	)
	g, gctx := errgroup.WithContext(ctx)
	gdb := s.cfg.DB.WithContext(gctx)
	g.Go(func() (err error) { work, err = s.loadWork(gdb, nil, first, last); return err })
	g.Go(func() (err error) { adjs, err = s.adjustments(gdb, nil); return err })
	g.Go(func() (err error) { avail, err = s.availabilities(gdb, nil); return err })
	g.Go(func() (err error) { wanted, err = s.wantedMinutes(gdb, nil); return err })
	g.Go(func() (err error) { sitesMap, err = s.siteMap(gctx); return err })
	g.Go(func() (err error) { p.weights, err = s.planWeights(gdb); return err })
	for mon := range mons {
		g.Go(func() error {
			m, err := s.minutesBetween(gdb, nil, mon.AddDays(-7*(Legal.AverageWeeks-1)), mon)
			mu.Lock()
			prior[mon] = m
			mu.Unlock()
			return err
		})
	}
	if len(ids) > 0 && len(shifts) > 0 {
		if s.cfg.Leave != nil {
			g.Go(func() (err error) {
				seams.away, err = s.cfg.Leave.AbsentDays(gctx, ids, r.From, r.To.AddDays(1))
				return err
			})
		}
		if s.cfg.TemporaryLimits != nil {
			g.Go(func() (err error) {
				seams.temporary, err = s.cfg.TemporaryLimits.TemporaryLimits(gctx, ids, weekStart(r.From), weekStart(r.To).AddDays(7))
				return err
			})
		}
		if s.cfg.PayInfo != nil {
			for d := range days {
				g.Go(func() error {
					pw, err := s.cfg.PayInfo.PermittedWork(gctx, ids, d)
					if err != nil {
						return err
					}
					rt, err := s.cfg.PayInfo.HourlyRates(gctx, ids, d)
					mu.Lock()
					permit[d] = pw
					rates[d] = rt
					mu.Unlock()
					return err
				})
			}
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Tasks.
	movable := map[string]bool{}
	for _, sh := range shifts {
		t := &planTask{shift: sh, work: sh.Work(), siteName: sh.SiteName, odd: oddHours(sh.Work()),
			weekday: sh.Date().Weekday().String(), slot: slotOf(sh.Work())}
		t.siteDay = sh.SiteID + t.weekday
		from, to := nearWindow(t.work)
		t.near = [2]time.Time{from.Time(civil.London), to.Time(civil.London)}
		mon := weekStart(t.work.Date())
		t.wide = [2]time.Time{mon.AddDays(-windowBefore).Time(civil.London), mon.AddDays(windowAfter).Time(civil.London)}
		if sh.Status == Assigned {
			t.holder = sh.EmployeeID
			movable[sh.ID] = true
		}
		if t.siteName == "" {
			t.siteName = sitesMap[sh.SiteID].Name
		}
		p.tasks = append(p.tasks, t)
	}
	// Who is on at each site, outside the plan: for each task's crew and
	// each person's colleagues over the last four weeks.
	type onSite struct {
		emp string
		w   Work
	}
	bySite := map[string][]onSite{}
	for emp, ws := range work {
		for _, w := range ws {
			if !movable[w.ShiftID] {
				bySite[w.SiteID] = append(bySite[w.SiteID], onSite{emp, w})
			}
		}
	}
	for _, t := range p.tasks {
		for _, o := range bySite[t.work.SiteID] {
			if o.w.ShiftID != t.shift.ID && o.w.Overlaps(t.work) {
				t.crew = append(t.crew, o.emp)
			}
		}
		slices.Sort(t.crew)
	}
	histFrom := r.From.AddDays(-28)
	mates := map[string]map[string]bool{}
	for _, list := range bySite {
		slices.SortFunc(list, func(a, b onSite) int { return startOrder(a.w, b.w) })
		for i, a := range list {
			if d := a.w.Date(); d.Before(histFrom) || !d.Before(r.From) {
				continue
			}
			for _, b := range list[i+1:] {
				if !b.w.Start.Before(a.w.End) {
					break
				}
				if b.emp != a.emp {
					addMate(mates, a.emp, b.emp)
					addMate(mates, b.emp, a.emp)
				}
			}
		}
	}
	taskIndex := map[string]int{}
	for i, t := range p.tasks {
		taskIndex[t.shift.ID] = i
	}
	for _, wk := range p.workers {
		id := wk.id
		wk.person.Adjustments = adjs[id]
		wk.wide = needsWideWindow(adjs[id])
		wk.person.Availability = avail[id]
		wk.person.Away = seams.away[id]
		wk.person.Temporary = seams.temporary[id]
		if wk.target == 0 && wanted[id] > 0 {
			wk.target, wk.targetOf = wanted[id], "wanted"
		}
		wk.target = wk.target * (r.From.DaysUntil(r.To) + 1) / 7
		wk.prior = map[civil.Date]int{}
		for mon, m := range prior {
			wk.prior[mon] = m[id]
		}
		wk.pay = map[civil.Date]PayFacts{}
		for d, pw := range permit {
			l, ok := pw[id]
			if ok || wk.person.Adjustments.BenefitCap != "" {
				pf := PayFacts{MaxWeeklyMinutes: l.Minutes, MaxWeeklyEarnings: l.Earnings, Permitted: ok}
				pf.HourlyRate, pf.HasRate = rates[d][id]
				wk.pay[d] = pf
			}
		}
		wk.mates = mates[id]
		if wk.mates == nil {
			wk.mates = map[string]bool{}
		}
		for _, w := range work[id] {
			d := w.Date()
			if movable[w.ShiftID] {
				continue
			}
			wk.base = append(wk.base, w)
			if !d.Before(histFrom) && d.Before(r.From) {
				wk.sites[w.SiteID]++
				wk.siteDays[w.SiteID+d.Weekday().String()] = true
				wk.slots[slotOf(w)] = true
			}
			if !d.Before(r.From) && !d.After(r.To) {
				wk.baseMins += w.Minutes()
				if oddHours(w) {
					wk.baseOdd++
				}
			}
		}
		if r.Mode == PlanReplan {
			wk.initial = map[int]bool{}
			for _, t := range p.tasks {
				if t.holder == id {
					wk.initial[taskIndex[t.shift.ID]] = true
				}
			}
		}
	}
	return p, nil
}

func addMate(m map[string]map[string]bool, a, b string) {
	if m[a] == nil {
		m[a] = map[string]bool{}
	}
	m[a][b] = true
}

// eligible is, for each worker, the tasks the rules allow them on their
// own (with only the work the plan does not move), checked on all cores.
//
// Shifts at the same times are alike to the engine, so each person is
// asked once per shape (eligibleKey); the final check (verify) runs every
// proposed assignment through Check itself, so a shape that missed a fact
// could cost cover, never let a rule be broken.
func (p *planProblem) eligible() [][]int {
	out := make([][]int, len(p.workers))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for w := range next {
				var el []int
				seen := map[eligibleKey]bool{}
				for t := range p.tasks {
					k := p.eligibleKey(w, t)
					ok, done := seen[k]
					if !done {
						ok = len(Check(p.facts(w, t, nil, nil))) == 0
						seen[k] = ok
					}
					if ok {
						el = append(el, t)
					}
				}
				out[w] = el
			}
		})
	}
	for w := range p.workers {
		next <- w
	}
	close(next)
	wg.Wait()
	return out
}

// solverProblem is the problem as the solver takes it.
func (p *planProblem) solverProblem(el [][]int) *plan.Problem {
	start := p.from.Time(civil.London)
	kinds := map[string]int{}
	tasks := make([]plan.Task, len(p.tasks))
	for i, t := range p.tasks {
		k := t.shift.SiteID + t.shift.LocalStart + t.shift.LocalEnd
		if _, ok := kinds[k]; !ok {
			kinds[k] = len(kinds)
		}
		tasks[i] = plan.Task{Day: p.from.DaysUntil(t.work.Date()), Start: int64(t.work.Start.Sub(start) / time.Minute),
			End: int64(t.work.End.Sub(start) / time.Minute), Max: 1, Kind: kinds[k]}
	}
	pr := &plan.Problem{Workers: len(p.workers), Tasks: tasks, Eligible: el, Rules: p, TermNames: planTermNames, Weights: p.weights.list()}
	return pr
}

// eligibleKey is what the rules engine reads about a shift when asked about
// one person with no other planned work: its times and break (and through
// them its date, week and the person's facts on that date), its site only
// for a person with fixed sites, and who else is on only for a person who
// must not work alone.
type eligibleKey struct {
	start, end int64
	brk        int
	site, crew string
}

func (p *planProblem) eligibleKey(w, t int) eligibleKey {
	task, a := p.tasks[t], p.workers[w].person.Adjustments
	k := eligibleKey{start: task.work.Start.UnixNano(), end: task.work.End.UnixNano(), brk: task.work.BreakMinutes}
	if len(a.FixedSites) > 0 {
		k.site = task.work.SiteID
	}
	if a.NotAlone || len(a.WorkWith) > 0 {
		k.crew = strings.Join(task.crew, ",")
	}
	return k
}
