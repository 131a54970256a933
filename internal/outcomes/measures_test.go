package outcomes_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/outcomes"
	"github.com/goodshift/goodshift/internal/people"
)

// fakePayroll is this package's own payroll seam, filled by the cohort.
type fakePayroll struct {
	paid  []outcomes.PaidDay
	rates map[string][]outcomes.Rate
	sick  []outcomes.Span
}

func (f *fakePayroll) PaidDays(_ context.Context, from, to civil.Date) ([]outcomes.PaidDay, error) {
	var out []outcomes.PaidDay
	for _, p := range f.paid {
		if !p.Date.Before(from) && !p.Date.After(to) {
			out = append(out, p)
		}
	}
	return out, nil
}
func (f *fakePayroll) PayRates(context.Context) (map[string][]outcomes.Rate, error) {
	return f.rates, nil
}
func (f *fakePayroll) Sickness(_ context.Context, from, to civil.Date) ([]outcomes.Span, error) {
	return f.sick, nil
}

type fakeFlex []outcomes.Span

func (f fakeFlex) FlexDates(context.Context, civil.Date, civil.Date) ([]outcomes.Span, error) {
	return f, nil
}

// group is identical people in the synthetic cohort.
type group struct {
	name     string
	n        int
	start    civil.Date
	leaving  civil.Date
	category string
	referral string
	ltu, dis bool
	district string
	// weekly pattern: minutes on each weekday (Monday = 1)
	days    map[time.Weekday]int
	pattern func(d civil.Date) map[time.Weekday]int
	rates   []outcomes.Rate
}

var d = civil.D

// cohort is the synthetic cohort whose answers for Q3 2026 (1 Jul to
// 30 Sep, 92 days) are worked out by hand in TestCohortMeasures.
func cohort() []group {
	return []group{
		{name: "A", n: 6, start: d(2026, 4, 6), referral: people.ReferralIPS, ltu: true, district: "E14",
			days: map[time.Weekday]int{time.Monday: 480}, rates: []outcomes.Rate{{From: d(2026, 4, 6), Hourly: 1480}}},
		{name: "B", n: 5, start: d(2025, 1, 6), leaving: d(2026, 8, 14), category: people.LeftForOpenEmployment,
			referral: people.ReferralNHS, dis: true, district: "E1",
			days:  map[time.Weekday]int{time.Monday: 360, time.Wednesday: 360},
			rates: []outcomes.Rate{{From: d(2025, 1, 6), Hourly: 1385}, {From: d(2026, 4, 1), Hourly: 1500}}},
		{name: "C", n: 7, start: d(2024, 6, 3), referral: people.ReferralSelf,
			pattern: func(day civil.Date) map[time.Weekday]int {
				if day.Before(d(2026, 6, 1)) {
					return map[time.Weekday]int{time.Tuesday: 300}
				}
				return map[time.Weekday]int{time.Tuesday: 300, time.Thursday: 300}
			},
			rates: []outcomes.Rate{{From: d(2024, 6, 3), Hourly: 1385}, {From: d(2025, 11, 1), Hourly: 1480}}},
		{name: "D", n: 5, start: d(2025, 6, 2), referral: people.ReferralOther, district: "E14",
			days:  map[time.Weekday]int{time.Friday: 240},
			rates: []outcomes.Rate{{From: d(2025, 6, 2), Hourly: 1400}, {From: d(2026, 9, 1), Hourly: 1480}}},
		{name: "E", n: 1, start: d(2026, 9, 14), referral: people.ReferralSelf, district: "E14"},
	}
}

