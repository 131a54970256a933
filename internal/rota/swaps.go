package rota

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Swap kinds and statuses.
const (
	Offer   = "offer"   // to a named colleague
	Trade   = "trade"   // for one of the colleague's shifts
	Release = "release" // to the open pool: any colleague may take it

	SwapPending          = "pending"           // waiting for the colleague
	SwapAwaitingApproval = "awaiting_approval" // accepted; a supervisor decides
	SwapCompleted        = "completed"
	SwapDeclined         = "declined"
	SwapCancelled        = "cancelled"
	SwapRejected         = "rejected"
	SwapExpired          = "expired" // the shift started first
)

// Swap is a request to hand a shift to someone else.
type Swap struct {
	ID             string      `json:"id"`
	Kind           string      `json:"kind"`
	Status         string      `json:"status"`
	Shift          Shift       `json:"shift"`
	TradeShift     *Shift      `json:"trade_shift,omitempty"`
	FromEmployeeID string      `json:"from_employee_id"`
	FromName       string      `json:"from_name"`
	ToEmployeeID   string      `json:"to_employee_id,omitempty"`
	ToName         string      `json:"to_name,omitempty"`
	Violations     []Violation `json:"violations"`
	ExpiresAt      time.Time   `json:"expires_at"`
	Version        int         `json:"version"`
	CreatedAt      time.Time   `json:"created_at"`
	History        []SwapEvent `json:"history"`
}

// SwapEvent is one step in a swap's history.
type SwapEvent struct {
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Note    string    `json:"note,omitempty"`
}

// Live reports whether the swap is still waiting for someone.
func (w Swap) Live() bool { return w.Status == SwapPending || w.Status == SwapAwaitingApproval }

