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
	"gorm.io/gorm/clause"

	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// PlanLifetime is how long a proposal can be applied after it was made.
const PlanLifetime = 24 * time.Hour

type planRow struct {
	ID        string `gorm:"primaryKey"`
	Mode      string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	AppliedAt *time.Time
	AppliedBy string
	Body      string
	Result    string
}

func (planRow) TableName() string { return "rota_plans" }

type wantedRow struct {
	EmployeeID string `gorm:"primaryKey"`
	Minutes    int
	UpdatedAt  time.Time
}

func (wantedRow) TableName() string { return "rota_wanted_hours" }

type weightsRow struct {
	ID        int `gorm:"primaryKey"`
	Weights   string
	UpdatedAt time.Time
}

func (weightsRow) TableName() string { return "rota_plan_weights" }

// ErrPlanExpired is a plan past its day.
var ErrPlanExpired = errs.E(errs.Conflict, "This plan is more than a day old. Make a new one: the rota may have changed.")

// ErrPlanApplied is a plan applied already.
var ErrPlanApplied = errs.E(errs.Conflict, "This plan has already been applied.")

// ErrPlanNotFound is a plan that does not exist.
var ErrPlanNotFound = errs.E(errs.NotFound, "There is no such plan.")

// Propose makes a plan for the request and stores it. Nothing on the rota
// changes until it is applied.
// Mode cover plans the published open shifts in the dates (see CoverOpen).
func (s *Service) Propose(ctx context.Context, actorID string, r PlanRequest) (Plan, error) {
	r.ShiftIDs = nil
	if r.Mode == PlanCover {
		return s.CoverOpen(ctx, actorID, r)
	}
	return s.propose1(ctx, actorID, r)
}

func (s *Service) propose1(ctx context.Context, actorID string, r PlanRequest) (Plan, error) {
	if err := r.check(); err != nil {
		return Plan{}, err
	}
	p, err := s.buildPlan(ctx, r)
	if err != nil {
		return Plan{}, err
	}
	out, err := s.propose(ctx, p, r)
	if err != nil {
		return Plan{}, err
	}
	now := s.now()
	out.ID, out.CreatedAt, out.ExpiresAt = newID(), now, now.Add(PlanLifetime)
	body, err := json.Marshal(out)
	if err != nil {
		return Plan{}, err
	}
	row := planRow{ID: out.ID, Mode: r.Mode, CreatedBy: actorID, CreatedAt: now, ExpiresAt: out.ExpiresAt, Body: string(body)}
	if err := s.cfg.DB.WithContext(ctx).Create(&row).Error; err != nil {
		return Plan{}, err
	}
	return out, nil
}

// GetPlan returns a stored plan (and what applying it did, once applied).
// An expired plan that was never applied is gone (404).
func (s *Service) GetPlan(ctx context.Context, id string) (Plan, error) {
	if !database.ValidID(id) {
		return Plan{}, ErrPlanNotFound
	}
	var row planRow
	err := s.cfg.DB.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Plan{}, ErrPlanNotFound
	}
	if err != nil {
		return Plan{}, err
	}
	if row.AppliedAt == nil && !s.now().Before(row.ExpiresAt) {
		return Plan{}, ErrPlanNotFound
	}
	return row.plan()
}

func (r planRow) plan() (Plan, error) {
	var p Plan
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		return Plan{}, fmt.Errorf("rota: plan %s unreadable: %w", r.ID, err)
	}
	p.AppliedAt = r.AppliedAt
	if r.Result != "" {
		var res ApplyResult
		if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
			return Plan{}, fmt.Errorf("rota: plan %s result unreadable: %w", r.ID, err)
		}
		p.Result = &res
	}
	return p, nil
}

// DeleteExpiredPlans removes plans past their day (they can no longer be
// seen or applied); it returns how many.
func (s *Service) DeleteExpiredPlans(ctx context.Context) (int, error) {
	res := s.cfg.DB.WithContext(ctx).Where("expires_at <= ?", s.now().Add(-PlanLifetime)).Delete(&planRow{})
	return int(res.RowsAffected), res.Error
}

// SkippedChange is a planned change that no longer held when applied.
type SkippedChange struct {
	PlannedShift
	Why string `json:"why"`
}

// ApplyResult is what applying a plan did.
type ApplyResult struct {
	Applied []PlannedShift  `json:"applied"`
	Skipped []SkippedChange `json:"skipped"`
	Summary string          `json:"summary"`
}

