package payroll

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// Export formats.
const (
	FormatBrightPay = "brightpay"
	FormatGeneric   = "generic"
)

// ExportTotals are what an export added up, for reconciliation.
type ExportTotals struct {
	Rows       int
	CentiHours int64
	Amount     money.Pence
}

// WriteExport writes a closed period's pay lines as CSV.
//
// brightpay: BrightPay's "Import Hourly Payments from CSV" — one row per
// payment line, matched on works number: Works Number, Forename, Surname,
// Payment Description, Hours, Rate. Hours are hundredths of an hour, so
// BrightPay's hours × rate is each line's amount to the penny. Rolled-up
// holiday pay is 1.00 × the amount.
//
// generic: period, works number, name, kind, description, minutes, hours,
// rate, amount.
func (s *Service) WriteExport(ctx context.Context, key, format string, w io.Writer) (ExportTotals, error) {
	var tot ExportTotals
	if format == "" {
		format = FormatBrightPay
	}
	if format != FormatBrightPay && format != FormatGeneric {
		return tot, errs.Fields(errs.FieldError{Field: "format", Message: "must be brightpay or generic"})
	}
	p, err := s.cal.Parse(key)
	if err != nil {
		return tot, err
	}
	st, err := s.periodStatus(ctx, p)
	if err != nil {
		return tot, err
	}
	if !st.Closed {
		return tot, errs.E(errs.RuleViolation, "The pay period %s is not closed yet: approve its timesheets and close it, then export.", p.Key)
	}
	ts, err := s.PeriodTimesheets(ctx, p)
	if err != nil {
		return tot, err
	}
	cancelled, err := s.cancellationLines(ctx, p)
	if err != nil {
		return tot, err
	}
	if ts, err = s.withCancelled(ctx, ts, cancelled); err != nil {
		return tot, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if format == FormatBrightPay {
		_ = cw.Write([]string{"Works Number", "Forename", "Surname", "Payment Description", "Hours", "Rate"})
	} else {
		_ = cw.Write([]string{"period", "works_number", "employee_name", "kind", "description", "minutes", "hours", "rate", "amount"})
	}
	for _, t := range ts {
		fore, sur := splitName(t.EmployeeName)
		for _, l := range append(t.Pay.Lines[:len(t.Pay.Lines):len(t.Pay.Lines)], cancelled[t.EmployeeID]...) {
			if l.Amount == 0 && l.CentiHours == 0 {
				continue
			}
			if format == FormatBrightPay {
				_ = cw.Write([]string{cell(t.WorksNumber), cell(fore), cell(sur), cell(l.Description), l.Hours(), l.Rate.Decimal()})
			} else {
				_ = cw.Write([]string{p.Key, cell(t.WorksNumber), cell(t.EmployeeName), l.Kind, cell(l.Description),
					strconv.Itoa(l.Minutes), l.Hours(), l.Rate.Decimal(), l.Amount.Decimal()})
			}
			tot.Rows++
			tot.CentiHours += l.CentiHours
			tot.Amount += l.Amount
		}
	}
	cw.Flush()
	return tot, cw.Error()
}

// splitName splits "Rosa Fernández" into forename and surname at the last space.
func splitName(name string) (string, string) {
	name = strings.TrimSpace(name)
	i := strings.LastIndex(name, " ")
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}

// cell keeps a spreadsheet from reading a value as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
