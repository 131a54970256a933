package payroll_test

import (
	"bytes"
	"context"
	"encoding/csv"
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
	"github.com/goodshift/goodshift/internal/testenv"
)

var supervisor = auth.Principal{ID: "sup", Name: "Dana Whitfield", Roles: []auth.Role{auth.Supervisor}}

func shiftAt(emp string, d civil.Date, h, m, hours int) payroll.ShiftRef {
	start := d.At(h, m, civil.London)
	return payroll.ShiftRef{ID: database.NewID(), EmployeeID: emp, SiteID: "site", SiteName: "Cable Street common parts",
		Start: start, End: start.Add(time.Duration(hours) * time.Hour), BreakMinutes: -1}
}

func TestClockingInAndOut(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", "GS002", civil.D(1995, 2, 3))
		me := auth.Principal{ID: sam.ID, Name: sam.Name, Roles: []auth.Role{auth.Employee}}
		sh := shiftAt(sam.ID, civil.D(2026, 11, 23), 9, 0, 4)
		f.shifts.add(sh)

		f.now = sh.Start.Add(-31 * time.Minute)
		if _, err := f.svc.ClockIn(ctx, me, sh.ID); errs.CodeOf(err) != errs.RuleViolation || !strings.Contains(err.Error(), "from 08:30") {
			t.Fatalf("too early: %v", err)
		}
		// Someone else's shift is not found.
		other := auth.Principal{ID: priya.ID, Roles: []auth.Role{auth.Employee}}
		if _, err := f.svc.ClockIn(ctx, other, sh.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("other's shift: %v", err)
		}
		if _, err := f.svc.ClockIn(ctx, me, database.NewID()); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unknown shift: %v", err)
		}
		f.now = sh.Start.Add(7 * time.Minute)
		a, err := f.svc.ClockIn(ctx, me, sh.ID)
		if err != nil || a.ArrivedLateMinutes != 7 || a.Status != payroll.ClockedIn {
			t.Fatalf("clock in late: %+v %v", a, err)
		}
		if _, err := f.svc.ClockIn(ctx, me, sh.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("twice: %v", err)
		}
		today, err := f.svc.TodaysShifts(ctx, sam.ID)
		if err != nil || len(today) != 1 || !today[0].CanClockOut || today[0].CanClockIn {
			t.Errorf("today %+v %v", today, err)
		}
		f.now = sh.End.Add(-15 * time.Minute)
		a, err = f.svc.ClockOut(ctx, me, sh.ID)
		if err != nil || a.LeftEarlyMinutes != 15 || a.PaidMinutes != 4*60-22 || a.Status != payroll.Worked {
			t.Fatalf("clock out: %+v %v", a, err)
		}
		if _, err := f.svc.ClockOut(ctx, me, sh.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("clock out twice: %v", err)
		}

		// A shift that has ended: the phone cannot clock in; a supervisor records it.
		late := shiftAt(priya.ID, civil.D(2026, 11, 22), 18, 0, 3)
		f.shifts.add(late)
		if _, err := f.svc.ClockIn(ctx, other, late.ID); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("after the end: %v", err)
		}
		in := late.Start.Add(2 * time.Minute)
		rec, err := f.svc.RecordAttendance(ctx, supervisor, late.ID, payroll.AttendanceInput{ClockIn: in, ClockOut: late.End})
		if err != nil || rec.Source != payroll.FromSupervisor || rec.PaidMinutes != 178 {
			t.Fatalf("record: %+v %v", rec, err)
		}
		// Correcting recorded times needs a reason.
		if _, err := f.svc.RecordAttendance(ctx, supervisor, late.ID, payroll.AttendanceInput{ClockIn: late.Start, ClockOut: late.End}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("correction without reason: %v", err)
		}
		rec, err = f.svc.RecordAttendance(ctx, supervisor, late.ID, payroll.AttendanceInput{ClockIn: late.Start, ClockOut: late.End, Reason: "arrived on time, phone flat"})
		if err != nil || !rec.Corrected || rec.PaidMinutes != 180 {
			t.Fatalf("correct: %+v %v", rec, err)
		}
		// Bad input changes nothing.
		if _, err := f.svc.RecordAttendance(ctx, supervisor, late.ID, payroll.AttendanceInput{ClockIn: late.End, ClockOut: late.Start, Reason: "x"}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("backwards: %v", err)
		}
		// No-show on a shift that has started.
		ns := shiftAt(priya.ID, civil.D(2026, 11, 21), 9, 0, 3)
		f.shifts.add(ns)
		if a, err := f.svc.MarkNoShow(ctx, supervisor, ns.ID, ""); err != nil || a.Status != payroll.NoShow {
			t.Errorf("no-show %+v %v", a, err)
		}
		future := shiftAt(priya.ID, civil.D(2026, 11, 25), 9, 0, 3)
		f.shifts.add(future)
		if _, err := f.svc.MarkNoShow(ctx, supervisor, future.ID, ""); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("no-show in the future: %v", err)
		}
		day, err := f.svc.AttendanceOn(ctx, civil.D(2026, 11, 23))
		if err != nil || len(day.Items) != 1 || day.Items[0].Attendance == nil || day.Items[0].EmployeeName != "Sam Okafor" {
			t.Errorf("attendance day %+v %v", day, err)
		}
	})
}