// ApplyPlan applies a plan in one transaction: the people involved are
// locked (sorted), each change is checked again by the rules engine against
// the rota as it is now, inside the transaction, and made if nothing
// stops it; whatever no longer holds is skipped and reported. A fill or
// replan plan changes drafts only, which nobody is told about until they
// are published; a cover plan fills published open shifts, and the people
// given them are told at once, as when a supervisor assigns them.
func (s *Service) ApplyPlan(ctx context.Context, actorID, id string) (ApplyResult, error) {
	if !database.ValidID(id) {
		return ApplyResult{}, ErrPlanNotFound
	}
	var row planRow
	err := s.cfg.DB.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ApplyResult{}, ErrPlanNotFound
	}
	if err != nil {
		return ApplyResult{}, err
	}
	if row.AppliedAt != nil {
		return ApplyResult{}, ErrPlanApplied
	}
	if !s.now().Before(row.ExpiresAt) {
		return ApplyResult{}, ErrPlanExpired
	}
	pl, err := row.plan()
	if err != nil {
		return ApplyResult{}, err
	}
	res := ApplyResult{Applied: []PlannedShift{}, Skipped: []SkippedChange{}}
	// What other packages say about each person on each shift, asked
	// before the transaction (prepare).
	type step struct {
		ps  PlannedShift
		cur Shift
		of  outsideFacts
	}
	var steps []step
	lock := map[string]bool{}
	losing := map[string][]string{} // employee -> shifts the plan takes from them
	for _, ps := range pl.Assignments {
		cur, err := s.Shift(ctx, ps.ShiftID)
		if err != nil {
			if errs.CodeOf(err) == errs.NotFound {
				res.Skipped = append(res.Skipped, SkippedChange{ps, "The shift no longer exists."})
				continue
			}
			return ApplyResult{}, err
		}
		st := step{ps: ps, cur: cur}
		if ps.EmployeeID != "" {
			st.of, err = s.prepare(ctx, cur, ps.EmployeeID)
			if errs.CodeOf(err) == errs.Invalid {
				res.Skipped = append(res.Skipped, SkippedChange{ps, ps.Name + " is no longer an active employee."})
				continue
			}
			if err != nil {
				return ApplyResult{}, err
			}
			lock[ps.EmployeeID] = true
		}
		if ps.PreviousID != "" {
			lock[ps.PreviousID] = true
			losing[ps.PreviousID] = append(losing[ps.PreviousID], ps.ShiftID)
		}
		if cur.EmployeeID != "" {
			lock[cur.EmployeeID] = true
		}
		steps = append(steps, st)
	}
	var gaining []string
	for _, st := range steps {
		gaining = append(gaining, st.ps.EmployeeID)
	}
	// The live swap requests of the people the plan gives shifts to,
	// checked again once the plan is in (recheckSwaps).
	rc, err := s.prepareRecheck(ctx, gaining...)
	if err != nil {
		return ApplyResult{}, err
	}
	for _, id := range rc.people() {
		lock[id] = true
	}
	ids := make([]string, 0, len(lock))
	for id := range lock {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var late []notice // messages a notifier without transactions sends after the commit
	ctx, sink := withNoteSink(ctx)
	applied := func(st step) {
		res.Applied = append(res.Applied, st.ps)
		if st.cur.Published {
			// A published shift (cover, or a replan asked to move published
			// shifts): the people on it are told, in this transaction, as
			// the assign path tells them.
			late = append(late, notice{[]string{st.ps.EmployeeID}, "New shift",
				fmt.Sprintf("You are on %s, %s at %s.", st.ps.Date, st.ps.Times, st.ps.SiteName), "/rota/shifts/" + st.ps.ShiftID})
			if st.ps.PreviousID != "" {
				late = append(late, offShift(st.ps))
			}
		}
	}
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes = nil
		// Claim the plan first: a second apply at the same time waits here
		// and then finds it applied.
		now := s.now()
		up := tx.Model(&planRow{}).Where("id = ? AND applied_at IS NULL", id).
			Updates(map[string]any{"applied_at": now, "applied_by": actorID})
		if up.Error != nil {
			return up.Error
		}
		if up.RowsAffected == 0 {
			return ErrPlanApplied
		}
		if err := lockPeople(tx, ids...); err != nil {
			return err
		}
		// Take people off the shifts the plan moves away from them first,
		// so that a person's new shift is checked against their new week.
		for _, st := range steps {
			if st.ps.PreviousID == "" || st.ps.EmployeeID != "" {
				continue
			}
			why, err := s.applyOne(tx, st.ps, st.cur, outsideFacts{}, nil, &pl, actorID)
			if err != nil {
				return err
			}
			if why != "" {
				res.Skipped = append(res.Skipped, SkippedChange{st.ps, why})
				continue
			}
			res.Applied = append(res.Applied, st.ps)
			if st.cur.Published {
				late = append(late, offShift(st.ps))
			}
		}
		// Assignments in two passes: one refused in the first (someone who
		// must not work alone, say, before the colleague the plan puts
		// beside them) is tried once more after all the others.
		var again []step
		for pass := range 2 {
			todo := steps
			if pass == 1 {
				todo = again
			}
			for _, st := range todo {
				if st.ps.EmployeeID == "" {
					continue
				}
				why, err := s.applyOne(tx, st.ps, st.cur, st.of, losing[st.ps.EmployeeID], &pl, actorID)
				if err != nil {
					return err
				}
				if why != "" && pass == 0 {
					again = append(again, st)
					continue
				}
				if why != "" {
					res.Skipped = append(res.Skipped, SkippedChange{st.ps, why})
					continue
				}
				applied(st)
			}
		}
		if _, err := s.recheckSwaps(tx, rc); err != nil {
			return err
		}
		res.Summary = applySummary(res)

		body, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if err := tx.Model(&planRow{}).Where("id = ?", id).Update("result", string(body)).Error; err != nil {
			return err
		}
		late, err = s.tellIn(ctx, tx, late)
		return err
	})
	if err != nil {
		return ApplyResult{}, err
	}
	s.sendNotes(ctx, late)
	s.flush(ctx, sink)
	return res, nil
}

