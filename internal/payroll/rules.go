package payroll

import (
	"fmt"
	"time"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/money"
)

// The figures below change every April. They are data with effective dates
// (DOMAIN.md), never literals inside a rule: next year's rates are one row.

// Band is a statutory minimum wage age band.
type Band string

const (
	Band21Plus    Band = "21_and_over"
	Band18To20    Band = "18_to_20"
	BandUnder18   Band = "under_18"
	BandApprentic Band = "apprentice"
)

// Label is the band in words.
func (b Band) Label() string {
	switch b {
	case Band21Plus:
		return "National Living Wage (21 and over)"
	case Band18To20:
		return "18 to 20 rate"
	case BandUnder18:
		return "under-18 rate"
	case BandApprentic:
		return "apprentice rate"
	}
	return string(b)
}

// MinimumWageRates is one year's statutory minimum hourly rates.
type MinimumWageRates struct {
	From  civil.Date
	Rates map[Band]money.Pence
}

// MinimumWageTable is the statutory minimum by band, newest last.
var MinimumWageTable = []MinimumWageRates{
	{civil.D(2025, 4, 1), map[Band]money.Pence{Band21Plus: 1221, Band18To20: 1000, BandUnder18: 755, BandApprentic: 755}},
	{civil.D(2026, 4, 1), map[Band]money.Pence{Band21Plus: 1271, Band18To20: 1085, BandUnder18: 800, BandApprentic: 800}},
}

// BandFor is the band that applies to someone of age on a date. An
// apprentice gets the apprentice rate while under 19 or in the first year
// of the apprenticeship; after that, their age band.
func BandFor(age int, apprentice bool, apprenticeshipStart, on civil.Date) Band {
	if apprentice && (age < 19 || on.Before(apprenticeshipStart.AddDays(365))) {
		return BandApprentic
	}
	switch {
	case age >= 21:
		return Band21Plus
	case age >= 18:
		return Band18To20
	}
	return BandUnder18
}

// StatutoryMinimum is the minimum hourly rate for band on date, and false
// when the table has no rates that early.
func StatutoryMinimum(band Band, on civil.Date) (money.Pence, bool) {
	for i := len(MinimumWageTable) - 1; i >= 0; i-- {
		if !on.Before(MinimumWageTable[i].From) {
			return MinimumWageTable[i].Rates[band], true
		}
	}
	return 0, false
}

// SSPRules are the Statutory Sick Pay rules in force from a date.
type SSPRules struct {
	From         civil.Date
	WaitingDays  int         // days of a period of sickness before SSP is paid
	WeeklyRate   money.Pence // flat weekly rate
	LowerLimit   money.Pence // average weekly earnings needed (0: none)
	PercentOfAWE money.BasisPoints
}

// SSPTable is the SSP rules by tax year, newest last.
var SSPTable = []SSPRules{
	{From: civil.D(2025, 4, 6), WaitingDays: 3, WeeklyRate: 11875, LowerLimit: 12500},
	{From: civil.D(2026, 4, 6), WaitingDays: 0, WeeklyRate: 12325, LowerLimit: 0, PercentOfAWE: 8000},
}

// SSPRulesOn returns the SSP rules in force on d.
func SSPRulesOn(d civil.Date) SSPRules {
	for i := len(SSPTable) - 1; i >= 0; i-- {
		if !d.Before(SSPTable[i].From) {
			return SSPTable[i]
		}
	}
	return SSPTable[0]
}

// SSP indicators on a sick day.
const (
	SSPPayable     = "ssp"          // SSP is payable for this day
	SSPWaitingDay  = "waiting_day"  // one of the waiting days
	SSPBelowLimit  = "below_limit"  // average weekly earnings under the lower limit
	SSPNotWorkDays = "not_eligible" // not eligible for another reason
)

// SSPIndicator says whether SSP is payable for a sick day that is day n
// (1-based) of a run of consecutive sick days, given average weekly
// earnings, under the rules in force on the date.
func SSPIndicator(on civil.Date, dayOfRun int, avgWeekly money.Pence) string {
	r := SSPRulesOn(on)
	if r.LowerLimit > 0 && avgWeekly < r.LowerLimit {
		return SSPBelowLimit
	}
	if dayOfRun <= r.WaitingDays {
		return SSPWaitingDay
	}
	return SSPPayable
}

// Benefit types for the permitted-work monitor.
const (
	BenefitESAPermitted = "esa_permitted_work"
	BenefitESASupported = "esa_supported_permitted_work"
	BenefitOther        = "other"
)

// PermittedWorkLimits are the default weekly limits for a benefit from a date.
type PermittedWorkLimits struct {
	From     civil.Date
	Minutes  map[string]int         // 0: no hours limit
	Earnings map[string]money.Pence // 0: no earnings limit
}

