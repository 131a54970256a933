package rota

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// The window of other work the rules look at around a shift's week, for
// people whose max-consecutive-days adjustment counts a run of worked days
// (the run is counted as far as this window reaches). Every other rule
// needs only nearWindow.
const (
	windowBefore = 14 // days before the Monday of the shift's week
	windowAfter  = 21 // days after it
)

// nearWindow is the local dates [from, to) of other work that every rule
// but max_consecutive_days can see: the shift's Monday-to-Sunday week
// (weekly hours, and the week's hours candidates are ranked by) and three
// days either side of the days the shift touches (overlaps and the rest
// between working days: a shift ends within 16 hours of its start, and the
// rest looked for is at most 12 hours, so two days would do).
func nearWindow(sh Work) (from, to civil.Date) {
	days := sh.days()
	mon := weekStart(days[0])
	from, to = mon, mon.AddDays(7)
	if d := days[0].AddDays(-3); d.Before(from) {
		from = d
	}
	if d := days[len(days)-1].AddDays(3); d.After(to) {
		to = d
	}
	return from, to
}

// needsWideWindow reports whether the rules need the person's work over the
// wide window (windowBefore, windowAfter) rather than nearWindow.
func needsWideWindow(a Adjustments) bool { return a.MaxConsecutiveDays > 0 }

// Evaluate runs the rules engine for one person on one shift, on what is
// committed now: a preview (candidates, the demo). Writers evaluate inside
// their transaction instead (evaluateIn).
// Shifts named in without are left out of the person's other work (in a
// trade, the shift they give away).
func (s *Service) Evaluate(ctx context.Context, sh Shift, employeeID string, req Request, without ...string) ([]Violation, error) {
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return nil, err
	}
	facts, err := s.gather(ctx, sh, []people.Person{p}, req, without...)
	if err != nil {
		return nil, err
	}
	return Check(facts[0]), nil
}

// employee returns an active employee, or a 422 naming the field.
func (s *Service) employee(ctx context.Context, id string) (people.Person, error) {
	p, err := s.cfg.People.Get(ctx, id)
	if errs.CodeOf(err) == errs.NotFound || (err == nil && (!p.Active || !p.Has(auth.Employee) || p.Employee == nil)) {
		return people.Person{}, errs.Fields(errs.FieldError{Field: "employee_id", Message: "is not an active employee"})
	}
	return p, err
}

// outsideFacts is what other packages (people, payroll, wellbeing, the
// sites) tell the rules about people on one shift. A writer asks for them
// before its transaction opens (prepare): their stores use connections of
// their own, and a second connection must not be opened inside a SQLite
// transaction (it holds the one write lock).
type outsideFacts struct {
	shift  Shift
	people []people.Person
	seams  seamAnswers
	site   string
}

// ownFacts is what the rota's own tables say about the people on one shift:
// their other work around it, their hours over the 17-week reference
// period, their adjustments and availability, and who else is on. A writer
// reads them on its transaction, after locking the people (evaluateIn).
type ownFacts struct {
	adjs  map[string]Adjustments
	work  map[string][]Work // nearWindow, or the wide window for those who need it
	prior map[string]int
	avail map[string]Availability
	crew  []string
}

// tasks runs a use case's loads: at the same time on the pool (g set), or
// one after another on a transaction, whose one connection answers one
// query at a time.
type tasks struct {
	g   *errgroup.Group
	err error
}

func (t *tasks) Go(f func() error) {
	if t.g != nil {
		t.g.Go(f)
		return
	}
	if t.err == nil {
		t.err = f()
	}
}

// gather builds the engine's facts for each person on one shift from what
// is committed (see collect).
func (s *Service) gather(ctx context.Context, sh Shift, ps []people.Person, req Request, without ...string) ([]Facts, error) {
	var filter []string // nil: everyone, one query without an IN list
	if len(ps) <= 50 {
		filter = make([]string, len(ps))
		for i, p := range ps {
			filter[i] = p.ID
		}
	}
	return s.collect(ctx, sh, filter, func(context.Context) ([]people.Person, error) { return ps, nil }, req, without...)
}