func TestNightShiftsOverClockChangesArePaidRealHours(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		tom := f.employee(t, "Tomasz Kowalski", "GS003", civil.D(1979, 11, 22))
		if _, err := f.svc.SetPayRate(ctx, finance, tom.ID, payroll.RateInput{HourlyRate: 1500, EffectiveFrom: civil.D(2025, 4, 1)}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			night civil.Date
			want  int
		}{{civil.D(2026, 10, 24), 9 * 60}, {civil.D(2026, 3, 28), 7 * 60}} {
			start := tc.night.At(22, 0, civil.London)
			end := tc.night.AddDays(1).At(6, 0, civil.London)
			sh := payroll.ShiftRef{ID: database.NewID(), EmployeeID: tom.ID, SiteName: "Old Street studio", Start: start, End: end, BreakMinutes: 0}
			f.shifts.add(sh)
			if _, err := f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: start, ClockOut: end}); err != nil {
				t.Fatal(err)
			}
			ts, err := f.svc.EmployeeTimesheet(ctx, finance, tom.ID, civil.MonthOf(tc.night).String())
			if err != nil {
				t.Fatal(err)
			}
			if ts.Totals.PaidMinutes != tc.want || len(ts.Days) != 2 || ts.Days[0].Minutes != 120 {
				t.Errorf("%s: paid %d minutes, days %+v; want %d", tc.night, ts.Totals.PaidMinutes, ts.Days, tc.want)
			}
			wantPay := money.Pence(tc.want / 60 * 1500)
			if ts.Pay.Gross != wantPay {
				t.Errorf("%s: gross %s, want %s", tc.night, ts.Pay.Gross, wantPay)
			}
		}
	})
}

