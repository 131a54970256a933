package rota

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// OfferChoice is one colleague an employee might offer a shift to, as the
// rules engine sees them now.
type OfferChoice struct {
	EmployeeID string `json:"employee_id"`
	Name       string `json:"name"`
	// Eligible is true when no rule that cannot be overridden stops them
	// (a warning only means a supervisor decides).
	Eligible bool `json:"eligible"`
	// Reason is why not, in plain words a colleague may read (see
	// ColleagueReason): never their adjustments, leave or limits.
	Reason string `json:"reason,omitempty"`
}

// ColleagueReason says why a rule stops a colleague, in words the person
// asking may read about someone else. The engine decides (v is one of its
// violations); this only chooses what a colleague may be told: their
// shifts and the law's limits, never their adjustments, leave, temporary
// changes or pay, which are theirs alone.
func ColleagueReason(name string, v Violation) string {
	switch v.Rule {
	case "no_overlap":
		return name + " already works at that time."
	case "daily_rest":
		return name + " would not have the rest the law requires between shifts."
	case "average_week", "young_worker", "rest_break":
		return name + " would work more than the law allows."
	case "unreadable":
		return "This shift cannot be checked for " + name + "; ask a supervisor."
	}
	return name + " is not available for this shift."
}

// firstHard is the first violation that cannot be overridden, if any.
func firstHard(vs []Violation) (Violation, bool) {
	for _, v := range vs {
		if v.Severity == Hard {
			return v, true
		}
	}
	return Violation{}, false
}

// OfferChoices lists the colleagues an employee could offer one of their
// shifts to, each run through the rules engine as if they accepted it
// (the same Facts the swap path builds): those it allows first, by name,
// then those it stops, each with the first reason in plain words.
func (s *Service) OfferChoices(ctx context.Context, employeeID, shiftID string) ([]OfferChoice, error) {
	sh, err := s.Shift(ctx, shiftID)
	if err != nil {
		return nil, err
	}
	if sh.EmployeeID != employeeID || sh.Status != Assigned || !sh.Published {
		return nil, errs.E(errs.NotFound, "You have no such shift.")
	}
	return s.offerChoices(ctx, sh, employeeID)
}