// collect is gather for the people load returns, reading the database for
// the IDs in filter (nil: everyone, so that the loads need not wait for
// load). The loads are independent queries and run at the same time on the
// pool: ranking candidates waits for the slowest, not for their sum. It is
// for reading only; a writer uses prepare and evaluateIn.
func (s *Service) collect(ctx context.Context, sh Shift, filter []string, load func(context.Context) ([]people.Person, error),
	req Request, without ...string) ([]Facts, error) {
	g, gctx := errgroup.WithContext(ctx)
	out := outsideFacts{shift: sh}
	g.Go(func() (err error) {
		if out.people, err = load(gctx); err != nil {
			return err
		}
		ids := make([]string, len(out.people))
		for i, p := range out.people {
			ids[i] = p.ID
		}
		s.askSeams(gctx, g, sh, ids, &out.seams)
		return nil
	})
	g.Go(func() (err error) { out.site, err = s.siteName(gctx, sh); return err })
	own := s.loadOwn(&tasks{g: g}, s.cfg.DB.WithContext(gctx), sh, filter)
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return s.combine(out, own(), req, without), nil
}

// prepare asks the other packages about the employees in ids for a shift,
// before a writing transaction opens. Each must be an active employee (422).
func (s *Service) prepare(ctx context.Context, sh Shift, ids ...string) (outsideFacts, error) {
	out := outsideFacts{shift: sh, people: make([]people.Person, len(ids))}
	for i, id := range ids {
		p, err := s.employee(ctx, id)
		if err != nil {
			return outsideFacts{}, err
		}
		out.people[i] = p
	}
	g, gctx := errgroup.WithContext(ctx)
	s.askSeams(gctx, g, sh, ids, &out.seams)
	g.Go(func() (err error) { out.site, err = s.siteName(gctx, sh); return err })
	return out, g.Wait()
}

// evaluateIn runs the rules for one of the people prepared on the prepared
// shift, inside the writing transaction tx, which must already hold their
// lock (lockPeople): the rota's own facts are read on tx, one query at a
// time, so they include everything committed before the lock was granted
// and nothing another writer for this person can still change.
func (s *Service) evaluateIn(tx *gorm.DB, of outsideFacts, employeeID string, req Request, without ...string) ([]Violation, error) {
	one := of
	one.people = nil
	for _, p := range of.people {
		if p.ID == employeeID {
			one.people = []people.Person{p}
		}
	}
	if len(one.people) != 1 {
		return nil, fmt.Errorf("rota: %s was not prepared for shift %s", employeeID, of.shift.ID)
	}
	t := &tasks{}
	own := s.loadOwn(t, tx, of.shift, []string{employeeID})
	if t.err != nil {
		return nil, t.err
	}
	return Check(s.combine(one, own(), req, without)[0]), nil
}

// lockPeople takes the per-person write locks of ids in tx
// (database.LockPeople: sorted, so swaps cannot deadlock).
func lockPeople(tx *gorm.DB, ids ...string) error { return database.LockPeople(tx, ids...) }

// loadOwn reads the rota's own facts about the people in filter (nil:
// everyone) on db, through t; done assembles them once t's loads are done.
func (s *Service) loadOwn(t *tasks, db *gorm.DB, sh Shift, filter []string) (done func() ownFacts) {
	w := sh.Work()
	var (
		out        ownFacts
		near, wide map[string][]Work
	)
	t.Go(func() (err error) {
		if out.adjs, err = s.adjustments(db, filter); err != nil {
			return err
		}
		wide, err = s.wideWork(db, w, out.adjs)
		return err
	})
	t.Go(func() (err error) {
		from, to := nearWindow(w)
		near, err = s.loadWork(db, filter, from, to)
		return err
	})
	prior := s.priorMinutes(t, db, filter, weekStart(sh.Date()))
	t.Go(func() (err error) { out.avail, err = s.availabilities(db, filter); return err })
	t.Go(func() (err error) { out.crew, err = s.crew(db, sh); return err })
	return func() ownFacts {
		out.work = near
		for id, ws := range wide {
			out.work[id] = ws
		}
		out.prior = prior()
		return out
	}
}

// combine builds one Facts for each person.
func (s *Service) combine(of outsideFacts, own ownFacts, req Request, without []string) []Facts {
	sh := of.shift
	w := sh.Work()
	prior := own.prior
	out := make([]Facts, len(of.people))
	for i, p := range of.people {
		person := Person{ID: p.ID, Name: p.Name, PriorMinutes: prior[p.ID], Adjustments: own.adjs[p.ID], Availability: own.avail[p.ID],
			Away: of.seams.away[p.ID], Temporary: of.seams.temporary[p.ID]}
		if p.Employee != nil {
			person.Age = p.Employee.AgeOn(sh.Date())
		}
		for _, x := range own.work[p.ID] {
			if x.ShiftID != sh.ID && !slices.Contains(without, x.ShiftID) {
				person.Other = append(person.Other, x)
			}
		}
		if l, ok := of.seams.permitted[p.ID]; ok || person.Adjustments.BenefitCap != "" {
			// The benefit-cap rule estimates earnings only for these.
			person.Pay = PayFacts{MaxWeeklyMinutes: l.Minutes, MaxWeeklyEarnings: l.Earnings, Permitted: ok}
			person.Pay.HourlyRate, person.Pay.HasRate = of.seams.rates[p.ID]
		}
		out[i] = Facts{Now: s.now(), Shift: w, SiteName: of.site, Person: person, Request: req, Crew: own.crew}
	}
	return out
}

