package rota

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Changes after publishing.
//
// Once a shift is published, moving it, cancelling it, putting someone on
// it or taking them off is a change: the people affected are told at once
// and the change is recorded with who, when and why. Inside the
// organisation's rota notice period a change needs a reason. Cancelling an
// assigned shift inside the short-notice window is recorded as a
// short-notice cancellation, paid as the organisation's setting says.
// (Employment Rights Act 2025: reasonable notice of shifts and changes, and
// payment for short-notice cancellation; the figures are settings, never
// literals here.)

// Notice is the organisation's notice settings (internal/config reads them).
type Notice struct {
	// Days is the rota notice period: a change to a published shift that
	// starts within this many days needs a reason and is flagged.
	Days int
	// ShortNoticeWindow: cancelling an assigned, published shift that
	// starts within it is a short-notice cancellation.
	ShortNoticeWindow time.Duration
	// ShortNoticePay is the share of the shift's pay a short-notice
	// cancellation earns (0: unpaid).
	ShortNoticePay money.BasisPoints
}

// DefaultNotice is the notice used when none is configured.
var DefaultNotice = Notice{Days: 14, ShortNoticeWindow: 48 * time.Hour}

// Period is the notice period as a duration.
func (n Notice) Period() time.Duration { return time.Duration(n.Days) * 24 * time.Hour }

// Change kinds.
const (
	ChangeMoved      = "moved"
	ChangeCancelled  = "cancelled"
	ChangeReassigned = "reassigned"
	ChangeAdded      = "added"
	ChangeUnassigned = "unassigned"
)

type shiftChangeRow struct {
	ID                 string `gorm:"primaryKey"`
	ShiftID            string
	At                 time.Time
	ActorID            string
	Kind               string
	EmployeeID         string
	PreviousEmployeeID string
	Detail             string
	Reason             string
	InsideNotice       bool
	NoticeMinutes      int
}

func (shiftChangeRow) TableName() string { return "shift_changes" }

type shortNoticeRow struct {
	ShiftID       string `gorm:"primaryKey"`
	EmployeeID    string
	SiteID        string
	StartsAt      time.Time
	EndsAt        time.Time
	WorkMinutes   int
	CancelledAt   time.Time
	CancelledBy   string
	NoticeMinutes int
	PayShareBP    int64 `gorm:"column:pay_share_bp"`
	Reason        string
}

func (shortNoticeRow) TableName() string { return "short_notice_cancellations" }

// insideNotice reports whether a change to a shift starting at start is
// inside the notice period now.
func (s *Service) insideNotice(start time.Time) bool {
	return start.Sub(s.now()) < s.cfg.Notice.Period()
}

// checkChange refuses (422) a change to a published shift inside the notice
// period without a reason. starts are the shift's start before and after
// the change; the earlier counts. Drafts change freely.
func (s *Service) checkChange(cur Shift, reason string, starts ...time.Time) error {
	if !cur.Published || s.cfg.Notice.Days <= 0 {
		return nil
	}
	first := cur.Start
	for _, t := range starts {
		if t.Before(first) {
			first = t
		}
	}
	if !s.insideNotice(first) || strings.TrimSpace(reason) != "" {
		return nil
	}
	return errs.E(errs.RuleViolation,
		"This shift on %s is already published and starts within the %d-day notice period. Give a reason for changing it at short notice; the people on it will be told at once.",
		dateText(civil.In(first, civil.London)), s.cfg.Notice.Days)
}

// recordChange records a change to a published shift, inside tx. Nothing
// is recorded for a draft.
func (s *Service) recordChange(tx *gorm.DB, cur Shift, actorID, kind, employeeID, detail, reason string, starts ...time.Time) error {
	if !cur.Published {
		return nil
	}
	first := cur.Start
	for _, t := range starts {
		if t.Before(first) {
			first = t
		}
	}
	now := s.now()
	row := shiftChangeRow{
		ID: database.NewID(), ShiftID: cur.ID, At: now, ActorID: actorID, Kind: kind, EmployeeID: employeeID,
		PreviousEmployeeID: cur.EmployeeID, Detail: detail, Reason: strings.TrimSpace(reason),
		InsideNotice: s.cfg.Notice.Days > 0 && s.insideNotice(first), NoticeMinutes: max(0, int(first.Sub(now)/time.Minute)),
	}
	return tx.Create(&row).Error
}