type swapRow struct {
	ID             string `gorm:"primaryKey"`
	Kind           string
	Status         string
	ShiftID        string
	FromEmployeeID string
	ToEmployeeID   *string
	TradeShiftID   *string
	Violations     string
	ExpiresAt      time.Time
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (swapRow) TableName() string { return "swaps" }

type swapEventRow struct {
	ID      string `gorm:"primaryKey"`
	SwapID  string
	At      time.Time
	ActorID string
	Action  string
	Note    string
}

func (swapEventRow) TableName() string { return "swap_events" }

type sitePolicyRow struct {
	SiteID           string `gorm:"primaryKey"`
	AutoApproveSwaps bool
	UpdatedAt        time.Time
}

func (sitePolicyRow) TableName() string { return "site_policies" }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ErrSwapNotFound is a swap that does not exist or may not be seen.
var ErrSwapNotFound = errs.E(errs.NotFound, "There is no such swap request.")

// SwapRequest is what an employee sends to offer, trade or release a shift.
type SwapRequest struct {
	ShiftID      string `json:"shift_id"`
	ToEmployeeID string `json:"to_employee_id"`
	TradeShiftID string `json:"trade_shift_id"`
}

func (s *Service) swapEvent(tx *gorm.DB, swapID, actorID, action, note string) error {
	return tx.Create(&swapEventRow{ID: database.NewID(), SwapID: swapID, At: s.now(), ActorID: actorID, Action: action, Note: note}).Error
}

// expireSwaps ends live requests on a shift that changed hands, moved or
// was cancelled (the request no longer makes sense), with an event, and
// tells both people in this transaction (tellTx), with why: "the shift was
// cancelled".
func (s *Service) expireSwaps(tx *gorm.DB, shiftID, why string) error {
	var rows []swapRow
	if err := tx.Where("(shift_id = ? OR trade_shift_id = ?) AND status IN ?", shiftID, shiftID, []string{SwapPending, SwapAwaitingApproval}).
		Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		res := tx.Model(&swapRow{}).Where("id = ? AND version = ?", r.ID, r.Version).Updates(map[string]any{
			"status": SwapCancelled, "version": gorm.Expr("version + 1"), "updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			continue
		}
		if err := s.swapEvent(tx, r.ID, "", "cancelled", why); err != nil {
			return err
		}
		sh, err := s.shiftRow(tx, r.ShiftID)
		if err != nil {
			return err
		}
		to := []string{r.FromEmployeeID}
		if r.ToEmployeeID != nil {
			to = append(to, *r.ToEmployeeID)
		}
		body := fmt.Sprintf("The swap request for the shift on %s is cancelled: %s.", describeTimes(sh.shift()), why)
		if err := s.tellTx(tx, []notice{{to, "Swap cancelled", body, "/rota/inbox"}}); err != nil {
			return err
		}
	}
	return nil
}

// expireStarted expires live requests whose shift has started (with an
// event, and both people told: ExpireStartedSwaps), before a swap is read.
func (s *Service) expireStarted(ctx context.Context) error {
	_, err := s.ExpireStartedSwaps(ctx)
	return err
}

// RequestSwap offers, trades or releases one of the employee's own shifts.
func (s *Service) RequestSwap(ctx context.Context, employeeID string, in SwapRequest) (Swap, error) {
	var bad []errs.FieldError
	if !database.ValidID(in.ShiftID) {
		bad = append(bad, errs.FieldError{Field: "shift_id", Message: "must be the ID of one of your shifts"})
	}
	if in.ToEmployeeID != "" && !database.ValidID(in.ToEmployeeID) {
		bad = append(bad, errs.FieldError{Field: "to_employee_id", Message: "must be a colleague's ID, or left out to release the shift"})
	}
	if in.TradeShiftID != "" && !database.ValidID(in.TradeShiftID) {
		bad = append(bad, errs.FieldError{Field: "trade_shift_id", Message: "must be the ID of the colleague's shift"})
	}
	if len(bad) > 0 {
		return Swap{}, errs.Fields(bad...)
	}
	sh, err := s.Shift(ctx, in.ShiftID)
	if err != nil || sh.EmployeeID != employeeID || sh.Status != Assigned || !sh.Published {
		return Swap{}, errs.E(errs.NotFound, "You have no such shift.")
	}
	if !sh.Start.After(s.now()) {
		return Swap{}, errs.E(errs.RuleViolation, "This shift has already started; it can no longer be swapped.")
	}
	kind := Release
	to := in.ToEmployeeID
	var trade *Shift
	if in.TradeShiftID != "" {
		kind = Trade
		ts, err := s.Shift(ctx, in.TradeShiftID)
		if err != nil || ts.Status != Assigned || ts.EmployeeID == "" || !ts.Published {
			return Swap{}, errs.Fields(errs.FieldError{Field: "trade_shift_id", Message: "is not a colleague's shift"})
		}
		if to != "" && ts.EmployeeID != to {
			return Swap{}, errs.Fields(errs.FieldError{Field: "trade_shift_id", Message: "is not a shift of the colleague you named"})
		}
		if !ts.Start.After(s.now()) {
			return Swap{}, errs.Fields(errs.FieldError{Field: "trade_shift_id", Message: "has already started"})
		}
		to = ts.EmployeeID
		trade = &ts
	} else if to != "" {
		kind = Offer
	}
	if to == employeeID {
		return Swap{}, errs.Fields(errs.FieldError{Field: "to_employee_id", Message: "is you; name a colleague"})
	}
	var check swapCheck // the engine's question for each side, asked before anything is written
	offered := Swap{Shift: sh, TradeShift: trade, FromEmployeeID: employeeID}
	var toName string
	if to != "" {
		p, err := s.employee(ctx, to)
		if err != nil {
			return Swap{}, errs.Fields(errs.FieldError{Field: "to_employee_id", Message: "is not an active colleague"})
		}
		toName = p.Name
		if check, err = s.prepareSwap(ctx, offered, to); err != nil {
			return Swap{}, err
		}
	}
	now := s.now()
	row := swapRow{
		ID: database.NewID(), Kind: kind, Status: SwapPending, ShiftID: sh.ID, FromEmployeeID: employeeID,
		ToEmployeeID: ptr(to), TradeShiftID: ptr(in.TradeShiftID), Violations: "[]", ExpiresAt: sh.Start, Version: 1,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := s.expireStarted(ctx); err != nil {
		return Swap{}, err
	}
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if to != "" {
			// Offer only what the colleague could take (and, in a trade,
			// what the offerer could take back): the accept path's own
			// check, on the same facts, so that Accept cannot fail late.
			if err := lockPeople(tx, employeeID, to); err != nil {
				return err
			}
			who, v, stop, err := s.swapStopped(tx, offered, check, to)
			if err != nil {
				return err
			}
			if stop && who == to {
				return errs.E(errs.RuleViolation, "You cannot offer this shift to %s. %s", toName, ColleagueReason(firstName(toName), v))
			}
			if stop {
				return errs.E(errs.RuleViolation, "You cannot take %s's shift in return: %s", toName, v.Message)
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "There is already a swap request for this shift. Cancel it first.")
			}
			return err
		}
		return s.swapEvent(tx, row.ID, employeeID, "requested", kind)
	})
	if err != nil {
		return Swap{}, err
	}
	w, err := s.swap(ctx, row.ID)
	if err != nil {
		return Swap{}, err
	}
	switch kind {
	case Offer:
		s.notify(ctx, []string{to}, "A colleague offers you a shift",
			fmt.Sprintf("%s offers you their shift at %s on %s.", w.FromName, sh.SiteName, describeTimes(sh)), "/rota/inbox")
	case Trade:
		s.notify(ctx, []string{to}, "A colleague asks to trade shifts",
			fmt.Sprintf("%s asks to trade their shift at %s on %s for yours on %s.", w.FromName, sh.SiteName, describeTimes(sh), describeTimes(*w.TradeShift)), "/rota/inbox")
	}
	return w, nil
}