// seamAnswers is what the other packages told the rota about the people
// being placed.
type seamAnswers struct {
	away      map[string][]civil.Date
	temporary map[string][]TemporaryLimit
	permitted map[string]WeeklyLimits
	rates     map[string]money.Pence
}

// askSeams asks the other packages about everyone at once, on g: one call
// per seam, each one query (a query per person, for 500 people, was most of
// the time of ranking candidates). Leave is asked about the days the shift
// touches, temporary limits about its week, pay about its first day.
func (s *Service) askSeams(ctx context.Context, g *errgroup.Group, sh Shift, ids []string, out *seamAnswers) {
	if len(ids) == 0 {
		return
	}
	days := sh.Work().days()
	first, last := days[0], days[len(days)-1]
	mon := weekStart(first)
	if s.cfg.Leave != nil {
		g.Go(func() (err error) { out.away, err = s.cfg.Leave.AbsentDays(ctx, ids, first, last); return err })
	}
	if s.cfg.TemporaryLimits != nil {
		g.Go(func() (err error) {
			out.temporary, err = s.cfg.TemporaryLimits.TemporaryLimits(ctx, ids, mon, mon.AddDays(6))
			return err
		})
	}
	if s.cfg.PayInfo != nil {
		g.Go(func() (err error) { out.permitted, err = s.cfg.PayInfo.PermittedWork(ctx, ids, first); return err })
		// Everyone's rate in one query at the same time, rather than after
		// the adjustments and permitted work say whose is needed: gather
		// keeps it only for those.
		g.Go(func() (err error) { out.rates, err = s.cfg.PayInfo.HourlyRates(ctx, ids, first); return err })
	}
}

// crew is who else is on at the shift's site while it runs. No shift is
// longer than MaxShift, so the bound on starts_at from below changes no
// answer; it keeps the index scan on (site_id, starts_at) to a day rather
// than the site's whole history.
func (s *Service) crew(db *gorm.DB, sh Shift) ([]string, error) {
	var ids []string
	err := db.Model(&shiftRow{}).Where("site_id = ? AND status = ? AND id <> ? AND starts_at >= ? AND starts_at < ? AND ends_at > ?",
		sh.SiteID, Assigned, sh.ID, sh.Start.Add(-MaxShift).UTC(), sh.End.UTC(), sh.Start.UTC()).Pluck("employee_id", &ids).Error
	return ids, err
}

func (s *Service) siteName(ctx context.Context, sh Shift) (string, error) {
	if sh.SiteName != "" || s.cfg.Sites == nil {
		return sh.SiteName, nil
	}
	site, err := s.cfg.Sites.Site(ctx, sh.SiteID)
	if err != nil {
		return "", err
	}
	return site.Name, nil
}

// wideWork loads the assigned work over the wide window (windowBefore,
// windowAfter) of the people whose adjustments need it (needsWideWindow);
// everyone else's is loaded over nearWindow only. For 500 people that is
// about a fifth of the rows of loading the wide window for all.
func (s *Service) wideWork(db *gorm.DB, sh Work, adjs map[string]Adjustments) (map[string][]Work, error) {
	var ids []string
	for id, a := range adjs {
		if needsWideWindow(a) {
			ids = append(ids, id)
		}
	}
	mon := weekStart(sh.Date())
	out := make(map[string][]Work, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		more, err := s.loadWork(db, chunk, mon.AddDays(-windowBefore), mon.AddDays(windowAfter))
		if err != nil {
			return nil, err
		}
		for _, id := range chunk {
			out[id] = more[id]
		}
	}
	return out, nil
}

