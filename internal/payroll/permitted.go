package payroll

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// PermittedWorkRecord is an employee's benefit and its weekly limits, agreed
// by finance with the employee. A zero limit means no limit on that measure
// (supported permitted work has no hours limit).
type PermittedWorkRecord struct {
	EmployeeID        string      `json:"employee_id"`
	Benefit           string      `json:"benefit"`
	MaxWeeklyMinutes  int         `json:"max_weekly_minutes"`
	MaxWeeklyEarnings money.Pence `json:"max_weekly_earnings_pence"`
	From              civil.Date  `json:"from"`
	To                civil.Date  `json:"to"`
	SetBy             string      `json:"set_by"`
	UpdatedAt         time.Time   `json:"updated_at"`
}

func (r permittedWorkRow) record() PermittedWorkRecord {
	return PermittedWorkRecord{EmployeeID: r.EmployeeID, Benefit: r.Benefit, MaxWeeklyMinutes: r.MaxWeeklyMinutes,
		MaxWeeklyEarnings: r.MaxWeeklyEarnings, From: r.StartDate, To: r.EndDate, SetBy: r.SetBy, UpdatedAt: r.UpdatedAt}
}

// Covers reports whether the record applies on d.
func (p PermittedWorkRecord) Covers(d civil.Date) bool {
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// PermittedWorkInput sets or (benefit "none") removes the record. Limits
// left out take DOMAIN.md's defaults for the benefit on the from date.
type PermittedWorkInput struct {
	Benefit           string     `json:"benefit"`
	MaxWeeklyMinutes  *int       `json:"max_weekly_minutes"`
	MaxWeeklyEarnings *Amount    `json:"max_weekly_earnings"`
	From              civil.Date `json:"from"`
	To                civil.Date `json:"to"`
}

// SetPermittedWork records the employee's permitted-work limits. It
// returns ok=false when the record was removed.
func (s *Service) SetPermittedWork(ctx context.Context, by auth.Principal, employeeID string, in PermittedWorkInput) (PermittedWorkRecord, bool, error) {
	if _, err := s.employee(ctx, employeeID); err != nil {
		return PermittedWorkRecord{}, false, err
	}
	if in.Benefit == "none" {
		err := s.db.WithContext(ctx).Where("employee_id = ?", employeeID).Delete(&permittedWorkRow{}).Error
		return PermittedWorkRecord{}, false, err
	}
	var bad []errs.FieldError
	switch in.Benefit {
	case BenefitESAPermitted, BenefitESASupported, BenefitOther:
	default:
		bad = append(bad, errs.FieldError{Field: "benefit", Message: "must be ESA permitted work, ESA supported permitted work, other, or none to remove the record"})
	}
	if in.From.IsZero() {
		in.From = civil.In(s.now(), civil.London)
	}
	if !in.To.IsZero() && in.To.Before(in.From) {
		bad = append(bad, errs.FieldError{Field: "to", Message: "is before from"})
	}
	defMin, defEarn := DefaultPermittedWork(in.Benefit, in.From)
	row := permittedWorkRow{EmployeeID: employeeID, Benefit: in.Benefit, MaxWeeklyMinutes: defMin, MaxWeeklyEarnings: defEarn,
		StartDate: in.From, EndDate: in.To, SetBy: by.Name, UpdatedAt: s.now().UTC()}
	if in.MaxWeeklyMinutes != nil {
		row.MaxWeeklyMinutes = *in.MaxWeeklyMinutes
		if row.MaxWeeklyMinutes < 0 || row.MaxWeeklyMinutes > 7*24*60 {
			bad = append(bad, errs.FieldError{Field: "max_weekly_minutes", Message: "must be between 0 (no hours limit) and 10080"})
		}
	}
	if in.MaxWeeklyEarnings != nil {
		row.MaxWeeklyEarnings = money.Pence(*in.MaxWeeklyEarnings)
		if row.MaxWeeklyEarnings < 0 || row.MaxWeeklyEarnings > 1000000 {
			bad = append(bad, errs.FieldError{Field: "max_weekly_earnings", Message: "must be between 0 (no earnings limit) and £10,000"})
		}
	}
	if len(bad) == 0 && row.MaxWeeklyMinutes == 0 && row.MaxWeeklyEarnings == 0 {
		bad = append(bad, errs.FieldError{Field: "max_weekly_earnings", Message: "Set an hours limit, an earnings limit, or both"})
	}
	if len(bad) > 0 {
		return PermittedWorkRecord{}, false, errs.Fields(bad...)
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "employee_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"benefit", "max_weekly_minutes", "max_weekly_earnings", "start_date", "end_date", "set_by", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return PermittedWorkRecord{}, false, err
	}
	return row.record(), true, nil
}

// PermittedWorkFor returns the employee's record, if any.
func (s *Service) PermittedWorkFor(ctx context.Context, employeeID string) (PermittedWorkRecord, bool, error) {
	var row permittedWorkRow
	err := s.db.WithContext(ctx).Where("employee_id = ?", employeeID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PermittedWorkRecord{}, false, nil
	}
	if err != nil {
		return PermittedWorkRecord{}, false, err
	}
	return row.record(), true, nil
}

// PermittedWork is the employee's weekly limits on a date, for the rota's
// benefit-cap rule; ok is false when they have no permitted-work record
// covering that date. A zero limit means no limit on that measure.
func (s *Service) PermittedWork(ctx context.Context, employeeID string, on civil.Date) (maxWeeklyMinutes int, maxWeeklyEarnings money.Pence, ok bool, err error) {
	rec, found, err := s.PermittedWorkFor(ctx, employeeID)
	if err != nil || !found || !rec.Covers(on) {
		return 0, 0, false, err
	}
	return rec.MaxWeeklyMinutes, rec.MaxWeeklyEarnings, true, nil
}

// PermittedWorkOn is the permitted-work records of many employees that
// cover a date, in one query (a few for very long lists): what PermittedWork
// answers for each, for the rota's benefit-cap rule. Employees with no
// record covering on are left out.
func (s *Service) PermittedWorkOn(ctx context.Context, employeeIDs []string, on civil.Date) (map[string]PermittedWorkRecord, error) {
	out := map[string]PermittedWorkRecord{}
	for chunk := range slices.Chunk(employeeIDs, 500) {
		var rows []permittedWorkRow
		if err := s.db.WithContext(ctx).Where("employee_id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if rec := r.record(); rec.Covers(on) {
				out[r.EmployeeID] = rec
			}
		}
	}
	return out, nil
}
