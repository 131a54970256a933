// Package outcomes reports what the enterprise achieves — jobs started and
// kept, staying in work through hard periods, progression and moving on,
// and the social-value figures tenders ask for — from the data the other
// packages already keep, without exposing anyone.
//
// Privacy by construction: the package reads what it needs through narrow
// interfaces it defines (paid hours and rates, sickness and flex periods as
// dates only, employment records), computes counts, and publishes only
// aggregates in which no count under 5 is shown or can be worked out by
// subtraction (privacy.go). It never imports wellbeing.
package outcomes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// Records is the employment records (people.Service satisfies it).
type Records interface {
	EmploymentRecords(ctx context.Context) ([]people.EmploymentRecord, error)
	EmploymentRecord(ctx context.Context, employeeID string) (people.EmploymentRecord, error)
	SetEmploymentRecord(ctx context.Context, by auth.Principal, employeeID string, in people.EmploymentInput) (people.EmploymentRecord, error)
}

// Payroll is paid time, rates and sickness dates (an adapter over payroll).
type Payroll interface {
	// PaidDays is paid minutes per employee and date in [from, to], with the
	// hourly rate in force.
	PaidDays(ctx context.Context, from, to civil.Date) ([]PaidDay, error)
	// PayRates is every employee's rate history, oldest first.
	PayRates(ctx context.Context) (map[string][]Rate, error)
	// Sickness is sickness absences overlapping [from, to], as dates only.
	Sickness(ctx context.Context, from, to civil.Date) ([]Span, error)
}

// FlexPeriods is when flex periods were in place, as dates only: no kind,
// no reason, nothing from a plan (an adapter over wellbeing).
type FlexPeriods interface {
	FlexDates(ctx context.Context, from, to civil.Date) ([]Span, error)
}

// Caseload says whether an employee is in a support worker's caseload.
type Caseload interface {
	InCaseload(ctx context.Context, supportWorkerID, employeeID string) (bool, error)
}

// Config configures a Service.
type Config struct {
	Now      func() time.Time
	Records  Records
	Payroll  Payroll
	Flex     FlexPeriods
	Caseload Caseload
	// Directory names employees on the records pages.
	Directory Directory
	Org       string
	Logger    *slog.Logger
	// LivingWage overrides the London Living Wage table (LondonLivingWage).
	LivingWage []LivingWageRate
	// FullTimeMinutes is a full-time week for FTE (default 37.5 hours).
	FullTimeMinutes int
}

// Service computes the reports.
type Service struct{ c Config }