// loadWork returns assigned work per employee starting in [from, to)
// (local dates), in start order. ids nil means everyone. For candidates this
// is every shift of every employee over five weeks (about 10,000 rows), so
// it reads only the columns the rules need and scans them by hand: GORM's
// reflection-based scan was most of the cost of ranking a shift.
func (s *Service) loadWork(db *gorm.DB, ids []string, from, to civil.Date) (map[string][]Work, error) {
	q := db.Model(&shiftRow{}).Select("employee_id, id, site_id, starts_at, ends_at, break_minutes").
		Where("status = ? AND employee_id IS NOT NULL AND starts_at >= ? AND starts_at < ?",
			Assigned, from.Time(civil.London).UTC(), to.Time(civil.London).UTC())
	if ids != nil {
		q = q.Where("employee_id IN ?", ids)
	}
	out := map[string][]Work{}
	err := database.EachRow(q.Order("starts_at"), func(rows *sql.Rows) error {
		var emp string
		var w Work
		if err := rows.Scan(&emp, &w.ShiftID, &w.SiteID, database.Instant{T: &w.Start}, database.Instant{T: &w.End}, &w.BreakMinutes); err != nil {
			return err
		}
		out[emp] = append(out[emp], w)
		return nil
	})
	return out, err
}

// priorMinutes is each employee's work in the 16 weeks before mon, summed
// by queries on t; sum adds them up once they are done. On PostgreSQL four
// queries of four weeks each run at the same time: with a year of shifts
// for 500 employees the one sum (about 40,000 rows) was the slowest load of
// ranking candidates. SQLite answers each with a skip scan over every
// employee, so there one query is quicker.
func (s *Service) priorMinutes(t *tasks, db *gorm.DB, ids []string, mon civil.Date) (sum func() map[string]int) {
	weeks := Legal.AverageWeeks - 1
	n := 1
	if t.g != nil && database.Dialect(db) == database.Postgres {
		n = 4
	}
	parts := make([]map[string]int, n)
	for i := range n {
		from, to := mon.AddDays(-7*weeks*(n-i)/n), mon.AddDays(-7*weeks*(n-i-1)/n)
		t.Go(func() (err error) { parts[i], err = s.minutesBetween(db, ids, from, to); return err })
	}
	return func() map[string]int {
		out := make(map[string]int, len(parts[0]))
		for _, p := range parts {
			for id, n := range p {
				out[id] += n
			}
		}
		return out
	}
}

// minutesBetween is each employee's assigned work starting in [from, to)
// (local dates). ids nil means everyone.
func (s *Service) minutesBetween(db *gorm.DB, ids []string, from, to civil.Date) (map[string]int, error) {
	q := db.Model(&shiftRow{}).Select("employee_id, SUM(work_minutes)").
		Where("status = ? AND employee_id IS NOT NULL AND starts_at >= ? AND starts_at < ?", Assigned, from.Time(civil.London).UTC(), to.Time(civil.London).UTC())
	if ids != nil {
		q = q.Where("employee_id IN ?", ids)
	}
	out := map[string]int{}
	err := database.EachRow(q.Group("employee_id"), func(rows *sql.Rows) error {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	return out, err
}

// decide turns violations into an answer: hard ones refuse; soft ones need
// an override reason, which only a supervisor may give. It returns the text
// recorded with the change.
func decide(vs []Violation, reason string, mayOverride bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if len(vs) == 0 {
		return "", nil
	}
	if err := checkReason("override_reason", reason); err != nil {
		return "", err
	}
	for _, v := range vs {
		if v.Severity == Hard {
			return "", errs.E(errs.RuleViolation, "This breaks a rule that cannot be overridden: %s", v.Message).WithDetails(vs)
		}
	}
	if !mayOverride {
		return "", errs.E(errs.RuleViolation, "This needs a supervisor's agreement: %s", vs[0].Message).WithDetails(vs)
	}
	if reason == "" {
		return "", errs.E(errs.RuleViolation, "This needs a supervisor's override with a reason: %s", vs[0].Message).WithDetails(vs)
	}
	msgs := make([]string, len(vs))
	for i, v := range vs {
		msgs[i] = v.Rule
	}
	return "override (" + strings.Join(msgs, ", ") + "): " + reason, nil
}

// checkNoOverlap is the last word inside the transaction: the person has no
// other assigned shift at the same time. With the person's lock held no
// other writer can be adding one, so it sees every shift they have.
func (s *Service) checkNoOverlap(tx *gorm.DB, employeeID string, sh Shift) error {
	var n int64
	err := tx.Model(&shiftRow{}).Where("employee_id = ? AND status = ? AND id <> ? AND starts_at < ? AND ends_at > ?",
		employeeID, Assigned, sh.ID, sh.End.UTC(), sh.Start.UTC()).Count(&n).Error
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Conflict, "This person was just given another shift at the same time. Reload and choose again.")
	}
	return nil
}