// swap loads one swap with its shifts, names and history.
func (s *Service) swap(ctx context.Context, id string) (Swap, error) {
	var row swapRow
	err := s.cfg.DB.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Swap{}, ErrSwapNotFound
	}
	if err != nil {
		return Swap{}, err
	}
	out, err := s.swaps(ctx, []swapRow{row}, true)
	if err != nil {
		return Swap{}, err
	}
	return out[0], nil
}

func (s *Service) swaps(ctx context.Context, rows []swapRow, history bool) ([]Swap, error) {
	db := s.cfg.DB.WithContext(ctx)
	var shiftIDs, personIDs, swapIDs []string
	for _, r := range rows {
		shiftIDs = append(shiftIDs, r.ShiftID)
		if r.TradeShiftID != nil {
			shiftIDs = append(shiftIDs, *r.TradeShiftID)
		}
		personIDs = append(personIDs, r.FromEmployeeID)
		if r.ToEmployeeID != nil {
			personIDs = append(personIDs, *r.ToEmployeeID)
		}
		swapIDs = append(swapIDs, r.ID)
	}
	shifts := map[string]Shift{}
	if len(shiftIDs) > 0 {
		var srows []shiftRow
		if err := db.Where("id IN ?", shiftIDs).Find(&srows).Error; err != nil {
			return nil, err
		}
		decorated, err := s.decorate(ctx, srows)
		if err != nil {
			return nil, err
		}
		for _, x := range decorated {
			shifts[x.ID] = x
		}
	}
	var events []swapEventRow
	if history && len(swapIDs) > 0 {
		if err := db.Where("swap_id IN ?", swapIDs).Order("at, id").Find(&events).Error; err != nil {
			return nil, err
		}
		for _, e := range events {
			if e.ActorID != "" {
				personIDs = append(personIDs, e.ActorID)
			}
		}
	}
	slices.Sort(personIDs)
	personIDs = slices.Compact(personIDs)
	names := map[string]string{}
	if len(personIDs) > 0 {
		var err error
		if names, err = s.cfg.People.Names(ctx, personIDs); err != nil {
			return nil, err
		}
	}
	out := make([]Swap, len(rows))
	for i, r := range rows {
		w := Swap{
			ID: r.ID, Kind: r.Kind, Status: r.Status, Shift: shifts[r.ShiftID], FromEmployeeID: r.FromEmployeeID,
			FromName: names[r.FromEmployeeID], ToEmployeeID: str(r.ToEmployeeID), ToName: names[str(r.ToEmployeeID)],
			ExpiresAt: r.ExpiresAt.UTC(), Version: r.Version, CreatedAt: r.CreatedAt.UTC(), History: []SwapEvent{},
		}
		if r.TradeShiftID != nil {
			ts := shifts[*r.TradeShiftID]
			w.TradeShift = &ts
		}
		_ = json.Unmarshal([]byte(r.Violations), &w.Violations)
		if w.Violations == nil {
			w.Violations = []Violation{}
		}
		for _, e := range events {
			if e.SwapID == r.ID {
				actor := names[e.ActorID]
				if e.ActorID == "" {
					actor = "Goodshift"
				}
				w.History = append(w.History, SwapEvent{At: e.At.UTC(), ActorID: e.ActorID, Actor: actor, Action: e.Action, Note: e.Note})
			}
		}
		out[i] = w
	}
	return out, nil
}

