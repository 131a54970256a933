package rota

import (
	"cmp"
	"context"
	"fmt"
	"maps"
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
	// Reason is needed when the drafts include assigned shifts added to
	// already-published days inside the notice period.
	Reason string `json:"reason"`
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
	// Added counts drafts on days already published (changes, recorded as
	// added); AddedInsideNotice those assigned inside the notice period,
	// which need a reason (NeedsReason, in a preview).
	Added             int  `json:"added"`
	AddedInsideNotice int  `json:"added_inside_notice"`
	NeedsReason       bool `json:"needs_reason,omitempty"`
	// LateForTheirNotice (a preview) lists shifts whose people asked, as
	// an agreed adjustment, for more notice than publishing now gives.
	LateForTheirNotice []string `json:"late_for_their_notice,omitempty"`
}

func (r *PublishRequest) check() error {
	if err := checkReason("reason", r.Reason); err != nil {
		return err
	}
	r.Reason = strings.TrimSpace(r.Reason)
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
// The shifts, the record of what was published and the messages (with
// their emails queued) commit together or not at all. The transaction
// reads and writes through tx only: sites are read before it, names after.
//
// A draft added to a day whose shifts were published before (at the same
// site) is a change to that day: it is recorded as "added", and inside the
// notice period it needs the request's reason, like any other change. A
// person's own minimum-notice adjustment counts from when they are told:
// publishing a shift with less notice than it asks needs the reason too
// (recorded with the publication), as a supervisor's override would.
func (s *Service) Publish(ctx context.Context, actorID string, r PublishRequest) (PublishResult, error) {
	if err := r.check(); err != nil {
		return PublishResult{}, err
	}
	sites, err := s.siteMap(ctx)
	if err != nil {
		return PublishResult{}, err
	}
	var rows, theirs []shiftRow
	var added []Shift
	var later []notice
	err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if rows, err = s.drafts(tx, r); err != nil || len(rows) == 0 {
			return err
		}
		if added, err = s.addedToPublishedDays(tx, r, rows, sites); err != nil {
			return err
		}
		late, err := s.lateForTheirNotice(tx, rows)
		if err != nil {
			return err
		}
		if err := s.checkShortNotice(added, late, r.Reason); err != nil {
			return err
		}
		lateIDs := map[string]bool{}
		for _, shs := range late {
			for _, sh := range shs {
				lateIDs[sh.ID] = true
			}
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
				if lateIDs[row.ID] {
					events[i].Detail = "less notice than their agreed adjustment asks; reason: " + r.Reason
				}
			}
			if err := tx.Create(&events).Error; err != nil {
				return err
			}
		}
		for _, sh := range added {
			published := sh
			published.Published = true // the change is to a published day
			published.EmployeeID = ""  // nobody was on it before
			if err := s.recordChange(tx, published, actorID, ChangeAdded, sh.EmployeeID, "added to a day already published", r.Reason); err != nil {
				return err
			}
		}
		if theirs, err = s.theirShifts(tx, r, rows, true); err != nil {
			return err
		}
		later, err = s.tellIn(ctx, tx, publishNotes(r, rows, theirs, sites))
		return err
	})
	if err != nil {
		return PublishResult{}, err
	}
	s.sendNotes(ctx, later) // only for a notifier that cannot write in the transaction
	res, err := s.publishResult(ctx, r, rows, theirs, sites, false)
	for _, sh := range added {
		res.Added++
		if sh.Status == Assigned && s.insideNotice(sh.Start) {
			res.AddedInsideNotice++
		}
	}
	if err != nil {
		// Published, told and committed: say so even if the names could not be read.
		s.cfg.Logger.WarnContext(ctx, "publish: names not read", "error", err.Error())
		return res, nil
	}
	return res, nil
}

// publishNotes is one message for each person with a newly published
// shift, listing their published shifts in the range.
func publishNotes(r PublishRequest, rows, theirs []shiftRow, sites map[string]Site) []notice {
	lines := shiftLines(theirs, sites)
	fresh := newlyAssigned(rows)
	ids := make([]string, 0, len(fresh))
	for id := range fresh {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]notice, 0, len(ids))
	for _, id := range ids {
		out = append(out, notice{to: []string{id}, subject: "Your shifts are published",
			body: fmt.Sprintf("Your shifts from %s to %s:\n%s", dateText(r.From), dateText(r.To), strings.Join(lines[id], "\n")),
			link: "/rota/week?from=" + r.From.String()})
	}
	return out
}

// shiftLines is each employee's shifts as "Mon 7 Dec, 07:00–11:00 at Site".
func shiftLines(rows []shiftRow, sites map[string]Site) map[string][]string {
	lines := map[string][]string{}
	for _, row := range rows {
		sh := row.shift()
		lines[sh.EmployeeID] = append(lines[sh.EmployeeID], describeTimes(sh)+" at "+sites[sh.SiteID].Name)
	}
	return lines
}

// addedToPublishedDays are the drafts among rows on a day (at their site)
// whose other shifts were published before: shifts added after the day
// was published.
func (s *Service) addedToPublishedDays(db *gorm.DB, r PublishRequest, rows []shiftRow, sites map[string]Site) ([]Shift, error) {
	var done []shiftRow
	if err := r.inRange(db.Where("published_at IS NOT NULL")).Select("site_id, starts_at").Find(&done).Error; err != nil {
		return nil, err
	}
	day := func(siteID string, t time.Time) string {
		return siteID + " " + t.In(sites[siteID].Location()).Format(time.DateOnly)
	}
	published := map[string]bool{}
	for _, d := range done {
		published[day(d.SiteID, d.StartsAt)] = true
	}
	var out []Shift
	for _, row := range rows {
		if published[day(row.SiteID, row.StartsAt)] {
			out = append(out, row.shift())
		}
	}
	return out, nil
}