// AssignResult is a completed assignment and any soft rules overridden.
type AssignResult struct {
	Shift      Shift       `json:"shift"`
	Overridden []Violation `json:"overridden"`
}

// Assign puts an employee on a shift (supervisors). Hard rules refuse with
// 422 and the violations; soft rules need overrideReason. On a published
// shift inside the notice period it needs changeReason too (changes.go).
//
// The rules are checked inside the writing transaction, after the person's
// lock (and the lock of whoever had the shift): every writer for this
// person waits for the others, so two at once cannot both fit under a cap.
func (s *Service) Assign(ctx context.Context, actorID, shiftID, employeeID, overrideReason string, changeReason ...string) (AssignResult, error) {
	if err := checkReason("override_reason", overrideReason); err != nil {
		return AssignResult{}, err
	}
	if err := checkReason("reason", strings.Join(changeReason, " ")); err != nil {
		return AssignResult{}, err
	}
	cur, err := s.Shift(ctx, shiftID)
	if err != nil {
		return AssignResult{}, err
	}
	if cur.Status == Cancelled {
		return AssignResult{}, errs.E(errs.Conflict, "This shift is cancelled.")
	}
	if cur.Status == Assigned && cur.EmployeeID == employeeID {
		return AssignResult{Shift: cur, Overridden: []Violation{}}, nil
	}
	if cur.End.Before(s.now()) {
		return AssignResult{}, errs.E(errs.RuleViolation, "This shift is over; it can no longer be assigned.")
	}
	of, err := s.prepare(ctx, cur, employeeID)
	if err != nil {
		return AssignResult{}, err
	}
	rc, err := s.prepareRecheck(ctx, employeeID) // their live swap requests, checked again below
	if err != nil {
		return AssignResult{}, err
	}
	ctx, sink := withNoteSink(ctx)
	var vs []Violation
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes = nil
		if err := lockPeople(tx, append(rc.people(), employeeID, cur.EmployeeID)...); err != nil {
			return err
		}
		if vs, err = s.evaluateIn(tx, of, employeeID, Request{Kind: KindAssign}); err != nil {
			return err
		}
		override, err := decide(vs, overrideReason, true)
		if err != nil {
			return err
		}
		if err := s.checkChange(cur, strings.Join(changeReason, " ")); err != nil {
			return err
		}
		if err := s.put(tx, cur, employeeID, false); err != nil {
			return err
		}
		if err := s.recordAssignChange(tx, cur, actorID, employeeID, strings.Join(changeReason, " ")); err != nil {
			return err
		}
		if _, err := s.recheckSwaps(tx, rc); err != nil {
			return err
		}
		return s.event(tx, shiftID, actorID, "assigned", employeeID, override)
	})
	if err != nil {
		return AssignResult{}, err
	}
	s.flush(ctx, sink) // after the commit: only what the notifier could not write in it
	if !cur.Published {
		return s.draftResult(ctx, shiftID, vs) // a draft: nobody is told until it is published
	}
	s.notify(ctx, []string{employeeID}, "New shift",
		fmt.Sprintf("You are on %s at %s.", describeTimes(cur), cur.SiteName), "/rota/shifts/"+shiftID)
	if cur.EmployeeID != "" {
		s.notify(ctx, []string{cur.EmployeeID}, "You are off a shift",
			fmt.Sprintf("You are no longer on the shift at %s on %s.", cur.SiteName, describeTimes(cur)), "/rota/week")
	}
	sh, err := s.Shift(ctx, shiftID)
	if vs == nil {
		vs = []Violation{}
	}
	return AssignResult{Shift: sh, Overridden: vs}, err
}

