package contracts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// ShiftPlanner puts visits on the rota as open shifts. The rota satisfies
// it (internal/app wires *rota.Service); it never learns a price. A nil
// planner means visits only: no shifts are created or cancelled.
type ShiftPlanner interface {
	// EnsureVisitShifts makes sure the visit has crewSize shifts; it is
	// idempotent and reports how many it created.
	EnsureVisitShifts(ctx context.Context, visitID, siteID string, start, end time.Time, crewSize int) (created int, err error)
	// CancelVisitShifts cancels the visit's unassigned shifts and keeps the
	// ones someone is already assigned to (a supervisor settles those).
	CancelVisitShifts(ctx context.Context, visitID, reason string) (cancelled, keptAssigned int, err error)
	// VisitCrew is who was on the visit's shifts.
	VisitCrew(ctx context.Context, visitID string) (employeeIDs []string, err error)
}

// VisitStatus is where a visit is.
type VisitStatus string

const (
	VisitScheduled VisitStatus = "scheduled"
	VisitCompleted VisitStatus = "completed"
	VisitCancelled VisitStatus = "cancelled" // by the client; billable if it carries a charge
	VisitMissed    VisitStatus = "missed"
	// VisitWithdrawn is a future visit taken back because its schedule
	// changed or its contract was suspended or ended; it is never billed.
	VisitWithdrawn VisitStatus = "withdrawn"
)

// Visit is one clean at a site.
type Visit struct {
	ID                 string      `json:"id"`
	ContractID         string      `json:"contract_id"`
	ScheduleID         string      `json:"schedule_id"`
	SiteID             string      `json:"site_id"`
	Date               civil.Date  `json:"date"`
	Start              time.Time   `json:"start"`
	End                time.Time   `json:"end"`
	LocalStart         string      `json:"local_start"` // site-local "06:00"
	LocalEnd           string      `json:"local_end"`
	CrewSize           int         `json:"crew_size"`
	Status             VisitStatus `json:"status"`
	ActualStart        *time.Time  `json:"actual_start,omitempty"`
	ActualEnd          *time.Time  `json:"actual_end,omitempty"`
	Crew               []string    `json:"crew"`
	CancellationCharge money.Pence `json:"cancellation_charge"`
	Note               string      `json:"note"`
	Version            int         `json:"version"`
}

// Billable reports whether the visit goes on an invoice: completed, or
// cancelled by the client with a charge.
func (v Visit) Billable() bool {
	return v.Status == VisitCompleted || (v.Status == VisitCancelled && v.CancellationCharge > 0)
}

// WorkedMinutes is the cleaner-minutes a completed visit is charged for:
// the actual (or scheduled) real duration, which is an hour more or less
// over a clock change, times the crew.
func (v Visit) WorkedMinutes() int64 {
	start, end := v.Start, v.End
	if v.ActualStart != nil && v.ActualEnd != nil {
		start, end = *v.ActualStart, *v.ActualEnd
	}
	crew := len(v.Crew)
	if crew == 0 {
		crew = v.CrewSize
	}
	return int64(end.Sub(start)/time.Minute) * int64(crew)
}

// ErrVisitNotFound is returned for an unknown visit.
var ErrVisitNotFound = errs.E(errs.NotFound, "There is no such visit.")

// GenerateResult says what a generation run changed.
type GenerateResult struct {
	From            civil.Date `json:"from"`
	To              civil.Date `json:"to"`
	Created         []Visit    `json:"created"`
	Withdrawn       []Visit    `json:"withdrawn"`
	KeptAssigned    []Visit    `json:"kept_assigned"` // would change, but someone is assigned: a supervisor decides
	Unchanged       int        `json:"unchanged"`
	ShiftsCreated   int        `json:"shifts_created"`
	ShiftsCancelled int        `json:"shifts_cancelled"`
}

const maxGenerateDays = 366

