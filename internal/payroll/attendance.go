package payroll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Attendance statuses.
const (
	ClockedIn = "clocked_in"
	Worked    = "worked"
	NoShow    = "no_show"
)

// Attendance sources.
const (
	FromPhone      = "phone"
	FromSupervisor = "supervisor"
)

// LateClockOut is how long after a shift's end an employee may still clock
// out from the phone; after that a supervisor records the time.
const LateClockOut = 4 * time.Hour

// Attendance is what happened on one shift.
type Attendance struct {
	ID             string     `json:"id"`
	ShiftID        string     `json:"shift_id"`
	EmployeeID     string     `json:"employee_id"`
	SiteName       string     `json:"site_name"`
	WorkDate       civil.Date `json:"work_date"`
	ScheduledStart time.Time  `json:"scheduled_start"`
	ScheduledEnd   time.Time  `json:"scheduled_end"`
	ClockIn        *time.Time `json:"clock_in"`
	ClockOut       *time.Time `json:"clock_out"`
	Status         string     `json:"status"`
	Source         string     `json:"source"`
	Corrected      bool       `json:"corrected"`
	// Early/late, in minutes, against the scheduled times: recorded, never refused.
	ArrivedEarlyMinutes int `json:"arrived_early_minutes"`
	ArrivedLateMinutes  int `json:"arrived_late_minutes"`
	LeftEarlyMinutes    int `json:"left_early_minutes"`
	LeftLateMinutes     int `json:"left_late_minutes"`
	BreakMinutes        int `json:"break_minutes"`
	PaidMinutes         int `json:"paid_minutes"`
}

func (r attendanceRow) attendance() Attendance {
	a := Attendance{ID: r.ID, ShiftID: r.ShiftID, EmployeeID: r.EmployeeID, SiteName: r.SiteName, WorkDate: r.WorkDate,
		ScheduledStart: r.ScheduledStart.UTC(), ScheduledEnd: r.ScheduledEnd.UTC(), Status: r.Status, Source: r.Source, Corrected: r.Corrected}
	if r.ClockIn != nil {
		t := r.ClockIn.UTC()
		a.ClockIn = &t
		d := int(a.ScheduledStart.Sub(t) / time.Minute)
		if d > 0 {
			a.ArrivedEarlyMinutes = d
		} else {
			a.ArrivedLateMinutes = -d
		}
	}
	if r.ClockOut != nil {
		t := r.ClockOut.UTC()
		a.ClockOut = &t
		d := int(a.ScheduledEnd.Sub(t) / time.Minute)
		if d > 0 {
			a.LeftEarlyMinutes = d
		} else {
			a.LeftLateMinutes = -d
		}
	}
	a.PaidMinutes, a.BreakMinutes = r.paid()
	return a
}

// paid is the paid minutes and the break deducted.
func (r attendanceRow) paid() (int, int) {
	if r.Status != Worked || r.ClockIn == nil || r.ClockOut == nil {
		return 0, 0
	}
	start, end := r.span()
	parts, brk := WorkedParts(start, end, r.BreakMinutes)
	total := 0
	for _, p := range parts {
		total += p.Minutes
	}
	return total, brk
}

// span is the paid time of a worked shift. Times from the phone are paid
// within the scheduled shift: arriving early or staying late is recorded,
// and a supervisor's correction pays it. Times a supervisor recorded or
// corrected are paid as recorded.
func (r attendanceRow) span() (time.Time, time.Time) {
	start, end := r.ClockIn.UTC(), r.ClockOut.UTC()
	if r.Source == FromPhone && !r.Corrected {
		if s := r.ScheduledStart.UTC(); start.Before(s) {
			start = s
		}
		if e := r.ScheduledEnd.UTC(); end.After(e) {
			end = e
		}
		if end.Before(start) {
			end = start
		}
	}
	return start, end
}

