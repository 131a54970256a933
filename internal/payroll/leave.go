package payroll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// Leave requests (docs/payroll.md, "Leave"): an employee asks for holiday
// (whole days, half days at either end, or some hours on one day) or
// another absence type the organisation enables; a supervisor approves or
// declines. Approval records the payroll absence and, in the same
// transaction, sends the employee's shifts on those dates back to the open
// pool (LeaveRota). Like every absence, a request is dates and a type:
// there is no reason field, for sickness or anything else.

// Leave request states.
const (
	LeavePending   = "pending"
	LeaveApproved  = "approved"
	LeaveDeclined  = "declined"
	LeaveCancelled = "cancelled"
)

// Part days of a holiday request.
const (
	PartWhole    = ""           // every day in full
	PartHalfFrom = "half_start" // the first day is a half day
	PartHalfTo   = "half_end"   // the last day is a half day
	PartHalfBoth = "half_both"  // both are
	PartHours    = "hours"      // some hours on a single day
)

// StatutoryWeeksTenths is 5.6 weeks, in tenths.
const StatutoryWeeksTenths = 56

// DefaultLeaveYearStartMonth: unless the organisation sets another month,
// the leave year runs from 1 April to 31 March (the leave years the 2024
// irregular-hours rules speak of start on 1 April).
const DefaultLeaveYearStartMonth = 4

// LeaveShift is one of the employee's shifts on the dates of a request.
type LeaveShift struct {
	ID        string    `json:"id"`
	SiteName  string    `json:"site_name"`
	Start     time.Time `json:"starts_at"`
	End       time.Time `json:"ends_at"`
	Published bool      `json:"published"`
}

// LeaveRota is the rota as leave requests see it; internal/app satisfies
// it. ReleaseIn runs inside the approval's transaction tx.
type LeaveRota interface {
	// AffectedShifts lists the employee's assigned shifts, published or
	// draft, starting on the London dates [from, to].
	AffectedShifts(ctx context.Context, employeeID string, from, to civil.Date) ([]LeaveShift, error)
	// ReleaseIn sends those that have not started back to the open pool.
	ReleaseIn(tx *gorm.DB, employeeID string, from, to civil.Date) ([]string, error)
	// Released tells the supervisors, with a plan to cover exactly ids.
	Released(ctx context.Context, subject, body string, ids []string)
	// Away is told, after the commit, that the employee is now away on
	// some days: the rota cancels (and tells both people of) any pending
	// swap request involving them that can no longer complete.
	Away(ctx context.Context, employeeID string)
}

// Notifier delivers an in-app notification (and a push where wanted).
type Notifier interface {
	Notify(ctx context.Context, ids []string, subject, body, link string) error
}

// UseLeave wires the rota and the notifier for leave requests (internal/app).
func (s *Service) UseLeave(r LeaveRota, n Notifier) { s.leaveRota, s.notifier = r, n }