// recordShortNotice records cancelling cur (assigned and published) as a
// short-notice cancellation when it starts inside the window. It reports
// whether it did.
func (s *Service) recordShortNotice(tx *gorm.DB, cur Shift, actorID, reason string) (bool, error) {
	now := s.now()
	if !cur.Published || cur.Status != Assigned || cur.EmployeeID == "" || !cur.End.After(now) ||
		cur.Start.Sub(now) >= s.cfg.Notice.ShortNoticeWindow {
		return false, nil
	}
	row := shortNoticeRow{
		ShiftID: cur.ID, EmployeeID: cur.EmployeeID, SiteID: cur.SiteID, StartsAt: cur.Start.UTC(), EndsAt: cur.End.UTC(),
		WorkMinutes: cur.WorkMinutes, CancelledAt: now, CancelledBy: actorID, NoticeMinutes: max(0, int(cur.Start.Sub(now)/time.Minute)),
		PayShareBP: int64(s.cfg.Notice.ShortNoticePay), Reason: strings.TrimSpace(reason),
	}
	return true, tx.Create(&row).Error
}

// Change is one recorded change to a published shift.
type Change struct {
	ID               string    `json:"id"`
	ShiftID          string    `json:"shift_id"`
	At               time.Time `json:"at"`
	By               string    `json:"by"`
	Kind             string    `json:"kind"`
	Employee         string    `json:"employee,omitempty"`
	PreviousEmployee string    `json:"previous_employee,omitempty"`
	Detail           string    `json:"detail,omitempty"`
	Reason           string    `json:"reason,omitempty"`
	InsideNotice     bool      `json:"inside_notice"`
	NoticeHours      int       `json:"notice_hours"`
	Shift            Shift     `json:"shift"`
}

// ShortNoticeCancellation is an assigned, published shift cancelled inside
// the short-notice window, with what it pays.
type ShortNoticeCancellation struct {
	ShiftID      string            `json:"shift_id"`
	EmployeeID   string            `json:"employee_id"`
	EmployeeName string            `json:"employee_name"`
	SiteID       string            `json:"site_id"`
	SiteName     string            `json:"site_name"`
	Start        time.Time         `json:"starts_at"`
	End          time.Time         `json:"ends_at"`
	WorkMinutes  int               `json:"work_minutes"`
	BreakMinutes int               `json:"break_minutes"`
	CancelledAt  time.Time         `json:"cancelled_at"`
	CancelledBy  string            `json:"cancelled_by"`
	NoticeHours  int               `json:"notice_hours"`
	PayShare     money.BasisPoints `json:"pay_share_basis_points"`
	Paid         bool              `json:"paid"`
	Reason       string            `json:"reason,omitempty"`
	Description  string            `json:"description"`
}

// Changes lists the changes to published shifts starting between two local
// dates (inclusive), newest first.
func (s *Service) Changes(ctx context.Context, from, to civil.Date) ([]Change, error) {
	f := Filter{From: from, To: to}
	if err := s.checkFilter(&f); err != nil {
		return nil, err
	}
	db := s.cfg.DB.WithContext(ctx)
	rows, err := findShiftRows(db.Where("starts_at >= ? AND starts_at < ? AND id IN (?)",
		f.From.Time(civil.London).UTC(), f.To.AddDays(1).Time(civil.London).UTC(), db.Model(&shiftChangeRow{}).Select("shift_id")))
	if err != nil {
		return nil, err
	}
	shifts, err := s.decorate(ctx, rows)
	if err != nil {
		return nil, err
	}
	byID := map[string]Shift{}
	ids := make([]string, len(shifts))
	for i, sh := range shifts {
		byID[sh.ID], ids[i] = sh, sh.ID
	}
	out := []Change{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []shiftChangeRow
	if err := db.Where("shift_id IN ?", ids).Order("at DESC, id DESC").Find(&cs).Error; err != nil {
		return nil, err
	}
	var who []string
	for _, c := range cs {
		who = append(who, c.ActorID, c.EmployeeID, c.PreviousEmployeeID)
	}
	names, err := s.names(ctx, who)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out = append(out, Change{ID: c.ID, ShiftID: c.ShiftID, At: c.At.UTC(), By: names[c.ActorID], Kind: c.Kind,
			Employee: names[c.EmployeeID], PreviousEmployee: names[c.PreviousEmployeeID], Detail: c.Detail, Reason: c.Reason,
			InsideNotice: c.InsideNotice, NoticeHours: c.NoticeMinutes / 60, Shift: byID[c.ShiftID]})
	}
	return out, nil
}

