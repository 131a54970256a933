package rota

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
)

// Drafts and publishing.
//
// A shift is a draft until a supervisor publishes its dates. Employees see
// nothing of a draft — not in their week, open shifts, calendar feed, shift
// pages or inbox — and nobody is told when one is assigned, moved or
// cancelled. Publishing a range makes its drafts visible at once, in one
// transaction, and tells each person once, with their own shifts. After
// that, every change to the shift is a change (changes.go).

// PublishRequest names the dates (local, inclusive) and, optionally, the
// sites to publish.
type PublishRequest struct {
	From    civil.Date `json:"from"`
	To      civil.Date `json:"to"`
	SiteIDs []string   `json:"site_ids"`
}

// PersonTold is one employee told about their newly published shifts.
type PersonTold struct {
	EmployeeID string `json:"employee_id"`
	Name       string `json:"name"`
	// NewShifts is how many of their shifts this publication made visible;
	// Shifts is every published shift of theirs in the range, as the
	// message lists them.
	NewShifts int      `json:"new_shifts"`
	Shifts    []string `json:"shifts"`
}

// PublishResult says what was (or, for a preview, would be) published and
// who was (would be) told.
type PublishResult struct {
	From      civil.Date   `json:"from"`
	To        civil.Date   `json:"to"`
	SiteIDs   []string     `json:"site_ids"`
	Published int          `json:"published"` // shifts made visible
	Open      int          `json:"open"`      // of which open, now offered to employees
	ShiftIDs  []string     `json:"shift_ids"`
	Told      []PersonTold `json:"told"`
	Preview   bool         `json:"preview,omitempty"`
}

func (r *PublishRequest) check() error {
	var bad []errs.FieldError
	switch {
	case r.From.IsZero():
		bad = append(bad, errs.FieldError{Field: "from", Message: "is required, like 2026-11-30"})
	case r.To.IsZero():
		bad = append(bad, errs.FieldError{Field: "to", Message: "is required, like 2026-12-06"})
	case r.To.Before(r.From):
		bad = append(bad, errs.FieldError{Field: "to", Message: "is before from"})
	case r.From.DaysUntil(r.To) > MaxRangeDays:
		bad = append(bad, errs.FieldError{Field: "to", Message: fmt.Sprintf("is more than %d days after from; publish a shorter period", MaxRangeDays)})
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
	slices.Sort(r.SiteIDs)
	r.SiteIDs = slices.Compact(r.SiteIDs)
	if r.SiteIDs == nil {
		r.SiteIDs = []string{}
	}
	return nil
}

// inRange narrows a query on shifts to the request's dates and sites.
func (r PublishRequest) inRange(q *gorm.DB) *gorm.DB {
	q = q.Where("starts_at >= ? AND starts_at < ?", r.From.Time(civil.London).UTC(), r.To.AddDays(1).Time(civil.London).UTC())
	if len(r.SiteIDs) > 0 {
		q = q.Where("site_id IN ?", r.SiteIDs)
	}
	return q
}

// drafts are the range's unpublished shifts that publishing would show:
// cancelled drafts stay drafts (nobody ever knew of them).
func (s *Service) drafts(db *gorm.DB, r PublishRequest) ([]shiftRow, error) {
	return findShiftRows(r.inRange(db.Where("published_at IS NULL AND status <> ?", Cancelled)).Order("starts_at, site_id, slot, id"))
}

// Publish makes a range's drafts visible to employees, all at once, and
// tells each employee with a newly published shift once, listing their
// shifts in the range. Publishing again changes nothing and tells nobody.
//
// The transaction reads and writes the rota's own tables only; names and
// sites (other packages, other connections) are looked up after it.
func (s *Service) Publish(ctx context.Context, actorID string, r PublishRequest) (PublishResult, error) {
	if err := r.check(); err != nil {
		return PublishResult{}, err
	}
	var rows, theirs []shiftRow
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if rows, err = s.drafts(tx, r); err != nil || len(rows) == 0 {
			return err
		}
		now := s.now()
		for chunk := range slices.Chunk(rows, 500) {
			ids := make([]string, len(chunk))
			for i, row := range chunk {
				ids[i] = row.ID
			}
			// Conditional on still being drafts: two supervisors publishing
			// the same week at once cannot both tell people.
			q := tx.Model(&shiftRow{}).Where("id IN ? AND published_at IS NULL AND status <> ?", ids, Cancelled).
				Updates(map[string]any{"published_at": now, "version": gorm.Expr("version + 1"), "updated_at": now})
			if q.Error != nil {
				return q.Error
			}
			if int(q.RowsAffected) != len(chunk) {
				return errs.E(errs.Conflict, "Someone changed or published these shifts at the same moment. Reload and publish again.")
			}
			events := make([]shiftEventRow, len(chunk))
			for i, row := range chunk {
				events[i] = shiftEventRow{ID: database.NewID(), ShiftID: row.ID, At: now, ActorID: actorID, Kind: "published", EmployeeID: str(row.EmployeeID)}
			}
			if err := tx.Create(&events).Error; err != nil {
				return err
			}
		}
		theirs, err = s.theirShifts(tx, r, rows, true)
		return err
	})
	if err != nil {
		return PublishResult{}, err
	}
	res, messages, err := s.publishResult(ctx, r, rows, theirs, false)
	if err != nil {
		// Published and committed: say so even if the names could not be read.
		s.cfg.Logger.WarnContext(ctx, "publish: people not told", "error", err.Error())
		return res, nil
	}
	subject := "Your shifts are published"
	for _, p := range res.Told {
		s.notify(ctx, []string{p.EmployeeID}, subject, messages[p.EmployeeID], "/rota/week?from="+r.From.String())
	}
	return res, nil
}