type leaveRequestRow struct {
	ID           string `gorm:"primaryKey"`
	EmployeeID   string
	Kind         string
	StartDate    civil.Date
	EndDate      civil.Date
	Part         string
	DayMinutes   int
	Minutes      int
	WeekdaysOnly bool
	Status       string
	Message      string
	DecidedBy    string
	DecidedAt    *time.Time
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (leaveRequestRow) TableName() string { return "leave_requests" }

type leaveSettingsRow struct {
	ID             int `gorm:"primaryKey"`
	EnabledTypes   string
	YearStartMonth int
	UpdatedBy      string
	UpdatedAt      time.Time
}

func (leaveSettingsRow) TableName() string { return "leave_settings" }

// LeaveRequest is one request, as the employee and the supervisor see it.
type LeaveRequest struct {
	ID           string     `json:"id"`
	EmployeeID   string     `json:"employee_id"`
	EmployeeName string     `json:"employee_name,omitempty"`
	Type         string     `json:"type"`
	From         civil.Date `json:"from"`
	To           civil.Date `json:"to"`
	Part         string     `json:"part"`
	DayMinutes   int        `json:"day_minutes"`
	// Minutes is the holiday asked for (0 for other types).
	Minutes   int          `json:"minutes"`
	Status    string       `json:"status"`
	Message   string       `json:"message,omitempty"`
	DecidedBy string       `json:"decided_by,omitempty"`
	DecidedAt *time.Time   `json:"decided_at,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	Shifts    []LeaveShift `json:"shifts,omitempty"`
	// Cancellable: the employee may still cancel it.
	Cancellable bool `json:"cancellable"`
}

func (r leaveRequestRow) request(today civil.Date) LeaveRequest {
	out := LeaveRequest{ID: r.ID, EmployeeID: r.EmployeeID, Type: r.Kind, From: r.StartDate, To: r.EndDate, Part: r.Part,
		DayMinutes: r.DayMinutes, Minutes: r.Minutes, Status: r.Status, Message: r.Message, DecidedBy: r.DecidedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.DecidedAt != nil {
		t := r.DecidedAt.UTC()
		out.DecidedAt = &t
	}
	out.Cancellable = r.Status == LeavePending || (r.Status == LeaveApproved && r.StartDate.After(today))
	return out
}

// Dates is the request's dates in plain words: "Thu 24 Dec" or "Thu 24 Dec to Mon 28 Dec".
func (r LeaveRequest) Dates() string { return datesText(r.From, r.To) }

// TypeLabel is the type in plain words.
func (r LeaveRequest) TypeLabel() string { return AbsenceLabel(r.Type) }

// PartLabel says which part of the days is asked for, in plain words ("" for whole days).
func (r LeaveRequest) PartLabel() string {
	switch r.Part {
	case PartHalfFrom:
		return "half day on " + r.From.Format("Mon 2 Jan")
	case PartHalfTo:
		return "half day on " + r.To.Format("Mon 2 Jan")
	case PartHalfBoth:
		return "half days on " + r.From.Format("Mon 2 Jan") + " and " + r.To.Format("Mon 2 Jan")
	case PartHours:
		return FormatMinutes(r.Minutes) + " on the day"
	}
	return ""
}

// StatusLabel is the state in plain words.
func (r LeaveRequest) StatusLabel() string {
	switch r.Status {
	case LeavePending:
		return "Waiting for a decision"
	case LeaveApproved:
		return "Approved"
	case LeaveDeclined:
		return "Declined"
	case LeaveCancelled:
		return "Cancelled"
	}
	return r.Status
}

// AbsenceLabel is an absence type in plain words.
func AbsenceLabel(kind string) string {
	switch kind {
	case Holiday:
		return "Holiday"
	case Sick:
		return "Sickness"
	case Unpaid:
		return "Unpaid leave"
	case Authorised:
		return "Authorised absence"
	}
	return kind
}

func datesText(from, to civil.Date) string {
	if from == to {
		return from.Format("Mon 2 Jan")
	}
	return from.Format("Mon 2 Jan") + " to " + to.Format("Mon 2 Jan")
}

// LeaveSettings is what the organisation allows employees to ask for.
type LeaveSettings struct {
	// EnabledTypes always holds holiday and sick.
	EnabledTypes []string `json:"enabled_types"`
	// YearStartMonth: the leave year starts on the 1st of this month (1-12).
	YearStartMonth int        `json:"year_start_month"`
	UpdatedBy      string     `json:"updated_by,omitempty"`
	UpdatedAt      *time.Time `json:"updated_at,omitempty"`
}

// LeaveSettingsInput changes the settings.
type LeaveSettingsInput struct {
	EnabledTypes   []string `json:"enabled_types"`
	YearStartMonth int      `json:"year_start_month"`
}

// LeaveSettings reads the settings (the defaults until someone saves them).
func (s *Service) LeaveSettings(ctx context.Context) (LeaveSettings, error) {
	return s.leaveSettings(ctx, s.db)
}

func (s *Service) leaveSettings(ctx context.Context, db *gorm.DB) (LeaveSettings, error) {
	var rows []leaveSettingsRow
	if err := db.WithContext(ctx).Where("id = 1").Find(&rows).Error; err != nil {
		return LeaveSettings{}, err
	}
	if len(rows) == 0 {
		return LeaveSettings{EnabledTypes: []string{Holiday, Sick}, YearStartMonth: DefaultLeaveYearStartMonth}, nil
	}
	r := rows[0]
	out := LeaveSettings{EnabledTypes: enabledTypes(strings.Split(r.EnabledTypes, ",")), YearStartMonth: r.YearStartMonth, UpdatedBy: r.UpdatedBy}
	at := r.UpdatedAt.UTC()
	out.UpdatedAt = &at
	return out, nil
}

// enabledTypes is types in form order, with holiday and sick always on.
func enabledTypes(types []string) []string {
	out := []string{}
	for _, t := range AbsenceTypes {
		if t == Holiday || t == Sick || slices.Contains(types, t) {
			out = append(out, t)
		}
	}
	return out
}

// SetLeaveSettings saves the settings (admin or finance).
func (s *Service) SetLeaveSettings(ctx context.Context, by auth.Principal, in LeaveSettingsInput) (LeaveSettings, error) {
	var bad []errs.FieldError
	for _, t := range in.EnabledTypes {
		if !slices.Contains(AbsenceTypes, t) {
			bad = append(bad, errs.FieldError{Field: "enabled_types", Message: "Choose from holiday, sickness, unpaid leave and authorised absence."})
			break
		}
	}
	if in.YearStartMonth == 0 {
		in.YearStartMonth = DefaultLeaveYearStartMonth
	}
	if in.YearStartMonth < 1 || in.YearStartMonth > 12 {
		bad = append(bad, errs.FieldError{Field: "year_start_month", Message: "Choose a month from 1 (January) to 12 (December)."})
	}
	if len(bad) > 0 {
		return LeaveSettings{}, errs.Fields(bad...)
	}
	row := leaveSettingsRow{ID: 1, EnabledTypes: strings.Join(enabledTypes(in.EnabledTypes), ","), YearStartMonth: in.YearStartMonth,
		UpdatedBy: by.Name, UpdatedAt: s.now().UTC()}
	if err := s.db.WithContext(ctx).Save(&row).Error; err != nil {
		return LeaveSettings{}, err
	}
	return s.LeaveSettings(ctx)
}

// LeaveYear is the leave year holding d: from the 1st of the start month.
func LeaveYear(d civil.Date, startMonth int) (from, to civil.Date) {
	y := d.Year
	if int(d.Month) < startMonth {
		y--
	}
	from = civil.D(y, time.Month(startMonth), 1)
	return from, civil.D(y+1, time.Month(startMonth), 1).AddDays(-1)
}

// LeaveBalance is an employee's holiday in the current leave year, in minutes.
type LeaveBalance struct {
	YearFrom       civil.Date `json:"year_from"`
	YearTo         civil.Date `json:"year_to"`
	IrregularHours bool       `json:"irregular_hours"`
	// WorkedMinutes is paid attendance so far this leave year (the basis of
	// accrual for irregular-hours staff).
	WorkedMinutes int `json:"worked_minutes"`
	// EntitlementMinutes is holiday accrued so far (irregular hours: 12.07%
	// of WorkedMinutes) or the year's entitlement (contracted: 5.6 weeks of
	// contracted hours, pro rata for a part year).
	EntitlementMinutes int `json:"entitlement_minutes"`
	// TakenMinutes: approved holiday on days before today; BookedMinutes:
	// approved holiday from today on; PendingMinutes: waiting for a decision.
	TakenMinutes   int `json:"taken_minutes"`
	BookedMinutes  int `json:"booked_minutes"`
	PendingMinutes int `json:"pending_minutes"`
	// RemainingMinutes = entitlement − taken − booked; AfterPendingMinutes
	// takes the pending requests off too.
	RemainingMinutes    int `json:"remaining_minutes"`
	AfterPendingMinutes int `json:"after_pending_minutes"`
	// Basis says how the entitlement is worked out, in plain words.
	Basis string `json:"basis"`
}

// LeaveBalance works out the employee's balance on today's date (the injected clock).
func (s *Service) LeaveBalance(ctx context.Context, by auth.Principal, employeeID string) (LeaveBalance, error) {
	if !canSeeEmployee(by, employeeID) {
		return LeaveBalance{}, ErrEmployeeNotFound
	}
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return LeaveBalance{}, err
	}
	set, err := s.LeaveSettings(ctx)
	if err != nil {
		return LeaveBalance{}, err
	}
	return s.balance(ctx, s.db, p, set, civil.In(s.now(), civil.London))
}

func (s *Service) balance(ctx context.Context, db *gorm.DB, p people.Person, set LeaveSettings, today civil.Date) (LeaveBalance, error) {
	b := LeaveBalance{}
	b.YearFrom, b.YearTo = LeaveYear(today, set.YearStartMonth)
	e := p.Employee
	b.IrregularHours = e.ContractType == people.ZeroHours
	if b.IrregularHours {
		var rows []attendanceRow
		if err := db.WithContext(ctx).Where("employee_id = ? AND status = ? AND work_date >= ? AND work_date <= ?", p.ID, Worked, b.YearFrom, today).
			Find(&rows).Error; err != nil {
			return b, err
		}
		for _, r := range rows {
			m, _ := r.paid()
			b.WorkedMinutes += m
		}
		b.EntitlementMinutes = HolidayAccrual(b.WorkedMinutes)
		b.Basis = fmt.Sprintf("12.07%% of the %s you have worked since %s.", FormatMinutes(b.WorkedMinutes), b.YearFrom.Format("Mon 2 Jan 2006"))
	} else {
		from, to := b.YearFrom, b.YearTo
		if e.StartDate.After(from) {
			from = e.StartDate
		}
		if !e.EndDate.IsZero() && e.EndDate.Before(to) {
			to = e.EndDate
		}
		yearDays := b.YearFrom.DaysUntil(b.YearTo) + 1
		if !to.Before(from) {
			days := from.DaysUntil(to) + 1
			num := int64(e.ContractedMinutesPerWeek) * StatutoryWeeksTenths * int64(days)
			den := int64(10 * yearDays)
			b.EntitlementMinutes = int((2*num + den) / (2 * den)) // to the nearest minute
		}
		b.Basis = fmt.Sprintf("5.6 weeks of your %s a week", FormatMinutes(e.ContractedMinutesPerWeek))
		if from != b.YearFrom || to != b.YearTo {
			b.Basis += fmt.Sprintf(", for the part of the leave year you work here (%s to %s)", from.Format("Mon 2 Jan 2006"), to.Format("Mon 2 Jan 2006"))
		}
		b.Basis += "."
	}
	abs, err := s.absenceRows(ctx, db, []string{p.ID}, b.YearFrom, b.YearTo)
	if err != nil {
		return b, err
	}
	for _, a := range abs {
		if a.Kind != Holiday {
			continue
		}
		for d := maxDate(a.StartDate, b.YearFrom); !d.After(a.EndDate) && !d.After(b.YearTo); d = d.AddDays(1) {
			if d.Before(today) {
				b.TakenMinutes += a.PaidMinutes
			} else {
				b.BookedMinutes += a.PaidMinutes
			}
		}
	}
	var pending []leaveRequestRow
	if err := db.WithContext(ctx).Where("employee_id = ? AND status = ? AND kind = ? AND end_date >= ? AND start_date <= ?",
		p.ID, LeavePending, Holiday, b.YearFrom, b.YearTo).Find(&pending).Error; err != nil {
		return b, err
	}
	for _, r := range pending {
		b.PendingMinutes += r.Minutes
	}
	b.RemainingMinutes = b.EntitlementMinutes - b.TakenMinutes - b.BookedMinutes
	b.AfterPendingMinutes = b.RemainingMinutes - b.PendingMinutes
	return b, nil
}

// LeaveInput is a request for leave. There is deliberately no reason field.
type LeaveInput struct {
	Type string     `json:"type"`
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"` // empty: one day
	// Part: "" whole days, "half_start", "half_end", "half_both", or
	// "hours" (Minutes on a single day). Holiday only.
	Part    string `json:"part"`
	Minutes int    `json:"minutes"`
	// DayMinutes is a full day of holiday. Contracted staff may leave it
	// out (their contracted weekly hours ÷ 5); irregular-hours staff give it.
	DayMinutes int `json:"day_minutes"`
}

// dayMinutes is the holiday counted on each day of a request, in order.
func (r leaveRequestRow) dayMinutes() []int {
	n := r.StartDate.DaysUntil(r.EndDate) + 1
	out := make([]int, n)
	if r.Kind != Holiday {
		return out
	}
	if r.Part == PartHours {
		out[0] = r.Minutes
		return out
	}
	for i := range out {
		d := r.StartDate.AddDays(i)
		if r.WeekdaysOnly && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
			continue
		}
		m := r.DayMinutes
		if (i == 0 && (r.Part == PartHalfFrom || r.Part == PartHalfBoth)) || (i == n-1 && (r.Part == PartHalfTo || r.Part == PartHalfBoth)) {
			m /= 2
		}
		out[i] = m
	}
	return out
}

