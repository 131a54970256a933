package payroll

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// demoRates are the demo employees' hourly rates by works number: most at
// the London Living Wage, the young people at rates that show the floor
// warnings.
var demoRates = map[string]struct {
	rate       money.Pence
	apprentice bool
}{
	"GS001": {1480, false}, "GS002": {1480, false}, "GS003": {1520, false}, "GS004": {1480, false},
	"GS005": {1100, false}, // aged 19: above the 18-20 minimum, below the policy floor
	"GS006": {1480, false}, "GS007": {1480, false},
	"GS008": {850, true}, // aged 17, apprentice
	"GS009": {1520, false}, "GS010": {1480, false}, "GS011": {1480, false}, "GS012": {1650, false},
}

// SeedDemo adds pay rates (from the start of the tax year before the
// previous pay period), Priya's permitted-work record and some absences.
func (s *Service) SeedDemo(ctx context.Context) error {
	today := civil.In(s.now(), civil.London)
	current := s.cal.PeriodOf(today)
	previous := s.cal.Previous(current)
	finance := auth.Principal{Name: "Femi Adeyemi", Roles: []auth.Role{auth.Finance}}
	emps, err := s.people.Employees(ctx)
	if err != nil {
		return err
	}
	byWorks := map[string]people.Person{}
	for _, p := range emps {
		if p.Employee != nil {
			byWorks[p.Employee.WorksNumber] = p
		}
	}
	from := civil.D(previous.Start.Year, 4, 6)
	if from.After(previous.Start) {
		from = civil.D(previous.Start.Year-1, 4, 6)
	}
	for works, r := range demoRates {
		p, ok := byWorks[works]
		if !ok {
			continue
		}
		start := maxDate(from, p.Employee.StartDate)
		if _, err := s.SetPayRate(ctx, finance, p.ID, RateInput{HourlyRate: Amount(r.rate), EffectiveFrom: start, Apprentice: r.apprentice}); err != nil {
			return fmt.Errorf("demo pay rate %s: %w", works, err)
		}
	}
	if p, ok := byWorks["GS002"]; ok {
		if _, _, err := s.SetPermittedWork(ctx, finance, p.ID, PermittedWorkInput{Benefit: BenefitESAPermitted, From: previous.Start}); err != nil {
			return fmt.Errorf("demo permitted work: %w", err)
		}
	}
	absences := []struct {
		works string
		in    AbsenceInput
	}{
		{"GS003", AbsenceInput{Type: Holiday, From: previous.Start.AddDays(9), To: previous.Start.AddDays(10), PaidMinutesPerDay: 6 * 60}},
		{"GS006", AbsenceInput{Type: Sick, From: previous.Start.AddDays(15), To: previous.Start.AddDays(17)}},
		{"GS009", AbsenceInput{Type: Holiday, From: today.AddDays(10), To: today.AddDays(11), PaidMinutesPerDay: 7 * 60}},
		{"GS011", AbsenceInput{Type: Sick, From: current.Start.AddDays(2), To: current.Start.AddDays(2)}},
	}
	for _, a := range absences {
		p, ok := byWorks[a.works]
		if !ok {
			continue
		}
		if _, err := s.RecordAbsence(ctx, finance, p.ID, a.in); err != nil {
			return fmt.Errorf("demo absence %s: %w", a.works, err)
		}
	}
	return s.seedAttendance(ctx, byWorks, previous, current, today)
}

// demoPattern is an employee's usual week in the demo: the weekdays they
// work, where and when.
type demoPattern struct {
	works   string
	site    string
	days    []time.Weekday
	h, m    int
	minutes int
}

var demoPatterns = []demoPattern{
	{"GS001", "Cable Street common parts", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 7, 0, 4 * 60},
	{"GS002", "Old Street studio", []time.Weekday{time.Tuesday, time.Thursday, time.Saturday}, 18, 0, 4*60 + 30},
	{"GS003", "Wapping Wall flats", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 8, 0, 6 * 60},
	{"GS005", "Mile End hall", []time.Weekday{time.Wednesday, time.Saturday}, 9, 0, 5 * 60},
	{"GS006", "Cable Street common parts", []time.Weekday{time.Monday, time.Wednesday, time.Friday}, 7, 0, 4 * 60},
	{"GS008", "Mile End hall", []time.Weekday{time.Saturday}, 10, 0, 4 * 60},
	{"GS009", "Old Street studio", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 6, 0, 7 * 60},
	{"GS012", "Wapping Wall flats", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 7, 30, 7*60 + 30},
}

