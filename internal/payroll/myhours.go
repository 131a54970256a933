package payroll

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// My hours (issue 17): an employee's own shifts in a pay period on a phone,
// each with its planned and clocked times, paid time, break and state in
// words, and a way to query one with the supervisors. It is built from the
// employee's timesheet (EmployeeTimesheet), so the figures are the ones
// payroll pays; shifts still to come are added from the rota.

// My-hours shift states.
const (
	HoursWorked    = "worked"
	HoursNoShow    = "no_show"
	HoursClockedIn = "clocked_in"
	HoursComing    = "coming_up"
	HoursNoRecord  = "no_record"
)

// MaxQueryNote is the longest note a query may carry, in characters.
const MaxQueryNote = 500

// MaxHoursRangeDays is the longest range GET /api/v1/me/hours answers for.
const MaxHoursRangeDays = 93

// Query reasons: what the employee says is wrong.
var QueryReasons = []QueryReason{
	{"times_wrong", "My clock-in or clock-out time is wrong"},
	{"missing", "A time is missing"},
	{"break_wrong", "The break is wrong"},
	{"paid_wrong", "The paid time looks wrong"},
	{"other", "Something else"},
}

// QueryReason is one choice on the query form.
type QueryReason struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

func reasonLabel(key string) string {
	for _, r := range QueryReasons {
		if r.Key == key {
			return r.Label
		}
	}
	return ""
}

// Query statuses.
const (
	QueryOpen     = "open"
	QueryAnswered = "answered"
)

type hoursQueryRow struct {
	ID         string `gorm:"primaryKey"`
	EmployeeID string
	ShiftID    string
	WorkDate   civil.Date
	SiteName   string
	Reason     string
	Note       string
	Status     string
	AnsweredBy string
	AnsweredAt *time.Time
	CreatedAt  time.Time
}

func (hoursQueryRow) TableName() string { return "hours_queries" }