// RequestLeave records an employee's own request, pending a decision.
func (s *Service) RequestLeave(ctx context.Context, by auth.Principal, in LeaveInput) (LeaveRequest, error) {
	if !by.Has(auth.Employee) {
		return LeaveRequest{}, ErrEmployeeNotFound
	}
	p, err := s.employee(ctx, by.ID)
	if err != nil {
		return LeaveRequest{}, err
	}
	set, err := s.LeaveSettings(ctx)
	if err != nil {
		return LeaveRequest{}, err
	}
	today := civil.In(s.now(), civil.London)
	row, err := checkLeave(in, p, set, today)
	if err != nil {
		return LeaveRequest{}, err
	}
	now := s.now().UTC()
	row.ID, row.EmployeeID, row.Status, row.Version, row.CreatedAt, row.UpdatedAt = database.NewID(), p.ID, LeavePending, 1, now, now
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := database.LockPeople(tx, p.ID); err != nil {
			return err
		}
		if err := s.refuseLeaveOverlap(ctx, tx, p.ID, row.StartDate, row.EndDate, ""); err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return LeaveRequest{}, err
	}
	return row.request(today), nil
}

// checkLeave validates a request and works out its hours.
func checkLeave(in LeaveInput, p people.Person, set LeaveSettings, today civil.Date) (leaveRequestRow, error) {
	var bad []errs.FieldError
	if !slices.Contains(set.EnabledTypes, in.Type) {
		names := make([]string, len(set.EnabledTypes))
		for i, t := range set.EnabledTypes {
			names[i] = strings.ToLower(AbsenceLabel(t))
		}
		list := names[0]
		if n := len(names); n > 1 {
			list = strings.Join(names[:n-1], ", ") + " or " + names[n-1]
		}
		bad = append(bad, errs.FieldError{Field: "type", Message: "Choose " + list + "."})
	}
	if in.From.IsZero() {
		bad = append(bad, errs.FieldError{Field: "from", Message: "Enter the first day, like 24 December 2026."})
	}
	if in.To.IsZero() {
		in.To = in.From
	}
	if !in.From.IsZero() {
		yFrom, yTo := LeaveYear(in.From, set.YearStartMonth)
		switch {
		case in.From.Before(today):
			bad = append(bad, errs.FieldError{Field: "from", Message: "Leave can be asked for from today on; ask your supervisor about days already past."})
		case in.To.Before(in.From):
			bad = append(bad, errs.FieldError{Field: "to", Message: "The last day is before the first day."})
		case in.To.After(yTo) || in.From.Before(yFrom):
			bad = append(bad, errs.FieldError{Field: "to", Message: fmt.Sprintf("A request stays within one leave year (to %s); ask for the rest separately.", yTo.Format("Mon 2 Jan 2006"))})
		}
	}
	row := leaveRequestRow{Kind: in.Type, StartDate: in.From, EndDate: in.To, Part: in.Part}
	switch in.Part {
	case PartWhole, PartHalfFrom, PartHalfTo, PartHalfBoth, PartHours:
	default:
		bad = append(bad, errs.FieldError{Field: "part", Message: "Choose whole days, a half day, or some hours on one day."})
	}
	if in.Type != Holiday {
		if in.Part != PartWhole || in.Minutes != 0 || in.DayMinutes != 0 {
			bad = append(bad, errs.FieldError{Field: "part", Message: "Part days and hours are for holiday only."})
		}
	} else if in.Part == PartHours {
		if in.From != in.To {
			bad = append(bad, errs.FieldError{Field: "part", Message: "Some hours are for a single day: make the first and last day the same."})
		}
		if in.Minutes < 1 || in.Minutes > 12*60 {
			bad = append(bad, errs.FieldError{Field: "minutes", Message: "Enter the hours, like 3:30 (up to 12 hours)."})
		}
		row.Minutes = in.Minutes
	} else {
		if in.Minutes != 0 {
			bad = append(bad, errs.FieldError{Field: "minutes", Message: "Hours on one day go with \"Some hours on one day\"."})
		}
		contracted := p.Employee.ContractType == people.Contracted
		row.DayMinutes = in.DayMinutes
		if row.DayMinutes == 0 && contracted && p.Employee.ContractedMinutesPerWeek > 0 {
			row.DayMinutes = p.Employee.ContractedMinutesPerWeek / 5
		}
		row.WeekdaysOnly = contracted
		switch {
		case row.DayMinutes == 0:
			bad = append(bad, errs.FieldError{Field: "day_minutes", Message: "Enter the hours of a normal working day for you, like 7:30."})
		case row.DayMinutes < 0 || row.DayMinutes > 12*60:
			bad = append(bad, errs.FieldError{Field: "day_minutes", Message: "A day is up to 12 hours."})
		}
		if in.Part != PartWhole && in.From == in.To && in.Part != PartHalfFrom && in.Part != PartHalfTo {
			bad = append(bad, errs.FieldError{Field: "part", Message: "For one day, choose a half day or some hours."})
		}
	}
	if len(bad) > 0 {
		return row, errs.Fields(bad...)
	}
	if in.Type == Holiday {
		if in.Part != PartHours {
			row.Minutes = 0
			for _, m := range row.dayMinutes() {
				row.Minutes += m
			}
		}
		if row.Minutes == 0 {
			return row, errs.Fields(errs.FieldError{Field: "from", Message: "These dates hold no working days (Saturdays and Sundays count no holiday)."})
		}
	}
	return row, nil
}

