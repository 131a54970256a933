package payroll

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// Timesheet statuses.
const (
	TimesheetOpen     = "open"
	TimesheetApproved = "approved"
)

// Timesheet is one employee's pay period: shifts worked, absences, hours by
// day and — for finance and the employee — pay.
type Timesheet struct {
	ID              string                `json:"id"`
	EmployeeID      string                `json:"employee_id"`
	EmployeeName    string                `json:"employee_name"`
	WorksNumber     string                `json:"works_number"`
	IrregularHours  bool                  `json:"irregular_hours"`
	Period          Period                `json:"period"`
	PeriodClosed    bool                  `json:"period_closed"`
	Status          string                `json:"status"`
	ApprovedBy      string                `json:"approved_by,omitempty"`
	ApprovedAt      *time.Time            `json:"approved_at,omitempty"`
	ApprovedMinutes int                   `json:"approved_minutes"`
	Shifts          []TimesheetShift      `json:"shifts"`
	Days            []DayPart             `json:"days"`
	Absences        []TimesheetAbsence    `json:"absences"`
	Adjustments     []TimesheetAdjustment `json:"adjustments"`
	Totals          TimesheetTotals       `json:"totals"`
	Warnings        []string              `json:"warnings"`
	// Pay is for finance and the employee themselves; nil for supervisors.
	Pay *TimesheetPay `json:"pay,omitempty"`
}

// TimesheetShift is one shift on a timesheet.
type TimesheetShift struct {
	ShiftID        string     `json:"shift_id"`
	Date           civil.Date `json:"date"`
	SiteName       string     `json:"site_name"`
	ScheduledStart time.Time  `json:"scheduled_start"`
	ScheduledEnd   time.Time  `json:"scheduled_end"`
	Start          *time.Time `json:"start"`
	End            *time.Time `json:"end"`
	BreakMinutes   int        `json:"break_minutes"`
	PaidMinutes    int        `json:"paid_minutes"`
	Status         string     `json:"status"`
	Source         string     `json:"source"`
	Corrected      bool       `json:"corrected"`
	Parts          []DayPart  `json:"parts"`
}

// TimesheetAbsence is an absence clipped to the period.
type TimesheetAbsence struct {
	Type        string     `json:"type"`
	From        civil.Date `json:"from"`
	To          civil.Date `json:"to"`
	Days        int        `json:"days"`
	PaidMinutes int        `json:"paid_minutes"`
	// SSP is the indicator for each sick day ("ssp", "waiting_day", "below_limit").
	SSP []SSPDay `json:"ssp,omitempty"`
}

// SSPDay is a sick day and whether SSP is payable for it.
type SSPDay struct {
	Date      civil.Date `json:"date"`
	Indicator string     `json:"indicator"`
}

// TimesheetAdjustment is a correction made after the timesheet was approved.
type TimesheetAdjustment struct {
	Date         civil.Date `json:"date"`
	Change       string     `json:"change"`
	Reason       string     `json:"reason"`
	DeltaMinutes int        `json:"delta_minutes"`
	Delta        string     `json:"delta"` // DeltaMinutes as signed hours, "+0:30"
	By           string     `json:"by"`
	At           time.Time  `json:"at"`
}

// TimesheetTotals are the hours figures everyone entitled to the timesheet sees.
type TimesheetTotals struct {
	PaidMinutes           int   `json:"paid_minutes"`
	PaidCentiHours        int64 `json:"paid_centi_hours"`
	ShiftsWorked          int   `json:"shifts_worked"`
	NoShows               int   `json:"no_shows"`
	HolidayTakenMinutes   int   `json:"holiday_taken_minutes"`
	HolidayAccruedMinutes int   `json:"holiday_accrued_minutes"`
	SickDays              int   `json:"sick_days"`
	SSPDays               int   `json:"ssp_days"`
	UnpaidDays            int   `json:"unpaid_days"`
	AuthorisedDays        int   `json:"authorised_days"`
}