// put gives a shift to an employee, conditional on the version the caller
// saw (and, for claims, on it still being open), then checks no overlap.
// The caller holds the employee's lock.
func (s *Service) put(tx *gorm.DB, cur Shift, employeeID string, mustBeOpen bool) error {
	q := tx.Model(&shiftRow{}).Where("id = ? AND version = ? AND status <> ?", cur.ID, cur.Version, Cancelled)
	if mustBeOpen {
		q = q.Where("status = ?", Open)
	}
	res := q.Updates(map[string]any{
		"status": Assigned, "employee_id": employeeID, "flag": "", "version": gorm.Expr("version + 1"), "updated_at": s.now(),
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		if mustBeOpen {
			return ErrTaken
		}
		return ErrChanged
	}
	if cur.Status == Assigned {
		if err := s.expireSwaps(tx, cur.ID, "the shift was given to someone else"); err != nil {
			return err
		}
	}
	return s.checkNoOverlap(tx, employeeID, cur)
}

// Claim gives an open shift to the employee asking for it, if every rule
// allows it. Two people claiming at once: exactly one wins, the other gets
// ErrTaken (409). One person claiming several at once: the claims run one
// after another (the person's lock), each checked against the ones before.
func (s *Service) Claim(ctx context.Context, employeeID, shiftID string) (Shift, error) {
	cur, err := s.Shift(ctx, shiftID)
	if err != nil {
		return Shift{}, err
	}
	if !cur.Published {
		return Shift{}, ErrNotFound // a draft: employees do not know it exists
	}
	if cur.Status == Assigned && cur.EmployeeID == employeeID {
		return cur, nil
	}
	if cur.Status != Open {
		return Shift{}, ErrTaken
	}
	if !cur.Start.After(s.now()) {
		return Shift{}, errs.E(errs.RuleViolation, "This shift has already started; it can no longer be claimed.")
	}
	of, err := s.prepare(ctx, cur, employeeID)
	if err != nil {
		return Shift{}, err
	}
	rc, err := s.prepareRecheck(ctx, employeeID) // their live swap requests, checked again below
	if err != nil {
		return Shift{}, err
	}
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes = nil
		if err := lockPeople(tx, append(rc.people(), employeeID)...); err != nil {
			return err
		}
		vs, err := s.evaluateIn(tx, of, employeeID, Request{Kind: KindClaim})
		if err != nil {
			return err
		}
		if _, err := decide(vs, "", false); err != nil {
			return err
		}
		if err := s.put(tx, cur, employeeID, true); err != nil {
			return err
		}
		// A published shift that gains a person is a change (the person
		// chose it, so no reason is asked for).
		if err := s.recordChange(tx, cur, employeeID, ChangeAdded, employeeID, "claimed from the open shifts", ""); err != nil {
			return err
		}
		if _, err := s.recheckSwaps(tx, rc); err != nil {
			return err
		}
		return s.event(tx, shiftID, employeeID, "claimed", employeeID, "")
	})
	if err != nil {
		return Shift{}, err
	}
	s.flush(ctx, sink) // after the commit: only what the notifier could not write in it
	s.notify(ctx, []string{employeeID}, "Shift claimed",
		fmt.Sprintf("The shift at %s on %s is yours.", cur.SiteName, describeTimes(cur)), "/rota/shifts/"+shiftID)
	return s.Shift(ctx, shiftID)
}

// Candidate is one employee ranked for a shift.
type Candidate struct {
	EmployeeID  string      `json:"employee_id"`
	Name        string      `json:"name"`
	Eligible    bool        `json:"eligible"` // no hard rule stops them
	WeekMinutes int         `json:"week_minutes"`
	Violations  []Violation `json:"violations"`
}

// Candidates ranks every active employee for a shift: those with no
// violation first, then those with only soft warnings (fewest hours this
// week first), then those a hard rule stops, with their reasons.
func (s *Service) Candidates(ctx context.Context, shiftID string) ([]Candidate, error) {
	sh, err := s.Shift(ctx, shiftID)
	if err != nil {
		return nil, err
	}
	facts, err := s.collect(ctx, sh, nil, s.cfg.People.Employees, Request{Kind: KindAssign})
	if err != nil {
		return nil, err
	}
	return withoutCurrent(Rank(facts), sh), nil
}

// Rank runs the engine for each person and orders them (see Candidates).
func Rank(facts []Facts) []Candidate {
	out := make([]Candidate, 0, len(facts))
	for _, f := range facts {
		vs := Check(f)
		if vs == nil {
			vs = []Violation{}
		}
		c := Candidate{EmployeeID: f.Person.ID, Name: f.Person.Name, Eligible: true,
			WeekMinutes: minutesInWeek(f, weekStart(f.Shift.Date())) - f.Shift.Minutes(), Violations: vs}
		for _, v := range vs {
			if v.Severity == Hard {
				c.Eligible = false
			}
		}
		out = append(out, c)
	}
	tier := func(c Candidate) int {
		switch {
		case !c.Eligible:
			return 2
		case len(c.Violations) > 0:
			return 1
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ta, tb := tier(a), tier(b); ta != tb {
			return ta < tb
		}
		if a.WeekMinutes != b.WeekMinutes {
			return a.WeekMinutes < b.WeekMinutes
		}
		return a.Name < b.Name
	})
	return out
}