// build creates the cohort's people through people.Service and returns the
// payroll and flex data that go with them.
func build(t *testing.T, ctx context.Context, svc *people.Service, groups []group, today civil.Date) (*fakePayroll, fakeFlex) {
	t.Helper()
	pay := &fakePayroll{rates: map[string][]outcomes.Rate{}}
	var flex fakeFlex
	admin := auth.Principal{ID: "admin", Roles: []auth.Role{auth.Admin}}
	for _, g := range groups {
		for i := range g.n {
			p, err := svc.Create(ctx, people.NewPerson{Name: fmt.Sprintf("%s %d", g.name, i), Email: fmt.Sprintf("%s%d@example.org", g.name, i),
				Roles: []auth.Role{auth.Employee}, Employee: &people.Employee{WorksNumber: fmt.Sprintf("%s%d", g.name, i), StartDate: g.start}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SetEmploymentRecord(ctx, admin, p.ID, people.EmploymentInput{LeavingDate: g.leaving, LeavingCategory: g.category,
				ReferralSource: g.referral, LongTermUnemployed: g.ltu, Disabled: g.dis, FlagsConsent: g.ltu || g.dis, PostcodeDistrict: g.district}); err != nil {
				t.Fatal(err)
			}
			pay.rates[p.ID] = g.rates
			last := today.AddDays(-1)
			if !g.leaving.IsZero() {
				last = g.leaving
			}
			for day := g.start; !day.After(last); day = day.AddDays(1) {
				days := g.days
				if g.pattern != nil {
					days = g.pattern(day)
				}
				if m := days[day.Weekday()]; m > 0 {
					var rate money.Pence
					for _, r := range g.rates {
						if !r.From.After(day) {
							rate = r.Hourly
						}
					}
					pay.paid = append(pay.paid, outcomes.PaidDay{EmployeeID: p.ID, Date: day, Minutes: m, HourlyRate: rate})
				}
			}
			switch {
			case g.name == "B":
				pay.sick = append(pay.sick, outcomes.Span{EmployeeID: p.ID, From: d(2026, 7, 1), To: d(2026, 7, 3)})
			case g.name == "D" && i < 4:
				pay.sick = append(pay.sick, outcomes.Span{EmployeeID: p.ID, From: d(2026, 7, 13), To: d(2026, 7, 17)})
			case g.name == "D":
				flex = append(flex, outcomes.Span{EmployeeID: p.ID, From: d(2026, 8, 3), To: d(2026, 8, 30)})
			}
		}
	}
	return pay, flex
}

func find(t *testing.T, r outcomes.Report, id string) outcomes.Table {
	t.Helper()
	for _, s := range r.Sections {
		for _, tb := range s.Tables {
			if tb.ID == id {
				return tb
			}
		}
	}
	t.Fatalf("no table %s", id)
	return outcomes.Table{}
}

func figureOf(t *testing.T, r outcomes.Report, id string) string {
	t.Helper()
	for _, s := range r.Sections {
		for _, f := range s.Figures {
			if f.ID == id {
				return f.String()
			}
		}
	}
	t.Fatalf("no figure %s", id)
	return ""
}

func cells(tb outcomes.Table) []string {
	var out []string
	for _, r := range tb.Rows {
		out = append(out, r.Count.String())
	}
	return append(out, tb.Total.Count.String())
}

// TestCohortMeasures: every measure of the synthetic cohort, against
// answers worked out by hand (the working is in the comments).
func TestCohortMeasures(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		ps := people.NewService(people.Config{DB: db, Now: clock, Passwords: auth.Passwords{Cost: 4}})
		pay, flex := build(t, ctx, ps, cohort(), civil.D(2026, 11, 23))
		svc, err := outcomes.NewService(outcomes.Config{Now: clock, Records: ps, Payroll: pay, Flex: flex})
		if err != nil {
			t.Fatal(err)
		}
		period, err := outcomes.ParsePeriod("2026-Q3", "", "", civil.D(2026, 11, 23))
		if err != nil || period.From != d(2026, 7, 1) || period.To != d(2026, 9, 30) {
			t.Fatalf("period = %v, %v", period, err)
		}
		r, err := svc.Report(ctx, period)
		if err != nil {
			t.Fatal(err)
		}
		figures := []struct{ id, want string }{
			// A6 + B5 + C7 + D5 + E1, all employed on some day of Q3.
			{"people_employed", "24"},
			// A: 13 Mondays × 480 = 6,240 min × 6; B: 13 days to 14 Aug × 360 = 4,680 × 5;
			// C: 26 days × 300 = 7,800 × 7; D: 13 Fridays × 240 = 3,120 × 5: 131,040 min.
			{"paid_hours", "2184.00"},
			// A 104 h × £14.80 × 6 = £9,235.20; B 78 h × £15.00 × 5 = £5,850.00;
			// C 130 h × £14.80 × 7 = £13,468.00; D (36 h × £14.00 + 16 h × £14.80) × 5 = £3,704.00.
			{"wages", "£32,257.20"},
			// Minutes × 7 / days employed / 60: E 0, D 3.96 ×5, A 7.91 ×6, C 9.89 ×7, B 12.13 ×5;
			// the middle two of 24 are A and C: (7.913 + 9.891) / 2 = 8.90.
			{"median_weekly_hours", "8.9"},
		}
		for _, f := range figures {
			if got := figureOf(t, r, f.id); got != f.want {
				t.Errorf("%s = %q, want %q", f.id, got, f.want)
			}
		}
		F, N := outcomes.FewerThan5, outcomes.NotShown
		tables := []struct {
			id   string
			want []string // rows then total
		}{
			// One start (E): the total is under 5, so everything is.
			{"new_starts", []string{F, F, F, F, F, F}},
			// Five leavers, all to open employment: the five zeros would be
			// given away by 5 − 5, and hiding the 5 would leave it pinned at
			// the total, so the whole table is withheld.
			{"leavers", []string{N, F, F, F, F, F, N}},
			// Paid in Q3: A, B, C at or above (18); D paid £14.00 in July (5).
			{"living_wage", []string{"18", "5", "23"}},
			// A reached 13 weeks on 6 Jul, all still employed: 6 and 0; the
			// 0 would follow from 6 − 6, so the 6 is withheld too.
			{"retention_13", []string{N, F, "6"}},
			{"retention_26", []string{F, F, F}},
			{"retention_52", []string{F, F, F}},
			// A's 16th week ended 26 Jul: 8 h every Monday, so 16 of 16 weeks.
			{"sustained_job", []string{N, F, "6"}},
			// B (sick 1–3 Jul, left 14 Aug: had left by 2 Oct), D (sick to
			// 17 Jul: still employed on 16 Oct; one flex period to 30 Aug:
			// 29 Nov is after today). Cells 4, 5, 1: the 4 and the 1 add up
			// to 5, which pins neither.
			{"hard_periods", []string{F, "5", F, "10"}},
			// Employed from 5 Mar to 30 Sep: C (7) and D (5). C's hours went
			// from 4 Tuesdays (1,200 min) to 8 days (2,400); D's stayed at
			// 960. D's rate went from £14.00 to £14.80; C's stayed £14.80.
			{"progression_hours", []string{"7", "5", "12"}},
			{"progression_pay", []string{"5", "7", "12"}},
			{"long_term_unemployed", []string{"6", "18", "24"}},
			{"disabled", []string{"5", "19", "24"}},
			// E1: B; E14: A6 + D5 + E1; not recorded: C.
			{"local", []string{"5", "12", "7", "24"}},
		}
		for _, tc := range tables {
			got := cells(find(t, r, tc.id))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s = %q, want %q", tc.id, got, tc.want)
			}
		}
		// FTE: minutes × 7 / 92 days / 2,250 minutes a week.
		ltu := find(t, r, "long_term_unemployed")
		if got := []string{ltu.Rows[0].Figure, ltu.Rows[1].Figure, ltu.Total.Figure}; fmt.Sprint(got) != "[1.27 3.17 4.43]" {
			t.Errorf("long-term unemployed FTE = %v, want [1.27 3.17 4.43]", got)
		}
		dis := find(t, r, "disabled")
		if got := []string{dis.Rows[0].Figure, dis.Rows[1].Figure}; fmt.Sprint(got) != "[0.79 3.64]" {
			t.Errorf("disabled FTE = %v, want [0.79 3.64]", got)
		}
		if got := find(t, r, "living_wage").Rows[0].Share; got != "78%" {
			t.Errorf("living wage share = %q, want 78%%", got)
		}
	})
}