// TimesheetPay is the money side of a timesheet.
type TimesheetPay struct {
	Lines           []PayLine   `json:"lines"`
	Gross           money.Pence `json:"gross_pence"`
	RolledUpHoliday money.Pence `json:"rolled_up_holiday_pence"`
	Warnings        []string    `json:"warnings"`
}

// Pay line kinds.
const (
	LineBasic    = "basic"
	LineHoliday  = "holiday"
	LineRolledUp = "rolled_up_holiday"
)

// PayLine is hours at a rate, as the payroll software imports it. For
// rolled-up holiday pay CentiHours is 100 and Rate the amount.
type PayLine struct {
	Kind        string      `json:"kind"`
	Description string      `json:"description"`
	Minutes     int         `json:"minutes"`
	CentiHours  int64       `json:"centi_hours"`
	Rate        money.Pence `json:"rate_pence"`
	Amount      money.Pence `json:"amount_pence"`
}

// Hours is the line's hours as the payroll software reads them ("7.42").
func (l PayLine) Hours() string { return FormatCentiHours(l.CentiHours) }

// periodData is everything needed to build many timesheets at once.
type periodData struct {
	db          *gorm.DB // the connection (or transaction) the period was read with
	period      Period
	closed      bool
	attendance  map[string][]attendanceRow
	absences    map[string][]absenceRow
	corrections map[string][]correctionRow
	rates       rateBook
	sheets      map[string]timesheetRow
}

func (s *Service) loadPeriod(ctx context.Context, db *gorm.DB, p Period, employeeIDs []string) (*periodData, error) {
	d := &periodData{db: db, period: p, attendance: map[string][]attendanceRow{}, absences: map[string][]absenceRow{},
		corrections: map[string][]correctionRow{}, sheets: map[string]timesheetRow{}}
	var n int64
	if err := db.WithContext(ctx).Model(&payPeriodRow{}).Where("period = ?", p.Key).Count(&n).Error; err != nil {
		return nil, err
	}
	d.closed = n > 0
	q := db.WithContext(ctx).Where("work_date >= ? AND work_date <= ?", p.Start, p.End).Order("employee_id, scheduled_start, id")
	if employeeIDs != nil {
		q = q.Where("employee_id IN ?", employeeIDs)
	}
	var att []attendanceRow
	if err := q.Find(&att).Error; err != nil {
		return nil, err
	}
	for _, r := range att {
		d.attendance[r.EmployeeID] = append(d.attendance[r.EmployeeID], r)
	}
	abs, err := s.absenceRows(ctx, db, employeeIDs, p.Start, p.End)
	if err != nil {
		return nil, err
	}
	for _, r := range abs {
		d.absences[r.EmployeeID] = append(d.absences[r.EmployeeID], r)
	}
	cors, err := s.corrections(ctx, db, employeeIDs, p)
	if err != nil {
		return nil, err
	}
	for _, c := range cors {
		d.corrections[c.EmployeeID] = append(d.corrections[c.EmployeeID], c)
	}
	if d.rates, err = s.loadRates(ctx, db, employeeIDs); err != nil {
		return nil, err
	}
	q = db.WithContext(ctx).Where("period = ?", p.Key)
	if employeeIDs != nil {
		q = q.Where("employee_id IN ?", employeeIDs)
	}
	var sheets []timesheetRow
	if err := q.Find(&sheets).Error; err != nil {
		return nil, err
	}
	for _, t := range sheets {
		d.sheets[t.EmployeeID] = t
	}
	return d, nil
}

// active reports whether the employee has anything in the period.
func (d *periodData) active(id string) bool {
	_, sheet := d.sheets[id]
	return len(d.attendance[id]) > 0 || len(d.absences[id]) > 0 || sheet
}