// seedAttendance records the previous period (approved, one correction
// after approval, closed) and the current one up to yesterday: mostly
// clocked from phones, some recorded or corrected by the supervisor, a
// no-show and a shift nobody clocked out of. These shifts are history: the
// demo rota holds today's and future shifts.
func (s *Service) seedAttendance(ctx context.Context, byWorks map[string]people.Person, previous, current Period, today civil.Date) error {
	dana := auth.Principal{ID: "demo-supervisor", Name: "Dana Whitfield", Roles: []auth.Role{auth.Supervisor}}
	femi := auth.Principal{Name: "Femi Adeyemi", Roles: []auth.Role{auth.Finance}}
	absent := map[string]map[civil.Date]bool{}
	var corrections []ShiftRef
	var afterApproval ShiftRef
	n := 0
	for _, pat := range demoPatterns {
		p, ok := byWorks[pat.works]
		if !ok {
			continue
		}
		days, err := s.AbsentDays(ctx, p.ID, previous.Start, today)
		if err != nil {
			return err
		}
		absent[p.ID] = map[civil.Date]bool{}
		for _, d := range days {
			absent[p.ID][d] = true
		}
		for d := maxDate(previous.Start, p.Employee.StartDate); d.Before(today); d = d.AddDays(1) {
			if !slices.Contains(pat.days, d.Weekday()) || absent[p.ID][d] {
				continue
			}
			n++
			start := d.At(pat.h, pat.m, civil.London).UTC()
			end := start.Add(time.Duration(pat.minutes) * time.Minute)
			ref := ShiftRef{ID: database.NewID(), EmployeeID: p.ID, SiteName: pat.site, Start: start, End: end, BreakMinutes: 20}
			if pat.minutes <= 6*60 {
				ref.BreakMinutes = 0
			}
			row := attendanceRow{ID: database.NewID(), ShiftID: ref.ID, EmployeeID: p.ID, SiteName: pat.site,
				ScheduledStart: start, ScheduledEnd: end, BreakMinutes: s.deductedBreak(ref.BreakMinutes), WorkDate: d,
				Version: 1, CreatedAt: start, UpdatedAt: end}
			in := start.Add(time.Duration(n%7-4) * time.Minute) // a few minutes early or late
			out := end.Add(time.Duration(n%5-1) * time.Minute)  // a little either side
			switch {
			case n%23 == 0:
				row.Status, row.Source = NoShow, FromSupervisor
			case n%11 == 0:
				row.Status, row.Source, row.ClockIn, row.ClockOut = Worked, FromSupervisor, &start, &end
			case d == today.AddDays(-3) && pat.works == "GS003" && current.Contains(d):
				row.Status, row.Source, row.ClockIn = ClockedIn, FromPhone, &in
			default:
				row.Status, row.Source, row.ClockIn, row.ClockOut = Worked, FromPhone, &in, &out
				if n%13 == 0 {
					corrections = append(corrections, ref)
				}
			}
			if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
				return fmt.Errorf("demo attendance: %w", err)
			}
			if pat.works == "GS001" && previous.Contains(d) && afterApproval.ID == "" && d.Day > 20 {
				afterApproval = ref
			}
		}
	}
	for _, ref := range corrections {
		in, out := ref.Start, ref.End.Add(15*time.Minute)
		if _, err := s.changeAttendance(ctx, dana, ref, "forgot to clock out; finished the stairwell", func(r *attendanceRow) {
			r.ClockIn, r.ClockOut, r.Status = &in, &out, Worked
		}); err != nil {
			return fmt.Errorf("demo correction: %w", err)
		}
	}
	sheets, err := s.PeriodTimesheets(ctx, previous)
	if err != nil {
		return err
	}
	for _, t := range sheets {
		if _, err := s.ApproveTimesheet(ctx, dana, t.ID); err != nil {
			return fmt.Errorf("demo approval %s: %w", t.EmployeeName, err)
		}
	}
	if afterApproval.ID != "" {
		in, out := afterApproval.Start, afterApproval.End.Add(30*time.Minute)
		if _, err := s.changeAttendance(ctx, dana, afterApproval, "stayed on to finish the deep clean, agreed by phone", func(r *attendanceRow) {
			r.ClockIn, r.ClockOut, r.Status = &in, &out, Worked
		}); err != nil {
			return fmt.Errorf("demo adjustment: %w", err)
		}
	}
	if _, err := s.ClosePeriod(ctx, femi, previous.Key); err != nil {
		return fmt.Errorf("demo close: %w", err)
	}
	// The current period's timesheets exist, open, for the supervisor to see.
	_, err = s.PeriodTimesheets(ctx, current)
	return err
}