func TestParsePeriod(t *testing.T) {
	today := d(2026, 11, 23)
	ok := []struct {
		period, from, to string
		want             outcomes.Period
	}{
		{"", "", "", outcomes.Period{From: d(2026, 7, 1), To: d(2026, 9, 30)}},
		{"2026-Q1", "", "", outcomes.Period{From: d(2026, 1, 1), To: d(2026, 3, 31)}},
		{"2025-q4", "", "", outcomes.Period{From: d(2025, 10, 1), To: d(2025, 12, 31)}},
		{"2025", "", "", outcomes.Period{From: d(2025, 1, 1), To: d(2025, 12, 31)}},
		{"", "2026-02-03", "2026-05-04", outcomes.Period{From: d(2026, 2, 3), To: d(2026, 5, 4)}},
	}
	for _, tc := range ok {
		got, err := outcomes.ParsePeriod(tc.period, tc.from, tc.to, today)
		if err != nil || got != tc.want {
			t.Errorf("ParsePeriod(%q,%q,%q) = %v, %v; want %v", tc.period, tc.from, tc.to, got, err, tc.want)
		}
	}
	if got, _ := outcomes.ParsePeriod("", "", "", d(2026, 2, 10)); got != (outcomes.Period{From: d(2025, 10, 1), To: d(2025, 12, 31)}) {
		t.Errorf("default in Q1 = %v", got)
	}
	for _, bad := range [][3]string{{"2026-Q5", "", ""}, {"soon", "", ""}, {"", "2026-05-01", ""}, {"", "2026-05-01", "2026-04-01"},
		{"", "2020-01-01", "2026-01-01"}, {"2026", "2026-01-01", "2026-02-01"}} {
		if _, err := outcomes.ParsePeriod(bad[0], bad[1], bad[2], today); err == nil {
			t.Errorf("ParsePeriod%q accepted", bad)
		}
	}
}