func (s *Service) ownShift(ctx context.Context, by auth.Principal, shiftID string) (ShiftRef, error) {
	if s.shifts == nil || !database.ValidID(shiftID) {
		return ShiftRef{}, ErrShiftNotFound
	}
	ref, err := s.shifts.Shift(ctx, shiftID)
	if errs.CodeOf(err) == errs.NotFound {
		return ShiftRef{}, ErrShiftNotFound
	}
	if err != nil {
		return ShiftRef{}, err
	}
	if by.ID != "" && ref.EmployeeID != by.ID {
		return ShiftRef{}, ErrShiftNotFound
	}
	return ref, nil
}

// anyShift finds a shift for a supervisor: on the rota, or — when the rota
// no longer has it — as recorded in its attendance.
func (s *Service) anyShift(ctx context.Context, shiftID string) (ShiftRef, error) {
	ref, err := s.ownShift(ctx, auth.Principal{}, shiftID)
	if errs.CodeOf(err) != errs.NotFound || !database.ValidID(shiftID) {
		return ref, err
	}
	row, found, ferr := s.attendanceByShift(ctx, s.db, shiftID)
	if ferr != nil {
		return ShiftRef{}, ferr
	}
	if !found {
		return ShiftRef{}, err
	}
	return ShiftRef{ID: row.ShiftID, EmployeeID: row.EmployeeID, SiteID: row.SiteID, SiteName: row.SiteName,
		Start: row.ScheduledStart.UTC(), End: row.ScheduledEnd.UTC(), BreakMinutes: row.BreakMinutes}, nil
}

func (s *Service) attendanceByShift(ctx context.Context, db *gorm.DB, shiftID string) (attendanceRow, bool, error) {
	var row attendanceRow
	err := db.WithContext(ctx).Where("shift_id = ?", shiftID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, false, nil
	}
	return row, err == nil, err
}

func hhmm(t time.Time) string { return t.In(civil.London).Format("15:04") }

// ClockIn records the employee arriving for their own shift, from their
// phone, from ClockWindow before the start until the shift ends. Arriving
// late is recorded, not refused.
func (s *Service) ClockIn(ctx context.Context, by auth.Principal, shiftID string) (Attendance, error) {
	ref, err := s.ownShift(ctx, by, shiftID)
	if err != nil {
		return Attendance{}, err
	}
	if ref.Cancelled {
		return Attendance{}, errs.E(errs.RuleViolation, "This shift was cancelled, so there is nothing to clock in to.")
	}
	now := s.now().UTC().Truncate(time.Second)
	opens := ref.Start.Add(-s.clockWindow)
	switch {
	case now.Before(opens):
		return Attendance{}, errs.E(errs.RuleViolation, "It is too early to clock in: you can clock in from %s on %s, %d minutes before your shift starts at %s.",
			hhmm(opens), civil.In(opens, civil.London).Format("Mon 2 Jan"), int(s.clockWindow/time.Minute), hhmm(ref.Start))
	case !now.Before(ref.End):
		return Attendance{}, errs.E(errs.RuleViolation, "This shift ended at %s, so it is too late to clock in from your phone. Ask your supervisor to record your times.", hhmm(ref.End))
	}
	workDate := civil.In(ref.Start, civil.London)
	row := attendanceRow{ID: database.NewID(), ShiftID: ref.ID, EmployeeID: ref.EmployeeID, SiteID: ref.SiteID, SiteName: ref.SiteName,
		ScheduledStart: ref.Start.UTC(), ScheduledEnd: ref.End.UTC(), BreakMinutes: s.deductedBreak(ref.BreakMinutes), ClockIn: &now,
		Status: ClockedIn, Source: FromPhone, WorkDate: workDate, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.refuseIfClosed(ctx, tx, workDate, "clocking in"); err != nil {
			return err
		}
		if old, found, err := s.attendanceByShift(ctx, tx, ref.ID); err != nil {
			return err
		} else if found {
			return alreadyRecorded(old)
		}
		if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "You are already clocked in to this shift.")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return Attendance{}, err
	}
	return row.attendance(), nil
}

