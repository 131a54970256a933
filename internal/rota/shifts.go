package rota

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Shift statuses.
const (
	Open      = "open"
	Assigned  = "assigned"
	Cancelled = "cancelled"
)

// Shift is one person's place at a site between two instants.
type Shift struct {
	ID           string    `json:"id"`
	SiteID       string    `json:"site_id"`
	SiteName     string    `json:"site_name"`
	VisitID      string    `json:"visit_id,omitempty"`
	Slot         int       `json:"slot"`
	Start        time.Time `json:"starts_at"` // UTC
	End          time.Time `json:"ends_at"`   // UTC
	LocalDate    string    `json:"local_date"`
	LocalStart   string    `json:"local_start"` // site-local "07:00"
	LocalEnd     string    `json:"local_end"`
	BreakMinutes int       `json:"break_minutes"`
	WorkMinutes  int       `json:"work_minutes"` // real minutes minus the break
	Skills       []string  `json:"skills"`
	Notes        string    `json:"notes"`
	Status       string    `json:"status"`
	EmployeeID   string    `json:"employee_id,omitempty"`
	EmployeeName string    `json:"employee_name,omitempty"`
	Flag         string    `json:"flag,omitempty"`
	CancelReason string    `json:"cancel_reason,omitempty"`
	Version      int       `json:"version"`
	// Published is false for a draft, which employees never see.
	Published bool `json:"published"`
}

// Date is the shift's local date at its site.
func (s Shift) Date() civil.Date { return civil.In(s.Start, civil.London) }

// Work is the shift as the rules see it.
func (s Shift) Work() Work {
	return Work{ShiftID: s.ID, SiteID: s.SiteID, Start: s.Start, End: s.End, BreakMinutes: s.BreakMinutes}
}

// ShiftInput is a new or changed shift. Times are instants (RFC 3339 with
// an offset); they are stored in UTC and shown in the site's time.
type ShiftInput struct {
	SiteID       string    `json:"site_id"`
	VisitID      string    `json:"visit_id"`
	Start        time.Time `json:"starts_at"`
	End          time.Time `json:"ends_at"`
	BreakMinutes *int      `json:"break_minutes"`
	Skills       []string  `json:"skills"`
	Notes        string    `json:"notes"`
}

// MaxShift is the longest shift the rota accepts.
const MaxShift = 16 * time.Hour

func (in *ShiftInput) check() []errs.FieldError {
	var bad []errs.FieldError
	in.SiteID = strings.TrimSpace(in.SiteID)
	in.VisitID = strings.TrimSpace(in.VisitID)
	in.Notes = strings.TrimSpace(in.Notes)
	if !database.ValidID(in.SiteID) {
		bad = append(bad, errs.FieldError{Field: "site_id", Message: "must be the ID of a site"})
	}
	if in.VisitID != "" && !database.ValidID(in.VisitID) {
		bad = append(bad, errs.FieldError{Field: "visit_id", Message: "must be the ID of a visit, or left out"})
	}
	switch {
	case in.Start.IsZero():
		bad = append(bad, errs.FieldError{Field: "starts_at", Message: "is required, like 2026-11-30T07:00:00Z"})
	case in.End.IsZero():
		bad = append(bad, errs.FieldError{Field: "ends_at", Message: "is required, like 2026-11-30T11:00:00Z"})
	case !in.End.After(in.Start):
		bad = append(bad, errs.FieldError{Field: "ends_at", Message: "must be after the start"})
	case in.End.Sub(in.Start) > MaxShift:
		bad = append(bad, errs.FieldError{Field: "ends_at", Message: "makes the shift longer than 16 hours"})
	case in.Start.Year() < 2000 || in.Start.Year() > 2100:
		bad = append(bad, errs.FieldError{Field: "starts_at", Message: "is not a plausible date"})
	}
	in.Start, in.End = in.Start.UTC().Truncate(time.Minute), in.End.UTC().Truncate(time.Minute)
	minutes := int(in.End.Sub(in.Start) / time.Minute)
	if in.BreakMinutes == nil {
		b := 0
		if minutes > 6*60 {
			b = 20 // the legal minimum; a supervisor may give more
		}
		in.BreakMinutes = &b
	}
	if *in.BreakMinutes < 0 || (minutes > 0 && *in.BreakMinutes >= minutes) || *in.BreakMinutes > 180 {
		bad = append(bad, errs.FieldError{Field: "break_minutes", Message: "must be between 0 and 180 and shorter than the shift"})
	}
	var skills []string
	if len(in.Skills) > MaxSkills {
		bad = append(bad, errs.FieldError{Field: "skills", Message: fmt.Sprintf("has at most %d skills; this has %d", MaxSkills, len(in.Skills))})
		in.Skills = nil
	}
	for _, k := range in.Skills {
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			continue
		}
		if tooLong(k, MaxSkillChars) || strings.Contains(k, ",") {
			bad = append(bad, errs.FieldError{Field: "skills", Message: fmt.Sprintf("each skill is a short word of at most %d characters, without commas", MaxSkillChars)})
			break
		}
		skills = append(skills, k)
	}
	slices.Sort(skills)
	in.Skills = slices.Compact(skills)
	if tooLong(in.Notes, MaxNotesChars) {
		bad = append(bad, errs.FieldError{Field: "notes", Message: fmt.Sprintf("is at most %d characters", MaxNotesChars)})
	}
	return bad
}

