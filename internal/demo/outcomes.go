package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// The outcomes history: two years of a job-creation enterprise, so every
// outcomes chart has something true to show. 28 people who joined over the
// two years (starts, leavers to open employment, education, volunteering
// and for health reasons, hours and pay that grow, a week off sick here and
// there), beside the demo employees, who get employment records only.
//
// The history people have accounts that cannot sign in and are not active,
// and their paid history stops before the previous pay period, so the rota,
// timesheets and logins of the demo cast stay exactly as they were.
// Everything is written in a few batched inserts.

type historyAttendance struct {
	ID             string `gorm:"primaryKey"`
	ShiftID        string
	EmployeeID     string
	SiteID         string
	SiteName       string
	ScheduledStart time.Time
	ScheduledEnd   time.Time
	BreakMinutes   int
	ClockIn        *time.Time
	ClockOut       *time.Time
	Status         string
	Source         string
	WorkDate       civil.Date
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (historyAttendance) TableName() string { return "attendance" }

type historyRate struct {
	ID            string `gorm:"primaryKey"`
	EmployeeID    string
	EffectiveFrom civil.Date
	HourlyPence   money.Pence
	SetBy         string
	CreatedAt     time.Time
}

func (historyRate) TableName() string { return "pay_rates" }

type historyAbsence struct {
	ID         string `gorm:"primaryKey"`
	EmployeeID string
	Kind       string
	StartDate  civil.Date
	EndDate    civil.Date
	RecordedBy string
	CreatedAt  time.Time
}

func (historyAbsence) TableName() string { return "absences" }

var historyNames = []string{
	"Ade Bello", "Bea Collins", "Carl Dunne", "Dee Evans", "Eli Farrow", "Fay Gordon", "Gus Hale", "Hope Irwin",
	"Ian Jacobs", "Jas Kaur", "Kit Lowe", "Lola Mendes", "Mo Nasser", "Nell Ortiz", "Owen Pike", "Pia Quinn",
	"Ray Sato", "Sue Tan", "Ted Udall", "Uma Vance", "Vic Wade", "Wes Xu", "Yara Zane", "Zed Abbott",
	"Amy Burke", "Ben Cole", "Cara Doyle", "Dev Iyer",
}

// leaves: index -> weeks after the start, and why.
var historyLeaves = map[int]struct {
	weeks    int
	category string
	movedOn  string
}{
	0:  {60, people.LeftForOpenEmployment, "Cleaning team at a hospital trust"},
	2:  {40, people.LeftForEducation, "College course in facilities management"},
	4:  {70, people.LeftForOpenEmployment, ""},
	5:  {10, people.LeftForHealth, ""},
	7:  {30, people.LeftForVolunteering, ""},
	9:  {45, people.LeftForOpenEmployment, "Caretaker at a school"},
	11: {20, people.LeftOther, ""},
	13: {35, people.LeftForOpenEmployment, ""},
	16: {26, people.LeftForEducation, ""},
	19: {8, people.LeftDismissed, ""},
	3:  {56, people.LeftForOpenEmployment, ""},
}

var (
	historyReferrals = []string{people.ReferralIPS, people.ReferralNHS, people.ReferralSelf, people.ReferralIPS, people.ReferralOther, people.ReferralNHS, people.ReferralIPS}
	historyDistricts = []string{"E14", "E14", "E1", "E3", "E14", "SE16", "E1", "E2", "E14", "E3", "", "E1"}
)

// seedOutcomesHistory adds the history. It runs last in Seed.
func seedOutcomesHistory(ctx context.Context, a *app.App, hash string) error {
	today := civil.In(a.Now(), civil.London)
	cur := a.Payroll.CurrentPeriod()
	prev := cur.Start.AddDays(-1)
	cutoff := civil.D(prev.Year, prev.Month, 1).AddDays(-1) // paid history ends before the previous pay period
	now := a.Now().UTC()
	first := today.AddDays(-730)
	var recs []people.EmploymentRecord
	var att []historyAttendance
	var rates []historyRate
	var absences []historyAbsence
	llwFrom := civil.D(2025, 10, 22)
	for i, name := range historyNames {
		start := first.AddDays(i * 24)
		for start.Weekday() != time.Monday {
			start = start.AddDays(1)
		}
		var leaving civil.Date
		rec := people.EmploymentRecord{ReferralSource: historyReferrals[i%len(historyReferrals)],
			LongTermUnemployed: i%3 != 1, Disabled: i%2 == 0, FlagsConsent: true, PostcodeDistrict: historyDistricts[i%len(historyDistricts)]}
		if l, ok := historyLeaves[i]; ok {
			leaving = start.AddDays(7*l.weeks - 3) // a Friday
			if !leaving.After(cutoff) {
				rec.LeavingDate, rec.LeavingCategory = leaving, l.category
				if l.movedOn != "" {
					rec.MovedOnTo, rec.MovedOnConsent = l.movedOn, true
				}
			} else {
				leaving = civil.Date{}
			}
		}
		p, err := a.People.CreateWithHash(ctx, people.NewPerson{Name: name,
			Email: fmt.Sprintf("history%02d@goodshift.example", i+1), Roles: []auth.Role{auth.Employee},
			Employee: &people.Employee{WorksNumber: fmt.Sprintf("GS%03d", 101+i), StartDate: start, ContractType: people.ZeroHours}}, hash)
		if err != nil {
			return fmt.Errorf("demo history person %d: %w", i, err)
		}
		inactive := false
		if _, err := a.People.Update(ctx, p.ID, people.Update{Active: &inactive}); err != nil {
			return err
		}
		rec.EmployeeID = p.ID
		recs = append(recs, rec)
		// Pay: the London Living Wage of the day; some are promoted to a
		// team leader's rate after a year.
		rate := func(d civil.Date) money.Pence {
			r := money.Pence(1385)
			if !d.Before(llwFrom) {
				r = 1480
			}
			if i%4 == 0 && !d.Before(start.AddDays(364)) {
				r += 70
			}
			return r
		}
		rates = append(rates, historyRate{ID: database.NewID(), EmployeeID: p.ID, EffectiveFrom: start, HourlyPence: rate(start), SetBy: "demo", CreatedAt: now})
		if start.Before(llwFrom) {
			rates = append(rates, historyRate{ID: database.NewID(), EmployeeID: p.ID, EffectiveFrom: llwFrom, HourlyPence: rate(llwFrom), SetBy: "demo", CreatedAt: now})
		}
		if i%4 == 0 {
			if d := start.AddDays(364); d.After(llwFrom) {
				rates = append(rates, historyRate{ID: database.NewID(), EmployeeID: p.ID, EffectiveFrom: d, HourlyPence: rate(d), SetBy: "demo", CreatedAt: now})
			}
		}
		// A week off sick for some, twenty weeks in.
		var sickFrom civil.Date
		if i%5 == 2 {
			sickFrom = start.AddDays(20 * 7)
			if sickFrom.Before(cutoff) && (leaving.IsZero() || sickFrom.Before(leaving)) {
				absences = append(absences, historyAbsence{ID: database.NewID(), EmployeeID: p.ID, Kind: "sick", StartDate: sickFrom,
					EndDate: sickFrom.AddDays(4), RecordedBy: "demo", CreatedAt: now})
			} else {
				sickFrom = civil.Date{}
			}
		}
		last := cutoff
		if !leaving.IsZero() {
			last = leaving
		}
		for day := start; !day.After(last); day = day.AddDays(1) {
			week := start.DaysUntil(day) / 7
			if !sickFrom.IsZero() && !day.Before(sickFrom) && !day.After(sickFrom.AddDays(6)) {
				continue
			}
			shifts, hours := 2, 4
			switch {
			case i%7 == 3 && week < 16:
				shifts = 1 // a gentle start: not yet 7 hours a week
			case week >= 40 && i%3 == 0:
				shifts, hours = 3, 5
			case week >= 16 && i%2 == 0:
				shifts = 3
			}
			wd := day.Weekday()
			works := wd == time.Monday || (shifts >= 2 && wd == time.Wednesday) || (shifts >= 3 && wd == time.Friday)
			if !works {
				continue
			}
			s, e := day.At(6, 0, civil.London).UTC(), day.At(6+hours, 0, civil.London).UTC()
			att = append(att, historyAttendance{ID: database.NewID(), ShiftID: database.NewID(), EmployeeID: p.ID, SiteName: "Canary Wharf offices",
				ScheduledStart: s, ScheduledEnd: e, BreakMinutes: 0, ClockIn: &s, ClockOut: &e, Status: "worked", Source: "supervisor",
				WorkDate: day, Version: 1, CreatedAt: now, UpdatedAt: now})
		}
	}
	// The demo cast's own records: how they were referred, the flags they
	// agreed to, where they live. No leavers: their data stays as it was.
	cast, err := a.People.Employees(ctx)
	if err != nil {
		return err
	}
	for i, p := range cast {
		if p.Employee == nil {
			continue
		}
		recs = append(recs, people.EmploymentRecord{EmployeeID: p.ID, ReferralSource: historyReferrals[(i+2)%len(historyReferrals)],
			LongTermUnemployed: i%2 == 0, Disabled: i%3 == 0, FlagsConsent: true, PostcodeDistrict: historyDistricts[(i+3)%len(historyDistricts)]})
	}
	if err := a.People.SeedEmploymentRecords(ctx, "demo", recs); err != nil {
		return err
	}
	db := a.DB.WithContext(ctx)
	if err := db.CreateInBatches(&rates, 500).Error; err != nil {
		return err
	}
	if len(absences) > 0 {
		if err := db.CreateInBatches(&absences, 500).Error; err != nil {
			return err
		}
	}
	return db.CreateInBatches(&att, 500).Error
}