func alreadyRecorded(old attendanceRow) error {
	switch old.Status {
	case ClockedIn:
		return errs.E(errs.Conflict, "You already clocked in to this shift at %s.", hhmm(*old.ClockIn))
	case NoShow:
		return errs.E(errs.Conflict, "This shift is recorded as a no-show. Ask your supervisor to correct it.")
	}
	return errs.E(errs.Conflict, "Your times for this shift are already recorded. Ask your supervisor if they are wrong.")
}

// ClockOut records the employee leaving their own shift. Leaving early or
// late is recorded, not refused; more than four hours after the end, a
// supervisor records the time instead.
func (s *Service) ClockOut(ctx context.Context, by auth.Principal, shiftID string) (Attendance, error) {
	ref, err := s.ownShift(ctx, by, shiftID)
	if err != nil {
		return Attendance{}, err
	}
	now := s.now().UTC().Truncate(time.Second)
	var out attendanceRow
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, found, err := s.attendanceByShift(ctx, tx, ref.ID)
		if err != nil {
			return err
		}
		if !found {
			return errs.E(errs.RuleViolation, "You have not clocked in to this shift, so you cannot clock out. Ask your supervisor to record your times.")
		}
		if row.Status != ClockedIn {
			return alreadyRecorded(row)
		}
		if err := s.lockTimesheet(ctx, tx, row.EmployeeID, row.WorkDate); err != nil {
			return err
		}
		if now.After(row.ScheduledEnd.Add(LateClockOut)) {
			return errs.E(errs.RuleViolation, "This shift ended at %s, more than %d hours ago: ask your supervisor to record when you left.", hhmm(row.ScheduledEnd), int(LateClockOut/time.Hour))
		}
		if !now.After(*row.ClockIn) {
			return errs.E(errs.RuleViolation, "You clocked in at %s; clock out after that.", hhmm(*row.ClockIn))
		}
		res := tx.Model(&attendanceRow{}).Where("id = ? AND version = ?", row.ID, row.Version).
			Updates(map[string]any{"clock_out": now, "status": Worked, "version": row.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Your attendance changed at the same moment; reload and try again.")
		}
		before := row
		row.ClockOut, row.Status, row.Version = &now, Worked, row.Version+1
		out = row
		return s.adjustIfApproved(ctx, tx, by.Name, before, row, "clocked out from the phone after approval", now)
	})
	if err != nil {
		return Attendance{}, err
	}
	return out.attendance(), nil
}

// AttendanceInput is a supervisor's record of a shift's times.
type AttendanceInput struct {
	ClockIn      time.Time `json:"clock_in"`
	ClockOut     time.Time `json:"clock_out"`
	BreakMinutes *int      `json:"break_minutes"`
	Reason       string    `json:"reason"`
}