// refuseLeaveOverlap refuses dates that overlap another pending or approved
// request, or an absence already recorded (except: the request self).
func (s *Service) refuseLeaveOverlap(ctx context.Context, tx *gorm.DB, employeeID string, from, to civil.Date, self string) error {
	var reqs []leaveRequestRow
	q := tx.WithContext(ctx).Where("employee_id = ? AND status IN ? AND start_date <= ? AND end_date >= ?", employeeID,
		[]string{LeavePending, LeaveApproved}, to, from)
	if self != "" {
		q = q.Where("id <> ?", self)
	}
	if err := q.Limit(1).Find(&reqs).Error; err != nil {
		return err
	}
	if len(reqs) > 0 {
		r := reqs[0]
		return errs.E(errs.Conflict, "You already have %s %s (%s) on some of these days.", strings.ToLower(AbsenceLabel(r.Kind)),
			datesText(r.StartDate, r.EndDate), strings.ToLower(r.request(civil.Date{}).StatusLabel()))
	}
	var abs []absenceRow
	if err := tx.WithContext(ctx).Where("employee_id = ? AND start_date <= ? AND end_date >= ?", employeeID, to, from).Limit(1).Find(&abs).Error; err != nil {
		return err
	}
	if len(abs) > 0 {
		return errs.E(errs.Conflict, "An absence is already recorded for %s; choose other days.", datesText(maxDate(abs[0].StartDate, from), minDate(abs[0].EndDate, to)))
	}
	return nil
}