// ChangedShifts is which shifts starting between two local dates have
// changed since they were published, and whether any change was inside the
// notice period.
func (s *Service) ChangedShifts(ctx context.Context, from, to civil.Date) (map[string]bool, error) {
	var rows []shiftChangeRow
	db := s.cfg.DB.WithContext(ctx)
	err := db.Where("shift_id IN (?)", db.Model(&shiftRow{}).Select("id").Where("starts_at >= ? AND starts_at < ?",
		from.Time(civil.London).UTC(), to.AddDays(1).Time(civil.London).UTC())).Find(&rows).Error
	out := map[string]bool{}
	for _, r := range rows {
		out[r.ShiftID] = out[r.ShiftID] || r.InsideNotice
	}
	return out, err
}

// ShortNoticeCancellations lists short-notice cancellations of shifts
// starting in [from, to).
func (s *Service) ShortNoticeCancellations(ctx context.Context, from, to time.Time) ([]ShortNoticeCancellation, error) {
	var rows []shortNoticeRow
	if err := s.cfg.DB.WithContext(ctx).Where("starts_at >= ? AND starts_at < ?", from.UTC(), to.UTC()).
		Order("starts_at, shift_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ShortNoticeCancellation, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	var who []string
	for _, r := range rows {
		who = append(who, r.EmployeeID, r.CancelledBy)
	}
	names, err := s.names(ctx, who)
	if err != nil {
		return nil, err
	}
	sites, err := s.siteMap(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		c := ShortNoticeCancellation{ShiftID: r.ShiftID, EmployeeID: r.EmployeeID, EmployeeName: names[r.EmployeeID], SiteID: r.SiteID,
			SiteName: sites[r.SiteID].Name, Start: r.StartsAt.UTC(), End: r.EndsAt.UTC(), WorkMinutes: r.WorkMinutes,
			BreakMinutes: int(r.EndsAt.Sub(r.StartsAt)/time.Minute) - r.WorkMinutes, CancelledAt: r.CancelledAt.UTC(),
			CancelledBy: names[r.CancelledBy], NoticeHours: r.NoticeMinutes / 60, PayShare: money.BasisPoints(r.PayShareBP),
			Paid: r.PayShareBP > 0, Reason: r.Reason}
		sh := Shift{Start: c.Start, End: c.End, SiteName: c.SiteName}
		c.Description = fmt.Sprintf("Short-notice cancellation: %s at %s, cancelled with %d hours' notice", describeTimes(sh), c.SiteName, c.NoticeHours)
		out = append(out, c)
	}
	return out, nil
}

// ShortNoticeCancellationsBetween lists them for shifts starting between
// two local dates (inclusive).
func (s *Service) ShortNoticeCancellationsBetween(ctx context.Context, from, to civil.Date) ([]ShortNoticeCancellation, error) {
	f := Filter{From: from, To: to}
	if err := s.checkFilter(&f); err != nil {
		return nil, err
	}
	return s.ShortNoticeCancellations(ctx, f.From.Time(civil.London), f.To.AddDays(1).Time(civil.London))
}

// NoticeSettings is the notice in force (for pages that explain it).
func (s *Service) NoticeSettings() Notice { return s.cfg.Notice }

func (s *Service) names(ctx context.Context, ids []string) (map[string]string, error) {
	var keep []string
	for _, id := range ids {
		if id != "" {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 || s.cfg.People == nil {
		return map[string]string{}, nil
	}
	return s.cfg.People.Names(ctx, keep)
}

// recordAssignChange records putting employeeID on a published shift: added
// when it was open, reassigned when someone else had it.
func (s *Service) recordAssignChange(tx *gorm.DB, cur Shift, actorID, employeeID, reason string) error {
	kind := ChangeAdded
	if cur.Status == Assigned {
		kind = ChangeReassigned
	}
	return s.recordChange(tx, cur, actorID, kind, employeeID, "", reason)
}

// ChangeNeedsReason reports whether changing sh now needs a reason.
func (s *Service) ChangeNeedsReason(sh Shift) bool {
	return s.checkChange(sh, "") != nil
}

// withoutCurrent leaves the person already on the shift out of its
// candidates.
func withoutCurrent(cs []Candidate, sh Shift) []Candidate {
	if sh.EmployeeID == "" {
		return cs
	}
	out := cs[:0]
	for _, c := range cs {
		if c.EmployeeID != sh.EmployeeID {
			out = append(out, c)
		}
	}
	return out
}