func TestTimesheetApprovalAdjustmentsCloseExportAndPDF(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		priya := f.employee(t, "Priya Shah", "GS002", civil.D(1995, 2, 3))
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		for _, p := range []string{priya.ID, sam.ID} {
			if _, err := f.svc.SetPayRate(ctx, finance, p, payroll.RateInput{HourlyRate: 1480, EffectiveFrom: civil.D(2026, 4, 1)}); err != nil {
				t.Fatal(err)
			}
		}
		// October: Priya works 20 shifts (two pages of PDF), Sam one, with a sick spell and a holiday.
		var first payroll.ShiftRef
		for i := 0; i < 40; i++ {
			d := civil.D(2026, 10, 1+i%28)
			sh := shiftAt(priya.ID, d, 6+i%3, 0, 4)
			if i >= 28 {
				sh = shiftAt(priya.ID, d, 17, 0, 2)
			}
			f.shifts.add(sh)
			if i == 0 {
				first = sh
			}
			if _, err := f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End.Add(time.Duration(i%4) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		samShift := shiftAt(sam.ID, civil.D(2026, 10, 31), 22, 0, 8) // into 1 November
		f.shifts.add(samShift)
		if _, err := f.svc.RecordAttendance(ctx, supervisor, samShift.ID, payroll.AttendanceInput{ClockIn: samShift.Start, ClockOut: samShift.End}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, sam.ID, payroll.AbsenceInput{Type: payroll.Sick, From: civil.D(2026, 10, 5), To: civil.D(2026, 10, 7)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, sam.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 10, 12), PaidMinutesPerDay: 240}); err != nil {
			t.Fatal(err)
		}

		// Supervisors see hours, not pay; another employee gets 404.
		sheets, err := f.svc.Timesheets(ctx, supervisor, "2026-10")
		if err != nil || len(sheets) != 2 || sheets[0].Pay != nil {
			t.Fatalf("supervisor list: %d %v", len(sheets), err)
		}
		if _, err := f.svc.EmployeeTimesheet(ctx, auth.Principal{ID: sam.ID, Roles: []auth.Role{auth.Employee}}, priya.ID, "2026-10"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another employee's timesheet: %v", err)
		}
		samTS, err := f.svc.EmployeeTimesheet(ctx, auth.Principal{ID: sam.ID, Roles: []auth.Role{auth.Employee}}, sam.ID, "2026-10")
		if err != nil || samTS.Pay == nil {
			t.Fatalf("own timesheet: %v", err)
		}
		// 22:00-06:00 less a 20-minute break from the longer (November) part.
		if samTS.Totals.PaidMinutes != 460 || samTS.Totals.SickDays != 3 || samTS.Totals.SSPDays != 3 || samTS.Totals.HolidayTakenMinutes != 240 {
			t.Errorf("sam totals %+v", samTS.Totals)
		}
		if len(samTS.Pay.Lines) != 2 || samTS.Pay.Lines[1].Kind != payroll.LineHoliday || samTS.Pay.Lines[1].Amount != 5920 {
			t.Errorf("sam lines %+v", samTS.Pay.Lines)
		}

		// Approval waits for the period to end; the clock is 23 November.
		ts, err := f.svc.EmployeeTimesheet(ctx, finance, priya.ID, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		if ts.Totals.HolidayAccruedMinutes != payroll.HolidayAccrual(ts.Totals.PaidMinutes) || ts.Totals.HolidayAccruedMinutes == 0 {
			t.Errorf("accrual %+v", ts.Totals)
		}
		if _, err := f.svc.ClosePeriod(ctx, finance, "2026-10"); errs.CodeOf(err) != errs.RuleViolation || !strings.Contains(err.Error(), "Priya Shah") {
			t.Errorf("close with unapproved timesheets: %v", err)
		}
		if _, err := f.svc.ApproveTimesheet(ctx, auth.Principal{ID: priya.ID, Name: "Priya", Roles: []auth.Role{auth.Supervisor}}, ts.ID); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("approving your own: %v", err)
		}
		approved, err := f.svc.ApproveTimesheet(ctx, supervisor, ts.ID)
		if err != nil || approved.Status != payroll.TimesheetApproved || approved.ApprovedBy != "Dana Whitfield" || approved.ApprovedMinutes != ts.Totals.PaidMinutes {
			t.Fatalf("approve: %+v %v", approved.Status, err)
		}
		if _, err := f.svc.ApproveTimesheet(ctx, supervisor, ts.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("approve twice: %v", err)
		}
		// A correction after approval is an adjustment, not an edit.
		if _, err := f.svc.RecordAttendance(ctx, supervisor, first.ID, payroll.AttendanceInput{ClockIn: first.Start, ClockOut: first.End.Add(30 * time.Minute), Reason: "stayed to finish the stairs"}); err != nil {
			t.Fatal(err)
		}
		after, err := f.svc.EmployeeTimesheet(ctx, finance, priya.ID, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		if len(after.Adjustments) != 1 || after.Adjustments[0].DeltaMinutes != 30 || after.Totals.PaidMinutes != ts.Totals.PaidMinutes+30 || after.ApprovedMinutes != ts.Totals.PaidMinutes {
			t.Errorf("adjustment: %+v total %d approved %d", after.Adjustments, after.Totals.PaidMinutes, after.ApprovedMinutes)
		}
		samSheet, _ := f.svc.EmployeeTimesheet(ctx, finance, sam.ID, "2026-10")
		if _, err := f.svc.ApproveTimesheet(ctx, supervisor, samSheet.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ClosePeriod(ctx, finance, "2026-11"); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("closing the current period: %v", err)
		}
		var buf bytes.Buffer
		if _, err := f.svc.WriteExport(ctx, "2026-10", "", &buf); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("export before close: %v", err)
		}
		if _, err := f.svc.ClosePeriod(ctx, finance, "2026-10"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ClosePeriod(ctx, finance, "2026-10"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("close twice: %v", err)
		}
		// Frozen: no corrections, absences or rates that change it.
		if _, err := f.svc.RecordAttendance(ctx, supervisor, first.ID, payroll.AttendanceInput{ClockIn: first.Start, ClockOut: first.End, Reason: "x"}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("correction in a closed period: %v", err)
		}
		if _, err := f.svc.RecordAbsence(ctx, finance, sam.ID, payroll.AbsenceInput{Type: payroll.Unpaid, From: civil.D(2026, 10, 20)}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("absence in a closed period: %v", err)
		}
		if _, err := f.svc.SetPayRate(ctx, finance, sam.ID, payroll.RateInput{HourlyRate: 1600, EffectiveFrom: civil.D(2026, 10, 15)}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("rate in a closed period: %v", err)
		}

		// The export reconciles with the timesheets to the penny, in both formats.
		sum, err := f.svc.Summary(ctx, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{payroll.FormatBrightPay, payroll.FormatGeneric} {
			buf.Reset()
			tot, err := f.svc.WriteExport(ctx, "2026-10", format, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if tot.Amount != sum.Totals.Gross {
				t.Errorf("%s: export %s, timesheets %s", format, tot.Amount, sum.Totals.Gross)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var fromFile money.Pence
			for _, r := range recs[1:] {
				if format == payroll.FormatBrightPay {
					h, _ := money.Parse(r[4]) // hours as if pence: hundredths
					rate, _ := money.Parse(r[5])
					fromFile += money.MulDiv(rate, int64(h), 100, money.HalfUp)
				} else {
					a, _ := money.Parse(r[8])
					fromFile += a
				}
			}
			if fromFile != sum.Totals.Gross {
				t.Errorf("%s: file adds up to %s, timesheets %s", format, fromFile, sum.Totals.Gross)
			}
			if format == payroll.FormatBrightPay && (recs[0][0] != "Works Number" || recs[1][0] != "GS001" || recs[1][1] != "Sam" || recs[1][2] != "Okafor") {
				t.Errorf("brightpay rows %q", recs[:2])
			}
		}
		if _, err := f.svc.WriteExport(ctx, "2026-10", "sage", &buf); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("unknown format: %v", err)
		}

		// The PDF: deterministic, several pages, the figures of the timesheet.
		final, _ := f.svc.EmployeeTimesheet(ctx, finance, priya.ID, "2026-10")
		pdf1, err := f.svc.TimesheetPDF(final)
		if err != nil {
			t.Fatal(err)
		}
		pdf2, _ := f.svc.TimesheetPDF(final)
		if !bytes.Equal(pdf1, pdf2) {
			t.Error("the same timesheet gave different bytes")
		}
		text := testenv.PDFText(t, pdf1)
		if text != "" {
			for _, want := range []string{"Timesheet", "Priya Shah", "GS002", "1 Oct 2026 – 31 Oct 2026", "Cable Street common parts",
				final.Pay.Gross.String(), "Approved by Dana Whitfield", "stayed to finish the stairs", "Employee: signature", "Supervisor: signature",
				"£14.80", "Holiday accrued"} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
			if testenv.PDFPages(text) < 2 {
				t.Errorf("want several pages, got %d", testenv.PDFPages(text))
			}
		}
		// Supervisors' PDF has no money.
		hoursOnly, _ := f.svc.EmployeeTimesheet(ctx, supervisor, priya.ID, "2026-10")
		pdf3, _ := f.svc.TimesheetPDF(hoursOnly)
		if text := testenv.PDFText(t, pdf3); text != "" && strings.Contains(text, "£") {
			t.Error("a supervisor's PDF shows money")
		}
		var zipBuf bytes.Buffer
		if n, err := f.svc.WriteTimesheetsZip(ctx, "2026-10", &zipBuf); err != nil || n != 2 {
			t.Errorf("zip %d %v", n, err)
		}
	})
}

func TestPermittedWorkMonitor(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		priya := f.employee(t, "Priya Shah", "GS002", civil.D(1995, 2, 3))
		if _, err := f.svc.SetPayRate(ctx, finance, priya.ID, payroll.RateInput{HourlyRate: 1480, EffectiveFrom: civil.D(2026, 4, 1)}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.SetPermittedWork(ctx, finance, priya.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitESAPermitted, From: civil.D(2026, 11, 1)}); err != nil {
			t.Fatal(err)
		}
		// Week of Mon 16 Nov: 3 × 4h worked = 12h (75% of 15h59, £177.60 of £203.50 = 87%: warning).
		for i := 0; i < 3; i++ {
			sh := shiftAt(priya.ID, civil.D(2026, 11, 16+i), 9, 0, 4)
			sh.BreakMinutes = 0
			f.shifts.add(sh)
			if _, err := f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End}); err != nil {
				t.Fatal(err)
			}
		}
		// Week of Mon 23 Nov: two planned 5h shifts (10h) — fine, then a third makes 15h and £222: over.
		for i, d := range []int{24, 25, 26} {
			sh := shiftAt(priya.ID, civil.D(2026, 11, d), 9, 0, 5)
			sh.BreakMinutes = 0
			if i < 2 {
				f.shifts.add(sh)
			}
		}
		weeks, err := f.svc.PermittedWorkMonitor(ctx, payroll.Period{Key: "2026-11", Start: civil.D(2026, 11, 1), End: civil.D(2026, 11, 30)})
		if err != nil {
			t.Fatal(err)
		}
		byWeek := map[civil.Date]payroll.PermittedWorkWeek{}
		for _, w := range weeks {
			byWeek[w.WeekStart] = w
		}
		if w := byWeek[civil.D(2026, 11, 16)]; w.WorkedMinutes != 720 || w.EstimatedEarnings != 17760 || w.Status != payroll.NearLimit {
			t.Errorf("week 16: %+v", w)
		}
		if w := byWeek[civil.D(2026, 11, 23)]; w.PlannedMinutes != 600 || w.Status != payroll.WithinLimits {
			t.Errorf("week 23: %+v", w)
		}
		for _, tc := range []struct {
			min    int
			earn   money.Pence
			status string
		}{{700, 10000, payroll.WithinLimits}, {768, 0, payroll.NearLimit}, {960, 0, payroll.OverLimit}, {100, 20351, payroll.OverLimit}} {
			if got, msg := payroll.PermittedWorkStatus(tc.min, tc.earn, 959, 20350); got != tc.status {
				t.Errorf("%d min %s: %s (%s), want %s", tc.min, tc.earn, got, msg, tc.status)
			}
		}
	})
}