// OpenShiftsFor lists the open shifts in a period that an employee could
// claim now without breaking any rule.
func (s *Service) OpenShiftsFor(ctx context.Context, employeeID string, from, to civil.Date) ([]Shift, error) {
	open, err := s.Shifts(ctx, Filter{From: from, To: to, Status: Open})
	if err != nil {
		return nil, err
	}
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return nil, err
	}
	out := []Shift{}
	now := s.now()
	for _, sh := range open {
		if !sh.Start.After(now) || !sh.Published {
			continue
		}
		facts, err := s.gather(ctx, sh, []people.Person{p}, Request{Kind: KindClaim})
		if err != nil {
			return nil, err
		}
		if len(Check(facts[0])) == 0 {
			out = append(out, sh)
		}
	}
	return out, nil
}

// VisitCrew lists who is on a visit's shifts (contracts shows the crew).
func (s *Service) VisitCrew(ctx context.Context, visitID string) ([]string, error) {
	var ids []string
	err := s.cfg.DB.WithContext(ctx).Model(&shiftRow{}).
		Where("visit_id = ? AND status = ?", visitID, Assigned).Order("slot").Pluck("employee_id", &ids).Error
	if ids == nil {
		ids = []string{}
	}
	return ids, err
}

// EnsureVisitShifts makes sure a visit has crewSize shifts between start and
// end at the site: missing slots are added as open shifts; open shifts whose
// times moved are updated. It is idempotent; created counts new shifts.
func (s *Service) EnsureVisitShifts(ctx context.Context, visitID, siteID string, start, end time.Time, crewSize int) (int, error) {
	if crewSize < 1 {
		crewSize = 1
	}
	in := ShiftInput{SiteID: siteID, VisitID: visitID, Start: start, End: end}
	if bad := in.check(); len(bad) > 0 {
		return 0, errs.Fields(bad...)
	}
	created := 0
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []shiftRow
		if err := tx.Where("visit_id = ?", visitID).Find(&rows).Error; err != nil {
			return err
		}
		have := map[int]shiftRow{}
		for _, r := range rows {
			have[r.Slot] = r
		}
		now := s.now()
		for slot := 1; slot <= crewSize; slot++ {
			r, ok := have[slot]
			if !ok {
				row := shiftRow{
					ID: newID(), SiteID: siteID, VisitID: visitID, Slot: slot, StartsAt: in.Start, EndsAt: in.End,
					BreakMinutes: *in.BreakMinutes, WorkMinutes: in.workMinutes(), Status: Open, Version: 1, CreatedAt: now, UpdatedAt: now,
				}
				if err := tx.Create(&row).Error; err != nil {
					return err
				}
				if err := s.event(tx, row.ID, "", "created", "", "from visit"); err != nil {
					return err
				}
				created++
				continue
			}
			if r.Status == Open && (!r.StartsAt.Equal(in.Start) || !r.EndsAt.Equal(in.End)) {
				if err := tx.Model(&shiftRow{}).Where("id = ? AND version = ?", r.ID, r.Version).Updates(map[string]any{
					"starts_at": in.Start, "ends_at": in.End, "break_minutes": *in.BreakMinutes, "work_minutes": in.workMinutes(),
					"version": gorm.Expr("version + 1"), "updated_at": now,
				}).Error; err != nil {
					return err
				}
				// A published open shift that moves with its visit is a
				// change (nobody is on it to tell).
				was := r.shift()
				next := was
				next.Start, next.End = in.Start, in.End
				if err := s.recordChange(tx, was, "", ChangeMoved, "", "moved with its visit from "+describeTimes(was)+" to "+describeTimes(next), "", in.Start); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil && isUnique(err) {
		return 0, errs.E(errs.Conflict, "The shifts for this visit were being created at the same moment. Try again.")
	}
	return created, err
}

// CancelVisitShifts cancels a visit's open shifts. Assigned shifts are kept
// and flagged for a supervisor (who decides whether the person still goes or
// is told), and the supervisors are notified.
func (s *Service) CancelVisitShifts(ctx context.Context, visitID, reason string) (cancelled, keptAssigned int, err error) {
	reason = strings.TrimSpace(reason)
	var kept []shiftRow
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&shiftRow{}).Where("visit_id = ? AND status = ?", visitID, Open).Updates(map[string]any{
			"status": Cancelled, "cancel_reason": reason, "version": gorm.Expr("version + 1"), "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		cancelled = int(res.RowsAffected)
		if err := tx.Where("visit_id = ? AND status = ?", visitID, Assigned).Find(&kept).Error; err != nil {
			return err
		}
		flag := "Visit cancelled"
		if reason != "" {
			flag += ": " + reason
		}
		flag += ". Decide whether to cancel this shift."
		if len(kept) > 0 {
			ids := make([]string, len(kept))
			for i, k := range kept {
				ids[i] = k.ID
			}
			return tx.Model(&shiftRow{}).Where("id IN ?", ids).Updates(map[string]any{
				"flag": flag, "version": gorm.Expr("version + 1"), "updated_at": now,
			}).Error
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	if len(kept) > 0 {
		s.notifySupervisors(ctx, "Visit cancelled with people on it",
			fmt.Sprintf("A visit was cancelled but %d shift(s) still have people on them. Check the board.", len(kept)), "/rota/board")
	}
	return cancelled, len(kept), nil
}

func (s *Service) supervisorIDs(ctx context.Context) []string {
	ps, err := s.cfg.People.List(ctx, people.Filter{Role: auth.Supervisor, ActiveOnly: true})
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "supervisors not found for a notification", "error", err.Error())
		return nil
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

func (s *Service) notifySupervisors(ctx context.Context, subject, body, link string) {
	s.notify(ctx, s.supervisorIDs(ctx), subject, body, link)
}

// FlexPeriodStarted applies a temporary change agreed in a wellness plan:
// with noShifts, the person's assigned shifts in the period go back to the
// open pool; otherwise they stay and are flagged for a supervisor to check
// against the temporary limits. Supervisors are told only that there is a
// temporary availability change and until when — never why.
func (s *Service) FlexPeriodStarted(ctx context.Context, employeeID string, from, to civil.Date, noShifts bool) (int, error) {
	if to.Before(from) {
		return 0, errs.Fields(errs.FieldError{Field: "to", Message: "is before from"})
	}
	p, err := s.cfg.People.Get(ctx, employeeID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	lo := from.Time(civil.London).UTC()
	if lo.Before(now) {
		lo = now
	}
	hi := to.AddDays(1).Time(civil.London).UTC()
	note := "Temporary availability change, until " + dateText(to) + "."
	released := 0
	var releasedIDs []string
	rc, err := s.prepareRecheck(ctx, employeeID) // swaps offered to them, checked against the change below
	if err != nil {
		return 0, err
	}
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		releasedIDs, released, sink.notes = nil, 0, nil
		if err := lockPeople(tx, append(rc.people(), employeeID)...); err != nil {
			return err
		}
		var rows []shiftRow
		if err := tx.Where("employee_id = ? AND status = ? AND starts_at >= ? AND starts_at < ?", employeeID, Assigned, lo, hi).
			Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			changes := map[string]any{"flag": note, "version": gorm.Expr("version + 1"), "updated_at": now}
			kind := "flagged"
			if noShifts {
				changes["status"], changes["employee_id"], changes["flag"] = Open, nil, ""
				kind = "released"
			}
			res := tx.Model(&shiftRow{}).Where("id = ? AND version = ?", r.ID, r.Version).Updates(changes)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrChanged
			}
			if err := s.event(tx, r.ID, "", kind, employeeID, "temporary availability change"); err != nil {
				return err
			}
			if noShifts {
				if err := s.expireSwaps(tx, r.ID, "the shift went back to the open shifts"); err != nil {
					return err
				}
				// A published shift going back to the pool is a change
				// (recorded without a reason: it is nobody else's business).
				if err := s.recordChange(tx, r.shift(), "", ChangeUnassigned, "", "", ""); err != nil {
					return err
				}
			}
			if noShifts {
				released++
				releasedIDs = append(releasedIDs, r.ID)
			}
		}
		_, err := s.recheckSwaps(tx, rc)
		return err
	})
	if err != nil {
		return 0, err
	}
	s.flush(ctx, sink) // after the commit: only what the notifier could not write in it
	body := fmt.Sprintf("%s: temporary availability change, until %s.", p.Name, dateText(to))
	if released > 0 {
		body += fmt.Sprintf(" %d shift(s) went back to the open pool.", released)
	}
	s.released(ctx, "Temporary availability change", body, releasedIDs) // links a cover plan (plancover.go)
	return released, nil
}