// GenerateVisits creates the contract's visits for [from, to] from its
// schedules and, for each future visit, crew-size open shifts in the rota.
// It is idempotent: a second run creates nothing. After a schedule change
// it withdraws future visits that no longer fit (unless someone is already
// assigned to them) and adds the new ones; past visits are never touched.
func (s *Service) GenerateVisits(ctx context.Context, contractID string, from, to civil.Date) (GenerateResult, error) {
	res := GenerateResult{From: from, To: to, Created: []Visit{}, Withdrawn: []Visit{}, KeptAssigned: []Visit{}}
	if from.IsZero() || to.IsZero() {
		return res, errs.Fields(errs.FieldError{Field: "from", Message: "from and to are required dates like 2026-11-01"})
	}
	if bad := appendWorkDate(appendWorkDate(nil, "from", "the first date", from), "to", "the last date", to); len(bad) > 0 {
		return res, errs.Fields(bad...)
	}
	if to.Before(from) || from.DaysUntil(to) >= maxGenerateDays {
		return res, errs.Fields(errs.FieldError{Field: "to", Message: "must be on or after from, and at most a year later"})
	}
	c, err := s.Contract(ctx, contractID)
	if err != nil {
		return res, err
	}
	if c.Status != Active {
		return res, errs.E(errs.RuleViolation, "Only an active contract has visits; this one is %s.", c.Status)
	}
	// Clamp to the contract's dates.
	if from.Before(c.StartDate) {
		from = c.StartDate
	}
	if !c.EndDate.IsZero() && to.After(c.EndDate) {
		to = c.EndDate
	}
	schedules, err := s.Schedules(ctx, contractID)
	if err != nil {
		return res, err
	}
	type want struct {
		sc         Schedule
		date       civil.Date
		start, end time.Time
	}
	wanted := map[string]want{}
	var order []string
	for _, sc := range schedules {
		for _, d := range sc.Occurrences(from, to) {
			st, en := sc.Window(d)
			k := sc.ID + "|" + d.String()
			wanted[k] = want{sc, d, st, en}
			order = append(order, k)
		}
	}
	existing, err := s.Visits(ctx, VisitFilter{ContractID: contractID, From: from, To: to})
	if err != nil {
		return res, err
	}
	now := s.now().UTC()
	have := map[string]bool{}
	for _, v := range existing {
		if v.Status == VisitWithdrawn {
			continue
		}
		k := v.ScheduleID + "|" + v.Date.String()
		w, ok := wanted[k]
		same := ok && w.start.Equal(v.Start) && w.end.Equal(v.End) && w.sc.CrewSize == v.CrewSize && w.sc.SiteID == v.SiteID
		if same || v.Status != VisitScheduled || !v.Start.After(now) {
			// Matches, or has happened / been settled: leave it.
			have[k] = true
			res.Unchanged++
			continue
		}
		cancelled, kept, err := s.cancelShifts(ctx, v.ID, "the visit's schedule changed")
		if err != nil {
			return res, err
		}
		res.ShiftsCancelled += cancelled
		if kept > 0 {
			have[k] = true
			res.KeptAssigned = append(res.KeptAssigned, v)
			continue
		}
		wv, err := s.setVisitStatus(ctx, v, VisitWithdrawn, "schedule changed")
		if err != nil {
			return res, err
		}
		res.Withdrawn = append(res.Withdrawn, wv)
	}
	for _, k := range order {
		if have[k] {
			continue
		}
		w := wanted[k]
		row := visitRow{
			ID: database.NewID(), ContractID: contractID, ScheduleID: w.sc.ID, SiteID: w.sc.SiteID, VisitDate: w.date,
			StartsAt: w.start, EndsAt: w.end, CrewSize: w.sc.CrewSize, Status: string(VisitScheduled),
			Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		err := s.db.WithContext(ctx).Create(&row).Error
		if database.IsUniqueViolation(err) {
			res.Unchanged++ // another run made it a moment ago
			continue
		}
		if err != nil {
			return res, err
		}
		res.Created = append(res.Created, row.visit())
	}
	// Shifts for every live future visit: creating them is idempotent, so
	// a run interrupted after the visits were written is finished here.
	if s.planner != nil {
		live, err := s.Visits(ctx, VisitFilter{ContractID: contractID, From: from, To: to, Status: VisitScheduled})
		if err != nil {
			return res, err
		}
		for _, v := range live {
			if !v.Start.After(now) {
				continue
			}
			n, err := s.planner.EnsureVisitShifts(ctx, v.ID, v.SiteID, v.Start, v.End, v.CrewSize)
			if err != nil {
				return res, fmt.Errorf("open shifts for visit %s: %w", v.ID, err)
			}
			res.ShiftsCreated += n
		}
	}
	return res, nil
}

func (s *Service) cancelShifts(ctx context.Context, visitID, reason string) (int, int, error) {
	if s.planner == nil {
		return 0, 0, nil
	}
	c, k, err := s.planner.CancelVisitShifts(ctx, visitID, reason)
	if err != nil {
		return 0, 0, fmt.Errorf("cancel shifts for visit %s: %w", visitID, err)
	}
	return c, k, nil
}

// StatusChange reports what suspending or ending a contract did to its visits.
type StatusChange struct {
	Withdrawn       int `json:"visits_withdrawn"`
	KeptAssigned    int `json:"visits_kept_assigned"`
	ShiftsCancelled int `json:"shifts_cancelled"`
}

// withdrawFutureVisits takes back a contract's scheduled visits that have
// not started, cancelling their open shifts. Visits someone is assigned to
// are kept for a supervisor to settle. Past visits are never touched.
func (s *Service) withdrawFutureVisits(ctx context.Context, contractID, reason string) (StatusChange, error) {
	var out StatusChange
	var rows []visitRow
	err := s.db.WithContext(ctx).Where("contract_id = ? AND status = ? AND starts_at > ?", contractID, string(VisitScheduled), s.now().UTC()).
		Order("starts_at").Find(&rows).Error
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		c, k, err := s.cancelShifts(ctx, r.ID, reason)
		if err != nil {
			return out, err
		}
		out.ShiftsCancelled += c
		if k > 0 {
			out.KeptAssigned++
			continue
		}
		if _, err := s.setVisitStatus(ctx, r.visit(), VisitWithdrawn, reason); err != nil {
			return out, err
		}
		out.Withdrawn++
	}
	return out, nil
}

