package payroll

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/pdfdoc"
)

// hm writes minutes as "7:25".
func hm(m int) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d:%02d", sign, m/60, m%60)
}

// signedHM is a difference in minutes as hours:minutes with its sign: +0:30, -1:05, 0:00.
func signedHM(m int) string {
	if m > 0 {
		return "+" + hm(m)
	}
	return hm(m)
}

var absenceLabels = map[string]string{Holiday: "Holiday", Sick: "Sick", Unpaid: "Unpaid leave", Authorised: "Authorised absence"}

// TimesheetPDF renders a timesheet: organisation, employee and works
// number, period, every shift, absences, adjustments, totals, pay (when the
// timesheet carries it), approval and signature lines. The same timesheet
// always gives the same bytes.
func (s *Service) TimesheetPDF(t Timesheet) ([]byte, error) {
	created := t.Period.End.Time(time.UTC)
	if t.ApprovedAt != nil {
		created = *t.ApprovedAt
	}
	doc := pdfdoc.New(pdfdoc.Meta{
		Title:   fmt.Sprintf("Timesheet %s %s", t.WorksNumber, t.Period.Key),
		Author:  s.org.Name,
		Footer:  fmt.Sprintf("%s · Timesheet for %s (%s) · %s", s.org.Name, t.EmployeeName, t.WorksNumber, t.Period.Label()),
		Created: created,
	})
	doc.Title("Timesheet")
	status := "Not yet approved"
	if t.Status == TimesheetApproved {
		status = "Approved"
	}
	if t.PeriodClosed {
		status += " · pay period closed"
	}
	doc.Blocks(s.org.Name, s.org.Address, []pdfdoc.Field{
		{Label: "Employee", Value: t.EmployeeName},
		{Label: "Works number", Value: t.WorksNumber},
		{Label: "Pay period", Value: t.Period.Label()},
		{Label: "Status", Value: status},
	})
	doc.Heading("Shifts")
	if len(t.Shifts) == 0 {
		doc.Text("No shifts in this period.")
	} else {
		tb := pdfdoc.Table{Columns: []pdfdoc.Column{
			{Title: "Date", Width: 0.12}, {Title: "Site", Width: 0.29}, {Title: "Shift", Width: 0.165},
			{Title: "Clocked", Width: 0.165}, {Title: "Break", Width: 0.07, Align: "R"}, {Title: "Hours", Width: 0.07, Align: "R"},
			{Title: "Note", Width: 0.12},
		}}
		span := func(a, b *time.Time, day civil.Date) string {
			if a == nil {
				return "–"
			}
			out := hhmm(*a) + "–"
			if b == nil {
				return out
			}
			out += hhmm(*b)
			if civil.In(*b, civil.London) != day {
				out += " +1"
			}
			return out
		}
		for _, sh := range t.Shifts {
			note := ""
			switch {
			case sh.Status == NoShow:
				note = "No-show"
			case sh.Status == ClockedIn:
				note = "Not clocked out"
			case sh.Corrected:
				note = "Corrected"
			case sh.Source == FromSupervisor:
				note = "By supervisor"
			}
			tb.Rows = append(tb.Rows, []string{sh.Date.Format("Mon 2 Jan"), sh.SiteName, span(&sh.ScheduledStart, &sh.ScheduledEnd, sh.Date),
				span(sh.Start, sh.End, sh.Date), hm(sh.BreakMinutes), hm(sh.PaidMinutes), note})
		}
		tb.Foot = [][]string{{"Total", fmt.Sprintf("%d shifts", t.Totals.ShiftsWorked), "", "", "", hm(t.Totals.PaidMinutes), ""}}
		doc.Table(tb)
	}
	if len(t.Days) > 0 {
		doc.Heading("Hours by day")
		tb := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Date", Width: 0.5}, {Title: "Hours", Width: 0.25, Align: "R"}, {Title: "Decimal", Width: 0.25, Align: "R"}}}
		for _, d := range t.Days {
			tb.Rows = append(tb.Rows, []string{d.Date.Format("Mon 2 Jan 2006"), hm(d.Minutes), FormatCentiHours(CentiHours(d.Minutes))})
		}
		doc.Table(tb)
	}
	doc.Heading("Absences")
	if len(t.Absences) == 0 {
		doc.Text("No absences in this period.")
	} else {
		tb := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Type", Width: 0.25}, {Title: "From", Width: 0.2}, {Title: "To", Width: 0.2},
			{Title: "Days", Width: 0.1, Align: "R"}, {Title: "Paid hours / SSP", Width: 0.25, Align: "R"}}}
		for _, a := range t.Absences {
			extra := ""
			switch a.Type {
			case Holiday:
				extra = hm(a.PaidMinutes)
			case Sick:
				n := 0
				for _, d := range a.SSP {
					if d.Indicator == SSPPayable {
						n++
					}
				}
				extra = fmt.Sprintf("SSP days: %d", n)
			}
			tb.Rows = append(tb.Rows, []string{absenceLabels[a.Type], a.From.Format("Mon 2 Jan"), a.To.Format("Mon 2 Jan"), fmt.Sprint(a.Days), extra})
		}
		doc.Table(tb)
	}
	if len(t.Adjustments) > 0 {
		doc.Heading("Adjustments after approval")
		tb := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Shift date", Width: 0.15}, {Title: "Change", Width: 0.3}, {Title: "Reason", Width: 0.3},
			{Title: "Hours", Width: 0.1, Align: "R"}, {Title: "By", Width: 0.15}}}
		for _, a := range t.Adjustments {
			tb.Rows = append(tb.Rows, []string{a.Date.Format("2 Jan"), a.Change, a.Reason, a.Delta, a.By})
		}
		doc.Table(tb)
	}
	doc.Heading("Totals")
	accrued := "not applicable (fixed hours)"
	if t.IrregularHours {
		accrued = hm(t.Totals.HolidayAccruedMinutes) + " (12.07% of hours worked)"
	}
	fields := []pdfdoc.Field{
		{Label: "Paid hours", Value: fmt.Sprintf("%s (%s decimal)", hm(t.Totals.PaidMinutes), FormatCentiHours(t.Totals.PaidCentiHours))},
		{Label: "Shifts worked", Value: fmt.Sprint(t.Totals.ShiftsWorked)},
		{Label: "No-shows", Value: fmt.Sprint(t.Totals.NoShows)},
		{Label: "Holiday accrued", Value: accrued},
		{Label: "Holiday taken", Value: hm(t.Totals.HolidayTakenMinutes)},
		{Label: "Sick days", Value: fmt.Sprintf("%d (SSP payable on %d)", t.Totals.SickDays, t.Totals.SSPDays)},
	}
	doc.Fields(fields)
	if t.Pay != nil {
		doc.Heading("Pay")
		tb := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Payment", Width: 0.46}, {Title: "Hours", Width: 0.18, Align: "R"},
			{Title: "Rate", Width: 0.18, Align: "R"}, {Title: "Amount", Width: 0.18, Align: "R"}}}
		for _, l := range t.Pay.Lines {
			hours, rate := l.Hours(), l.Rate.String()
			if l.Kind == LineRolledUp {
				hours, rate = "", ""
			}
			tb.Rows = append(tb.Rows, []string{l.Description, hours, rate, l.Amount.String()})
		}
		tb.Foot = [][]string{{"Gross pay", "", "", t.Pay.Gross.String()}}
		doc.Table(tb)
		for _, w := range t.Pay.Warnings {
			doc.Bold("Warning: " + w)
		}
	}
	for _, w := range t.Warnings {
		doc.Bold("Warning: " + w)
	}
	doc.Heading("Approval")
	if t.Status == TimesheetApproved && t.ApprovedAt != nil {
		doc.Text(fmt.Sprintf("Approved by %s on %s at %s.", t.ApprovedBy, civil.In(*t.ApprovedAt, civil.London).Format("Mon 2 Jan 2006"), hhmm(*t.ApprovedAt)))
	} else {
		doc.Text("Not yet approved.")
	}
	doc.SignatureLines("Employee", "Supervisor")
	return doc.Bytes()
}

