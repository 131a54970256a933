package rota

import (
	"context"
	"fmt"
	"slices"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

// Cover: when a change releases shifts (a "no shifts" flex period sends a
// person's shifts back to the open pool), the supervisors are offered a
// plan that covers exactly those shifts — nothing else on the rota moves —
// with the same reasons as any plan.

// CoverPlan makes and stores a cover plan for the shifts in ids (open ones
// that have not started; others are left out).
func (s *Service) CoverPlan(ctx context.Context, actorID string, ids []string) (Plan, error) {
	if len(ids) == 0 {
		return Plan{}, errs.Fields(errs.FieldError{Field: "shift_ids", Message: "names no shifts"})
	}
	var rows []shiftRow
	if err := s.cfg.DB.WithContext(ctx).Select("id, starts_at").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return Plan{}, err
	}
	if len(rows) == 0 {
		return Plan{}, ErrNotFound
	}
	var from, to civil.Date
	for i, r := range rows {
		d := civil.In(r.StartsAt, civil.London)
		if i == 0 || d.Before(from) {
			from = d
		}
		if i == 0 || d.After(to) {
			to = d
		}
	}
	if from.DaysUntil(to) >= MaxPlanDays {
		to = from.AddDays(MaxPlanDays - 1) // the nearest fortnight; the rest stay in the open pool
	}
	return s.propose1(ctx, actorID, PlanRequest{From: from, To: to, Mode: PlanCover, ShiftIDs: slices.Clone(ids)})
}

// CoverOpen makes a cover plan for the published open shifts in the
// request's dates and sites that have not started: shifts released to the
// open pool, and published shifts nobody has claimed.
func (s *Service) CoverOpen(ctx context.Context, actorID string, r PlanRequest) (Plan, error) {
	r.Mode, r.ShiftIDs = PlanFill, nil
	if err := r.check(); err != nil {
		return Plan{}, err
	}
	q := s.cfg.DB.WithContext(ctx).Model(&shiftRow{}).
		Where("status = ? AND published_at IS NOT NULL AND starts_at >= ? AND starts_at < ? AND starts_at > ?",
			Open, r.From.Time(civil.London).UTC(), r.To.AddDays(1).Time(civil.London).UTC(), s.now())
	if len(r.SiteIDs) > 0 {
		q = q.Where("site_id IN ?", r.SiteIDs)
	}
	var ids []string
	if err := q.Order("starts_at, id").Pluck("id", &ids).Error; err != nil {
		return Plan{}, err
	}
	if len(ids) == 0 {
		return Plan{}, errs.E(errs.Conflict, "There are no published open shifts to cover in these dates.")
	}
	r.Mode, r.ShiftIDs = PlanCover, ids
	return s.propose1(ctx, actorID, r)
}

// released tells the supervisors that shifts went back to the open pool,
// linking a cover plan for exactly those (or the board if none could be
// made).
func (s *Service) released(ctx context.Context, subject, body string, ids []string) {
	link := "/rota/board"
	if len(ids) > 0 {
		if pl, err := s.CoverPlan(ctx, "", ids); err != nil {
			s.cfg.Logger.WarnContext(ctx, "cover plan not made", "error", err.Error())
		} else {
			link = "/rota/plans/" + pl.ID
			body += fmt.Sprintf(" A plan to cover them is ready (%d of %d covered).", pl.Covered, pl.Shifts)
		}
	}
	s.notifySupervisors(ctx, subject, body, link)
}

// OfferResult says who was offered an open shift.
type OfferResult struct {
	ShiftID string   `json:"shift_id"`
	Offered int      `json:"offered"`
	Names   []string `json:"names"`
}

// OfferToEligible sends a published open shift to every active employee
// the rules engine allows to claim it (no violation at all), one
// notification each. The first to claim it gets it (Claim).
func (s *Service) OfferToEligible(ctx context.Context, shiftID string) (OfferResult, error) {
	sh, err := s.Shift(ctx, shiftID)
	if err != nil {
		return OfferResult{}, err
	}
	switch {
	case sh.Status != Open:
		return OfferResult{}, errs.E(errs.Conflict, "This shift is not open.")
	case !sh.Published:
		return OfferResult{}, errs.E(errs.Conflict, "This shift is a draft: publish it before offering it, or fill it with a plan.")
	case !sh.Start.After(s.now()):
		return OfferResult{}, errs.E(errs.RuleViolation, "This shift has already started.")
	}
	facts, err := s.collect(ctx, sh, nil, s.cfg.People.Employees, Request{Kind: KindClaim})
	if err != nil {
		return OfferResult{}, err
	}
	out := OfferResult{ShiftID: sh.ID, Names: []string{}}
	body := fmt.Sprintf("An open shift at %s on %s fits your rota. The first to claim it gets it.", sh.SiteName, describeTimes(sh))
	for _, f := range facts {
		if len(Check(f)) > 0 {
			continue
		}
		s.notify(ctx, []string{f.Person.ID}, "Open shift for you", body, "/rota/shifts/"+sh.ID)
		out.Offered++
		out.Names = append(out.Names, f.Person.Name)
	}
	slices.Sort(out.Names)
	return out, nil
}
