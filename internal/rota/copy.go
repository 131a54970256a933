package rota

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Copying a week puts the same people on the matching shifts of another
// week — same site, same local times, same slot — as drafts, through
// Assign (the one path that checks the rules and writes). Anything the
// rules engine would refuse or that would need an override is skipped and
// explained. Copying twice changes nothing the second time.
//
// Each assignment is its own transaction, in order, so that the rules see
// the assignments copied before it (the engine reads committed work); a
// copy cut short is finished by running it again.

// CopyRequest names the week to copy from and the week to copy to (any
// date in each; the Monday is used), optionally for some sites only.
type CopyRequest struct {
	FromWeek civil.Date `json:"from_week"`
	ToWeek   civil.Date `json:"to_week"`
	SiteIDs  []string   `json:"site_ids"`
}

// CopiedShift is one assignment made by a copy.
type CopiedShift struct {
	ShiftID      string `json:"shift_id"`
	FromShiftID  string `json:"from_shift_id"`
	EmployeeID   string `json:"employee_id"`
	EmployeeName string `json:"employee_name"`
	SiteName     string `json:"site_name"`
	When         string `json:"when"` // "Tue 8 Dec, 07:00–11:00"
}

// SkippedShift is one assignment a copy did not make, and why.
type SkippedShift struct {
	FromShiftID  string      `json:"from_shift_id"`
	ShiftID      string      `json:"shift_id,omitempty"` // the matching shift, when there is one
	EmployeeID   string      `json:"employee_id"`
	EmployeeName string      `json:"employee_name"`
	SiteName     string      `json:"site_name"`
	When         string      `json:"when"`
	Explanation  string      `json:"explanation"`
	Violations   []Violation `json:"violations"`
}

// CopyResult is what a copy did.
type CopyResult struct {
	FromWeek civil.Date     `json:"from_week"`
	ToWeek   civil.Date     `json:"to_week"`
	Copied   []CopiedShift  `json:"copied"`
	Already  int            `json:"already"` // already so: nothing to do
	Skipped  []SkippedShift `json:"skipped"`
}

func (r *CopyRequest) check() error {
	var bad []errs.FieldError
	if r.FromWeek.IsZero() {
		bad = append(bad, errs.FieldError{Field: "from_week", Message: "is required: a date in the week to copy, like 2026-11-30"})
	}
	if r.ToWeek.IsZero() {
		bad = append(bad, errs.FieldError{Field: "to_week", Message: "is required: a date in the week to fill, like 2026-12-07"})
	}
	for _, id := range r.SiteIDs {
		if !database.ValidID(id) {
			bad = append(bad, errs.FieldError{Field: "site_ids", Message: "must be site IDs"})
			break
		}
	}
	if len(bad) > 0 {
		return errs.Fields(bad...)
	}
	r.FromWeek, r.ToWeek = weekStart(r.FromWeek), weekStart(r.ToWeek)
	if r.FromWeek == r.ToWeek {
		return errs.Fields(errs.FieldError{Field: "to_week", Message: "is the week being copied; choose another week"})
	}
	if d := r.FromWeek.DaysUntil(r.ToWeek); d > 371 || d < -371 {
		return errs.Fields(errs.FieldError{Field: "to_week", Message: "is more than a year from the week being copied"})
	}
	slices.Sort(r.SiteIDs)
	r.SiteIDs = slices.Compact(r.SiteIDs)
	return nil
}