var (
	errNoLeave  = errs.E(errs.NotFound, "There is no such leave request.")
	errOwnLeave = errs.E(errs.Forbidden, "Another supervisor decides your own leave.")
)

// MyLeave lists the employee's own requests, newest first.
func (s *Service) MyLeave(ctx context.Context, by auth.Principal) ([]LeaveRequest, error) {
	var rows []leaveRequestRow
	if err := s.db.WithContext(ctx).Where("employee_id = ?", by.ID).Order("start_date DESC, created_at DESC").Limit(200).Find(&rows).Error; err != nil {
		return nil, err
	}
	today := civil.In(s.now(), civil.London)
	out := make([]LeaveRequest, len(rows))
	for i, r := range rows {
		out[i] = r.request(today)
	}
	return out, nil
}

// LeaveRequests lists requests for supervisors: status "" is every state
// (newest first, the last 200); pending ones list the affected shifts.
func (s *Service) LeaveRequests(ctx context.Context, status string) ([]LeaveRequest, error) {
	q := s.db.WithContext(ctx)
	switch status {
	case "":
		q = q.Order("created_at DESC").Limit(200)
	case LeavePending, LeaveApproved, LeaveDeclined, LeaveCancelled:
		q = q.Where("status = ?", status).Order("start_date, created_at").Limit(500)
	default:
		return nil, errs.Fields(errs.FieldError{Field: "status", Message: "Choose pending, approved, declined or cancelled."})
	}
	var rows []leaveRequestRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.EmployeeID)
	}
	names, err := s.names(ctx, ids)
	if err != nil {
		return nil, err
	}
	today := civil.In(s.now(), civil.London)
	out := make([]LeaveRequest, len(rows))
	for i, r := range rows {
		out[i] = r.request(today)
		out[i].EmployeeName = names[r.EmployeeID]
		if r.Status == LeavePending && s.leaveRota != nil {
			if out[i].Shifts, err = s.leaveRota.AffectedShifts(ctx, r.EmployeeID, r.StartDate, r.EndDate); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (s *Service) leaveRow(ctx context.Context, db *gorm.DB, id string) (leaveRequestRow, error) {
	if !database.ValidID(id) {
		return leaveRequestRow{}, errNoLeave
	}
	var row leaveRequestRow
	err := db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errNoLeave
	}
	return row, err
}

// decided refuses a decision on a request that is no longer pending.
func decided(r leaveRequestRow) error {
	return errs.E(errs.Conflict, "This request is no longer waiting for a decision: it is %s.", strings.ToLower(r.request(civil.Date{}).StatusLabel()))
}

// ApproveLeave approves a pending request. In one transaction, after
// locking the person: the request becomes approved, the payroll absences
// are recorded (holiday with the hours asked for on each day) and the
// person's shifts on those dates go back to the open pool. Then the
// employee is told, and the supervisors get a plan to cover the shifts.
func (s *Service) ApproveLeave(ctx context.Context, by auth.Principal, id string) (LeaveRequest, error) {
	row, err := s.leaveRow(ctx, s.db, id)
	if err != nil {
		return LeaveRequest{}, err
	}
	if row.EmployeeID == by.ID {
		return LeaveRequest{}, errOwnLeave
	}
	now := s.now().UTC()
	var released []string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		released = nil
		if err := database.LockPeople(tx, row.EmployeeID); err != nil {
			return err
		}
		cur, err := s.leaveRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status != LeavePending {
			return decided(cur)
		}
		if err := s.refuseIfClosed(ctx, tx, cur.StartDate, "leave"); err != nil {
			return err
		}
		var abs []absenceRow
		if err := tx.Where("employee_id = ? AND start_date <= ? AND end_date >= ?", cur.EmployeeID, cur.EndDate, cur.StartDate).Limit(1).Find(&abs).Error; err != nil {
			return err
		}
		if len(abs) > 0 {
			return errs.E(errs.Conflict, "An absence has been recorded on some of these days since the request; decline it or remove that absence first.")
		}
		res := tx.Model(&leaveRequestRow{}).Where("id = ? AND status = ? AND version = ?", id, LeavePending, cur.Version).
			Updates(map[string]any{"status": LeaveApproved, "decided_by": by.Name, "decided_at": now, "version": cur.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This request changed while you were deciding; look again.")
		}
		for _, a := range absenceRuns(cur) {
			a.ID, a.RecordedBy, a.CreatedAt = database.NewID(), by.Name, now
			if err := tx.Create(&a).Error; err != nil {
				return err
			}
		}
		if s.leaveRota != nil {
			if released, err = s.leaveRota.ReleaseIn(tx, cur.EmployeeID, cur.StartDate, cur.EndDate); err != nil {
				return err
			}
		}
		row = cur
		return nil
	})
	if err != nil {
		return LeaveRequest{}, err
	}
	row, err = s.leaveRow(ctx, s.db, id)
	if err != nil {
		return LeaveRequest{}, err
	}
	dates := datesText(row.StartDate, row.EndDate)
	s.tell(ctx, row.EmployeeID, "Leave approved", fmt.Sprintf("Your %s on %s is approved.", strings.ToLower(AbsenceLabel(row.Kind)), dates))
	if s.leaveRota != nil {
		s.leaveRota.Away(ctx, row.EmployeeID)
	}
	if s.leaveRota != nil && len(released) > 0 {
		name := "Someone"
		if names, err := s.names(ctx, []string{row.EmployeeID}); err == nil && names[row.EmployeeID] != "" {
			name = names[row.EmployeeID]
		}
		s.leaveRota.Released(ctx, "Shifts to cover: leave approved",
			fmt.Sprintf("%s is away on %s. %d shift(s) went back to the open pool.", name, dates, len(released)), released)
	}
	return row.request(civil.In(s.now(), civil.London)), nil
}