func TestRolledUpHolidayFortnightlyPeriodsAndSSPLowerLimit(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.now = time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)
		svc, err := payroll.NewService(payroll.Config{DB: db, Now: func() time.Time { return f.now }, People: f.people, Shifts: f.shifts,
			PayPeriod: payroll.Fortnightly, PayPeriodAnchor: "2026-01-05", RolledUpHoliday: true, PolicyPayFloor: 1480})
		if err != nil {
			t.Fatal(err)
		}
		grace := f.employee(t, "Grace Mensah", "GS004", civil.D(1991, 8, 30))
		if _, err := svc.SetPayRate(ctx, finance, grace.ID, payroll.RateInput{HourlyRate: 1500, EffectiveFrom: civil.D(2025, 4, 1)}); err != nil {
			t.Fatal(err)
		}
		// Fortnight 19 Jan – 1 Feb 2026: two 5-hour shifts, a day's holiday, then off sick for five days.
		for _, d := range []int{19, 21} {
			sh := shiftAt(grace.ID, civil.D(2026, 1, d), 9, 0, 5)
			f.shifts.add(sh)
			if _, err := svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.RecordAbsence(ctx, finance, grace.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 1, 23), PaidMinutesPerDay: 300}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordAbsence(ctx, finance, grace.ID, payroll.AbsenceInput{Type: payroll.Sick, From: civil.D(2026, 1, 26), To: civil.D(2026, 1, 30)}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.EmployeeTimesheet(ctx, finance, grace.ID, "2026-01-20"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a date that does not start a fortnight: %v", err)
		}
		ts, err := svc.EmployeeTimesheet(ctx, finance, grace.ID, "2026-01-19")
		if err != nil {
			t.Fatal(err)
		}
		if ts.Period.End != civil.D(2026, 2, 1) || ts.Totals.PaidMinutes != 600 {
			t.Fatalf("period %+v minutes %d", ts.Period, ts.Totals.PaidMinutes)
		}
		// Rolled up: 12.07% of basic pay (£150.00) as its own line; holiday taken is not paid again.
		if ts.Pay.RolledUpHoliday != 1811 || ts.Pay.Gross != 15000+1811 || len(ts.Pay.Lines) != 2 || ts.Pay.Lines[1].Kind != payroll.LineRolledUp {
			t.Errorf("rolled up: %+v", ts.Pay)
		}
		if ts.Totals.HolidayTakenMinutes != 300 || ts.Totals.HolidayAccruedMinutes != 72 {
			t.Errorf("holiday %+v", ts.Totals)
		}
		// 2025/26 SSP rules: three waiting days, and her average weekly earnings over the
		// previous eight weeks (£150 / 8 = £18.75) are under the £125 lower earnings limit.
		if len(ts.Absences) != 2 || ts.Absences[1].SSP[0].Indicator != payroll.SSPBelowLimit || ts.Totals.SSPDays != 0 {
			t.Errorf("SSP %+v", ts.Absences)
		}
	})
}