// EmployeeTimesheetPDF is the PDF of one employee's timesheet, for whoever
// may see it (supervisors: hours without pay).
func (s *Service) EmployeeTimesheetPDF(ctx context.Context, by auth.Principal, employeeID, period string) ([]byte, Timesheet, error) {
	t, err := s.EmployeeTimesheet(ctx, by, employeeID, period)
	if err != nil {
		return nil, t, err
	}
	b, err := s.TimesheetPDF(t)
	return b, t, err
}

// TimesheetFileName is the name of a timesheet's PDF.
func TimesheetFileName(t Timesheet) string {
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, t.WorksNumber+"-"+t.EmployeeName)
	return fmt.Sprintf("timesheet-%s-%s.pdf", t.Period.Key, clean)
}

// WriteTimesheetsZip writes every timesheet in a period as PDFs in a zip,
// for finance. Entries carry a fixed time so the zip is deterministic.
func (s *Service) WriteTimesheetsZip(ctx context.Context, key string, w io.Writer) (int, error) {
	p, err := s.cal.Parse(key)
	if err != nil {
		return 0, err
	}
	ts, err := s.PeriodTimesheets(ctx, p)
	if err != nil {
		return 0, err
	}
	zw := zip.NewWriter(w)
	stamp := p.End.Time(time.UTC)
	// Render on every CPU, write in order. At most 2×workers documents are
	// held in memory at once.
	workers := max(1, runtime.GOMAXPROCS(0))
	type result struct {
		b   []byte
		err error
	}
	slots := make(chan chan result, 2*workers)
	go func() {
		defer close(slots)
		sem := make(chan struct{}, workers)
		for _, t := range ts {
			ch := make(chan result, 1)
			select {
			case slots <- ch:
			case <-ctx.Done():
				return
			}
			sem <- struct{}{}
			go func(t Timesheet) {
				defer func() { <-sem }()
				b, err := s.TimesheetPDF(t)
				ch <- result{b, err}
			}(t)
		}
	}()
	i := 0
	var firstErr error
	for ch := range slots {
		r := <-ch
		t := ts[i]
		i++
		if firstErr != nil {
			continue
		}
		if r.err != nil {
			firstErr = r.err
			continue
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: TimesheetFileName(t), Method: zip.Store, Modified: stamp})
		if err == nil {
			_, err = io.Copy(f, bytes.NewReader(r.b))
		}
		if err != nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return 0, firstErr
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return len(ts), zw.Close()
}