func (s *Service) offerChoices(ctx context.Context, sh Shift, employeeID string) ([]OfferChoice, error) {
	load := func(ctx context.Context) ([]people.Person, error) {
		all, err := s.cfg.People.Employees(ctx)
		if err != nil {
			return nil, err
		}
		return slices.DeleteFunc(all, func(p people.Person) bool { return p.ID == employeeID || !p.Active }), nil
	}
	facts, err := s.collect(ctx, sh, nil, load, Request{Kind: KindSwap})
	if err != nil {
		return nil, err
	}
	out := make([]OfferChoice, 0, len(facts))
	for _, f := range facts {
		c := OfferChoice{EmployeeID: f.Person.ID, Name: f.Person.Name, Eligible: true}
		if v, ok := firstHard(Check(f)); ok {
			c.Eligible, c.Reason = false, ColleagueReason(f.Person.FirstName(), v)
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b OfferChoice) int {
		if a.Eligible != b.Eligible {
			return boolRank(!a.Eligible) - boolRank(!b.Eligible)
		}
		return compareStrings(a.Name, b.Name)
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ReleasesFor lists the live releases of colleagues' shifts that the
// employee could take now: the engine allows it (a warning means a
// supervisor decides, as when they take it). Others are left out.
func (s *Service) ReleasesFor(ctx context.Context, employeeID string) ([]Swap, error) {
	mine, err := s.MySwaps(ctx, employeeID) // already only those they could take
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(mine, func(w Swap) bool {
		return w.Kind != Release || w.Status != SwapPending || w.FromEmployeeID == employeeID
	}), nil
}

// takeable keeps from ws the live releases employeeID could take.
func (s *Service) takeable(ctx context.Context, employeeID string, ws []Swap) ([]Swap, error) {
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return nil, err
	}
	out := []Swap{}
	for _, w := range ws {
		if w.Kind != Release || w.Status != SwapPending || w.FromEmployeeID == employeeID {
			continue
		}
		facts, err := s.gather(ctx, w.Shift, []people.Person{p}, Request{Kind: KindSwap})
		if err != nil {
			return nil, err
		}
		if _, stop := firstHard(Check(facts[0])); !stop {
			out = append(out, w)
		}
	}
	return out, nil
}

// liveCheck is one live swap request to run through the engine again,
// prepared before a writer's transaction (see prepareSwap).
type liveCheck struct {
	w Swap
	c swapCheck
}

// swapRecheck is what recheckSwaps needs, asked before the writer's
// transaction opens: the live offers and trades (and accepted releases)
// that move a shift to or from the people whose work the writer changes.
type swapRecheck struct {
	checks []liveCheck
}

// people is everyone the re-check reads: the writer locks them together
// with its own people, in the one order (lockPeople).
func (r swapRecheck) people() []string {
	var ids []string
	for _, lc := range r.checks {
		ids = append(ids, lc.w.FromEmployeeID, lc.w.ToEmployeeID)
	}
	return ids
}

// prepareRecheck finds the live swap requests that could be broken by a
// change to the work of the people in ids, and asks the other packages
// what the engine needs about them, before the writer's transaction opens.
func (s *Service) prepareRecheck(ctx context.Context, ids ...string) (swapRecheck, error) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "" })
	if len(ids) == 0 {
		return swapRecheck{}, nil
	}
	var rows []swapRow
	err := s.cfg.DB.WithContext(ctx).
		Where("status IN ? AND to_employee_id IS NOT NULL AND (to_employee_id IN ? OR (trade_shift_id IS NOT NULL AND from_employee_id IN ?))",
			[]string{SwapPending, SwapAwaitingApproval}, ids, ids).
		Order("created_at, id").Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return swapRecheck{}, err
	}
	ws, err := s.swaps(ctx, rows, false)
	if err != nil {
		return swapRecheck{}, err
	}
	var out swapRecheck
	for _, w := range ws {
		c, err := s.prepareSwap(ctx, w, w.ToEmployeeID)
		if errs.CodeOf(err) == errs.Invalid {
			continue // no longer an employee: accepting says so
		}
		if err != nil {
			return swapRecheck{}, err
		}
		out.checks = append(out.checks, liveCheck{w: w, c: c})
	}
	return out, nil
}