func (in ShiftInput) workMinutes() int {
	return int(in.End.Sub(in.Start)/time.Minute) - *in.BreakMinutes
}

// CreateShift adds an open shift (supervisors).
func (s *Service) CreateShift(ctx context.Context, actorID string, in ShiftInput) (Shift, error) {
	if bad := in.check(); len(bad) > 0 {
		return Shift{}, errs.Fields(bad...)
	}
	if _, err := s.site(ctx, in.SiteID); err != nil {
		return Shift{}, err
	}
	now := s.now()
	row := shiftRow{
		ID: database.NewID(), SiteID: in.SiteID, VisitID: in.VisitID, Slot: 1,
		StartsAt: in.Start, EndsAt: in.End, BreakMinutes: *in.BreakMinutes, WorkMinutes: in.workMinutes(),
		Skills: strings.Join(in.Skills, ","), Notes: in.Notes, Status: Open, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if in.VisitID != "" {
		// Hand-made shifts for a visit take the next free slot.
		var n int64
		if err := s.cfg.DB.WithContext(ctx).Model(&shiftRow{}).Where("visit_id = ?", in.VisitID).Count(&n).Error; err != nil {
			return Shift{}, err
		}
		row.Slot = int(n) + 1
	}
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "Someone added a shift to this visit at the same moment. Try again.")
			}
			return err
		}
		return s.event(tx, row.ID, actorID, "created", "", "")
	})
	if err != nil {
		return Shift{}, err
	}
	return s.Shift(ctx, row.ID)
}

// site returns a site or a 4xx naming the field.
func (s *Service) site(ctx context.Context, id string) (Site, error) {
	if s.cfg.Sites == nil {
		return Site{ID: id, Name: "Site", TimeZone: "Europe/London"}, nil
	}
	site, err := s.cfg.Sites.Site(ctx, id)
	if errs.CodeOf(err) == errs.NotFound {
		return Site{}, errs.Fields(errs.FieldError{Field: "site_id", Message: "is not a site we clean"})
	}
	return site, err
}

func (s *Service) event(tx *gorm.DB, shiftID, actorID, kind, employeeID, detail string) error {
	return tx.Create(&shiftEventRow{
		ID: database.NewID(), ShiftID: shiftID, At: s.now(), ActorID: actorID, Kind: kind, EmployeeID: employeeID, Detail: detail,
	}).Error
}

// Shift returns one shift with its site and employee names.
func (s *Service) Shift(ctx context.Context, id string) (Shift, error) {
	row, err := s.shiftRow(s.cfg.DB.WithContext(ctx), id)
	if err != nil {
		return Shift{}, err
	}
	out, err := s.decorate(ctx, []shiftRow{row})
	if err != nil {
		return Shift{}, err
	}
	return out[0], nil
}

func (s *Service) shiftRow(db *gorm.DB, id string) (shiftRow, error) {
	var row shiftRow
	err := db.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return shiftRow{}, ErrNotFound
	}
	return row, err
}