// ensureSheets makes a timesheet row for each employee active in the period.
func (s *Service) ensureSheets(ctx context.Context, d *periodData, ids []string) error {
	now := s.now().UTC()
	var rows []timesheetRow
	for _, id := range ids {
		if _, ok := d.sheets[id]; ok {
			continue
		}
		rows = append(rows, timesheetRow{ID: database.NewID(), EmployeeID: id, Period: d.period.Key, StartDate: d.period.Start,
			EndDate: d.period.End, Status: TimesheetOpen, Version: 1, CreatedAt: now})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 200).Error; err != nil {
		return err
	}
	var got []timesheetRow
	for _, chunk := range chunk(ids, 500) {
		var part []timesheetRow
		if err := s.db.WithContext(ctx).Where("period = ? AND employee_id IN ?", d.period.Key, chunk).Find(&part).Error; err != nil {
			return err
		}
		got = append(got, part...)
	}
	for _, t := range got {
		d.sheets[t.EmployeeID] = t
	}
	return nil
}

func chunk(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// build works out one employee's timesheet from the period's data.
func (s *Service) build(ctx context.Context, d *periodData, p people.Person) (Timesheet, error) {
	e := p.Employee
	t := Timesheet{EmployeeID: p.ID, EmployeeName: p.Name, Period: d.period, PeriodClosed: d.closed, Status: TimesheetOpen,
		Shifts: []TimesheetShift{}, Days: []DayPart{}, Absences: []TimesheetAbsence{}, Adjustments: []TimesheetAdjustment{}, Warnings: []string{}}
	if e != nil {
		t.WorksNumber, t.IrregularHours = e.WorksNumber, e.ContractType == people.ZeroHours
	}
	if row, ok := d.sheets[p.ID]; ok {
		t.ID, t.Status, t.ApprovedBy, t.ApprovedMinutes = row.ID, row.Status, row.ApprovedByName, row.ApprovedMinutes
		if row.ApprovedAt != nil {
			at := row.ApprovedAt.UTC()
			t.ApprovedAt = &at
		}
	}
	pay := &TimesheetPay{Lines: []PayLine{}, Warnings: []string{}}
	byDay := map[civil.Date]int{}
	type rateKey struct {
		kind string
		rate money.Pence
	}
	minutesAt := map[rateKey]int{}
	var order []rateKey
	addMinutes := func(k rateKey, m int) {
		if _, ok := minutesAt[k]; !ok {
			order = append(order, k)
		}
		minutesAt[k] += m
	}
	floorWarned := map[string]bool{}
	rateOn := func(day civil.Date) money.Pence {
		r, ok := d.rates.on(p.ID, day)
		if !ok {
			msg := fmt.Sprintf("No pay rate is set for %s on %s.", p.Name, day.Format("2 Jan 2006"))
			if !floorWarned[msg] {
				floorWarned[msg] = true
				pay.Warnings = append(pay.Warnings, msg)
			}
			return 0
		}
		if e != nil {
			if min, band, _ := MinimumFor(*e, r.Apprentice, day); r.HourlyPence < min {
				msg := fmt.Sprintf("%s's rate %s is below the %s of %s on %s.", p.Name, r.HourlyPence, band.Label(), min, day.Format("2 Jan 2006"))
				key := fmt.Sprintf("min %d %s", r.HourlyPence, band)
				if !floorWarned[key] {
					floorWarned[key] = true
					pay.Warnings = append(pay.Warnings, msg)
				}
			}
		}
		if s.policyFloor > 0 && r.HourlyPence < s.policyFloor && !floorWarned["policy"] {
			floorWarned["policy"] = true
			pay.Warnings = append(pay.Warnings, fmt.Sprintf("%s's rate %s is below the policy floor of %s.", p.Name, r.HourlyPence, s.policyFloor))
		}
		return r.HourlyPence
	}
	for _, a := range d.attendance[p.ID] {
		ts := TimesheetShift{ShiftID: a.ShiftID, Date: a.WorkDate, SiteName: a.SiteName, ScheduledStart: a.ScheduledStart.UTC(),
			ScheduledEnd: a.ScheduledEnd.UTC(), Status: a.Status, Source: a.Source, Corrected: a.Corrected, Parts: []DayPart{}}
		if a.ClockIn != nil {
			v := a.ClockIn.UTC()
			ts.Start = &v
		}
		if a.ClockOut != nil {
			v := a.ClockOut.UTC()
			ts.End = &v
		}
		switch a.Status {
		case NoShow:
			t.Totals.NoShows++
		case ClockedIn:
			t.Warnings = append(t.Warnings, fmt.Sprintf("%s at %s: clocked in at %s but not out; a supervisor needs to record the finish time.",
				a.WorkDate.Format("Mon 2 Jan"), a.SiteName, hhmm(*a.ClockIn)))
		case Worked:
			ps, pe := a.span()
			parts, brk := WorkedParts(ps, pe, a.BreakMinutes)
			ts.Parts, ts.BreakMinutes = parts, brk
			t.Totals.ShiftsWorked++
			for _, part := range parts {
				ts.PaidMinutes += part.Minutes
				byDay[part.Date] += part.Minutes
				addMinutes(rateKey{LineBasic, rateOn(part.Date)}, part.Minutes)
			}
			t.Totals.PaidMinutes += ts.PaidMinutes
		}
		t.Shifts = append(t.Shifts, ts)
	}
	holidayPaid := !(s.rolledUp && t.IrregularHours)
	for _, ab := range d.absences[p.ID] {
		from, to := maxDate(ab.StartDate, d.period.Start), minDate(ab.EndDate, d.period.End)
		ta := TimesheetAbsence{Type: ab.Kind, From: from, To: to, Days: from.DaysUntil(to) + 1}
		switch ab.Kind {
		case Holiday:
			ta.PaidMinutes = ab.PaidMinutes * ta.Days
			t.Totals.HolidayTakenMinutes += ta.PaidMinutes
			if holidayPaid && ab.PaidMinutes > 0 {
				for day := from; !day.After(to); day = day.AddDays(1) {
					addMinutes(rateKey{LineHoliday, rateOn(day)}, ab.PaidMinutes)
				}
			}
		case Sick:
			t.Totals.SickDays += ta.Days
			var awe money.Pence
			if SSPRulesOn(from).LowerLimit > 0 {
				w, err := s.averageWeeklyEarnings(ctx, d.db, p.ID, ab.StartDate, d.rates)
				if err != nil {
					return t, err
				}
				awe = w
			}
			for day := from; !day.After(to); day = day.AddDays(1) {
				ind := SSPIndicator(day, ab.StartDate.DaysUntil(day)+1, awe)
				ta.SSP = append(ta.SSP, SSPDay{day, ind})
				if ind == SSPPayable {
					t.Totals.SSPDays++
				}
			}
		case Unpaid:
			t.Totals.UnpaidDays += ta.Days
		case Authorised:
			t.Totals.AuthorisedDays += ta.Days
		}
		t.Absences = append(t.Absences, ta)
	}
	for _, c := range d.corrections[p.ID] {
		if !c.AfterApproval {
			continue
		}
		t.Adjustments = append(t.Adjustments, TimesheetAdjustment{Date: c.WorkDate, Change: describeCorrection(c), Reason: c.Reason,
			DeltaMinutes: c.DeltaMinutes, Delta: signedHM(c.DeltaMinutes), By: c.CorrectedBy, At: c.CreatedAt.UTC()})
	}
	for day, m := range byDay {
		t.Days = append(t.Days, DayPart{day, m})
	}
	sort.Slice(t.Days, func(i, j int) bool { return t.Days[i].Date.Before(t.Days[j].Date) })
	if t.IrregularHours {
		t.Totals.HolidayAccruedMinutes = HolidayAccrual(t.Totals.PaidMinutes)
	}
	var basic money.Pence
	for _, k := range order {
		m := minutesAt[k]
		l := PayLine{Kind: k.kind, Minutes: m, CentiHours: CentiHours(m), Rate: k.rate}
		l.Amount = LinePay(l.CentiHours, l.Rate)
		if k.kind == LineBasic {
			l.Description = "Basic hours at " + k.rate.String()
			t.Totals.PaidCentiHours += l.CentiHours
			basic += l.Amount
		} else {
			l.Description = "Holiday pay at " + k.rate.String()
		}
		pay.Lines = append(pay.Lines, l)
		pay.Gross += l.Amount
	}
	if s.rolledUp && t.IrregularHours && basic > 0 {
		amt := money.Percent(basic, HolidayAccrualBasisPoints, money.HalfUp)
		pay.RolledUpHoliday = amt
		pay.Lines = append(pay.Lines, PayLine{Kind: LineRolledUp, Description: "Rolled-up holiday pay (12.07%)", CentiHours: 100, Rate: amt, Amount: amt})
		pay.Gross += amt
	}
	t.Pay = pay
	return t, nil
}

// averageWeeklyEarnings is the pay for shifts worked in the eight weeks
// before a date, divided by eight (for the SSP lower earnings limit).
func (s *Service) averageWeeklyEarnings(ctx context.Context, db *gorm.DB, employeeID string, before civil.Date, rates rateBook) (money.Pence, error) {
	var rows []attendanceRow
	err := db.WithContext(ctx).Where("employee_id = ? AND status = ? AND work_date >= ? AND work_date < ?",
		employeeID, Worked, before.AddDays(-56), before).Find(&rows).Error
	if err != nil {
		return 0, err
	}
	var total money.Pence
	for _, r := range rows {
		ps, pe := r.span()
		parts, _ := WorkedParts(ps, pe, r.BreakMinutes)
		for _, p := range parts {
			if rate, ok := rates.on(employeeID, p.Date); ok {
				total += money.MulDiv(rate.HourlyPence, int64(p.Minutes), 60, money.HalfUp)
			}
		}
	}
	return money.MulDiv(total, 1, 8, money.HalfUp), nil
}

// HoursOnly is the timesheet without money, as a supervisor sees it.
func (t Timesheet) HoursOnly() Timesheet {
	t.Pay = nil
	return t
}

// ParsePeriod reads a period key in the organisation's calendar.
func (s *Service) ParsePeriod(key string) (Period, error) { return s.cal.Parse(key) }

// CurrentPeriod is the period containing today.
func (s *Service) CurrentPeriod() Period { return s.cal.PeriodOf(civil.In(s.now(), civil.London)) }

// EmployeeTimesheet is one employee's timesheet for a period. Employees see
// only their own (404 otherwise); supervisors see hours without pay.
func (s *Service) EmployeeTimesheet(ctx context.Context, by auth.Principal, employeeID, periodKey string) (Timesheet, error) {
	if !canSeeEmployee(by, employeeID) {
		return Timesheet{}, ErrEmployeeNotFound
	}
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return Timesheet{}, err
	}
	period, err := s.cal.Parse(periodKey)
	if err != nil {
		return Timesheet{}, err
	}
	d, err := s.loadPeriod(ctx, s.db, period, []string{employeeID})
	if err != nil {
		return Timesheet{}, err
	}
	if d.active(employeeID) {
		if err := s.ensureSheets(ctx, d, []string{employeeID}); err != nil {
			return Timesheet{}, err
		}
	}
	t, err := s.build(ctx, d, p)
	if err != nil {
		return Timesheet{}, err
	}
	if !seesPay(by, employeeID) {
		t = t.HoursOnly()
	}
	return t, nil
}