// recheckSwaps is the one re-check every writer of shift ownership runs,
// inside its transaction, after locking its people and r.people() in the
// one order: each prepared live request is run through the engine again
// (checkSwap, the accept path's own check) and, if a rule that cannot be
// overridden now stops it, cancelled with an event, both people told in
// this transaction (tellTx). It returns how many it cancelled.
func (s *Service) recheckSwaps(tx *gorm.DB, r swapRecheck) (int, error) {
	n := 0
	for _, lc := range r.checks {
		var row swapRow
		if err := tx.Where("id = ?", lc.w.ID).Take(&row).Error; err != nil {
			return n, err
		}
		if row.Status != SwapPending && row.Status != SwapAwaitingApproval {
			continue
		}
		who, v, stop, err := s.swapStopped(tx, lc.w, lc.c, lc.w.ToEmployeeID)
		if err != nil {
			return n, err
		}
		if !stop {
			continue
		}
		w := lc.w
		w.Version = row.Version
		done, err := s.cancelImpossible(tx, w, who, v)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// cancelImpossible ends a live request a rule now stops, conditional on
// its version, with an event, and tells both people why in plain words:
// the taker the rule's own words (it is about them), the other person the
// words a colleague may read (ColleagueReason).
func (s *Service) cancelImpossible(tx *gorm.DB, w Swap, taker string, v Violation) (bool, error) {
	res := tx.Model(&swapRow{}).Where("id = ? AND version = ? AND status IN ?", w.ID, w.Version, []string{SwapPending, SwapAwaitingApproval}).
		Updates(map[string]any{"status": SwapCancelled, "version": gorm.Expr("version + 1"), "updated_at": s.now()})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error // someone else ended it first
	}
	other := w.FromEmployeeID
	if taker == w.FromEmployeeID {
		other = w.ToEmployeeID
	}
	names := map[string]string{w.FromEmployeeID: w.FromName, w.ToEmployeeID: w.ToName}
	if err := s.swapEvent(tx, w.ID, "", "cancelled", "it can no longer go ahead: "+ColleagueReason(firstName(names[taker]), v)); err != nil {
		return false, err
	}
	what := fmt.Sprintf("the shift at %s on %s", w.Shift.SiteName, describeTimes(w.Shift))
	notes := []notice{
		{[]string{taker}, "Swap cancelled", fmt.Sprintf("The swap of %s can no longer go ahead, so it is cancelled: %s", what, v.Message), "/rota/inbox"},
		{[]string{other}, "Swap cancelled", fmt.Sprintf("The swap of %s can no longer go ahead, so it is cancelled: %s", what, ColleagueReason(firstName(names[taker]), v)), "/rota/inbox"},
	}
	return true, s.tellTx(tx, notes)
}

// swapStopped runs the engine for both sides of a swap inside tx (see
// checkSwap) and returns the first rule that cannot be overridden, with
// the person it stops: the taker, or in a trade the offerer taking the
// trade shift back.
func (s *Service) swapStopped(tx *gorm.DB, w Swap, c swapCheck, taker string) (string, Violation, bool, error) {
	mine, back, err := s.checkSwapSides(tx, w, c, taker)
	if err != nil {
		return "", Violation{}, false, err
	}
	if v, ok := firstHard(mine); ok {
		return taker, v, true, nil
	}
	if v, ok := firstHard(back); ok {
		return w.FromEmployeeID, v, true, nil
	}
	return "", Violation{}, false, nil
}

func firstName(name string) string { return Person{Name: name}.FirstName() }

// noteSink collects, for one writer, the messages its transaction could not
// write itself (a notifier without transactions), to send after the commit.
type noteSink struct{ notes []notice }

type sinkKey struct{}

// withNoteSink gives a writer's context a sink: helpers deep inside its
// transaction (expireSwaps, recheckSwaps) leave their messages there.
func withNoteSink(ctx context.Context) (context.Context, *noteSink) {
	n := &noteSink{}
	return context.WithValue(ctx, sinkKey{}, n), n
}

// tellTx tells people inside tx (tellIn on the transaction's context); what
// the notifier cannot write in tx goes to the writer's sink.
func (s *Service) tellTx(tx *gorm.DB, notes []notice) error {
	ctx := tx.Statement.Context
	later, err := s.tellIn(ctx, tx, notes)
	if err != nil {
		return err
	}
	if n, ok := ctx.Value(sinkKey{}).(*noteSink); ok {
		n.notes = append(n.notes, later...)
	}
	return nil
}

// flush sends what the sink holds, after the commit.
func (s *Service) flush(ctx context.Context, n *noteSink) {
	if n != nil {
		s.sendNotes(ctx, n.notes)
		n.notes = nil
	}
}

// RecheckSwaps runs the live swap requests that move a shift to or from
// the given people through the engine again and cancels, with both people
// told, those it now stops. It is for changes made outside the rota (an
// absence recorded in payroll); the rota's own writers re-check inside
// their transactions. With no people it re-checks every live request (the
// swaps job runs it so). It returns how many it cancelled.
func (s *Service) RecheckSwaps(ctx context.Context, employeeIDs ...string) (int, error) {
	if len(employeeIDs) == 0 {
		var ids []string
		if err := s.cfg.DB.WithContext(ctx).Model(&swapRow{}).
			Where("status IN ? AND to_employee_id IS NOT NULL", []string{SwapPending, SwapAwaitingApproval}).
			Distinct().Pluck("to_employee_id", &ids).Error; err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			return 0, nil
		}
		employeeIDs = ids
	}
	rc, err := s.prepareRecheck(ctx, employeeIDs...)
	if err != nil || len(rc.checks) == 0 {
		return 0, err
	}
	ctx, sink := withNoteSink(ctx)
	n := 0
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockPeople(tx, rc.people()...); err != nil {
			return err
		}
		var err error
		n, err = s.recheckSwaps(tx, rc)
		return err
	})
	if err != nil {
		return 0, err
	}
	s.flush(ctx, sink)
	return n, nil
}