// NewService builds the service. The clock is required.
func NewService(c Config) (*Service, error) {
	if c.Now == nil {
		return nil, errors.New("outcomes: a clock is required")
	}
	if c.LivingWage == nil {
		c.LivingWage = LondonLivingWage
	}
	if c.FullTimeMinutes == 0 {
		c.FullTimeMinutes = DefaultFullTimeMinutes
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Org == "" {
		c.Org = "Goodshift"
	}
	return &Service{c: c}, nil
}

func (s *Service) today() civil.Date { return civil.In(s.c.Now(), civil.London) }

// MaxPeriodDays is the longest period a report covers.
const MaxPeriodDays = 3 * 366

// Period is a reporting period, inclusive.
type Period struct{ From, To civil.Date }

// Label is the period in words.
func (p Period) Label() string {
	return p.From.Format("2 Jan 2006") + " to " + p.To.Format("2 Jan 2006")
}

// ParsePeriod reads a period: from and to dates ("2026-07-01"), or a
// quarter ("2026-Q3") or a year ("2026") in period. With nothing, the last
// complete quarter.
func ParsePeriod(period, from, to string, today civil.Date) (Period, error) {
	period, from, to = strings.TrimSpace(period), strings.TrimSpace(from), strings.TrimSpace(to)
	switch {
	case period != "" && (from != "" || to != ""):
		return Period{}, errs.E(errs.Invalid, "Give either a period (like 2026-Q3 or 2026) or from and to dates, not both.")
	case period != "":
		y, q, isQ := strings.Cut(strings.ToUpper(period), "-Q")
		year, err := strconv.Atoi(y)
		if err != nil || year < 2000 || year > 2100 {
			return Period{}, errs.E(errs.Invalid, "%q is not a period: use a quarter like 2026-Q3 or a year like 2026.", period)
		}
		if !isQ {
			return Period{civil.D(year, 1, 1), civil.D(year, 12, 31)}, nil
		}
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			return Period{}, errs.E(errs.Invalid, "%q is not a quarter: use 2026-Q1 to 2026-Q4.", period)
		}
		first := civil.D(year, time.Month(3*n-2), 1)
		return Period{first, civil.D(year, time.Month(3*n+1), 0)}, nil
	case from != "" || to != "":
		f, err1 := civil.Parse(from)
		t, err2 := civil.Parse(to)
		if err1 != nil || err2 != nil {
			return Period{}, errs.E(errs.Invalid, "Give both from and to as dates like 2026-07-01.")
		}
		if t.Before(f) {
			return Period{}, errs.E(errs.Invalid, "The period ends (%s) before it starts (%s).", t.Format("Mon 2 Jan 2006"), f.Format("Mon 2 Jan 2006"))
		}
		if f.DaysUntil(t) >= MaxPeriodDays {
			return Period{}, errs.E(errs.Invalid, "A report covers at most three years.")
		}
		return Period{f, t}, nil
	}
	q := (int(today.Month)-1)/3 + 1
	first := civil.D(today.Year, time.Month(3*q-2), 1).AddDays(-1) // end of the last complete quarter
	return Period{civil.D(first.Year, first.Month-2, 1), first}, nil
}

// Report computes the outcomes of a period.
func (s *Service) Report(ctx context.Context, p Period) (Report, error) {
	in, err := s.input(ctx, p)
	if err != nil {
		return Report{}, err
	}
	return Compute(in), nil
}

func (s *Service) input(ctx context.Context, p Period) (Input, error) {
	in := Input{From: p.From, To: p.To, Today: s.today(), LivingWage: s.c.LivingWage, FullTimeMinutes: s.c.FullTimeMinutes}
	recs, err := s.c.Records.EmploymentRecords(ctx)
	if err != nil {
		return in, err
	}
	for _, r := range recs {
		in.Employees = append(in.Employees, employeeFrom(r))
	}
	if in.Paid, err = s.c.Payroll.PaidDays(ctx, PaidFrom(p.From, p.To), p.To); err != nil {
		return in, err
	}
	if in.Rates, err = s.c.Payroll.PayRates(ctx); err != nil {
		return in, err
	}
	sick, err := s.c.Payroll.Sickness(ctx, p.From, p.To)
	if err != nil {
		return in, err
	}
	in.Hard = append(in.Hard, sick...)
	if s.c.Flex != nil {
		flex, err := s.c.Flex.FlexDates(ctx, p.From, p.To)
		if err != nil {
			return in, err
		}
		in.Hard = append(in.Hard, flex...)
	}
	return in, nil
}

func employeeFrom(r people.EmploymentRecord) Employee {
	return Employee{ID: r.EmployeeID, Start: r.StartDate, Leaving: r.LeavingDate, LeavingCategory: r.LeavingCategory,
		ReferralSource: r.ReferralSource, LongTermUnemployed: r.LongTermUnemployed, Disabled: r.Disabled,
		PostcodeDistrict: r.PostcodeDistrict}
}

// EmploymentRecord is one employee's record, for an admin or a support
// worker (their caseload only; anyone else's answers 404).
func (s *Service) EmploymentRecord(ctx context.Context, by auth.Principal, employeeID string) (people.EmploymentRecord, error) {
	if err := s.reach(ctx, by, employeeID); err != nil {
		return people.EmploymentRecord{}, err
	}
	return s.c.Records.EmploymentRecord(ctx, employeeID)
}