// Timesheets is every timesheet in a period with anything in it (an
// employee: only their own). Supervisors get hours without pay.
func (s *Service) Timesheets(ctx context.Context, by auth.Principal, periodKey string) ([]Timesheet, error) {
	period, err := s.cal.Parse(periodKey)
	if err != nil {
		return nil, err
	}
	if !by.HasAny(auth.Supervisor, auth.Finance) {
		t, err := s.EmployeeTimesheet(ctx, by, by.ID, periodKey)
		if errs.CodeOf(err) == errs.NotFound {
			return []Timesheet{}, nil
		}
		if err != nil || t.ID == "" {
			return []Timesheet{}, err
		}
		return []Timesheet{t}, nil
	}
	all, err := s.PeriodTimesheets(ctx, period)
	if err != nil {
		return nil, err
	}
	if !by.Has(auth.Finance) {
		for i := range all {
			all[i] = all[i].HoursOnly()
		}
	}
	return all, nil
}

// PeriodTimesheets builds every active employee's timesheet in a period,
// with pay, sorted by works number. It reads the period in a handful of
// queries, whatever the number of employees.
func (s *Service) PeriodTimesheets(ctx context.Context, period Period) ([]Timesheet, error) {
	emps, err := s.people.Employees(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.loadPeriod(ctx, s.db, period, nil)
	if err != nil {
		return nil, err
	}
	var active []people.Person
	var ids []string
	seen := map[string]bool{}
	for _, p := range emps {
		seen[p.ID] = true
		if p.Employee != nil && d.active(p.ID) {
			active = append(active, p)
			ids = append(ids, p.ID)
		}
	}
	// Someone who has left (or lost the employee role) still has their
	// hours in the period: they are paid for them.
	var gone []string
	for id := range d.attendance {
		gone = append(gone, id)
	}
	for id := range d.absences {
		gone = append(gone, id)
	}
	for id := range d.sheets {
		gone = append(gone, id)
	}
	sort.Strings(gone)
	for _, id := range gone {
		if seen[id] {
			continue
		}
		seen[id] = true
		p, err := s.people.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.Employee == nil {
			p.Employee = &people.Employee{}
		}
		active = append(active, p)
		ids = append(ids, p.ID)
	}
	if err := s.ensureSheets(ctx, d, ids); err != nil {
		return nil, err
	}
	out := make([]Timesheet, 0, len(active))
	for _, p := range active {
		t, err := s.build(ctx, d, p)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].WorksNumber < out[j].WorksNumber })
	return out, nil
}

