package payroll_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/people"
)

var migrations = []database.Migrations{people.Migrations, payroll.Migrations}

var finance = auth.Principal{ID: "fin", Name: "Femi Adeyemi", Roles: []auth.Role{auth.Finance}}

type fixture struct {
	svc    *payroll.Service
	people *people.Service
	now    time.Time
	shifts *fakeShifts
}

func newFixture(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), shifts: &fakeShifts{byID: map[string]payroll.ShiftRef{}}}
	clock := func() time.Time { return f.now }
	f.people = people.NewService(people.Config{DB: db, Now: clock, Passwords: auth.Passwords{Cost: 4}})
	svc, err := payroll.NewService(payroll.Config{DB: db, Now: clock, People: f.people, Shifts: f.shifts,
		PayPeriod: payroll.Monthly, PolicyPayFloor: 1480, ClockWindow: 30 * time.Minute, UnpaidBreaks: true})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

func (f *fixture) employee(t *testing.T, name, works string, dob civil.Date) people.Person {
	t.Helper()
	p, err := f.people.Create(context.Background(), people.NewPerson{
		Name: name, Email: strings.ToLower(works) + "@example.org", Roles: []auth.Role{auth.Employee},
		Employee: &people.Employee{WorksNumber: works, StartDate: civil.D(2024, 1, 8), DateOfBirth: dob, ContractType: people.ZeroHours},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPayRates(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		liam := f.employee(t, "Liam O'Connor", "GS005", civil.D(2007, 4, 10))

		// Below the NLW on the date: refused, naming the band, the figure and the date.
		_, err := f.svc.SetPayRate(ctx, finance, sam.ID, payroll.RateInput{HourlyRate: 1250, EffectiveFrom: civil.D(2026, 4, 1)})
		if errs.CodeOf(err) != errs.RuleViolation || !strings.Contains(err.Error(), "National Living Wage (21 and over) of £12.71") {
			t.Fatalf("below NLW: %v", err)
		}
		// The same rate was fine a year earlier (£12.21), with a warning that April raises the floor.
		res, err := f.svc.SetPayRate(ctx, finance, sam.ID, payroll.RateInput{HourlyRate: 1250, EffectiveFrom: civil.D(2025, 10, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], "policy floor of £14.80") || !strings.Contains(res.Warnings[1], "From 1 April 2026") {
			t.Errorf("warnings %q", res.Warnings)
		}
		if _, err := f.svc.SetPayRate(ctx, finance, sam.ID, payroll.RateInput{HourlyRate: 1480, EffectiveFrom: civil.D(2026, 4, 1)}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			on   civil.Date
			want money.Pence
			ok   bool
		}{{civil.D(2025, 9, 30), 0, false}, {civil.D(2025, 10, 1), 1250, true}, {civil.D(2026, 3, 31), 1250, true}, {civil.D(2026, 11, 23), 1480, true}} {
			got, ok, err := f.svc.HourlyRate(ctx, sam.ID, tc.on)
			if err != nil || got != tc.want || ok != tc.ok {
				t.Errorf("rate on %s: %s %v %v", tc.on, got, ok, err)
			}
		}
		// Liam is 19 on 2026-11-01: the 18-20 rate (£10.85) applies, so £11 is allowed with warnings.
		res, err = f.svc.SetPayRate(ctx, finance, liam.ID, payroll.RateInput{HourlyRate: 1100, EffectiveFrom: civil.D(2026, 11, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(res.Warnings, " "), "From 10 April 2028 the National Living Wage") {
			t.Errorf("Liam's 21st birthday should warn: %q", res.Warnings)
		}
		if _, err := f.svc.SetPayRate(ctx, finance, liam.ID, payroll.RateInput{HourlyRate: 1050, EffectiveFrom: civil.D(2026, 11, 1)}); errs.CodeOf(err) != errs.RuleViolation || !strings.Contains(err.Error(), "18 to 20 rate of £10.85") {
			t.Errorf("Liam below 18-20 rate: %v", err)
		}
		rates, err := f.svc.PayRates(ctx, sam.ID)
		if err != nil || len(rates) != 2 || rates[0].HourlyRate != 1480 {
			t.Errorf("rates %+v %v", rates, err)
		}
		// Bad input changes nothing.
		if _, err := f.svc.SetPayRate(ctx, finance, sam.ID, payroll.RateInput{HourlyRate: 0}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("empty input: %v", err)
		}
		if _, err := f.svc.SetPayRate(ctx, finance, database.NewID(), payroll.RateInput{HourlyRate: 1500, EffectiveFrom: civil.D(2026, 4, 1)}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unknown employee: %v", err)
		}
	})
}

func TestAbsencesAndPermittedWork(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		priya := f.employee(t, "Priya Shah", "GS002", civil.D(1995, 2, 3))
		a, err := f.svc.RecordAbsence(ctx, finance, priya.ID, payroll.AbsenceInput{Type: payroll.Sick, From: civil.D(2026, 11, 2), To: civil.D(2026, 11, 4)})
		if err != nil || a.Days() != 3 {
			t.Fatalf("%+v %v", a, err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, priya.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 11, 4)}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("overlap: %v", err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, priya.ID, payroll.AbsenceInput{Type: "migraine", From: civil.D(2026, 11, 9)}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("bad type: %v", err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, priya.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 11, 10), To: civil.D(2026, 11, 9)}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("backwards: %v", err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, priya.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 11, 20), PaidMinutesPerDay: 300}); err != nil {
			t.Fatal(err)
		}
		days, err := f.svc.AbsentDays(ctx, priya.ID, civil.D(2026, 11, 3), civil.D(2026, 11, 30))
		if err != nil || len(days) != 3 || days[0] != civil.D(2026, 11, 3) || days[2] != civil.D(2026, 11, 20) {
			t.Errorf("absent days %v %v", days, err)
		}
		// An employee sees their own absences; another employee gets 404.
		me := auth.Principal{ID: priya.ID, Roles: []auth.Role{auth.Employee}}
		if as, err := f.svc.Absences(ctx, me, priya.ID, civil.Date{}, civil.Date{}); err != nil || len(as) != 2 {
			t.Errorf("own absences %v %v", as, err)
		}
		other := auth.Principal{ID: database.NewID(), Roles: []auth.Role{auth.Employee}}
		if _, err := f.svc.Absences(ctx, other, priya.ID, civil.Date{}, civil.Date{}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("someone else's absences: %v", err)
		}

		// Permitted work: defaults from DOMAIN.md for the date.
		if _, _, ok, _ := f.svc.PermittedWork(ctx, priya.ID, civil.D(2026, 11, 23)); ok {
			t.Error("no record yet")
		}
		rec, _, err := f.svc.SetPermittedWork(ctx, finance, priya.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitESAPermitted, From: civil.D(2026, 11, 1)})
		if err != nil || rec.MaxWeeklyMinutes != 959 || rec.MaxWeeklyEarnings != 20350 {
			t.Fatalf("%+v %v", rec, err)
		}
		mins, earn, ok, err := f.svc.PermittedWork(ctx, priya.ID, civil.D(2026, 11, 23))
		if err != nil || !ok || mins != 959 || earn != 20350 {
			t.Errorf("permitted work %d %s %v %v", mins, earn, ok, err)
		}
		if _, _, ok, _ := f.svc.PermittedWork(ctx, priya.ID, civil.D(2026, 10, 31)); ok {
			t.Error("before the record starts")
		}
		zero := 0
		if _, _, err := f.svc.SetPermittedWork(ctx, finance, priya.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitOther, MaxWeeklyMinutes: &zero, MaxWeeklyEarnings: new(payroll.Amount)}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("no limits: %v", err)
		}
		if _, ok, err := f.svc.SetPermittedWork(ctx, finance, priya.ID, payroll.PermittedWorkInput{Benefit: "none"}); ok || err != nil {
			t.Errorf("remove: %v %v", ok, err)
		}
		if _, _, ok, _ := f.svc.PermittedWork(ctx, priya.ID, civil.D(2026, 11, 23)); ok {
			t.Error("removed record still applies")
		}
	})
}