// SwapFor returns a swap if the person may see it: those involved, anyone
// for a live release, and supervisors. Others get 404.
func (s *Service) SwapFor(ctx context.Context, by auth.Principal, id string) (Swap, error) {
	if err := s.expireStarted(ctx); err != nil {
		return Swap{}, err
	}
	w, err := s.swap(ctx, id)
	if err != nil {
		return Swap{}, err
	}
	if by.Has(auth.Supervisor) || w.FromEmployeeID == by.ID || w.ToEmployeeID == by.ID ||
		(w.Kind == Release && w.Status == SwapPending && by.Has(auth.Employee)) {
		return w, nil
	}
	return Swap{}, ErrSwapNotFound
}

// MySwaps lists the swaps an employee is part of (newest first) and the
// live releases of colleagues they could take (the engine allows it:
// takeable).
func (s *Service) MySwaps(ctx context.Context, employeeID string) ([]Swap, error) {
	if err := s.expireStarted(ctx); err != nil {
		return nil, err
	}
	var rows []swapRow
	since := s.now().Add(-14 * 24 * time.Hour)
	err := s.cfg.DB.WithContext(ctx).
		Where("(from_employee_id = ? OR to_employee_id = ? OR (kind = ? AND status = ?)) AND (status IN ? OR updated_at >= ?)",
			employeeID, employeeID, Release, SwapPending, []string{SwapPending, SwapAwaitingApproval}, since).
		Order("created_at DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	all, err := s.swaps(ctx, rows, true)
	if err != nil {
		return nil, err
	}
	// Colleagues' releases only when the engine lets this person take them.
	ok, err := s.takeable(ctx, employeeID, all)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, w := range ok {
		keep[w.ID] = true
	}
	return slices.DeleteFunc(all, func(w Swap) bool {
		return w.Kind == Release && w.Status == SwapPending && w.FromEmployeeID != employeeID && !keep[w.ID]
	}), nil
}

// SwapQueue lists live swaps for supervisors, those waiting for approval first.
func (s *Service) SwapQueue(ctx context.Context) ([]Swap, error) {
	if err := s.expireStarted(ctx); err != nil {
		return nil, err
	}
	var rows []swapRow
	err := s.cfg.DB.WithContext(ctx).Where("status IN ?", []string{SwapPending, SwapAwaitingApproval}).
		Order("expires_at").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out, err := s.swaps(ctx, rows, true)
	slices.SortStableFunc(out, func(a, b Swap) int {
		return boolRank(a.Status != SwapAwaitingApproval) - boolRank(b.Status != SwapAwaitingApproval)
	})
	return out, err
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// swapCheck is what the rules need from other packages about the people a
// swap moves (see prepare): the taker on the shift and, in a trade, the
// offerer on the trade shift.
type swapCheck struct {
	taker, back outsideFacts
}

func (s *Service) prepareSwap(ctx context.Context, w Swap, taker string) (swapCheck, error) {
	var c swapCheck
	var err error
	if c.taker, err = s.prepare(ctx, w.Shift, taker); err != nil {
		return swapCheck{}, err
	}
	if w.TradeShift != nil {
		if c.back, err = s.prepare(ctx, *w.TradeShift, w.FromEmployeeID); err != nil {
			return swapCheck{}, err
		}
	}
	return c, nil
}

// checkSwap runs the engine for the people a swap moves, inside tx, which
// holds both people's locks: the taker on the shift (without the trade
// shift they give away) and, in a trade, the offerer on the trade shift.
func (s *Service) checkSwap(tx *gorm.DB, w Swap, c swapCheck, taker string) ([]Violation, error) {
	mine, back, err := s.checkSwapSides(tx, w, c, taker)
	return append(mine, back...), err
}

// checkSwapSides is checkSwap with each side's violations apart.
func (s *Service) checkSwapSides(tx *gorm.DB, w Swap, c swapCheck, taker string) (mine, back []Violation, err error) {
	var without []string
	if w.TradeShift != nil {
		without = []string{w.TradeShift.ID}
	}
	if mine, err = s.evaluateIn(tx, c.taker, taker, Request{Kind: KindSwap}, without...); err != nil {
		return nil, nil, err
	}
	if w.TradeShift != nil {
		if back, err = s.evaluateIn(tx, c.back, w.FromEmployeeID, Request{Kind: KindSwap}, w.Shift.ID); err != nil {
			return nil, nil, err
		}
	}
	return mine, back, nil
}

// AutoApprove reports a site's swap policy.
func (s *Service) AutoApprove(ctx context.Context, siteID string) (bool, error) {
	var rows []sitePolicyRow
	if err := s.cfg.DB.WithContext(ctx).Where("site_id = ?", siteID).Find(&rows).Error; err != nil {
		return false, err
	}
	return len(rows) == 1 && rows[0].AutoApproveSwaps, nil
}

// SetAutoApprove sets whether swaps with no violations at a site complete
// without a supervisor.
func (s *Service) SetAutoApprove(ctx context.Context, siteID string, on bool) error {
	if _, err := s.site(ctx, siteID); err != nil {
		return errs.E(errs.NotFound, "There is no such site.")
	}
	db := s.cfg.DB.WithContext(ctx)
	res := db.Model(&sitePolicyRow{}).Where("site_id = ?", siteID).Updates(map[string]any{"auto_approve_swaps": on, "updated_at": s.now()})
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	err := db.Create(&sitePolicyRow{SiteID: siteID, AutoApproveSwaps: on, UpdatedAt: s.now()}).Error
	if database.IsUniqueViolation(err) {
		return s.SetAutoApprove(ctx, siteID, on)
	}
	return err
}

// AcceptSwap is the colleague saying yes (or, for a release, any colleague
// taking the shift). Hard violations refuse (422) and nothing changes.
// With no violation and a site that allows it, the swap completes at once;
// otherwise it waits for a supervisor, who sees the explanations.
func (s *Service) AcceptSwap(ctx context.Context, by auth.Principal, id string) (Swap, error) {
	if err := s.expireStarted(ctx); err != nil {
		return Swap{}, err
	}
	w, err := s.swap(ctx, id)
	if err != nil {
		return Swap{}, err
	}
	if w.FromEmployeeID == by.ID || (w.Kind != Release && w.ToEmployeeID != by.ID) {
		return Swap{}, ErrSwapNotFound
	}
	if w.Status != SwapPending {
		if w.Kind == Release && (w.Status == SwapAwaitingApproval || w.Status == SwapCompleted) {
			return Swap{}, ErrTaken
		}
		return Swap{}, errs.E(errs.Conflict, "This request is %s; it can no longer be accepted.", strings.ReplaceAll(w.Status, "_", " "))
	}
	c, err := s.prepareSwap(ctx, w, by.ID)
	if err != nil {
		return Swap{}, err
	}
	auto, err := s.AutoApprove(ctx, w.Shift.SiteID)
	if err != nil {
		return Swap{}, err
	}
	// The other live requests of the two people, checked again if this
	// one completes (recheckSwaps).
	rc, err := s.prepareRecheck(ctx, by.ID, w.FromEmployeeID)
	if err != nil {
		return Swap{}, err
	}
	sups := s.supervisorIDs(ctx) // asked before the transaction opens
	var later []notice
	var refused error // the rules said no: committed as a cancellation, answered as 422
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes, refused = nil, nil
		// Both people, in the one order every writer uses.
		if err := lockPeople(tx, append(rc.people(), by.ID, w.FromEmployeeID)...); err != nil {
			return err
		}
		mine, back, err := s.checkSwapSides(tx, w, c, by.ID)
		if err != nil {
			return err
		}
		vs := append(mine, back...)
		who, v, stop := by.ID, Violation{}, false
		if v, stop = firstHard(mine); !stop {
			who = w.FromEmployeeID
			v, stop = firstHard(back)
		}
		if stop {
			if w.Kind == Release {
				// Open to everyone: it stays open for the others. The
				// violations are the taker's own.
				return errs.E(errs.RuleViolation, "You cannot take this shift: %s", v.Message).WithDetails(mine)
			}
			// Safety net: a request that can no longer go ahead is
			// cancelled, and both people told, not left waiting.
			told := w
			told.ToEmployeeID, told.ToName = by.ID, by.Name
			done, err := s.cancelImpossible(tx, told, who, v)
			if err != nil {
				return err
			}
			if !done {
				return errs.E(errs.Conflict, "This request changed while you were looking at it. Reload and try again.")
			}
			msg := v.Message
			if who != by.ID {
				msg = ColleagueReason(firstName(w.FromName), v)
			}
			r := errs.E(errs.RuleViolation, "This swap can no longer go ahead, so it is cancelled and %s has been told. %s", w.FromName, msg)
			if who == by.ID {
				r = r.WithDetails(mine) // their own
			}
			refused = r
			return nil
		}
		complete := len(vs) == 0 && auto
		vjson, _ := json.Marshal(vs)
		if vs == nil {
			vjson = []byte("[]")
		}
		next := SwapAwaitingApproval
		if complete {
			next = SwapCompleted
		}
		res := tx.Model(&swapRow{}).Where("id = ? AND version = ? AND status = ?", w.ID, w.Version, SwapPending).Updates(map[string]any{
			"status": next, "to_employee_id": by.ID, "violations": string(vjson), "version": gorm.Expr("version + 1"), "updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if w.Kind == Release {
				return ErrTaken
			}
			return errs.E(errs.Conflict, "This request changed while you were looking at it. Reload and try again.")
		}
		if err := s.swapEvent(tx, w.ID, by.ID, "accepted", ""); err != nil {
			return err
		}
		if complete {
			if err := s.completeSwap(tx, w, by.ID, "", "completed at once: no rule broken and the site allows it"); err != nil {
				return err
			}
			if _, err := s.recheckSwaps(tx, rc); err != nil {
				return err
			}
		}
		told := w
		told.Status, told.ToEmployeeID, told.ToName = next, by.ID, by.Name
		later, err = s.tellIn(ctx, tx, swapNotes(told, sups))
		return err
	})
	if err != nil {
		return Swap{}, err
	}
	s.sendNotes(ctx, later)
	s.flush(ctx, sink)
	if refused != nil {
		return Swap{}, refused
	}
	return s.swap(ctx, w.ID)
}