// RecordAttendance is a supervisor recording times for someone without a
// phone, or correcting recorded times (a reason is then required). A
// correction after the timesheet was approved is kept as an adjustment.
func (s *Service) RecordAttendance(ctx context.Context, by auth.Principal, shiftID string, in AttendanceInput) (Attendance, error) {
	ref, err := s.anyShift(ctx, shiftID)
	if err != nil {
		return Attendance{}, err
	}
	if ref.EmployeeID == "" {
		return Attendance{}, errs.E(errs.RuleViolation, "Nobody is assigned to this shift; assign someone on the rota first.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	now := s.now().UTC()
	var bad []errs.FieldError
	if in.ClockIn.IsZero() {
		bad = append(bad, errs.FieldError{Field: "clock_in", Message: "is required, like 2026-11-23T08:58:00Z"})
	}
	if in.ClockOut.IsZero() {
		bad = append(bad, errs.FieldError{Field: "clock_out", Message: "is required, like 2026-11-23T12:02:00Z"})
	}
	if len(bad) == 0 {
		switch {
		case !in.ClockOut.After(in.ClockIn):
			bad = append(bad, errs.FieldError{Field: "clock_out", Message: "must be after clock_in"})
		case in.ClockOut.Sub(in.ClockIn) > 16*time.Hour:
			bad = append(bad, errs.FieldError{Field: "clock_out", Message: "is more than 16 hours after clock_in"})
		case in.ClockOut.After(now.Add(5 * time.Minute)):
			bad = append(bad, errs.FieldError{Field: "clock_out", Message: "is in the future"})
		case in.ClockIn.Before(ref.Start.Add(-12*time.Hour)) || in.ClockIn.After(ref.End.Add(12*time.Hour)):
			bad = append(bad, errs.FieldError{Field: "clock_in", Message: "is more than 12 hours away from the shift"})
		}
	}
	brk := s.deductedBreak(ref.BreakMinutes)
	if in.BreakMinutes != nil {
		brk = *in.BreakMinutes
		if brk < 0 || brk > 240 {
			bad = append(bad, errs.FieldError{Field: "break_minutes", Message: "must be between 0 and 240"})
		}
	}
	if len(in.Reason) > 500 {
		bad = append(bad, errs.FieldError{Field: "reason", Message: "is at most 500 characters"})
	}
	if len(bad) > 0 {
		return Attendance{}, errs.Fields(bad...)
	}
	cin, cout := in.ClockIn.UTC().Truncate(time.Second), in.ClockOut.UTC().Truncate(time.Second)
	return s.changeAttendance(ctx, by, ref, in.Reason, func(r *attendanceRow) {
		r.ClockIn, r.ClockOut, r.Status, r.BreakMinutes = &cin, &cout, Worked, brk
	})
}

// MarkNoShow records that the employee did not come. Over recorded times
// it is a correction and needs a reason.
func (s *Service) MarkNoShow(ctx context.Context, by auth.Principal, shiftID, reason string) (Attendance, error) {
	ref, err := s.anyShift(ctx, shiftID)
	if err != nil {
		return Attendance{}, err
	}
	if ref.EmployeeID == "" {
		return Attendance{}, errs.E(errs.RuleViolation, "Nobody is assigned to this shift.")
	}
	if s.now().Before(ref.Start) {
		return Attendance{}, errs.E(errs.RuleViolation, "This shift has not started yet (it starts at %s); a no-show can only be marked once it has.", hhmm(ref.Start))
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		return Attendance{}, errs.Fields(errs.FieldError{Field: "reason", Message: "is at most 500 characters"})
	}
	return s.changeAttendance(ctx, by, ref, reason, func(r *attendanceRow) {
		r.ClockIn, r.ClockOut, r.Status = nil, nil, NoShow
	})
}

// changeAttendance creates or corrects a shift's attendance in one
// transaction, keeping a correction record with the reason.
func (s *Service) changeAttendance(ctx context.Context, by auth.Principal, ref ShiftRef, reason string, apply func(*attendanceRow)) (Attendance, error) {
	now := s.now().UTC()
	workDate := civil.In(ref.Start, civil.London)
	var out attendanceRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.refuseIfClosed(ctx, tx, workDate, "an attendance change"); err != nil {
			return err
		}
		if err := s.lockTimesheet(ctx, tx, ref.EmployeeID, workDate); err != nil {
			return err
		}
		row, found, err := s.attendanceByShift(ctx, tx, ref.ID)
		if err != nil {
			return err
		}
		if !found {
			row = attendanceRow{ID: database.NewID(), ShiftID: ref.ID, EmployeeID: ref.EmployeeID, SiteID: ref.SiteID, SiteName: ref.SiteName,
				ScheduledStart: ref.Start.UTC(), ScheduledEnd: ref.End.UTC(), BreakMinutes: s.deductedBreak(ref.BreakMinutes),
				Source: FromSupervisor, WorkDate: workDate, Version: 1, CreatedAt: now, UpdatedAt: now}
			apply(&row)
			if err := tx.Create(&row).Error; err != nil {
				if database.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "Someone recorded this shift at the same moment; reload and try again.")
				}
				return err
			}
			out = row
			// Times first recorded after approval change the pay as much
			// as a correction does: keep them as an adjustment too.
			return s.adjustIfApproved(ctx, tx, by.Name, attendanceRow{Status: ""}, row, reason, now)
		}
		if reason == "" {
			return errs.Fields(errs.FieldError{Field: "reason", Message: "is required to correct recorded times (for example \"forgot to clock out\")"})
		}
		before := row
		beforeMinutes, _ := before.paid()
		apply(&row)
		// A corrected row is paid as recorded (span): work out its pay as
		// corrected, or the clamp to the scheduled times would still apply
		// and the difference would be lost.
		row.Corrected = true
		afterMinutes, _ := row.paid()
		approved, err := s.timesheetApproved(ctx, tx, row.EmployeeID, workDate)
		if err != nil {
			return err
		}
		res := tx.Model(&attendanceRow{}).Where("id = ? AND version = ?", row.ID, row.Version).Updates(map[string]any{
			"clock_in": row.ClockIn, "clock_out": row.ClockOut, "status": row.Status, "break_minutes": row.BreakMinutes,
			"corrected": true, "version": row.Version + 1, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This attendance changed at the same moment; reload and try again.")
		}
		row.Version++
		c := correctionRow{ID: database.NewID(), AttendanceID: row.ID, EmployeeID: row.EmployeeID, WorkDate: workDate,
			OldStatus: before.Status, NewStatus: row.Status, OldClockIn: before.ClockIn, OldClockOut: before.ClockOut,
			NewClockIn: row.ClockIn, NewClockOut: row.ClockOut, OldBreak: before.BreakMinutes, NewBreak: row.BreakMinutes,
			Reason: reason, AfterApproval: approved, DeltaMinutes: afterMinutes - beforeMinutes, CorrectedBy: by.Name, CreatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		out = row
		return nil
	})
	if err != nil {
		return Attendance{}, err
	}
	return out.attendance(), nil
}