// setVisitStatus changes a visit's status if nobody changed it meanwhile.
func (s *Service) setVisitStatus(ctx context.Context, v Visit, to VisitStatus, note string) (Visit, error) {
	res := s.db.WithContext(ctx).Model(&visitRow{}).Where("id = ? AND version = ?", v.ID, v.Version).
		Updates(map[string]any{"status": string(to), "status_note": note, "version": v.Version + 1, "updated_at": s.now().UTC()})
	if res.Error != nil {
		return Visit{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Visit{}, errs.E(errs.Conflict, "Someone else changed this visit; reload it and try again.")
	}
	v.Status, v.Note, v.Version = to, note, v.Version+1
	return v, nil
}

// VisitFilter narrows Visits. Zero fields match everything.
type VisitFilter struct {
	ContractID string
	SiteID     string
	From, To   civil.Date
	Status     VisitStatus
}

const maxVisitList = 5000

// Visits lists visits by start time.
func (s *Service) Visits(ctx context.Context, f VisitFilter) ([]Visit, error) {
	q := s.db.WithContext(ctx).Model(&visitRow{})
	if f.ContractID != "" {
		q = q.Where("contract_id = ?", f.ContractID)
	}
	if f.SiteID != "" {
		q = q.Where("site_id = ?", f.SiteID)
	}
	if !f.From.IsZero() {
		q = q.Where("visit_date >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("visit_date <= ?", f.To)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	var rows []visitRow
	if err := q.Order("starts_at, id").Limit(maxVisitList).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Visit, len(rows))
	for i, r := range rows {
		out[i] = r.visit()
	}
	return out, nil
}

// Visit returns one visit.
func (s *Service) Visit(ctx context.Context, id string) (Visit, error) {
	var row visitRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Visit{}, ensureFound(err, ErrVisitNotFound)
	}
	return row.visit(), nil
}

// VisitUpdate is what a supervisor records about a visit.
type VisitUpdate struct {
	Status             VisitStatus  `json:"status"` // completed, cancelled or missed
	ActualStart        *time.Time   `json:"actual_start"`
	ActualEnd          *time.Time   `json:"actual_end"`
	Crew               []string     `json:"crew"`
	CancellationCharge *money.Pence `json:"cancellation_charge"`
	Note               string       `json:"note"`
	Version            int          `json:"version"`
}

// UpdateVisit records a visit as completed (actual times and crew),
// cancelled by the client (optionally with a charge), or missed. Only a
// scheduled visit can change; a completed one is history.
func (s *Service) UpdateVisit(ctx context.Context, id string, u VisitUpdate) (Visit, error) {
	v, err := s.Visit(ctx, id)
	if err != nil {
		return Visit{}, err
	}
	if u.Version != 0 && u.Version != v.Version {
		return Visit{}, errs.E(errs.Conflict, "Someone else changed this visit; reload it and try again.")
	}
	note := strings.TrimSpace(u.Note)
	if len(note) > 500 {
		return Visit{}, errs.Fields(errs.FieldError{Field: "note", Message: "is at most 500 characters"})
	}
	switch u.Status {
	case VisitCompleted, VisitCancelled, VisitMissed:
	default:
		return Visit{}, errs.Fields(errs.FieldError{Field: "status", Message: "must be completed, cancelled or missed"})
	}
	if u.Status != VisitCancelled && u.CancellationCharge != nil {
		return Visit{}, errs.Fields(errs.FieldError{Field: "cancellation_charge", Message: "is only for a cancelled visit"})
	}
	if u.Status != VisitCompleted && (u.ActualStart != nil || u.ActualEnd != nil || u.Crew != nil) {
		return Visit{}, errs.Fields(errs.FieldError{Field: "actual_start", Message: "actual times and crew are only for a completed visit"})
	}
	if v.Status != VisitScheduled {
		return Visit{}, errs.E(errs.RuleViolation, "This visit is already %s; only a scheduled visit can change.", v.Status)
	}
	now := s.now().UTC()
	upd := map[string]any{"status": string(u.Status), "status_note": note, "version": v.Version + 1, "updated_at": now}
	switch u.Status {
	case VisitCompleted:
		start, end := v.Start, v.End
		if u.ActualStart != nil {
			start = u.ActualStart.UTC()
		}
		if u.ActualEnd != nil {
			end = u.ActualEnd.UTC()
		}
		if !end.After(start) || end.Sub(start) > 24*time.Hour {
			return Visit{}, errs.Fields(errs.FieldError{Field: "actual_end", Message: "must be after the start and within 24 hours of it"})
		}
		if start.Sub(v.Start).Abs() > 24*time.Hour {
			return Visit{}, errs.Fields(errs.FieldError{Field: "actual_start", Message: "must be within a day of the scheduled start"})
		}
		if start.After(now) {
			return Visit{}, errs.E(errs.RuleViolation, "This visit has not started yet; record it when it is done.")
		}
		crew := u.Crew
		if crew == nil && s.planner != nil {
			if crew, err = s.planner.VisitCrew(ctx, v.ID); err != nil {
				return Visit{}, fmt.Errorf("crew of visit %s: %w", v.ID, err)
			}
		}
		if len(crew) > 50 {
			return Visit{}, errs.Fields(errs.FieldError{Field: "crew", Message: "at most 50 people"})
		}
		for _, id := range crew {
			if !database.ValidID(id) {
				return Visit{}, errs.Fields(errs.FieldError{Field: "crew", Message: "must be employee IDs"})
			}
		}
		slices.Sort(crew)
		crew = slices.Compact(crew)
		upd["actual_start"], upd["actual_end"], upd["crew"] = start, end, strings.Join(crew, ",")
	case VisitCancelled:
		charge := money.Pence(0)
		if u.CancellationCharge != nil {
			charge = *u.CancellationCharge
		}
		if f := checkPrice("cancellation_charge", charge); f != nil {
			return Visit{}, errs.Fields(*f)
		}
		upd["cancellation_charge"] = int64(charge)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&visitRow{}).Where("id = ? AND version = ?", v.ID, v.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone else changed this visit; reload it and try again.")
		}
		return nil
	})
	if err != nil {
		return Visit{}, err
	}
	if u.Status == VisitCancelled && v.Start.After(now) {
		if _, _, err := s.cancelShifts(ctx, v.ID, "the client cancelled the visit"); err != nil {
			return Visit{}, err
		}
	}
	return s.Visit(ctx, id)
}
