package payroll

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
)

// PayRate is an employee's hourly rate from a date.
type PayRate struct {
	ID            string      `json:"id"`
	EmployeeID    string      `json:"employee_id"`
	EffectiveFrom civil.Date  `json:"effective_from"`
	HourlyRate    money.Pence `json:"hourly_rate_pence"`
	Apprentice    bool        `json:"apprentice"`
	SetBy         string      `json:"set_by"`
	CreatedAt     time.Time   `json:"created_at"`
}

func (r payRateRow) rate() PayRate {
	return PayRate{ID: r.ID, EmployeeID: r.EmployeeID, EffectiveFrom: r.EffectiveFrom, HourlyRate: r.HourlyPence,
		Apprentice: r.Apprentice, SetBy: r.SetBy, CreatedAt: r.CreatedAt}
}

// Amount is money in a request: a string or decimal number is pounds
// ("12.71", 12.71), a whole number is pence (1271).
type Amount money.Pence

// UnmarshalJSON reads pounds or pence as described on Amount.
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p, err := money.Parse(s)
		if err != nil {
			return fmt.Errorf("amount %w", err)
		}
		*a = Amount(p)
		return nil
	}
	s := string(b)
	if strings.ContainsAny(s, ".eE") {
		p, err := money.Parse(s)
		if err != nil {
			return fmt.Errorf("amount %q must be pounds with at most two decimal places, like 12.71", s)
		}
		*a = Amount(p)
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("an amount must be pounds as a string like \"12.71\", or whole pence like 1271")
	}
	*a = Amount(n)
	return nil
}

// RateInput is what finance sends to set a rate.
type RateInput struct {
	HourlyRate    Amount     `json:"hourly_rate"`
	EffectiveFrom civil.Date `json:"effective_from"`
	Apprentice    bool       `json:"apprentice"`
}

// RateResult is a rate that was set, with warnings finance should read.
type RateResult struct {
	Rate     PayRate  `json:"rate"`
	Warnings []string `json:"warnings"`
}

// MinimumFor is the statutory minimum that applies to an employee on a date,
// with its band and their age.
func MinimumFor(e people.Employee, apprentice bool, on civil.Date) (money.Pence, Band, int) {
	age := e.AgeOn(on)
	if e.DateOfBirth.IsZero() {
		age = 99 // no birth date: hold them to the adult rate
	}
	band := BandFor(age, apprentice, e.StartDate, on)
	m, _ := StatutoryMinimum(band, on)
	return m, band, age
}

// SetPayRate sets an employee's hourly rate from a date. A rate below the
// statutory minimum for their age band on that date is refused; below the
// policy floor, or below a minimum that starts later (a birthday, April's
// new rates), it is set with a warning.
func (s *Service) SetPayRate(ctx context.Context, by auth.Principal, employeeID string, in RateInput) (RateResult, error) {
	p, err := s.employee(ctx, employeeID)
	if err != nil {
		return RateResult{}, err
	}
	rate := money.Pence(in.HourlyRate)
	var bad []errs.FieldError
	if in.EffectiveFrom.IsZero() {
		bad = append(bad, errs.FieldError{Field: "effective_from", Message: "is required: the date the rate starts"})
	}
	if rate <= 0 || rate > 100000 {
		bad = append(bad, errs.FieldError{Field: "hourly_rate", Message: "must be between £0.01 and £1,000.00 an hour"})
	}
	if len(bad) > 0 {
		return RateResult{}, errs.Fields(bad...)
	}
	if _, ok := StatutoryMinimum(Band21Plus, in.EffectiveFrom); !ok {
		return RateResult{}, errs.Fields(errs.FieldError{Field: "effective_from", Message: fmt.Sprintf("must be on or after %s, the earliest date the minimum wage table covers", MinimumWageTable[0].From.Format("2 January 2006"))})
	}
	if err := s.refuseIfClosed(ctx, s.db.WithContext(ctx), in.EffectiveFrom, "a pay rate"); err != nil {
		return RateResult{}, err
	}
	e := *p.Employee
	if min, band, age := MinimumFor(e, in.Apprentice, in.EffectiveFrom); rate < min {
		msg := fmt.Sprintf("%s an hour is below the %s of %s that applies to %s (aged %d) on %s. Set at least %s.",
			rate, band.Label(), min, p.Name, age, in.EffectiveFrom.Format("2 January 2006"), min)
		if e.DateOfBirth.IsZero() {
			msg = fmt.Sprintf("%s an hour is below the %s of %s on %s (no date of birth is recorded for %s, so the adult rate applies). Set at least %s.",
				rate, band.Label(), min, in.EffectiveFrom.Format("2 January 2006"), p.Name, min)
		}
		return RateResult{}, errs.E(errs.RuleViolation, "%s", msg).WithDetails([]errs.Violation{{Rule: "statutory_minimum_wage", Severity: "hard", Message: msg}})
	}
	var res RateResult
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var later []payRateRow
		if err := tx.Where("employee_id = ? AND effective_from > ?", employeeID, in.EffectiveFrom).Order("effective_from").Limit(1).Find(&later).Error; err != nil {
			return err
		}
		until := civil.Date{}
		if len(later) > 0 {
			until = later[0].EffectiveFrom
		}
		res.Warnings = s.rateWarnings(p, e, rate, in, until)
		if err := tx.Where("employee_id = ? AND effective_from = ?", employeeID, in.EffectiveFrom).Delete(&payRateRow{}).Error; err != nil {
			return err
		}
		row := payRateRow{ID: database.NewID(), EmployeeID: employeeID, EffectiveFrom: in.EffectiveFrom, HourlyPence: rate,
			Apprentice: in.Apprentice, SetBy: by.Name, CreatedAt: s.now().UTC()}
		if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "Someone else set a rate for this date at the same moment; reload and try again.")
			}
			return err
		}
		res.Rate = row.rate()
		return nil
	})
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	return res, err
}