// decorate turns rows into shifts with site names, local times and names.
func (s *Service) decorate(ctx context.Context, rows []shiftRow) ([]Shift, error) {
	out := make([]Shift, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	sites, err := s.siteMap(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range rows {
		if r.EmployeeID != nil {
			ids = append(ids, *r.EmployeeID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	names := map[string]string{}
	if p, ok := auth.PrincipalFrom(ctx); ok && len(ids) == 1 && ids[0] == p.ID {
		// An employee's own list ("my week", the busiest request): the
		// name is already known from sign-in.
		names[p.ID] = p.Name
	} else if len(ids) > 0 && s.cfg.People != nil {
		if names, err = s.cfg.People.Names(ctx, ids); err != nil {
			return nil, err
		}
	}
	for i, r := range rows {
		sh := r.shift()
		site := sites[sh.SiteID]
		sh.SiteName = site.Name
		loc := site.Location()
		sh.LocalDate = sh.Start.In(loc).Format(time.DateOnly)
		sh.LocalStart = sh.Start.In(loc).Format("15:04")
		sh.LocalEnd = sh.End.In(loc).Format("15:04")
		sh.EmployeeName = names[sh.EmployeeID]
		out[i] = sh
	}
	return out, nil
}

func (s *Service) siteMap(ctx context.Context) (map[string]Site, error) {
	out := map[string]Site{}
	if s.cfg.Sites == nil {
		return out, nil
	}
	all, err := s.cfg.Sites.Sites(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range all {
		out[x.ID] = x
	}
	return out, nil
}

// Filter narrows a list of shifts. From and To are local dates, inclusive.
type Filter struct {
	From, To   civil.Date
	SiteID     string
	EmployeeID string
	Status     string
	// PublishedOnly leaves drafts out: what employees, and everything
	// that acts for them (payroll, clocking in), may see.
	PublishedOnly bool
}

// MaxRangeDays is the longest period one list may cover.
const MaxRangeDays = 93

func (s *Service) checkFilter(f *Filter) error {
	today := civil.In(s.now(), civil.London)
	if f.From.IsZero() {
		f.From = today
	}
	if f.To.IsZero() {
		f.To = f.From.AddDays(6)
	}
	var bad []errs.FieldError
	if f.To.Before(f.From) {
		bad = append(bad, errs.FieldError{Field: "to", Message: "is before from"})
	} else if f.From.DaysUntil(f.To) > MaxRangeDays {
		bad = append(bad, errs.FieldError{Field: "to", Message: fmt.Sprintf("is more than %d days after from; ask for a shorter period", MaxRangeDays)})
	}
	if f.SiteID != "" && !database.ValidID(f.SiteID) {
		bad = append(bad, errs.FieldError{Field: "site", Message: "must be a site ID"})
	}
	if f.EmployeeID != "" && !database.ValidID(f.EmployeeID) {
		bad = append(bad, errs.FieldError{Field: "employee", Message: "must be an employee ID"})
	}
	if f.Status != "" && f.Status != Open && f.Status != Assigned && f.Status != Cancelled {
		bad = append(bad, errs.FieldError{Field: "status", Message: "must be open, assigned or cancelled"})
	}
	if len(bad) > 0 {
		return errs.Fields(bad...)
	}
	return nil
}

// Shifts lists shifts starting in the filter's dates, by start time.
func (s *Service) Shifts(ctx context.Context, f Filter) ([]Shift, error) {
	if err := s.checkFilter(&f); err != nil {
		return nil, err
	}
	q := s.cfg.DB.WithContext(ctx).
		Where("starts_at >= ? AND starts_at < ?", f.From.Time(civil.London).UTC(), f.To.AddDays(1).Time(civil.London).UTC())
	if f.SiteID != "" {
		q = q.Where("site_id = ?", f.SiteID)
	}
	if f.EmployeeID != "" {
		q = q.Where("employee_id = ?", f.EmployeeID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.PublishedOnly {
		q = q.Where("published_at IS NOT NULL")
	}
	rows, err := findShiftRows(q.Order("starts_at, site_id, slot, id"))
	if err != nil {
		return nil, err
	}
	return s.decorate(ctx, rows)
}

const myShiftsSQL = "SELECT " + shiftColumns + " FROM shifts" +
	" WHERE employee_id = $1 AND starts_at >= $2 AND starts_at < $3 AND published_at IS NOT NULL ORDER BY starts_at, site_id, slot, id"

// MyShifts lists an employee's own published shifts (assigned, and those
// cancelled after they were given them). Drafts are never shown.
//
// This is the busiest request (everyone's phone, several times a day), so it
// is one hand-written statement on the (employee_id, starts_at) index.
func (s *Service) MyShifts(ctx context.Context, employeeID string, from, to civil.Date) ([]Shift, error) {
	f := Filter{From: from, To: to, EmployeeID: employeeID}
	if err := s.checkFilter(&f); err != nil {
		return nil, err
	}
	// Straight to database/sql: $n placeholders work on both databases.
	rows, err := s.cfg.DB.ConnPool.QueryContext(ctx, myShiftsSQL,
		f.EmployeeID, f.From.Time(civil.London).UTC(), f.To.AddDays(1).Time(civil.London).UTC())
	if err != nil {
		return nil, err
	}
	list, err := scanShiftRows(rows)
	if err != nil {
		return nil, err
	}
	return s.decorate(ctx, list)
}

// UpdateShift changes a shift's times, break, skills or notes. An assigned
// shift is checked again for its employee; the change is refused (422)
// when it breaks a hard rule, and soft rules need an override reason.
type ShiftUpdate struct {
	Start          *time.Time `json:"starts_at"`
	End            *time.Time `json:"ends_at"`
	BreakMinutes   *int       `json:"break_minutes"`
	Skills         *[]string  `json:"skills"`
	Notes          *string    `json:"notes"`
	Version        int        `json:"version"`
	OverrideReason string     `json:"override_reason"`
	// Reason is why a published shift is moved inside the notice period.
	Reason string `json:"reason"`
}

// UpdateShift applies a ShiftUpdate.
func (s *Service) UpdateShift(ctx context.Context, actorID, id string, u ShiftUpdate) (Shift, error) {
	cur, err := s.Shift(ctx, id)
	if err != nil {
		return Shift{}, err
	}
	if cur.Status == Cancelled {
		return Shift{}, errs.E(errs.Conflict, "This shift is cancelled; it cannot be changed.")
	}
	if u.Version != 0 && u.Version != cur.Version {
		return Shift{}, ErrChanged
	}
	in := ShiftInput{SiteID: cur.SiteID, VisitID: cur.VisitID, Start: cur.Start, End: cur.End, Skills: cur.Skills, Notes: cur.Notes}
	b := cur.BreakMinutes
	in.BreakMinutes = &b
	if u.Start != nil {
		in.Start = *u.Start
	}
	if u.End != nil {
		in.End = *u.End
	}
	if u.BreakMinutes != nil {
		in.BreakMinutes = u.BreakMinutes
	}
	if u.Skills != nil {
		in.Skills = *u.Skills
	}
	if u.Notes != nil {
		in.Notes = *u.Notes
	}
	if bad := in.check(); len(bad) > 0 {
		return Shift{}, errs.Fields(bad...)
	}
	if err := checkReason("override_reason", u.OverrideReason); err != nil {
		return Shift{}, err
	}
	next := cur
	next.Start, next.End, next.BreakMinutes = in.Start, in.End, *in.BreakMinutes
	moved := !next.Start.Equal(cur.Start) || !next.End.Equal(cur.End)
	if err := checkReason("reason", u.Reason); err != nil {
		return Shift{}, err
	}
	var of outsideFacts
	var rc swapRecheck // swaps offered to its person, checked against their new week
	if cur.Status == Assigned {
		if of, err = s.prepare(ctx, next, cur.EmployeeID); err != nil {
			return Shift{}, err
		}
		if rc, err = s.prepareRecheck(ctx, cur.EmployeeID); err != nil {
			return Shift{}, err
		}
	}
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes = nil
		var override string
		if cur.Status == Assigned {
			// New times for someone's shift: checked like putting them on
			// it, inside the transaction, holding their lock.
			if err := lockPeople(tx, append(rc.people(), cur.EmployeeID)...); err != nil {
				return err
			}
			vs, err := s.evaluateIn(tx, of, cur.EmployeeID, Request{Kind: KindChange})
			if err != nil {
				return err
			}
			if override, err = decide(vs, u.OverrideReason, true); err != nil {
				return err
			}
		}
		if moved {
			if err := s.checkChange(cur, u.Reason, next.Start); err != nil {
				return err
			}
		}
		res := tx.Model(&shiftRow{}).Where("id = ? AND version = ?", id, cur.Version).Updates(map[string]any{
			"starts_at": in.Start, "ends_at": in.End, "break_minutes": *in.BreakMinutes, "work_minutes": in.workMinutes(),
			"skills": strings.Join(in.Skills, ","), "notes": in.Notes, "version": gorm.Expr("version + 1"), "updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrChanged
		}
		if cur.Status == Assigned {
			if err := s.checkNoOverlap(tx, cur.EmployeeID, next); err != nil {
				return err
			}
		}
		if moved {
			if err := s.recordChange(tx, cur, actorID, ChangeMoved, cur.EmployeeID, "from "+describeTimes(cur)+" to "+describeTimes(next), u.Reason, next.Start); err != nil {
				return err
			}
			// A request for the shift was for its old times.
			if err := s.expireSwaps(tx, id, "its times changed to "+describeTimes(next)); err != nil {
				return err
			}
		}
		if _, err := s.recheckSwaps(tx, rc); err != nil {
			return err
		}
		return s.event(tx, id, actorID, "changed", cur.EmployeeID, override)
	})
	if err != nil {
		return Shift{}, err
	}
	s.flush(ctx, sink) // after the commit: only what the notifier could not write in it
	if cur.EmployeeID != "" && cur.Published {
		s.notify(ctx, []string{cur.EmployeeID}, "Your shift has changed",
			fmt.Sprintf("Your shift at %s is now %s.", cur.SiteName, describeTimes(next)), "/rota/shifts/"+id)
	}
	return s.Shift(ctx, id)
}

// CancelShift cancels a shift; its employee, if any, is told.
func (s *Service) CancelShift(ctx context.Context, actorID, id, reason string) (Shift, error) {
	reason = strings.TrimSpace(reason)
	if err := checkReason("reason", reason); err != nil {
		return Shift{}, err
	}
	cur, err := s.Shift(ctx, id)
	if err != nil {
		return Shift{}, err
	}
	if cur.Status == Cancelled {
		return cur, nil
	}
	if err := s.checkChange(cur, reason); err != nil {
		return Shift{}, err
	}
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes = nil
		if err := lockPeople(tx, cur.EmployeeID); err != nil {
			return err
		}
		res := tx.Model(&shiftRow{}).Where("id = ? AND version = ?", id, cur.Version).Updates(map[string]any{
			"status": Cancelled, "cancel_reason": reason, "version": gorm.Expr("version + 1"), "updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrChanged
		}
		if err := s.expireSwaps(tx, id, "the shift was cancelled"); err != nil {
			return err
		}
		if err := s.recordChange(tx, cur, actorID, ChangeCancelled, "", "", reason); err != nil {
			return err
		}
		if _, err := s.recordShortNotice(tx, cur, actorID, reason); err != nil {
			return err
		}
		return s.event(tx, id, actorID, "cancelled", cur.EmployeeID, reason)
	})
	if err != nil {
		return Shift{}, err
	}
	s.flush(ctx, sink) // after the commit: only what the notifier could not write in it
	if cur.EmployeeID != "" && cur.Published {
		s.notify(ctx, []string{cur.EmployeeID}, "A shift was cancelled",
			fmt.Sprintf("Your shift at %s on %s is cancelled.", cur.SiteName, describeTimes(cur)), "/rota/shifts/"+id)
	}
	return s.Shift(ctx, id)
}

// Unassign takes the employee off a shift and makes it open again. A
// published shift inside the notice period needs a reason.
func (s *Service) Unassign(ctx context.Context, actorID, id string, reason ...string) (Shift, error) {
	cur, err := s.Shift(ctx, id)
	if err != nil {
		return Shift{}, err
	}
	if cur.Status != Assigned {
		return Shift{}, errs.E(errs.Conflict, "This shift has nobody on it.")
	}
	why := strings.Join(reason, " ")
	if err := s.checkChange(cur, why); err != nil {
		return Shift{}, err
	}
	ctx, sink := withNoteSink(ctx)
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sink.notes = nil
		if err := lockPeople(tx, cur.EmployeeID); err != nil {
			return err
		}
		if err := s.release(tx, cur); err != nil {
			return err
		}
		if err := s.recordChange(tx, cur, actorID, ChangeUnassigned, "", "", why); err != nil {
			return err
		}
		return s.event(tx, id, actorID, "unassigned", cur.EmployeeID, "")
	})
	if err != nil {
		return Shift{}, err
	}
	s.flush(ctx, sink) // after the commit: only what the notifier could not write in it
	if cur.Published {
		s.notify(ctx, []string{cur.EmployeeID}, "You are off a shift",
			fmt.Sprintf("You are no longer on the shift at %s on %s.", cur.SiteName, describeTimes(cur)), "/rota/week")
	}
	return s.Shift(ctx, id)
}

// release makes an assigned shift open, conditional on its version.
func (s *Service) release(tx *gorm.DB, cur Shift) error {
	res := tx.Model(&shiftRow{}).Where("id = ? AND version = ? AND status = ?", cur.ID, cur.Version, Assigned).Updates(map[string]any{
		"status": Open, "employee_id": nil, "flag": "", "version": gorm.Expr("version + 1"), "updated_at": s.now(),
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrChanged
	}
	return s.expireSwaps(tx, cur.ID, "the shift went back to the open shifts")
}

// describeTimes is "Mon 30 Nov, 07:00–11:00" in the site's time.
func describeTimes(sh Shift) string {
	st, en := sh.Start.In(civil.London), sh.End.In(civil.London)
	return st.Format("Mon 2 Jan, 15:04") + "–" + en.Format("15:04")
}