// absenceRuns is the absences an approved request records: one for each
// run of days with the same hours.
func absenceRuns(r leaveRequestRow) []absenceRow {
	mins := r.dayMinutes()
	var out []absenceRow
	for i := 0; i < len(mins); {
		j := i
		for j+1 < len(mins) && mins[j+1] == mins[i] {
			j++
		}
		out = append(out, absenceRow{EmployeeID: r.EmployeeID, Kind: r.Kind, StartDate: r.StartDate.AddDays(i), EndDate: r.StartDate.AddDays(j),
			PaidMinutes: mins[i], LeaveRequestID: r.ID})
		i = j + 1
	}
	return out
}

// LeaveDecision is a supervisor's optional words on a decline.
type LeaveDecision struct {
	Message string `json:"message"`
}

// DeclineLeave declines a pending request, with an optional message to the employee.
func (s *Service) DeclineLeave(ctx context.Context, by auth.Principal, id string, in LeaveDecision) (LeaveRequest, error) {
	msg := strings.TrimSpace(in.Message)
	if utf8.RuneCountInString(msg) > 500 {
		return LeaveRequest{}, errs.Fields(errs.FieldError{Field: "message", Message: "Keep the message to 500 characters."})
	}
	row, err := s.leaveRow(ctx, s.db, id)
	if err != nil {
		return LeaveRequest{}, err
	}
	if row.EmployeeID == by.ID {
		return LeaveRequest{}, errOwnLeave
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := database.LockPeople(tx, row.EmployeeID); err != nil {
			return err
		}
		cur, err := s.leaveRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status != LeavePending {
			return decided(cur)
		}
		res := tx.Model(&leaveRequestRow{}).Where("id = ? AND status = ? AND version = ?", id, LeavePending, cur.Version).
			Updates(map[string]any{"status": LeaveDeclined, "message": msg, "decided_by": by.Name, "decided_at": now, "version": cur.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This request changed while you were deciding; look again.")
		}
		return nil
	})
	if err != nil {
		return LeaveRequest{}, err
	}
	if row, err = s.leaveRow(ctx, s.db, id); err != nil {
		return LeaveRequest{}, err
	}
	body := fmt.Sprintf("Your %s on %s is declined.", strings.ToLower(AbsenceLabel(row.Kind)), datesText(row.StartDate, row.EndDate))
	if msg != "" {
		body += " " + by.Name + " says: " + msg
	}
	s.tell(ctx, row.EmployeeID, "Leave declined", body)
	return row.request(civil.In(s.now(), civil.London)), nil
}