// PublishPreview says what Publish would do now, changing nothing.
func (s *Service) PublishPreview(ctx context.Context, r PublishRequest) (PublishResult, error) {
	if err := r.check(); err != nil {
		return PublishResult{}, err
	}
	db := s.cfg.DB.WithContext(ctx)
	rows, err := s.drafts(db, r)
	if err != nil {
		return PublishResult{}, err
	}
	theirs, err := s.theirShifts(db, r, rows, false)
	if err != nil {
		return PublishResult{}, err
	}
	res, _, err := s.publishResult(ctx, r, rows, theirs, true)
	return res, err
}

// newlyAssigned counts, per employee, the assigned shifts among rows.
func newlyAssigned(rows []shiftRow) map[string]int {
	fresh := map[string]int{}
	for _, row := range rows {
		if row.Status == Assigned && row.EmployeeID != nil {
			fresh[*row.EmployeeID]++
		}
	}
	return fresh
}

// theirShifts are the assigned shifts in the range of everyone with a newly
// published one: published ones (after publishing), or published and about
// to be (a preview).
func (s *Service) theirShifts(db *gorm.DB, r PublishRequest, rows []shiftRow, published bool) ([]shiftRow, error) {
	fresh := newlyAssigned(rows)
	if len(fresh) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(fresh))
	for id := range fresh {
		ids = append(ids, id)
	}
	q := r.inRange(db.Where("employee_id IN ? AND status = ?", ids, Assigned))
	if published {
		q = q.Where("published_at IS NOT NULL")
	}
	return findShiftRows(q.Order("starts_at, site_id, slot, id"))
}

// publishResult describes publishing rows (the drafts): who is told and
// what each message says, listing theirs.
func (s *Service) publishResult(ctx context.Context, r PublishRequest, rows, theirs []shiftRow, preview bool) (PublishResult, map[string]string, error) {
	res := PublishResult{From: r.From, To: r.To, SiteIDs: r.SiteIDs, ShiftIDs: []string{}, Told: []PersonTold{}, Preview: preview}
	for _, row := range rows {
		res.ShiftIDs = append(res.ShiftIDs, row.ID)
		res.Published++
		if row.Status == Open {
			res.Open++
		}
	}
	fresh := newlyAssigned(rows)
	if len(fresh) == 0 {
		return res, map[string]string{}, nil
	}
	ids := make([]string, 0, len(fresh))
	for id := range fresh {
		ids = append(ids, id)
	}
	shifts, err := s.decorate(ctx, theirs)
	if err != nil {
		return res, nil, err
	}
	names, err := s.cfg.People.Names(ctx, ids)
	if err != nil {
		return res, nil, err
	}
	lines := map[string][]string{}
	for _, sh := range shifts {
		lines[sh.EmployeeID] = append(lines[sh.EmployeeID], describeTimes(sh)+" at "+sh.SiteName)
	}
	messages := map[string]string{}
	for _, id := range ids {
		p := PersonTold{EmployeeID: id, Name: names[id], NewShifts: fresh[id], Shifts: lines[id]}
		res.Told = append(res.Told, p)
		messages[id] = fmt.Sprintf("Your shifts from %s to %s:\n%s", dateText(r.From), dateText(r.To), strings.Join(p.Shifts, "\n"))
	}
	slices.SortFunc(res.Told, func(a, b PersonTold) int { return strings.Compare(a.Name, b.Name) })
	return res, messages, nil
}

// publishedCrew is who else is on at the shift's site while it runs, on
// published shifts only: what an employee may see of their team.
func (s *Service) publishedCrew(db *gorm.DB, sh Shift) ([]string, error) {
	var ids []string
	err := db.Model(&shiftRow{}).Where("site_id = ? AND status = ? AND id <> ? AND starts_at >= ? AND starts_at < ? AND ends_at > ? AND published_at IS NOT NULL",
		sh.SiteID, Assigned, sh.ID, sh.Start.Add(-MaxShift).UTC(), sh.End.UTC(), sh.Start.UTC()).Pluck("employee_id", &ids).Error
	return ids, err
}

// draftResult is Assign's answer for a draft, about which nobody is told.
func (s *Service) draftResult(ctx context.Context, shiftID string, overridden []Violation) (AssignResult, error) {
	sh, err := s.Shift(ctx, shiftID)
	if overridden == nil {
		overridden = []Violation{}
	}
	return AssignResult{Shift: sh, Overridden: overridden}, err
}

// nullInstant scans a nullable timestamp column into *T (nil for NULL).
type nullInstant struct{ T **time.Time }

func (n nullInstant) Scan(v any) error {
	if v == nil {
		*n.T = nil
		return nil
	}
	var t time.Time
	if err := (database.Instant{T: &t}).Scan(v); err != nil {
		return err
	}
	*n.T = &t
	return nil
}

// Today is the local date now (the injected clock).
func (s *Service) Today() civil.Date { return civil.In(s.now(), civil.London) }

// WeekStart is the Monday of d's week.
func WeekStart(d civil.Date) civil.Date { return weekStart(d) }