// completeSwap moves the shift(s), conditional on each still being as the
// swap saw it: a supervisor assigning at the same moment makes this fail
// with 409, and nothing changes.
func (s *Service) completeSwap(tx *gorm.DB, w Swap, taker, actorID, note string) error {
	move := func(sh Shift, from, to string) error {
		res := tx.Model(&shiftRow{}).Where("id = ? AND version = ? AND status = ? AND employee_id = ?", sh.ID, sh.Version, Assigned, from).
			Updates(map[string]any{"employee_id": to, "flag": "", "version": gorm.Expr("version + 1"), "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "The shift on %s changed while this swap was waiting (someone else was put on it). The swap cannot complete.", describeTimes(sh))
		}
		// A published shift changing hands is a change, agreed by the two
		// people (and a supervisor when the rules asked for one).
		detail := "handed over by a swap"
		if w.TradeShift != nil {
			detail = "traded by a swap"
		}
		who := actorID
		if who == "" {
			who = taker // accepted and completed at once: the colleague who took it
		}
		if err := s.recordChange(tx, sh, who, ChangeReassigned, to, detail, note); err != nil {
			return err
		}
		return s.event(tx, sh.ID, actorID, "swapped", to, "swap "+w.ID+" from "+from)
	}
	if err := move(w.Shift, w.FromEmployeeID, taker); err != nil {
		return err
	}
	if w.TradeShift != nil {
		if err := move(*w.TradeShift, taker, w.FromEmployeeID); err != nil {
			return err
		}
		if err := s.checkNoOverlap(tx, w.FromEmployeeID, *w.TradeShift); err != nil {
			return err
		}
	}
	if err := s.checkNoOverlap(tx, taker, w.Shift); err != nil {
		return err
	}
	if err := tx.Model(&swapRow{}).Where("id = ?", w.ID).Updates(map[string]any{"status": SwapCompleted, "updated_at": s.now()}).Error; err != nil {
		return err
	}
	// Any other live request on these shifts no longer makes sense.
	if err := s.expireSwaps(tx, w.Shift.ID, "the shift changed hands in another swap"); err != nil {
		return err
	}
	if w.TradeShift != nil {
		if err := s.expireSwaps(tx, w.TradeShift.ID, "the shift changed hands in another swap"); err != nil {
			return err
		}
	}
	return s.swapEvent(tx, w.ID, actorID, "completed", note)
}

// DeclineSwap is the named colleague saying no.
func (s *Service) DeclineSwap(ctx context.Context, by auth.Principal, id string) (Swap, error) {
	w, err := s.SwapFor(ctx, by, id)
	if err != nil {
		return Swap{}, err
	}
	if w.ToEmployeeID != by.ID || w.Kind == Release {
		return Swap{}, ErrSwapNotFound
	}
	return s.endSwap(ctx, w, by.ID, []string{SwapPending}, SwapDeclined, "declined", "")
}

// CancelSwap is the person who asked withdrawing the request.
func (s *Service) CancelSwap(ctx context.Context, by auth.Principal, id string) (Swap, error) {
	w, err := s.SwapFor(ctx, by, id)
	if err != nil {
		return Swap{}, err
	}
	if w.FromEmployeeID != by.ID {
		return Swap{}, ErrSwapNotFound
	}
	return s.endSwap(ctx, w, by.ID, []string{SwapPending, SwapAwaitingApproval}, SwapCancelled, "cancelled", "")
}

// RejectSwap is a supervisor saying no.
func (s *Service) RejectSwap(ctx context.Context, by auth.Principal, id, reason string) (Swap, error) {
	w, err := s.SwapFor(ctx, by, id)
	if err != nil {
		return Swap{}, err
	}
	if err := checkReason("reason", reason); err != nil {
		return Swap{}, err
	}
	return s.endSwap(ctx, w, by.ID, []string{SwapAwaitingApproval, SwapPending}, SwapRejected, "rejected", strings.TrimSpace(reason))
}

func (s *Service) endSwap(ctx context.Context, w Swap, actorID string, from []string, to, action, note string) (Swap, error) {
	if !slices.Contains(from, w.Status) {
		return Swap{}, errs.E(errs.Conflict, "This request is %s; it can no longer be %s.", strings.ReplaceAll(w.Status, "_", " "), action)
	}
	var later []notice
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&swapRow{}).Where("id = ? AND version = ?", w.ID, w.Version).
			Updates(map[string]any{"status": to, "version": gorm.Expr("version + 1"), "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This request changed while you were looking at it. Reload and try again.")
		}
		if err := s.swapEvent(tx, w.ID, actorID, action, note); err != nil {
			return err
		}
		told := w
		told.Status = to
		var err error
		later, err = s.tellIn(ctx, tx, swapNotes(told, nil)) // no ending tells supervisors
		return err
	})
	if err != nil {
		return Swap{}, err
	}
	s.sendNotes(ctx, later)
	return s.swap(ctx, w.ID)
}