// rateWarnings: below the policy floor, or below a statutory minimum that
// starts before the next rate (a birthday, the apprentice year ending, the
// April uprating).
func (s *Service) rateWarnings(p people.Person, e people.Employee, rate money.Pence, in RateInput, until civil.Date) []string {
	var out []string
	if s.policyFloor > 0 && rate < s.policyFloor {
		out = append(out, fmt.Sprintf("%s an hour is below the organisation's policy floor of %s (London Living Wage).", rate, s.policyFloor))
	}
	var dates []civil.Date
	for _, t := range MinimumWageTable {
		if t.From.After(in.EffectiveFrom) {
			dates = append(dates, t.From)
		}
	}
	if !e.DateOfBirth.IsZero() {
		for _, age := range []int{18, 19, 21} {
			if d := civil.D(e.DateOfBirth.Year+age, e.DateOfBirth.Month, e.DateOfBirth.Day); d.After(in.EffectiveFrom) {
				dates = append(dates, d)
			}
		}
	}
	if in.Apprentice {
		if d := e.StartDate.AddDays(365); d.After(in.EffectiveFrom) {
			dates = append(dates, d)
		}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	for _, d := range dates {
		if !until.IsZero() && !d.Before(until) {
			break
		}
		if min, band, age := MinimumFor(e, in.Apprentice, d); rate < min {
			out = append(out, fmt.Sprintf("From %s the %s for %s (aged %d) is %s: set a new rate from that date.",
				d.Format("2 January 2006"), band.Label(), p.Name, age, min))
			break
		}
	}
	return out
}

// PayRates lists an employee's rates, newest first.
func (s *Service) PayRates(ctx context.Context, employeeID string) ([]PayRate, error) {
	if _, err := s.employee(ctx, employeeID); err != nil {
		return nil, err
	}
	var rows []payRateRow
	if err := s.db.WithContext(ctx).Where("employee_id = ?", employeeID).Order("effective_from DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]PayRate, len(rows))
	for i, r := range rows {
		out[i] = r.rate()
	}
	return out, nil
}

// HourlyRate is the employee's rate on a date, and false when none is set.
// The rota uses it to estimate earnings against permitted-work limits.
func (s *Service) HourlyRate(ctx context.Context, employeeID string, on civil.Date) (money.Pence, bool, error) {
	var rows []payRateRow
	err := s.db.WithContext(ctx).Where("employee_id = ? AND effective_from <= ?", employeeID, on).
		Order("effective_from DESC").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, false, err
	}
	return rows[0].HourlyPence, true, nil
}

// HourlyRatesFor is HourlyRate for many employees in one query (a few for
// very long lists). Employees with no rate on the date are left out.
func (s *Service) HourlyRatesFor(ctx context.Context, employeeIDs []string, on civil.Date) (map[string]money.Pence, error) {
	out := map[string]money.Pence{}
	for chunk := range slices.Chunk(employeeIDs, 500) {
		q := s.db.WithContext(ctx).Model(&payRateRow{}).Select("employee_id, hourly_pence").
			Where("employee_id IN ? AND effective_from <= ?", chunk, on).Order("employee_id, effective_from")
		err := database.EachRow(q, func(rows *sql.Rows) error {
			var id string
			var rate money.Pence
			if err := rows.Scan(&id, &rate); err != nil {
				return err
			}
			out[id] = rate // the latest effective_from comes last
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rateBook holds the rates of many employees for fast lookup by date.
type rateBook map[string][]payRateRow // ascending effective_from

func (s *Service) loadRates(ctx context.Context, db *gorm.DB, employeeIDs []string) (rateBook, error) {
	book := rateBook{}
	q := db.WithContext(ctx).Order("employee_id, effective_from")
	if employeeIDs != nil {
		if len(employeeIDs) == 0 {
			return book, nil
		}
		q = q.Where("employee_id IN ?", employeeIDs)
	}
	var rows []payRateRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		book[r.EmployeeID] = append(book[r.EmployeeID], r)
	}
	return book, nil
}

func (b rateBook) on(employeeID string, d civil.Date) (payRateRow, bool) {
	rs := b[employeeID]
	for i := len(rs) - 1; i >= 0; i-- {
		if !rs[i].EffectiveFrom.After(d) {
			return rs[i], true
		}
	}
	return payRateRow{}, false
}

// refuseIfClosed refuses a change that would alter pay on or after from
// when that falls in a closed pay period.
func (s *Service) refuseIfClosed(ctx context.Context, db *gorm.DB, from civil.Date, what string) error {
	var rows []payPeriodRow
	if err := db.WithContext(ctx).Where("end_date >= ?", from).Order("end_date DESC").Limit(1).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) > 0 {
		return errs.E(errs.RuleViolation, "The pay period %s is closed and frozen, so %s can no longer change pay on %s. Make the change from %s.",
			rows[0].Period, what, from.Format("2 January 2006"), rows[0].EndDate.AddDays(1).Format("2 January 2006"))
	}
	return nil
}