// HoursQuery is an employee's query about one shift.
type HoursQuery struct {
	ID          string     `json:"id"`
	EmployeeID  string     `json:"employee_id"`
	ShiftID     string     `json:"shift_id"`
	Date        civil.Date `json:"date"`
	DateLabel   string     `json:"date_label"`
	SiteName    string     `json:"site_name"`
	Reason      string     `json:"reason"`
	ReasonLabel string     `json:"reason_label"`
	Note        string     `json:"note"`
	Status      string     `json:"status"`
	AnsweredBy  string     `json:"answered_by,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	// Label says where it stands: "Queried on Thu 24 Dec — waiting".
	Label string `json:"label"`
}

func (r hoursQueryRow) query() HoursQuery {
	q := HoursQuery{ID: r.ID, EmployeeID: r.EmployeeID, ShiftID: r.ShiftID, Date: r.WorkDate, DateLabel: r.WorkDate.Format("Mon 2 Jan"),
		SiteName: r.SiteName, Reason: r.Reason, ReasonLabel: reasonLabel(r.Reason), Note: r.Note, Status: r.Status,
		AnsweredBy: r.AnsweredBy, CreatedAt: r.CreatedAt.UTC()}
	asked := civil.In(r.CreatedAt, civil.London).Format("Mon 2 Jan")
	if r.Status == QueryAnswered {
		q.Label = "Queried on " + asked + " — answered"
		if r.AnsweredBy != "" {
			q.Label += " by " + r.AnsweredBy
		}
	} else {
		q.Label = "Queried on " + asked + " — waiting"
	}
	return q
}

// MyHours is an employee's shifts and totals between two dates (a pay
// period on the page).
type MyHours struct {
	From        civil.Date    `json:"from"`
	To          civil.Date    `json:"to"`
	Label       string        `json:"label"`
	Period      *Period       `json:"period,omitempty"` // when the range is one pay period
	Shifts      []MyHoursLine `json:"shifts"`
	Totals      MyHoursTotals `json:"totals"`
	Permitted   *MyPermitted  `json:"permitted,omitempty"`
	HasEmployee bool          `json:"-"`
}

// MyHoursLine is one shift on My hours.
type MyHoursLine struct {
	ShiftID      string      `json:"shift_id"`
	Date         civil.Date  `json:"date"`
	DateLabel    string      `json:"date_label"` // "Thu 24 Dec"
	SiteName     string      `json:"site_name"`
	Planned      string      `json:"planned"`               // "18:00–22:30"
	ClockedIn    string      `json:"clocked_in,omitempty"`  // "17:58"
	ClockedOut   string      `json:"clocked_out,omitempty"` // "22:31"
	PaidMinutes  int         `json:"paid_minutes"`
	Paid         string      `json:"paid"` // "4 h 30"
	BreakMinutes int         `json:"break_minutes"`
	Break        string      `json:"break"` // "20 min", "none"
	State        string      `json:"state"`
	StateLabel   string      `json:"state_label"`
	Corrected    bool        `json:"corrected"`
	CanQuery     bool        `json:"can_query"`
	Query        *HoursQuery `json:"query,omitempty"`
}

// MyHoursTotals are the range's totals.
type MyHoursTotals struct {
	PaidMinutes   int    `json:"paid_minutes"`
	Paid          string `json:"paid"`
	BreakMinutes  int    `json:"break_minutes"`
	ShiftsWorked  int    `json:"shifts_worked"`
	NoShows       int    `json:"no_shows"`
	ComingUp      int    `json:"coming_up"`
	ComingMinutes int    `json:"coming_up_minutes"`
	OpenQueries   int    `json:"open_queries"`
	ComingUpHours string `json:"coming_up_hours"`
}

// HoursHM writes minutes the way My hours says them: "12 h 30", "16 h", "45 min".
func HoursHM(m int) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	switch {
	case m < 60:
		return fmt.Sprintf("%s%d min", sign, m)
	case m%60 == 0:
		return fmt.Sprintf("%s%d h", sign, m/60)
	}
	return fmt.Sprintf("%s%d h %02d", sign, m/60, m%60)
}

// PeriodFor is the pay period with the key, or the current one for "".
func (s *Service) PeriodFor(key string) (Period, error) {
	if strings.TrimSpace(key) == "" {
		return s.CurrentPeriod(), nil
	}
	return s.cal.Parse(key)
}

// RecentPeriods is the current pay period and the n before it, newest first.
func (s *Service) RecentPeriods(n int) []Period {
	p := s.CurrentPeriod()
	out := []Period{p}
	for range n {
		p = s.cal.Previous(p)
		out = append(out, p)
	}
	return out
}

// MyHoursIn is the employee's own hours in a pay period ("" = the current one).
func (s *Service) MyHoursIn(ctx context.Context, by auth.Principal, periodKey string) (MyHours, error) {
	p, err := s.PeriodFor(periodKey)
	if err != nil {
		return MyHours{}, err
	}
	h, err := s.MyHoursBetween(ctx, by, p.Start, p.End)
	if err != nil {
		return MyHours{}, err
	}
	h.Period = &p
	return h, nil
}

// MyHoursBetween is the employee's own hours between two dates (both
// included, at most MaxHoursRangeDays). Only the signed-in employee's: there
// is no way to ask for someone else's.
func (s *Service) MyHoursBetween(ctx context.Context, by auth.Principal, from, to civil.Date) (MyHours, error) {
	if !by.Has(auth.Employee) {
		return MyHours{}, ErrEmployeeNotFound
	}
	if to.Before(from) {
		return MyHours{}, errs.E(errs.Invalid, "The end date %s is before the start date %s.", to.Format("Mon 2 Jan 2006"), from.Format("Mon 2 Jan 2006"))
	}
	if from.DaysUntil(to) >= MaxHoursRangeDays {
		return MyHours{}, errs.E(errs.Invalid, "Ask for at most %d days at a time.", MaxHoursRangeDays)
	}
	h := MyHours{From: from, To: to, Label: from.Format("Mon 2 Jan") + " to " + to.Format("Mon 2 Jan 2006"), Shifts: []MyHoursLine{}}
	if _, err := s.employee(ctx, by.ID); errs.CodeOf(err) == errs.NotFound {
		return h, nil // signed in as an employee without an employee record: nothing to show
	} else if err != nil {
		return MyHours{}, err
	}
	h.HasEmployee = true
	now := s.now()
	recorded := map[string]bool{}
	for p := s.cal.PeriodOf(from); !p.Start.After(to); p = s.cal.PeriodOf(p.End.AddDays(1)) {
		t, err := s.EmployeeTimesheet(ctx, by, by.ID, p.Key)
		if err != nil {
			return MyHours{}, err
		}
		for _, ts := range t.Shifts {
			recorded[ts.ShiftID] = true
			if ts.Date.Before(from) || ts.Date.After(to) {
				continue
			}
			h.Shifts = append(h.Shifts, recordedLine(ts))
		}
	}
	if s.shifts != nil {
		refs, err := s.shifts.AssignedShifts(ctx, from.Time(civil.London), to.AddDays(1).Time(civil.London), by.ID)
		if err != nil {
			return MyHours{}, err
		}
		for _, ref := range refs {
			d := civil.In(ref.Start, civil.London)
			if recorded[ref.ID] || ref.Cancelled || ref.EmployeeID != by.ID || d.Before(from) || d.After(to) {
				continue
			}
			l := MyHoursLine{ShiftID: ref.ID, Date: d, DateLabel: d.Format("Mon 2 Jan"), SiteName: ref.SiteName,
				Planned: hhmm(ref.Start) + "–" + hhmm(ref.End), Paid: "—", Break: "—"}
			if ref.Start.After(now) {
				l.State, l.StateLabel = HoursComing, "Coming up"
				parts, _ := WorkedParts(ref.Start, ref.End, s.deductedBreak(ref.BreakMinutes))
				for _, p := range parts {
					h.Totals.ComingMinutes += p.Minutes
				}
				h.Totals.ComingUp++
			} else {
				l.State, l.StateLabel = HoursNoRecord, "No clock-in recorded yet"
				l.CanQuery = true
			}
			h.Shifts = append(h.Shifts, l)
		}
	}
	sort.SliceStable(h.Shifts, func(i, j int) bool {
		if h.Shifts[i].Date != h.Shifts[j].Date {
			return h.Shifts[i].Date.Before(h.Shifts[j].Date)
		}
		return h.Shifts[i].Planned < h.Shifts[j].Planned
	})
	queries, err := s.latestQueries(ctx, by.ID, from, to)
	if err != nil {
		return MyHours{}, err
	}
	for i := range h.Shifts {
		l := &h.Shifts[i]
		if q, ok := queries[l.ShiftID]; ok {
			l.Query = &q
			if q.Status == QueryOpen {
				l.CanQuery = false
				h.Totals.OpenQueries++
			}
		}
		switch l.State {
		case HoursWorked:
			h.Totals.ShiftsWorked++
			h.Totals.PaidMinutes += l.PaidMinutes
			h.Totals.BreakMinutes += l.BreakMinutes
		case HoursNoShow:
			h.Totals.NoShows++
		}
	}
	h.Totals.Paid = HoursHM(h.Totals.PaidMinutes)
	h.Totals.ComingUpHours = HoursHM(h.Totals.ComingMinutes)
	perm, err := s.MyPermittedWeek(ctx, by, civil.In(now, civil.London))
	if err != nil {
		return MyHours{}, err
	}
	h.Permitted = perm
	return h, nil
}

// recordedLine is a shift payroll has a record of, in words.
func recordedLine(ts TimesheetShift) MyHoursLine {
	l := MyHoursLine{ShiftID: ts.ShiftID, Date: ts.Date, DateLabel: ts.Date.Format("Mon 2 Jan"), SiteName: ts.SiteName,
		Planned: hhmm(ts.ScheduledStart) + "–" + hhmm(ts.ScheduledEnd), PaidMinutes: ts.PaidMinutes, BreakMinutes: ts.BreakMinutes,
		Corrected: ts.Corrected, CanQuery: true, Paid: "—", Break: "—"}
	if ts.Start != nil {
		l.ClockedIn = hhmm(*ts.Start)
	}
	if ts.End != nil {
		l.ClockedOut = hhmm(*ts.End)
	}
	switch ts.Status {
	case Worked:
		l.State, l.StateLabel = HoursWorked, "Worked"
		if ts.Corrected {
			l.StateLabel = "Worked (times corrected by a supervisor)"
		}
		l.Paid = HoursHM(ts.PaidMinutes)
		l.Break = "none"
		if ts.BreakMinutes > 0 {
			l.Break = HoursHM(ts.BreakMinutes) + " unpaid"
		}
	case ClockedIn:
		l.State, l.StateLabel = HoursClockedIn, "Clocked in, not clocked out"
	case NoShow:
		l.State, l.StateLabel = HoursNoShow, "Marked as not attended"
	}
	return l
}

// latestQueries is the employee's newest query per shift in the range.
func (s *Service) latestQueries(ctx context.Context, employeeID string, from, to civil.Date) (map[string]HoursQuery, error) {
	var rows []hoursQueryRow
	if err := s.db.WithContext(ctx).Where("employee_id = ? AND work_date >= ? AND work_date <= ?", employeeID, from.AddDays(-1), to.AddDays(1)).
		Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]HoursQuery{}
	for _, r := range rows {
		out[r.ShiftID] = r.query() // later rows replace earlier ones
	}
	return out, nil
}

// QueryInput is what an employee says about a shift.
type QueryInput struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// CheckQuery validates a query: a known reason, a note of at most
// MaxQueryNote characters of ordinary text (required for "other").
// Each problem is keyed by its field, in plain words.
func CheckQuery(in QueryInput) (QueryInput, []errs.FieldError) {
	in.Reason = strings.TrimSpace(in.Reason)
	in.Note = strings.TrimSpace(in.Note)
	var bad []errs.FieldError
	if reasonLabel(in.Reason) == "" {
		bad = append(bad, errs.FieldError{Field: "reason", Message: "Choose what is wrong with this shift."})
	}
	switch {
	case !utf8.ValidString(in.Note):
		bad = append(bad, errs.FieldError{Field: "note", Message: "The note can only hold ordinary text."})
	case utf8.RuneCountInString(in.Note) > MaxQueryNote:
		bad = append(bad, errs.FieldError{Field: "note", Message: fmt.Sprintf("Keep the note to %d characters or fewer (it has %d).", MaxQueryNote, utf8.RuneCountInString(in.Note))})
	case strings.IndexFunc(in.Note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		bad = append(bad, errs.FieldError{Field: "note", Message: "The note can only hold ordinary text."})
	case in.Reason == "other" && in.Note == "":
		bad = append(bad, errs.FieldError{Field: "note", Message: "Say in a few words what is wrong."})
	}
	return in, bad
}

// QueryNotifier puts messages in people's inboxes inside the caller's
// transaction (notify.Service.NotifyTx).
type QueryNotifier interface {
	NotifyTx(ctx context.Context, tx *gorm.DB, personIDs []string, subject, body, link string) error
}

// Supervisors lists the people to tell about a query (people.Service.List).
type Supervisors interface {
	List(ctx context.Context, f people.Filter) ([]people.Person, error)
}

// UseQueryInbox wires where hours queries go (internal/app).
func (s *Service) UseQueryInbox(n QueryNotifier, sup Supervisors) {
	s.queryNotifier, s.supervisors = n, sup
}

// ErrQueryNotFound is an unknown query, or one the caller may not see.
var ErrQueryNotFound = errs.E(errs.NotFound, "There is no such query.")

// QueryShift is an employee querying one of their own shifts that has
// started (worked, missed or without a record). Every active supervisor
// (but the employee) gets one inbox message linking to the employee's
// timesheet, in the same transaction that stores the query. A second open
// query on the same shift is refused.
func (s *Service) QueryShift(ctx context.Context, by auth.Principal, shiftID string, in QueryInput) (HoursQuery, error) {
	if !by.Has(auth.Employee) || !database.ValidID(shiftID) {
		return HoursQuery{}, ErrShiftNotFound
	}
	in, bad := CheckQuery(in)
	if len(bad) > 0 {
		return HoursQuery{}, errs.E(errs.Invalid, "%s", bad[0].Message).WithDetails(bad)
	}
	// The shift: as payroll recorded it, or else as the rota has it.
	row := hoursQueryRow{ID: database.NewID(), EmployeeID: by.ID, ShiftID: shiftID, Reason: in.Reason, Note: in.Note,
		Status: QueryOpen, CreatedAt: s.now().UTC()}
	att, found, err := s.attendanceByShift(ctx, s.db, shiftID)
	if err != nil {
		return HoursQuery{}, err
	}
	var start time.Time
	if found {
		if att.EmployeeID != by.ID {
			return HoursQuery{}, ErrShiftNotFound
		}
		row.WorkDate, row.SiteName, start = att.WorkDate, att.SiteName, att.ScheduledStart
	} else {
		ref, err := s.ownShift(ctx, by, shiftID)
		if err != nil {
			return HoursQuery{}, err
		}
		if ref.Cancelled {
			return HoursQuery{}, ErrShiftNotFound
		}
		row.WorkDate, row.SiteName, start = civil.In(ref.Start, civil.London), ref.SiteName, ref.Start
	}
	if start.After(s.now()) {
		return HoursQuery{}, errs.E(errs.RuleViolation, "This shift has not started yet; you can query it once you have worked it.")
	}
	var to []string
	if s.supervisors != nil {
		sups, err := s.supervisors.List(ctx, people.Filter{Role: auth.Supervisor, ActiveOnly: true})
		if err != nil {
			return HoursQuery{}, err
		}
		for _, p := range sups {
			if p.ID != by.ID {
				to = append(to, p.ID)
			}
		}
	}
	period := s.cal.PeriodOf(row.WorkDate)
	day := row.WorkDate.Format("Mon 2 Jan")
	body := fmt.Sprintf("%s queried their hours for %s at %s: %s.", by.Name, day, row.SiteName, strings.TrimSuffix(reasonLabel(row.Reason), "."))
	if row.Note != "" {
		body += " They wrote: “" + row.Note + "”"
	}
	link := "/payroll/timesheets/" + by.ID + "/" + period.Key + "#queries"
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "You have already queried this shift; a supervisor will answer it.")
			}
			return err
		}
		if s.queryNotifier == nil || len(to) == 0 {
			return nil
		}
		return s.queryNotifier.NotifyTx(ctx, tx, to, "Hours query from "+by.Name, body, link)
	})
	if err != nil {
		return HoursQuery{}, err
	}
	return row.query(), nil
}

// QueriesFor is an employee's queries about shifts in a pay period, for
// the employee themselves and for supervisors and finance (404 otherwise).
func (s *Service) QueriesFor(ctx context.Context, by auth.Principal, employeeID string, period Period) ([]HoursQuery, error) {
	if !canSeeEmployee(by, employeeID) {
		return nil, ErrEmployeeNotFound
	}
	var rows []hoursQueryRow
	if err := s.db.WithContext(ctx).Where("employee_id = ? AND work_date >= ? AND work_date <= ?", employeeID, period.Start, period.End).
		Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]HoursQuery, len(rows))
	for i, r := range rows {
		out[i] = r.query()
	}
	return out, nil
}

// AnswerQuery is a supervisor marking a query answered (after talking to
// the employee or correcting the times). The employee is told in their
// inbox. Answering twice is a conflict.
func (s *Service) AnswerQuery(ctx context.Context, by auth.Principal, id string) (HoursQuery, error) {
	if !by.Has(auth.Supervisor) || !database.ValidID(id) {
		return HoursQuery{}, ErrQueryNotFound
	}
	var row hoursQueryRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return HoursQuery{}, ErrQueryNotFound
	}
	if err != nil {
		return HoursQuery{}, err
	}
	if row.EmployeeID == by.ID {
		return HoursQuery{}, errs.E(errs.RuleViolation, "You cannot answer your own query; another supervisor must.")
	}
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&hoursQueryRow{}).Where("id = ? AND status = ?", id, QueryOpen).
			Updates(map[string]any{"status": QueryAnswered, "answered_by": by.Name, "answered_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "This query was already marked answered.")
		}
		if s.queryNotifier == nil {
			return nil
		}
		period := s.cal.PeriodOf(row.WorkDate)
		return s.queryNotifier.NotifyTx(ctx, tx, []string{row.EmployeeID}, "Hours query answered",
			fmt.Sprintf("%s marked your query about %s at %s answered.", by.Name, row.WorkDate.Format("Mon 2 Jan"), row.SiteName),
			"/payroll/my-hours?period="+period.Key)
	})
	if err != nil {
		return HoursQuery{}, err
	}
	row.Status, row.AnsweredBy, row.AnsweredAt = QueryAnswered, by.Name, &now
	return row.query(), nil
}

// MyPermitted is an employee's own week against their permitted-work
// limits, in plain words. It names no benefit.
type MyPermitted struct {
	WeekStart         civil.Date  `json:"week_start"`
	WeekLabel         string      `json:"week_label"` // "Mon 23 Nov to Sun 29 Nov"
	WorkedMinutes     int         `json:"worked_minutes"`
	RosteredMinutes   int         `json:"rostered_minutes"`
	TotalMinutes      int         `json:"total_minutes"`
	MaxWeeklyMinutes  int         `json:"max_weekly_minutes"`
	EstimatedEarnings money.Pence `json:"estimated_earnings_pence"`
	MaxWeeklyEarnings money.Pence `json:"max_weekly_earnings_pence"`
	Status            string      `json:"status"` // ok, warning (near), over
	// Hours and Earnings are the two lines: "12 h 30 of your 16 h limit this week".
	Hours    string `json:"hours,omitempty"`
	Earnings string `json:"earnings,omitempty"`
	Summary  string `json:"summary"` // both in one sentence
	Advice   string `json:"advice"`
}

// MyPermittedWeek is the signed-in employee's week (Monday to Sunday,
// containing on) against their permitted-work limits: hours worked plus
// published shifts still to come, and estimated earnings at their rate,
// from the same calculation as the finance monitor. nil when they have no
// permitted-work record for that week. Only ever the caller's own.
func (s *Service) MyPermittedWeek(ctx context.Context, by auth.Principal, on civil.Date) (*MyPermitted, error) {
	if !by.Has(auth.Employee) || by.ID == "" {
		return nil, nil
	}
	var rec permittedWorkRow
	err := s.db.WithContext(ctx).Where("employee_id = ?", by.ID).Take(&rec).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	w := WeekStart(on)
	weeks, err := s.permittedWeeks(ctx, []permittedWorkRow{rec}, w, w)
	if err != nil || len(weeks) == 0 {
		return nil, err
	}
	return describePermitted(weeks[0]), nil
}

// describePermitted says a week against its limits in words.
func describePermitted(pw PermittedWorkWeek) *MyPermitted {
	m := &MyPermitted{WeekStart: pw.WeekStart, WeekLabel: pw.WeekStart.Format("Mon 2 Jan") + " to " + pw.WeekStart.AddDays(6).Format("Mon 2 Jan"),
		WorkedMinutes: pw.WorkedMinutes, RosteredMinutes: pw.PlannedMinutes, TotalMinutes: pw.WorkedMinutes + pw.PlannedMinutes,
		MaxWeeklyMinutes: pw.MaxWeeklyMinutes, EstimatedEarnings: pw.EstimatedEarnings, MaxWeeklyEarnings: pw.MaxWeeklyEarnings, Status: pw.Status}
	var parts []string
	if m.MaxWeeklyMinutes > 0 {
		m.Hours = HoursHM(m.TotalMinutes) + " of your " + HoursHM(m.MaxWeeklyMinutes) + " limit this week"
		parts = append(parts, m.Hours)
	}
	if m.MaxWeeklyEarnings > 0 {
		m.Earnings = "about " + pounds((m.EstimatedEarnings+50)/100*100) + " of " + pounds(m.MaxWeeklyEarnings)
		parts = append(parts, m.Earnings)
	}
	m.Summary = strings.Join(parts, "; ")
	switch m.Status {
	case OverLimit:
		m.Advice = "Your shifts this week would take you past your limit. Talk to your supervisor before you work them, or give one up."
	case NearLimit:
		m.Advice = "You are close to your limit this week. Check before you take another shift."
	default:
		m.Advice = "You are within your limit this week."
	}
	return m
}

// pounds is an amount rounded to whole pounds when it has no pence worth
// showing: "£152", "£203.50".
func pounds(p money.Pence) string {
	if p%100 == 0 {
		return fmt.Sprintf("£%d", p/100)
	}
	return p.String()
}