// lateShift is an assigned draft its person will hear of with less notice
// than their agreed adjustment asks for.
type lateShift struct {
	Shift
	noticeDays int
}

// lateForTheirNotice are the assigned drafts among rows, by person, whose
// person asked (an agreed adjustment) for more notice of a new shift than
// publishing now gives: they are told only when it is published.
func (s *Service) lateForTheirNotice(db *gorm.DB, rows []shiftRow) (map[string][]lateShift, error) {
	fresh := newlyAssigned(rows)
	if len(fresh) == 0 {
		return nil, nil
	}
	adjs, err := s.adjustments(db, slices.Collect(maps.Keys(fresh)))
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := map[string][]lateShift{}
	for _, row := range rows {
		if row.Status != Assigned || row.EmployeeID == nil {
			continue
		}
		sh := row.shift()
		a := adjs[sh.EmployeeID]
		if a.MinNoticeDays > 0 && a.AppliesOn(sh.Date()) && sh.Start.Sub(now) < time.Duration(a.MinNoticeDays)*24*time.Hour {
			out[sh.EmployeeID] = append(out[sh.EmployeeID], lateShift{Shift: sh, noticeDays: a.MinNoticeDays})
		}
	}
	return out, nil
}

// checkShortNotice refuses (422) publishing without a reason when it adds
// assigned shifts to published days inside the notice period, or tells
// someone of a shift with less notice than their agreed adjustment asks.
func (s *Service) checkShortNotice(added []Shift, late map[string][]lateShift, reason string) error {
	if strings.TrimSpace(reason) != "" {
		return nil
	}
	n, first := 0, time.Time{}
	for _, sh := range added {
		if s.cfg.Notice.Days > 0 && sh.Status == Assigned && s.insideNotice(sh.Start) {
			if n == 0 || sh.Start.Before(first) {
				first = sh.Start
			}
			n++
		}
	}
	if n > 0 {
		return errs.E(errs.RuleViolation,
			"%s added to days that are already published and start within the %d-day notice period (the first on %s). Give a reason for the short notice; the people on them will be told when you publish.",
			shiftsWord(n), s.cfg.Notice.Days, dateText(civil.In(first, civil.London)))
	}
	for _, shs := range late {
		for _, sh := range shs {
			if n == 0 || sh.Start.Before(first) {
				first = sh.Start
			}
			n++
		}
	}
	if n > 0 {
		return errs.E(errs.RuleViolation,
			"%s for people whose agreed adjustments ask for more notice of a new shift than publishing now gives (the first on %s). Record that they agreed as the reason, or take them off these shifts first.",
			shiftsWord(n), dateText(civil.In(first, civil.London)))
	}
	return nil
}

func shiftsWord(n int) string {
	if n == 1 {
		return "1 shift is"
	}
	return fmt.Sprintf("%d shifts are", n)
}

// PublishPreview says what Publish would do now, changing nothing.
func (s *Service) PublishPreview(ctx context.Context, r PublishRequest) (PublishResult, error) {
	if err := r.check(); err != nil {
		return PublishResult{}, err
	}
	sites, err := s.siteMap(ctx)
	if err != nil {
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
	added, err := s.addedToPublishedDays(db, r, rows, sites)
	if err != nil {
		return PublishResult{}, err
	}
	res, err := s.publishResult(ctx, r, rows, theirs, sites, true)
	for _, sh := range added {
		res.Added++
		if sh.Status == Assigned && s.insideNotice(sh.Start) {
			res.AddedInsideNotice++
		}
	}
	late, err2 := s.lateForTheirNotice(db, rows)
	if err2 != nil {
		return PublishResult{}, err2
	}
	if len(late) > 0 {
		names, err2 := s.names(ctx, slices.Collect(maps.Keys(late)))
		if err2 != nil {
			return PublishResult{}, err2
		}
		for id, shs := range late {
			for _, sh := range shs {
				res.LateForTheirNotice = append(res.LateForTheirNotice, fmt.Sprintf("%s: %s (asked for at least %d days' notice)", names[id], describeTimes(sh.Shift), sh.noticeDays))
			}
		}
		slices.Sort(res.LateForTheirNotice)
	}
	res.NeedsReason = s.checkShortNotice(added, late, "") != nil
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

// publishResult describes publishing rows (the drafts): who is told, with
// the shifts their message lists (theirs).
func (s *Service) publishResult(ctx context.Context, r PublishRequest, rows, theirs []shiftRow, sites map[string]Site, preview bool) (PublishResult, error) {
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
		return res, nil
	}
	ids := make([]string, 0, len(fresh))
	for id := range fresh {
		ids = append(ids, id)
	}
	lines := shiftLines(theirs, sites)
	for _, id := range ids {
		res.Told = append(res.Told, PersonTold{EmployeeID: id, NewShifts: fresh[id], Shifts: lines[id]})
	}
	names, err := s.names(ctx, ids)
	for i := range res.Told {
		res.Told[i].Name = names[res.Told[i].EmployeeID]
	}
	slices.SortFunc(res.Told, func(a, b PersonTold) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.EmployeeID, b.EmployeeID))
	})
	return res, err
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