// CopyWeek copies a week's assignments onto the matching shifts of another
// week, as drafts (see above).
func (s *Service) CopyWeek(ctx context.Context, actorID string, r CopyRequest) (CopyResult, error) {
	if err := r.check(); err != nil {
		return CopyResult{}, err
	}
	res := CopyResult{FromWeek: r.FromWeek, ToWeek: r.ToWeek, Copied: []CopiedShift{}, Skipped: []SkippedShift{}}
	src, err := s.weekShifts(ctx, r.FromWeek, r.SiteIDs)
	if err != nil {
		return res, err
	}
	dst, err := s.weekShifts(ctx, r.ToWeek, r.SiteIDs)
	if err != nil {
		return res, err
	}
	type key struct {
		site       string
		start, end time.Time
		slot       int
	}
	targets := map[key]Shift{}
	for _, sh := range dst {
		if sh.Status == Cancelled {
			if _, ok := targets[key{sh.SiteID, sh.Start, sh.End, sh.Slot}]; ok {
				continue // a live shift at the same place and time wins
			}
		}
		targets[key{sh.SiteID, sh.Start, sh.End, sh.Slot}] = sh
	}
	shift := r.FromWeek.DaysUntil(r.ToWeek)
	for _, from := range src {
		if from.Status != Assigned {
			continue
		}
		start, end := sameLocalTimes(from, shift)
		to := Shift{SiteID: from.SiteID, SiteName: from.SiteName, Start: start, End: end}
		skip := SkippedShift{FromShiftID: from.ID, EmployeeID: from.EmployeeID, EmployeeName: from.EmployeeName,
			SiteName: from.SiteName, When: describeTimes(to), Violations: []Violation{}}
		target, ok := targets[key{from.SiteID, start, end, from.Slot}]
		switch {
		case !ok:
			skip.Explanation = fmt.Sprintf("There is no shift at %s on %s to copy %s onto.", from.SiteName, describeTimes(to), from.EmployeeName)
		case target.Status == Assigned && target.EmployeeID == from.EmployeeID:
			res.Already++
			continue
		case target.Status == Cancelled:
			skip.Explanation = fmt.Sprintf("The shift at %s on %s is cancelled.", from.SiteName, describeTimes(to))
		case target.Status == Assigned:
			skip.Explanation = fmt.Sprintf("%s is already on the shift at %s on %s.", target.EmployeeName, from.SiteName, describeTimes(to))
		case target.Published:
			skip.Explanation = fmt.Sprintf("The shift at %s on %s is already published and open; assign it on the board, where employees are told.", from.SiteName, describeTimes(to))
		}
		if ok {
			skip.ShiftID = target.ID
		}
		if skip.Explanation != "" {
			res.Skipped = append(res.Skipped, skip)
			continue
		}
		out, err := s.Assign(ctx, actorID, target.ID, from.EmployeeID, "")
		if err != nil {
			code, msg, details := errs.Public(err)
			if code == errs.Internal {
				return res, err
			}
			skip.Explanation = msg
			if vs, ok := details.([]Violation); ok {
				skip.Violations = vs
			}
			res.Skipped = append(res.Skipped, skip)
			continue
		}
		res.Copied = append(res.Copied, CopiedShift{ShiftID: target.ID, FromShiftID: from.ID, EmployeeID: from.EmployeeID,
			EmployeeName: out.Shift.EmployeeName, SiteName: from.SiteName, When: describeTimes(out.Shift)})
	}
	return res, nil
}

// weekShifts lists a week's shifts (Monday to Sunday), of some sites.
func (s *Service) weekShifts(ctx context.Context, mon civil.Date, siteIDs []string) ([]Shift, error) {
	q := s.cfg.DB.WithContext(ctx).Where("starts_at >= ? AND starts_at < ?", mon.Time(civil.London).UTC(), mon.AddDays(7).Time(civil.London).UTC())
	if len(siteIDs) > 0 {
		q = q.Where("site_id IN ?", siteIDs)
	}
	rows, err := findShiftRows(q.Order("starts_at, site_id, slot, id"))
	if err != nil {
		return nil, err
	}
	return s.decorate(ctx, rows)
}

// sameLocalTimes is sh moved by days, at the same local clock times (a
// shift over a clock change keeps its local times, not its length).
func sameLocalTimes(sh Shift, days int) (time.Time, time.Time) {
	st, en := sh.Start.In(civil.London), sh.End.In(civil.London)
	d0 := civil.In(sh.Start, civil.London)
	endDays := d0.DaysUntil(civil.In(sh.End, civil.London))
	d := d0.AddDays(days)
	return d.At(st.Hour(), st.Minute(), civil.London).UTC(), d.AddDays(endDays).At(en.Hour(), en.Minute(), civil.London).UTC()
}