// SetEmploymentRecord records an employee's outcome fields.
func (s *Service) SetEmploymentRecord(ctx context.Context, by auth.Principal, employeeID string, in people.EmploymentInput) (people.EmploymentRecord, error) {
	if err := s.reach(ctx, by, employeeID); err != nil {
		return people.EmploymentRecord{}, err
	}
	return s.c.Records.SetEmploymentRecord(ctx, by, employeeID, in)
}

func (s *Service) reach(ctx context.Context, by auth.Principal, employeeID string) error {
	if by.Has(auth.Admin) {
		return nil
	}
	if by.Has(auth.SupportWorker) && s.c.Caseload != nil {
		ok, err := s.c.Caseload.InCaseload(ctx, by.ID, employeeID)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return people.ErrNotFound
}

// Journey is one employee's own story so far, for their eyes only.
type Journey struct {
	Start      civil.Date  `json:"start_date"`
	Weeks      int         `json:"weeks"`
	Milestones []Milestone `json:"milestones"`
	Months     []HoursIn   `json:"months"`
	Message    string      `json:"message"`
}

// Milestone is 13, 26 or 52 weeks from the start.
type Milestone struct {
	Weeks   int        `json:"weeks"`
	On      civil.Date `json:"on"`
	Reached bool       `json:"reached"`
}

// HoursIn is paid hours in one month.
type HoursIn struct {
	Month civil.Month `json:"month"`
	Hours float64     `json:"hours"`
}

// MyJourney is the signed-in employee's own journey: start date, paid hours
// month by month (the last two years at most) and the milestones reached.
func (s *Service) MyJourney(ctx context.Context, by auth.Principal) (Journey, error) {
	rec, err := s.c.Records.EmploymentRecord(ctx, by.ID)
	if err != nil {
		return Journey{}, err
	}
	today := s.today()
	end := today
	if !rec.LeavingDate.IsZero() && rec.LeavingDate.Before(end) {
		end = rec.LeavingDate
	}
	j := Journey{Start: rec.StartDate, Weeks: max(rec.StartDate.DaysUntil(end)/7, 0)}
	for _, w := range Milestones {
		on := rec.StartDate.AddDays(7 * w)
		j.Milestones = append(j.Milestones, Milestone{Weeks: w, On: on, Reached: !on.After(end)})
	}
	from := trendStart(today)
	if rec.StartDate.After(from) {
		from = civil.D(rec.StartDate.Year, rec.StartDate.Month, 1)
	}
	days, err := s.c.Payroll.PaidDays(ctx, from, today)
	if err != nil {
		return Journey{}, err
	}
	byMonth := map[civil.Month]int{}
	for _, d := range days {
		if d.EmployeeID == by.ID {
			byMonth[civil.MonthOf(d.Date)] += d.Minutes
		}
	}
	for m := civil.MonthOf(from); !m.First().After(today); m = m.Next() {
		j.Months = append(j.Months, HoursIn{Month: m, Hours: float64(byMonth[m]) / 60})
	}
	switch reached := j.reached(); {
	case reached == len(Milestones):
		if years := j.Weeks / 52; years > 1 {
			j.Message = fmt.Sprintf("%d weeks in work: more than %d years. That is something to be proud of.", j.Weeks, years)
		} else {
			j.Message = fmt.Sprintf("%d weeks in work: a whole year and more. That is something to be proud of.", j.Weeks)
		}
	case reached > 0:
		j.Message = fmt.Sprintf("%d weeks in work: you have passed the %d-week milestone. Next: %d weeks, on %s.", j.Weeks,
			Milestones[reached-1], Milestones[reached], j.Milestones[reached].On.Format("Mon 2 Jan 2006"))
	default:
		j.Message = fmt.Sprintf("You started on %s. Your first milestone, 13 weeks, is on %s.", rec.StartDate.Format("Mon 2 Jan 2006"),
			j.Milestones[0].On.Format("Mon 2 Jan 2006"))
	}
	return j, nil
}

func (j Journey) reached() int {
	n := 0
	for _, m := range j.Milestones {
		if m.Reached {
			n++
		}
	}
	return n
}