// TimesheetByID finds a timesheet row.
func (s *Service) timesheetRow(ctx context.Context, db *gorm.DB, id string) (timesheetRow, error) {
	var row timesheetRow
	if !database.ValidID(id) {
		return row, ErrTimesheetNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, ErrTimesheetNotFound
	}
	return row, err
}

// ApproveTimesheet is a supervisor approving a timesheet once its period
// has ended. Corrections after this are kept as adjustments.
func (s *Service) ApproveTimesheet(ctx context.Context, by auth.Principal, id string) (Timesheet, error) {
	row, err := s.timesheetRow(ctx, s.db, id)
	if err != nil {
		return Timesheet{}, err
	}
	if row.EmployeeID == by.ID {
		return Timesheet{}, errs.E(errs.RuleViolation, "You cannot approve your own timesheet; another supervisor must.")
	}
	p, err := s.employee(ctx, row.EmployeeID)
	if err != nil {
		return Timesheet{}, err
	}
	period, err := s.cal.Parse(row.Period)
	if err != nil {
		return Timesheet{}, err
	}
	today := civil.In(s.now(), civil.London)
	if !today.After(period.End) {
		return Timesheet{}, errs.E(errs.RuleViolation, "The pay period %s runs until %s; approve its timesheets after it ends.", period.Key, period.End.Format("2 January 2006"))
	}
	if row.Status == TimesheetApproved {
		return Timesheet{}, errs.E(errs.Conflict, "This timesheet was already approved by %s.", row.ApprovedByName)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := s.loadPeriod(ctx, tx, period, []string{row.EmployeeID})
		if err != nil {
			return err
		}
		if d.closed {
			return errs.E(errs.RuleViolation, "The pay period %s is closed.", period.Key)
		}
		t, err := s.build(ctx, d, p)
		if err != nil {
			return err
		}
		for _, sh := range t.Shifts {
			if sh.Status == ClockedIn {
				return errs.E(errs.RuleViolation, "%s clocked in on %s but not out: record the finish time before approving.", p.Name, sh.Date.Format("Mon 2 Jan"))
			}
		}
		now := s.now().UTC()
		res := tx.Model(&timesheetRow{}).Where("id = ? AND version = ? AND status = ?", row.ID, row.Version, TimesheetOpen).Updates(map[string]any{
			"status": TimesheetApproved, "approved_by": by.ID, "approved_by_name": by.Name, "approved_at": now,
			"approved_minutes": t.Totals.PaidMinutes, "version": row.Version + 1,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.Conflict, "Someone approved or changed this timesheet at the same moment; reload it.")
		}
		return nil
	})
	if err != nil {
		return Timesheet{}, err
	}
	return s.EmployeeTimesheet(ctx, by, row.EmployeeID, row.Period)
}

