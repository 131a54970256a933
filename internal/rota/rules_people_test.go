package rota

import (
	"strings"
	"testing"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

const siteA, siteB = "0190a000-0000-7000-8000-00000000000a", "0190a000-0000-7000-8000-00000000000b"

// adj is Sam on a shift with adjustments a.
func adj(shift Work, a Adjustments, other ...Work) Facts {
	f := facts(shift, 30, other...)
	f.SiteName = "Cable Street"
	f.Person.Adjustments = a
	return f
}

func withBreak(w Work, b int) Work { w.BreakMinutes = b; return w }

func onSite(w Work, site string) Work { w.SiteID = site; return w }

func TestPersonRules(t *testing.T) {
	mon := civil.D(2026, 11, 30)
	claim := func(f Facts) Facts { f.Request = Request{Kind: KindClaim}; return f }
	assign := func(f Facts) Facts { f.Request = Request{Kind: KindAssign}; return f }
	crew := func(f Facts, ids ...string) Facts { f.Crew = ids; return f }
	pay := func(f Facts, p PayFacts) Facts { f.Person.Pay = p; return f }
	away := func(f Facts, d ...civil.Date) Facts { f.Person.Away = d; return f }
	temp := func(f Facts, l ...TemporaryLimit) Facts { f.Person.Temporary = l; return f }
	avail := func(f Facts, a Availability) Facts { f.Person.Availability = a; return f }
	expired := Adjustments{EffectiveTo: mon.AddDays(-1), EarliestStart: "10:00"}
	for _, tc := range []struct {
		name     string
		rule     func(Facts) []Violation
		f        Facts
		severity string
		contains string
	}{
		{"earliest start", ruleEarliestStart, adj(work(0, 7, 11), Adjustments{EarliestStart: "10:00"}), Hard, "Sam's agreed adjustment: no starts before 10:00. This shift starts at 07:00."},
		{"earliest start ok", ruleEarliestStart, adj(work(0, 10, 14), Adjustments{EarliestStart: "10:00"}), "", ""},
		{"not in force", ruleEarliestStart, adj(work(0, 7, 11), expired), "", ""},
		{"latest finish", ruleLatestFinish, adj(work(0, 12, 17), Adjustments{LatestFinish: "15:00"}), Hard, "no finishes after 15:00. This shift finishes at 17:00."},
		{"latest finish overnight", ruleLatestFinish, adj(Work{Start: at(0, 22, 0), End: at(1, 2, 0)}, Adjustments{LatestFinish: "23:00"}), Hard, "finishes at 02:00"},
		{"max shift", ruleMaxShift, adj(work(0, 7, 13), Adjustments{MaxShiftMinutes: 240}), Hard, "shifts of at most 4h. This shift is 6h."},
		{"max day", ruleMaxDay, adj(work(0, 14, 17), Adjustments{MaxDayMinutes: 300}, work(0, 6, 9)), Hard, "at most 5h a day. This makes 6h on Mon 30 Nov."},
		{"max week", ruleMaxWeek, adj(work(2, 7, 11), Adjustments{MaxWeekMinutes: 600}, work(0, 7, 11), work(1, 7, 11)), Hard, "at most 10h a week. This makes 12h"},
		{"max week next week is separate", ruleMaxWeek, adj(work(7, 7, 11), Adjustments{MaxWeekMinutes: 600}, work(0, 7, 11), work(1, 7, 11)), "", ""},
		{"days never worked", ruleDaysNeverWorked, adj(work(5, 8, 12), Adjustments{DaysNeverWorked: []string{"saturday", "sunday"}}), Hard, "never works on a Saturday. This shift is on Sat 5 Dec."},
		{"days never worked weekday ok", ruleDaysNeverWorked, adj(work(4, 8, 12), Adjustments{DaysNeverWorked: []string{"saturday"}}), "", ""},
		{"no nights", ruleNoNights, adj(work(0, 20, 24), Adjustments{NoNights: true}), Hard, "no night work (23:00–06:00). This shift runs 20:00–00:00."},
		{"no nights evening ok", ruleNoNights, adj(work(0, 18, 23), Adjustments{NoNights: true}), "", ""},
		{"not alone", ruleNotAlone, adj(work(0, 7, 11), Adjustments{NotAlone: true}), Hard, "not working alone. Nobody else is on at Cable Street"},
		{"not alone with crew", ruleNotAlone, crew(adj(work(0, 7, 11), Adjustments{NotAlone: true}), "q"), "", ""},
		{"named colleague missing", ruleNotAlone, crew(adj(work(0, 7, 11), Adjustments{WorkWith: []string{"rosa"}}), "q"), Hard, "works with a named colleague"},
		{"named colleague there", ruleNotAlone, crew(adj(work(0, 7, 11), Adjustments{WorkWith: []string{"rosa"}}), "q", "rosa"), "", ""},
		{"fixed sites", ruleFixedSites, adj(onSite(work(0, 7, 11), siteB), Adjustments{FixedSites: []string{siteA}}), Hard, "fixed sites only, and Cable Street is not one of them."},
		{"fixed site ok", ruleFixedSites, adj(onSite(work(0, 7, 11), siteA), Adjustments{FixedSites: []string{siteA}}), "", ""},
		{"min notice on assignment", ruleMinNotice, assign(adj(work(0, 7, 11), Adjustments{MinNoticeDays: 14})), Soft, "at least 14 days' notice of new or changed shifts. This gives 6 days' notice"},
		{"min notice: claiming is consent", ruleMinNotice, claim(adj(work(0, 7, 11), Adjustments{MinNoticeDays: 14})), "", ""},
		{"max consecutive days", ruleMaxConsecutiveDays, adj(work(2, 7, 11), Adjustments{MaxConsecutiveDays: 3}, work(0, 7, 11), work(1, 7, 11), work(3, 7, 11)), Soft, "at most 3 days in a row. This makes 4 days in a row."},
		{"max consecutive with a gap", ruleMaxConsecutiveDays, adj(work(2, 7, 11), Adjustments{MaxConsecutiveDays: 3}, work(0, 7, 11), work(4, 7, 11)), "", ""},
		{"extra breaks", ruleExtraBreaks, adj(withBreak(work(0, 7, 12), 0), Adjustments{BreakAfterMinutes: 180, MinBreakMinutes: 15}), Hard, "a break of at least 15 minutes in shifts over 3h. This shift has 0 minutes"},
		{"extra breaks given", ruleExtraBreaks, adj(withBreak(work(0, 7, 12), 15), Adjustments{BreakAfterMinutes: 180, MinBreakMinutes: 15}), "", ""},
		{"phased return before it starts", rulePhasedReturn, adj(work(0, 7, 11), Adjustments{PhasedReturn: []PhaseStep{{mon.AddDays(7), 600}}}), Hard, "phased return starts on Mon 7 Dec"},
		{"phased return step", rulePhasedReturn, adj(work(1, 7, 11), Adjustments{PhasedReturn: []PhaseStep{{mon.AddDays(-7), 240}, {mon.AddDays(7), 720}}}, work(0, 7, 11)), Hard, "phased return, up to 4h a week from Mon 23 Nov. This makes 8h"},
		{"phased return later step", rulePhasedReturn, adj(work(8, 7, 11), Adjustments{PhasedReturn: []PhaseStep{{mon.AddDays(-7), 240}, {mon.AddDays(7), 720}}}, work(7, 7, 11)), "", ""},
		{"benefit cap hours (figures)", ruleBenefitCap, adj(work(2, 7, 11), Adjustments{BenefitCap: PermittedWork}, work(0, 7, 13), work(1, 7, 13)), Soft, "under 16h a week. This makes 16h"},
		{"benefit cap earnings (payroll)", ruleBenefitCap, pay(adj(work(1, 7, 11), Adjustments{}, work(0, 7, 13)), PayFacts{Permitted: true, MaxWeeklyEarnings: 10000, HourlyRate: money.Pence(1480), HasRate: true}), Soft, "earnings up to £100.00 a week. 10h in the week of Mon 30 Nov comes to about £148.00"},
		{"benefit cap within", ruleBenefitCap, pay(adj(work(1, 7, 11), Adjustments{BenefitCap: SupportedPermittedWork}), PayFacts{HourlyRate: 1480, HasRate: true}), "", ""},
		{"away", ruleAway, away(adj(work(0, 7, 11), Adjustments{}), mon), Hard, "Sam is away on Mon 30 Nov"},
		{"temporary no shifts", ruleTemporary, temp(adj(work(0, 7, 11), Adjustments{}), TemporaryLimit{From: mon, To: mon.AddDays(10), NoShifts: true}), Hard, "A temporary change agreed with Sam: no shifts until Thu 10 Dec."},
		{"temporary weekly cap", ruleTemporary, temp(adj(work(1, 7, 11), Adjustments{}, work(0, 7, 11)), TemporaryLimit{From: mon, To: mon.AddDays(10), MaxWeeklyMinutes: 360}), Hard, "at most 6h a week until Thu 10 Dec. This makes 8h"},
		{"temporary later start", ruleTemporary, temp(adj(work(0, 7, 11), Adjustments{}), TemporaryLimit{From: mon, To: mon.AddDays(10), EarliestStartMinutes: 10 * 60}), Hard, "no starts before 10:00 until Thu 10 Dec. This shift starts at 07:00."},
		{"temporary later start kept", ruleTemporary, temp(adj(work(0, 10, 14), Adjustments{}), TemporaryLimit{From: mon, To: mon.AddDays(10), EarliestStartMinutes: 10 * 60}), "", ""},
		{"temporary after period", ruleTemporary, temp(adj(work(14, 7, 11), Adjustments{}), TemporaryLimit{From: mon, To: mon.AddDays(10), NoShifts: true}), "", ""},
		{"unavailable date", ruleAvailability, avail(adj(work(0, 7, 11), Adjustments{}), Availability{Unavailable: []civil.Date{mon}}), Hard, "Sam said they cannot work on Mon 30 Nov."},
		{"outside usual hours", ruleAvailability, avail(adj(work(0, 7, 11), Adjustments{}), Availability{Weekly: []Window{{Day: "monday", From: "09:00", To: "17:00"}}}), Soft, "usually available on Mondays 09:00–17:00 only"},
		{"not a usual day", ruleAvailability, avail(adj(work(1, 7, 11), Adjustments{}), Availability{Weekly: []Window{{Day: "monday", From: "06:00", To: "17:00"}}}), Soft, "not usually available on Tuesdays"},
		{"within usual hours", ruleAvailability, avail(adj(work(0, 7, 11), Adjustments{}), Availability{Weekly: []Window{{Day: "monday", From: "06:00", To: "12:00"}}}), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := tc.rule(tc.f)
			if tc.severity == "" {
				if len(vs) != 0 {
					t.Fatalf("want no violation, got %+v", vs)
				}
				return
			}
			if len(vs) == 0 {
				t.Fatalf("want a %s violation, got none", tc.severity)
			}
			if vs[0].Severity != tc.severity || !strings.Contains(vs[0].Message, tc.contains) {
				t.Errorf("got %+v\nwant %s containing %q", vs[0], tc.severity, tc.contains)
			}
		})
	}
}