// applyOne makes one planned change inside tx (a savepoint: if anything
// about it fails, it alone is undone), and returns why it was skipped, or
// "" when it was made.
func (s *Service) applyOne(tx *gorm.DB, ps PlannedShift, planned Shift, of outsideFacts, without []string, pl *Plan, actorID string) (string, error) {
	var why string
	err := tx.Transaction(func(tx *gorm.DB) error {
		row, err := s.shiftRow(tx, ps.ShiftID)
		if err != nil {
			why = "The shift no longer exists."
			return errSkip
		}
		cur := row.shift()
		holder := ""
		if row.EmployeeID != nil {
			holder = *row.EmployeeID
		}
		switch {
		case cur.Status == Cancelled:
			why = "The shift was cancelled."
		case cur.Version != ps.Version || holder != ps.PreviousID:
			why = "The shift changed after the plan was made."
		case cur.Published != ps.Published || (cur.Published && pl.Mode != PlanCover && !pl.MovePublished):
			why = "The shift was published after the plan was made; this plan changes drafts only."
		case !cur.Start.After(s.now()):
			why = "The shift has started."
		case cur.Published && pl.Mode == PlanReplan && s.checkChange(cur, pl.Reason) != nil:
			why = "The shift is now inside the notice period, and the plan gave no reason for changing it at short notice."
		}
		if why != "" {
			return errSkip
		}
		reason := ""
		switch {
		case cur.Published && pl.Mode == PlanCover:
			reason = "cover for released shifts"
		case cur.Published:
			reason = pl.Reason
		}
		if ps.EmployeeID == "" {
			if err := s.release(tx, cur); err != nil {
				return err
			}
			if err := s.recordChange(tx, cur, actorID, ChangeUnassigned, "", "", reason); err != nil {
				return err
			}
			return s.event(tx, cur.ID, actorID, "unassigned", ps.PreviousID, "plan")
		}
		vs, err := s.evaluateIn(tx, of, ps.EmployeeID, Request{Kind: KindAssign}, without...)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			why = vs[0].Message
			return errSkip
		}
		if err := s.put(tx, cur, ps.EmployeeID, false); err != nil {
			if errs.CodeOf(err) == errs.Conflict {
				why = "The shift changed after the plan was made."
				return errSkip
			}
			return err
		}
		if err := s.recordAssignChange(tx, cur, actorID, ps.EmployeeID, reason); err != nil {
			return err
		}
		return s.event(tx, cur.ID, actorID, "assigned", ps.EmployeeID, "plan")
	})
	if errors.Is(err, errSkip) {
		return why, nil
	}
	return why, err
}