// CancelLeave is the employee cancelling their own request: while it is
// pending, or once approved until the day before it starts (the absences
// it recorded are removed; shifts already released stay in the open pool).
func (s *Service) CancelLeave(ctx context.Context, by auth.Principal, id string) (LeaveRequest, error) {
	row, err := s.leaveRow(ctx, s.db, id)
	if err != nil {
		return LeaveRequest{}, err
	}
	if row.EmployeeID != by.ID {
		return LeaveRequest{}, errNoLeave
	}
	now := s.now().UTC()
	today := civil.In(now, civil.London)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := database.LockPeople(tx, row.EmployeeID); err != nil {
			return err
		}
		cur, err := s.leaveRow(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case cur.Status == LeavePending:
		case cur.Status == LeaveApproved && cur.StartDate.After(today):
			if err := s.refuseIfClosed(ctx, tx, cur.StartDate, "leave"); err != nil {
				return err
			}
			if err := tx.Where("leave_request_id = ?", cur.ID).Delete(&absenceRow{}).Error; err != nil {
				return err
			}
		case cur.Status == LeaveApproved:
			return errs.E(errs.Conflict, "This leave has started, so it cannot be cancelled here; speak to your supervisor.")
		default:
			return errs.E(errs.Conflict, "This request is already %s.", strings.ToLower(cur.request(today).StatusLabel()))
		}
		res := tx.Model(&leaveRequestRow{}).Where("id = ? AND status = ? AND version = ?", id, cur.Status, cur.Version).
			Updates(map[string]any{"status": LeaveCancelled, "version": cur.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This request changed meanwhile; look again.")
		}
		return nil
	})
	if err != nil {
		return LeaveRequest{}, err
	}
	if row, err = s.leaveRow(ctx, s.db, id); err != nil {
		return LeaveRequest{}, err
	}
	return row.request(today), nil
}

// tell notifies one person; the decision stands even if the note cannot be sent.
func (s *Service) tell(ctx context.Context, personID, subject, body string) {
	if s.notifier == nil {
		return
	}
	_ = s.notifier.Notify(ctx, []string{personID}, subject, body, "/me/leave")
}

// HM writes minutes as hours and minutes, "37h 12m" ("-3h 00m" when over).
func (b LeaveBalance) HM(m int) string { return FormatMinutes(m) }

// HM is the holiday asked for, as hours and minutes.
func (r LeaveRequest) HM() string { return FormatMinutes(r.Minutes) }