// ApproveSwap is a supervisor completing an accepted swap. The rules are
// checked again (things may have changed): hard ones refuse; soft ones
// need a reason, recorded as the override.
func (s *Service) ApproveSwap(ctx context.Context, by auth.Principal, id, reason string) (Swap, error) {
	w, err := s.SwapFor(ctx, by, id)
	if err != nil {
		return Swap{}, err
	}
	if w.Status != SwapAwaitingApproval {
		return Swap{}, errs.E(errs.Conflict, "This request is %s; only an accepted swap can be approved.", strings.ReplaceAll(w.Status, "_", " "))
	}
	if err := checkReason("reason", reason); err != nil {
		return Swap{}, err
	}
	c, err := s.prepareSwap(ctx, w, w.ToEmployeeID)
	if err != nil {
		return Swap{}, err
	}
	rc, err := s.prepareRecheck(ctx, w.ToEmployeeID, w.FromEmployeeID)
	if err != nil {
		return Swap{}, err
	}
	sups := s.supervisorIDs(ctx) // asked before the transaction opens
	var later []notice
	var refused error
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes, refused = nil, nil
		if err := lockPeople(tx, append(rc.people(), w.ToEmployeeID, w.FromEmployeeID)...); err != nil {
			return err
		}
		if who, v, stop, err := s.swapStopped(tx, w, c, w.ToEmployeeID); err != nil || stop {
			if err != nil {
				return err
			}
			// Safety net: it can no longer go ahead; cancelled, both told.
			if done, err := s.cancelImpossible(tx, w, who, v); err != nil || !done {
				if err == nil {
					err = errs.E(errs.Conflict, "This request changed while you were looking at it. Reload and try again.")
				}
				return err
			}
			refused = errs.E(errs.RuleViolation, "This swap can no longer go ahead, so it is cancelled and both people have been told. %s", v.Message)
			return nil
		}
		vs, err := s.checkSwap(tx, w, c, w.ToEmployeeID)
		if err != nil {
			return err
		}
		override, err := decide(vs, reason, true)
		if err != nil {
			return err
		}
		res := tx.Model(&swapRow{}).Where("id = ? AND version = ? AND status = ?", w.ID, w.Version, SwapAwaitingApproval).
			Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This request changed while you were looking at it. Reload and try again.")
		}
		if err := s.swapEvent(tx, w.ID, by.ID, "approved", override); err != nil {
			return err
		}
		if err := s.completeSwap(tx, w, w.ToEmployeeID, by.ID, ""); err != nil {
			return err
		}
		if _, err := s.recheckSwaps(tx, rc); err != nil {
			return err
		}
		told := w
		told.Status = SwapCompleted
		later, err = s.tellIn(ctx, tx, swapNotes(told, sups))
		return err
	})
	if err != nil {
		return Swap{}, err
	}
	s.sendNotes(ctx, later)
	s.flush(ctx, sink)
	if refused != nil {
		return Swap{}, refused
	}
	return s.swap(ctx, w.ID)
}