func TestConcurrentClockInAndLeavers(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		me := auth.Principal{ID: sam.ID, Name: sam.Name, Roles: []auth.Role{auth.Employee}}
		sh := shiftAt(sam.ID, civil.D(2026, 11, 23), 9, 0, 4)
		f.shifts.add(sh)
		f.now = sh.Start
		// Two taps at once (a double tap, or phone and retry): exactly one wins.
		errsCh := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := f.svc.ClockIn(ctx, me, sh.ID)
				errsCh <- err
			}()
		}
		var ok, conflict int
		for range 2 {
			switch err := <-errsCh; {
			case err == nil:
				ok++
			case errs.CodeOf(err) == errs.Conflict:
				conflict++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("ok %d conflict %d", ok, conflict)
		}
		f.now = sh.End
		if _, err := f.svc.ClockOut(ctx, me, sh.ID); err != nil {
			t.Fatal(err)
		}
		// Sam leaves: his hours are still in the period and paid.
		inactive := false
		if _, err := f.people.Update(ctx, sam.ID, people.Update{Active: &inactive}); err != nil {
			t.Fatal(err)
		}
		sum, err := f.svc.Summary(ctx, "2026-11")
		if err != nil || len(sum.Timesheets) != 1 || sum.Timesheets[0].Totals.PaidMinutes != 240 {
			t.Fatalf("leaver's hours: %+v %v", sum.Totals, err)
		}
	})
}