var errSkip = errors.New("rota: planned change skipped")

// offShift tells the person a plan took off a published shift.
func offShift(ps PlannedShift) notice {
	return notice{[]string{ps.PreviousID}, "You are off a shift",
		fmt.Sprintf("You are no longer on the shift at %s on %s, %s.", ps.SiteName, ps.Date, ps.Times), "/rota/week"}
}

func applySummary(r ApplyResult) string {
	out := fmt.Sprintf("Made %d change(s) as drafts.", len(r.Applied))
	if len(r.Skipped) > 0 {
		out += fmt.Sprintf(" Skipped %d that no longer hold.", len(r.Skipped))
	}
	return out
}

// wantedMinutes is each employee's wanted minutes a week (ids nil: all).
func (s *Service) wantedMinutes(db *gorm.DB, ids []string) (map[string]int, error) {
	var rows []wantedRow
	q := db
	if ids != nil {
		q = q.Where("employee_id IN ?", ids)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.EmployeeID] = r.Minutes
	}
	return out, nil
}

// WantedHours is how many hours a week an employee would like.
type WantedHours struct {
	MinutesPerWeek int `json:"minutes_per_week"`
}

// MaxWantedMinutes is the most a person may ask for (a week has 168 hours;
// 112 is what the law's rest rules leave, and far beyond anyone's wish).
const MaxWantedMinutes = 112 * 60

// WantedHoursOf returns an employee's wanted hours (0 when not set).
func (s *Service) WantedHoursOf(ctx context.Context, employeeID string) (WantedHours, error) {
	m, err := s.wantedMinutes(s.cfg.DB.WithContext(ctx), []string{employeeID})
	return WantedHours{MinutesPerWeek: m[employeeID]}, err
}

// SetWantedHours records how many hours a week an employee would like.
func (s *Service) SetWantedHours(ctx context.Context, employeeID string, w WantedHours) (WantedHours, error) {
	if w.MinutesPerWeek < 0 || w.MinutesPerWeek > MaxWantedMinutes {
		return WantedHours{}, errs.Fields(errs.FieldError{Field: "minutes_per_week", Message: fmt.Sprintf("is between 0 and %d", MaxWantedMinutes)})
	}
	if _, err := s.employee(ctx, employeeID); err != nil {
		return WantedHours{}, err
	}
	row := wantedRow{EmployeeID: employeeID, Minutes: w.MinutesPerWeek, UpdatedAt: s.now()}
	err := s.cfg.DB.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "employee_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"minutes", "updated_at"})}).Create(&row).Error
	return w, err
}

// PlanWeightsNow returns the organisation's planner weights.
func (s *Service) PlanWeightsNow(ctx context.Context) (PlanWeights, error) {
	return s.planWeights(s.cfg.DB.WithContext(ctx))
}

func (s *Service) planWeights(db *gorm.DB) (PlanWeights, error) {
	var rows []weightsRow
	if err := db.Where("id = 1").Find(&rows).Error; err != nil {
		return PlanWeights{}, err
	}
	w := DefaultPlanWeights
	if len(rows) == 1 {
		if err := json.Unmarshal([]byte(rows[0].Weights), &w); err != nil {
			return DefaultPlanWeights, nil
		}
	}
	return w, nil
}

// SetPlanWeights sets the organisation's planner weights. Cover must
// outweigh everything one assignment can change in the other terms, so
// that the planner never leaves a shift open to gain elsewhere.
func (s *Service) SetPlanWeights(ctx context.Context, w PlanWeights) (PlanWeights, error) {
	var bad []errs.FieldError
	for name, v := range map[string]int64{"hours": w.Hours, "extra": w.Extra, "stability": w.Stability, "fairness": w.Fairness, "changes": w.Changes, "preference": w.Preference} {
		if v < 0 || v > 10_000 {
			bad = append(bad, errs.FieldError{Field: name, Message: "is between 0 and 10000"})
		}
	}
	if w.Cover < 1_000_000 || w.Cover > 1_000_000_000 {
		bad = append(bad, errs.FieldError{Field: "cover", Message: "is between 1000000 and 1000000000 (cover comes first)"})
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b errs.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return PlanWeights{}, errs.Fields(bad...)
	}
	body, _ := json.Marshal(w)
	row := weightsRow{ID: 1, Weights: string(body), UpdatedAt: s.now()}
	err := s.cfg.DB.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"weights", "updated_at"})}).Create(&row).Error
	return w, err
}