// adjustIfApproved keeps a change to a shift's times that no correction
// record covers (times first recorded, or a phone clock-out, after the
// timesheet was approved) as an adjustment, so that approved minutes plus
// the adjustments are always the minutes paid.
func (s *Service) adjustIfApproved(ctx context.Context, tx *gorm.DB, byName string, before, after attendanceRow, reason string, now time.Time) error {
	beforeMinutes, _ := before.paid()
	afterMinutes, _ := after.paid()
	if afterMinutes == beforeMinutes {
		return nil
	}
	approved, err := s.timesheetApproved(ctx, tx, after.EmployeeID, after.WorkDate)
	if err != nil || !approved {
		return err
	}
	c := correctionRow{ID: database.NewID(), AttendanceID: after.ID, EmployeeID: after.EmployeeID, WorkDate: after.WorkDate,
		OldStatus: before.Status, NewStatus: after.Status, OldClockIn: before.ClockIn, OldClockOut: before.ClockOut,
		NewClockIn: after.ClockIn, NewClockOut: after.ClockOut, OldBreak: before.BreakMinutes, NewBreak: after.BreakMinutes,
		Reason: reason, AfterApproval: true, DeltaMinutes: afterMinutes - beforeMinutes, CorrectedBy: byName, CreatedAt: now}
	return tx.Create(&c).Error
}