// PermittedWorkTable holds DOMAIN.md's ESA permitted-work limits: "under 16
// hours" (at most 15 h 59 min) and earnings up to 16 × NLW rounded up.
var PermittedWorkTable = []PermittedWorkLimits{
	{civil.D(2025, 4, 1),
		map[string]int{BenefitESAPermitted: 16*60 - 1, BenefitESASupported: 0},
		map[string]money.Pence{BenefitESAPermitted: 19550, BenefitESASupported: 19550}},
	{civil.D(2026, 4, 1),
		map[string]int{BenefitESAPermitted: 16*60 - 1, BenefitESASupported: 0},
		map[string]money.Pence{BenefitESAPermitted: 20350, BenefitESASupported: 20350}},
}

// DefaultPermittedWork returns the default limits for benefit on d.
func DefaultPermittedWork(benefit string, d civil.Date) (minutes int, earnings money.Pence) {
	for i := len(PermittedWorkTable) - 1; i >= 0; i-- {
		if !d.Before(PermittedWorkTable[i].From) {
			return PermittedWorkTable[i].Minutes[benefit], PermittedWorkTable[i].Earnings[benefit]
		}
	}
	return 0, 0
}

// WarnAtBasisPoints is the share of a limit at which the monitor warns.
const WarnAtBasisPoints = 8000

// HolidayAccrualBasisPoints is 12.07%: 5.6 / (52 − 5.6), the holiday an
// irregular-hours worker accrues for each hour worked, and the rolled-up
// holiday pay rate.
const HolidayAccrualBasisPoints = 1207

// HolidayAccrual is the holiday, in minutes, accrued for minutes worked.
func HolidayAccrual(workedMinutes int) int {
	return int(money.MulDiv(money.Pence(workedMinutes), HolidayAccrualBasisPoints, 10000, money.HalfUp))
}

// BreakRule is the unpaid break policy when the rota names none: the
// Working Time Regulations' 20-minute break on a shift over 6 hours.
const (
	BreakAfterMinutes   = 6 * 60
	DefaultBreakMinutes = 20
)

// BreakFor is the unpaid break deducted from a shift of elapsed minutes:
// the rota's break when it names one, otherwise the policy.
func BreakFor(elapsedMinutes, scheduledBreak int) int {
	b := 0
	switch {
	case scheduledBreak >= 0:
		b = scheduledBreak
	case elapsedMinutes > BreakAfterMinutes:
		b = DefaultBreakMinutes
	}
	return min(b, max(elapsedMinutes, 0))
}

// DayPart is the part of a shift that falls on one local date.
type DayPart struct {
	Date    civil.Date `json:"date"`
	Minutes int        `json:"minutes"`
}

// SplitByDay splits the real time between start and end into the London
// dates it falls on. A night over the October clock change gives 9 real
// hours, over the March change 7.
func SplitByDay(start, end time.Time) []DayPart {
	var out []DayPart
	if !end.After(start) {
		return nil
	}
	cur := start
	for cur.Before(end) {
		d := civil.In(cur, civil.London)
		next := d.AddDays(1).Time(civil.London)
		stop := end
		if next.Before(stop) {
			stop = next
		}
		out = append(out, DayPart{Date: d, Minutes: int(stop.Sub(cur) / time.Minute)})
		cur = stop
	}
	return out
}

// WorkedParts is the paid time of a shift by date: the real time worked,
// split at midnight, less the unpaid break, taken from the longest part
// (the first on a tie).
func WorkedParts(start, end time.Time, scheduledBreak int) ([]DayPart, int) {
	parts := SplitByDay(start, end)
	total := 0
	for _, p := range parts {
		total += p.Minutes
	}
	brk := BreakFor(total, scheduledBreak)
	if brk > 0 && len(parts) > 0 {
		longest := 0
		for i, p := range parts {
			if p.Minutes > parts[longest].Minutes {
				longest = i
			}
		}
		parts[longest].Minutes -= brk
	}
	return parts, brk
}

// CentiHours is minutes as hundredths of an hour, rounded up: the unit pay
// lines, timesheets and the payroll export share, so that hours × rate in
// the payroll software equals the gross on the timesheet to the penny, and
// rounding never underpays.
func CentiHours(minutes int) int64 {
	if minutes <= 0 {
		return int64(minutes * 100 / 60)
	}
	return (int64(minutes)*100 + 59) / 60
}

// LinePay is the pay for hundredths of an hour at an hourly rate.
func LinePay(centiHours int64, rate money.Pence) money.Pence {
	return money.MulDiv(rate, centiHours, 100, money.HalfUp)
}

// FormatCentiHours writes 725 as "7.25".
func FormatCentiHours(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// FormatMinutes writes 445 as "7h 25m".
func FormatMinutes(m int) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%dh %02dm", sign, m/60, m%60)
}