func TestAdjustmentsValidation(t *testing.T) {
	for _, tc := range []struct {
		a     Adjustments
		field string
	}{
		{Adjustments{EarliestStart: "7am"}, "earliest_start"},
		{Adjustments{MaxShiftMinutes: -1}, "max_shift_minutes"},
		{Adjustments{DaysNeverWorked: []string{"funday"}}, "days_never_worked"},
		{Adjustments{WorkWith: []string{"rosa"}}, "work_with"},
		{Adjustments{MinBreakMinutes: 15}, "break_after_minutes"},
		{Adjustments{PhasedReturn: []PhaseStep{{}}}, "phased_return"},
		{Adjustments{BenefitCap: "uc"}, "benefit_cap"},
		{Adjustments{EffectiveFrom: civil.D(2026, 12, 1), EffectiveTo: civil.D(2026, 11, 1)}, "effective_to"},
	} {
		bad := tc.a.normalise()
		if len(bad) != 1 || bad[0].Field != tc.field {
			t.Errorf("%+v: got %+v, want %s", tc.a, bad, tc.field)
		}
	}
	a := Adjustments{DaysNeverWorked: []string{"Sunday", "saturday", "sunday"}, WorkWith: []string{siteA}}
	if bad := a.normalise(); len(bad) != 0 || strings.Join(a.DaysNeverWorked, ",") != "saturday,sunday" || !a.NotAlone {
		t.Errorf("normalised: %+v %+v", a, bad)
	}
	if !(Adjustments{}).Empty() || a.Empty() {
		t.Error("Empty")
	}
}