// lockTimesheet makes sure the employee's timesheet for the period of d
// exists and takes it for this transaction by moving its version
// (PostgreSQL holds the row lock until commit; SQLite serialises writers).
// A change of pay and the approval of its timesheet then always see each
// other: an approval that read the timesheet before the change fails its
// version check and is refused, and a change made after an approval reads
// it (timesheetApproved, after this) and is kept as an adjustment.
func (s *Service) lockTimesheet(ctx context.Context, tx *gorm.DB, employeeID string, d civil.Date) error {
	p := s.cal.PeriodOf(d)
	row := timesheetRow{ID: database.NewID(), EmployeeID: employeeID, Period: p.Key, StartDate: p.Start, EndDate: p.End,
		Status: TimesheetOpen, Version: 1, CreatedAt: s.now().UTC()}
	if err := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return err
	}
	return tx.WithContext(ctx).Model(&timesheetRow{}).Where("employee_id = ? AND period = ?", employeeID, p.Key).
		Update("version", gorm.Expr("version + 1")).Error
}

func (s *Service) timesheetApproved(ctx context.Context, db *gorm.DB, employeeID string, d civil.Date) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Model(&timesheetRow{}).Where("employee_id = ? AND period = ? AND status = ?", employeeID, s.cal.PeriodOf(d).Key, "approved").Count(&n).Error
	return n > 0, err
}

// AttendanceDay is a supervisor's view of one day: every assigned shift,
// with what was recorded (nil when nothing yet).
type AttendanceDay struct {
	Date  civil.Date       `json:"date"`
	Items []AttendanceItem `json:"items"`
}

// AttendanceItem is one shift on the attendance sheet.
type AttendanceItem struct {
	ShiftID      string      `json:"shift_id"`
	EmployeeID   string      `json:"employee_id"`
	EmployeeName string      `json:"employee_name"`
	SiteName     string      `json:"site_name"`
	Start        time.Time   `json:"start"`
	End          time.Time   `json:"end"`
	Attendance   *Attendance `json:"attendance"`
	// Ended: the shift is over, so a missing clock-out or a no-show is
	// worth a supervisor's attention; while it runs, neither is shown.
	Ended bool `json:"ended"`
}

// AttendanceOn lists the day's assigned shifts and their attendance.
func (s *Service) AttendanceOn(ctx context.Context, d civil.Date) (AttendanceDay, error) {
	day := AttendanceDay{Date: d, Items: []AttendanceItem{}}
	var rows []attendanceRow
	if err := s.db.WithContext(ctx).Where("work_date = ?", d).Find(&rows).Error; err != nil {
		return day, err
	}
	byShift := map[string]attendanceRow{}
	for _, r := range rows {
		byShift[r.ShiftID] = r
	}
	seen := map[string]bool{}
	if s.shifts != nil {
		refs, err := s.shifts.AssignedShifts(ctx, d.Time(civil.London), d.AddDays(1).Time(civil.London), "")
		if err != nil {
			return day, err
		}
		for _, ref := range refs {
			if civil.In(ref.Start, civil.London) != d || ref.EmployeeID == "" {
				continue
			}
			it := AttendanceItem{ShiftID: ref.ID, EmployeeID: ref.EmployeeID, SiteName: ref.SiteName, Start: ref.Start.UTC(), End: ref.End.UTC()}
			if r, ok := byShift[ref.ID]; ok {
				a := r.attendance()
				it.Attendance = &a
			}
			seen[ref.ID] = true
			day.Items = append(day.Items, it)
		}
	}
	for _, r := range rows {
		if seen[r.ShiftID] {
			continue
		}
		a := r.attendance()
		day.Items = append(day.Items, AttendanceItem{ShiftID: r.ShiftID, EmployeeID: r.EmployeeID, SiteName: r.SiteName,
			Start: r.ScheduledStart.UTC(), End: r.ScheduledEnd.UTC(), Attendance: &a})
	}
	ids := make([]string, 0, len(day.Items))
	for _, it := range day.Items {
		ids = append(ids, it.EmployeeID)
	}
	names, err := s.names(ctx, ids)
	if err != nil {
		return day, err
	}
	for i := range day.Items {
		day.Items[i].EmployeeName = names[day.Items[i].EmployeeID]
	}
	now := s.now()
	for i := range day.Items {
		day.Items[i].Ended = !now.Before(day.Items[i].End)
	}
	sort.SliceStable(day.Items, func(i, j int) bool {
		if !day.Items[i].Start.Equal(day.Items[j].Start) {
			return day.Items[i].Start.Before(day.Items[j].Start)
		}
		return day.Items[i].EmployeeName < day.Items[j].EmployeeName
	})
	return day, nil
}

