package payroll

import (
	"context"
	"fmt"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
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
	return nil
}