// PeriodStatus is a pay period with its state, for finance.
type PeriodStatus struct {
	Period
	Closed     bool       `json:"closed"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	Timesheets int        `json:"timesheets"`
	Approved   int        `json:"approved"`
}

// Periods lists the current period and the n before it, newest first.
func (s *Service) Periods(ctx context.Context, n int) ([]PeriodStatus, error) {
	p := s.CurrentPeriod()
	var out []PeriodStatus
	for i := 0; i <= n; i++ {
		st, err := s.periodStatus(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
		p = s.cal.Previous(p)
	}
	return out, nil
}

func (s *Service) periodStatus(ctx context.Context, p Period) (PeriodStatus, error) {
	st := PeriodStatus{Period: p}
	var rows []payPeriodRow
	if err := s.db.WithContext(ctx).Where("period = ?", p.Key).Find(&rows).Error; err != nil {
		return st, err
	}
	if len(rows) > 0 {
		at := rows[0].ClosedAt.UTC()
		st.Closed, st.ClosedBy, st.ClosedAt = true, rows[0].ClosedBy, &at
	}
	var total, approved int64
	if err := s.db.WithContext(ctx).Model(&timesheetRow{}).Where("period = ?", p.Key).Count(&total).Error; err != nil {
		return st, err
	}
	if err := s.db.WithContext(ctx).Model(&timesheetRow{}).Where("period = ? AND status = ?", p.Key, TimesheetApproved).Count(&approved).Error; err != nil {
		return st, err
	}
	st.Timesheets, st.Approved = int(total), int(approved)
	return st, nil
}

// ClosePeriod freezes a pay period once it has ended and every timesheet
// in it is approved. Nothing that would change its pay is accepted after.
func (s *Service) ClosePeriod(ctx context.Context, by auth.Principal, key string) (PeriodStatus, error) {
	period, err := s.cal.Parse(key)
	if err != nil {
		return PeriodStatus{}, err
	}
	today := civil.In(s.now(), civil.London)
	if !today.After(period.End) {
		return PeriodStatus{}, errs.E(errs.RuleViolation, "The pay period %s runs until %s; it can be closed after it ends.", period.Key, period.End.Format("2 January 2006"))
	}
	sheets, err := s.PeriodTimesheets(ctx, period)
	if err != nil {
		return PeriodStatus{}, err
	}
	var waiting []string
	for _, t := range sheets {
		if t.Status != TimesheetApproved {
			waiting = append(waiting, t.EmployeeName)
		}
	}
	if len(waiting) > 0 {
		more := ""
		if len(waiting) > 5 {
			more = fmt.Sprintf(" and %d more", len(waiting)-5)
			waiting = waiting[:5]
		}
		return PeriodStatus{}, errs.E(errs.RuleViolation, "The pay period %s cannot close until every timesheet is approved: waiting for %s%s.", period.Key, strings.Join(waiting, ", "), more)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&payPeriodRow{Period: period.Key, StartDate: period.Start, EndDate: period.End, ClosedBy: by.Name, ClosedAt: s.now().UTC()}).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "The pay period %s is already closed.", period.Key)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return PeriodStatus{}, err
	}
	return s.periodStatus(ctx, period)
}

// DecimalHours is the paid hours as payroll reads them ("7.42").
func (t TimesheetTotals) DecimalHours() string { return FormatCentiHours(t.PaidCentiHours) }

// Label is the SSP indicator in words.
func (d SSPDay) Label() string {
	switch d.Indicator {
	case SSPPayable:
		return "SSP payable"
	case SSPWaitingDay:
		return "waiting day"
	case SSPBelowLimit:
		return "below the lower earnings limit"
	}
	return "not eligible"
}