func (s *Service) names(ctx context.Context, ids []string) (map[string]string, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return s.people.Names(ctx, slices.Compact(ids))
}

// MyShiftToday is the employee's shift to clock in or out of now: one in
// progress or starting within the clock window, else the next today.
type MyShiftToday struct {
	ShiftID     string      `json:"shift_id"`
	SiteName    string      `json:"site_name"`
	Start       time.Time   `json:"start"`
	End         time.Time   `json:"end"`
	Attendance  *Attendance `json:"attendance"`
	CanClockIn  bool        `json:"can_clock_in"`
	CanClockOut bool        `json:"can_clock_out"`
	OpensAt     time.Time   `json:"opens_at"`
	// UndoUntil is when the clock-out can no longer be undone (zero: it
	// cannot be now; clockout.go).
	UndoUntil time.Time `json:"undo_until,omitzero"`
}

// TodaysShifts lists the employee's shifts today with what they can do.
func (s *Service) TodaysShifts(ctx context.Context, employeeID string) ([]MyShiftToday, error) {
	if s.shifts == nil {
		return nil, nil
	}
	now := s.now()
	today := civil.In(now, civil.London)
	refs, err := s.shifts.AssignedShifts(ctx, today.Time(civil.London), today.AddDays(1).Time(civil.London), employeeID)
	if err != nil {
		return nil, err
	}
	var out []MyShiftToday
	for _, ref := range refs {
		if ref.Cancelled || ref.EmployeeID != employeeID {
			continue
		}
		m := MyShiftToday{ShiftID: ref.ID, SiteName: ref.SiteName, Start: ref.Start.UTC(), End: ref.End.UTC(), OpensAt: ref.Start.Add(-s.clockWindow).UTC()}
		row, found, err := s.attendanceByShift(ctx, s.db, ref.ID)
		if err != nil {
			return nil, err
		}
		if found {
			a := row.attendance()
			m.Attendance = &a
			m.CanClockOut = row.Status == ClockedIn && !now.After(row.ScheduledEnd.Add(LateClockOut))
			if until := undoableUntil(row); !until.IsZero() && !now.After(until) {
				m.UndoUntil = until
			}
		} else {
			m.CanClockIn = !now.Before(m.OpensAt) && now.Before(ref.End)
		}
		out = append(out, m)
	}
	return out, nil
}

// Corrections lists the corrections to an employee's attendance in a
// period, oldest first.
func (s *Service) corrections(ctx context.Context, db *gorm.DB, employeeIDs []string, p Period) ([]correctionRow, error) {
	q := db.WithContext(ctx).Where("work_date >= ? AND work_date <= ?", p.Start, p.End).Order("created_at, id")
	if employeeIDs != nil {
		q = q.Where("employee_id IN ?", employeeIDs)
	}
	var rows []correctionRow
	return rows, q.Find(&rows).Error
}

func describeCorrection(c correctionRow) string {
	t := func(p *time.Time) string {
		if p == nil {
			return "–"
		}
		return hhmm(*p)
	}
	switch {
	case c.OldStatus == "" && c.NewStatus == Worked:
		return fmt.Sprintf("recorded %s–%s", t(c.NewClockIn), t(c.NewClockOut))
	case c.NewStatus == NoShow:
		return "marked no-show"
	case c.OldStatus == NoShow:
		return fmt.Sprintf("no-show corrected to %s–%s", t(c.NewClockIn), t(c.NewClockOut))
	}
	return fmt.Sprintf("%s–%s corrected to %s–%s", t(c.OldClockIn), t(c.OldClockOut), t(c.NewClockIn), t(c.NewClockOut))
}
