package payroll_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/testenv"
)

// attendanceAct is one thing that happens to a shift's attendance; times
// are minutes from the scheduled start.
type attendanceAct struct {
	kind    string // "in", "out" (the phone, at that moment), "record", "noshow"
	at, end int    // "in"/"out": at; "record": at–end
	reason  string
}

func phoneIn(m int) attendanceAct  { return attendanceAct{kind: "in", at: m} }
func phoneOut(m int) attendanceAct { return attendanceAct{kind: "out", at: m} }
func record(in, out int, reason string) attendanceAct {
	return attendanceAct{kind: "record", at: in, end: out, reason: reason}
}
func noShow(reason string) attendanceAct { return attendanceAct{kind: "noshow", reason: reason} }

// For every timesheet: the minutes approved plus the adjustments made after
// approval are the minutes paid, whatever shape the corrections take; and
// each adjustment says its difference in the JSON and the PDF.
func TestApprovedPlusAdjustmentsIsPaid(t *testing.T) {
	// Each case is one employee's 4-hour shift (07:00–11:00 on Thu 8 Oct,
	// unless it says otherwise) in October, approved on 23 November.
	cases := []struct {
		name       string
		start      time.Time // default Thu 8 Oct 07:00
		approveAt  int       // minutes from the start; 0 = 23 Nov 09:00
		holiday    bool      // a day's holiday on 20 Oct, so there is a timesheet to approve
		before     []attendanceAct
		after      []attendanceAct
		wantDeltas []int
		wantChange string
	}{
		{name: "phone early in, corrected to a late finish (the demo's Sam)",
			before: []attendanceAct{phoneIn(-2), phoneOut(240)}, after: []attendanceAct{record(0, 270, "stayed to finish the stairs")},
			wantDeltas: []int{30}, wantChange: "06:58–11:00 corrected to 07:00–11:30"},
		{name: "phone early start paid on correction",
			before: []attendanceAct{phoneIn(-20), phoneOut(240)}, after: []attendanceAct{record(-20, 240, "asked to start early")},
			wantDeltas: []int{20}},
		{name: "phone late in, late out, the late finish paid",
			before: []attendanceAct{phoneIn(15), phoneOut(260)}, after: []attendanceAct{record(15, 260, "kept on to lock up")},
			wantDeltas: []int{20}},
		{name: "phone times corrected to fewer than the clamp paid",
			before: []attendanceAct{phoneIn(-5), phoneOut(250)}, after: []attendanceAct{record(30, 240, "phone clocked in from the bus")},
			wantDeltas: []int{-30}},
		{name: "manual, shortened",
			before: []attendanceAct{record(0, 240, "")}, after: []attendanceAct{record(0, 210, "left at half ten")},
			wantDeltas: []int{-30}},
		{name: "corrected before approval and again after",
			before: []attendanceAct{phoneIn(-10), phoneOut(250), record(-10, 250, "early start agreed")}, after: []attendanceAct{record(0, 250, "no, it was not")},
			wantDeltas: []int{-10}},
		{name: "several corrections after approval, through a no-show",
			before: []attendanceAct{phoneIn(-10), phoneOut(250)},
			after: []attendanceAct{record(-10, 250, "both ends paid"), record(0, 240, "only the shift"), noShow("was not there"),
				record(0, 300, "was there after all, an hour late finishing")},
			wantDeltas: []int{20, -20, -240, 300}},
		{name: "nothing recorded until after approval", holiday: true,
			after:      []attendanceAct{record(0, 240, "paper timesheet")},
			wantDeltas: []int{240}, wantChange: "recorded 07:00–11:00"},
		{name: "a no-show recorded after approval changes nothing", holiday: true,
			after: []attendanceAct{noShow("")}},
		{name: "night shift clocked after an early approval", holiday: true,
			start:     civil.D(2026, 10, 31).At(23, 30, civil.London),
			approveAt: 35, // 00:05 on 1 November, the period has ended
			after:     []attendanceAct{phoneIn(40), phoneOut(240)}, wantDeltas: []int{200}},
	}
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		nov23 := f.now
		type made struct {
			id, name string
			tsID     string
		}
		var sheets []made
		for i, c := range cases {
			emp := f.employee(t, fmt.Sprintf("Case %d", i), fmt.Sprintf("GS%03d", i), civil.D(1990, 1, 1))
			me := auth.Principal{ID: emp.ID, Name: emp.Name, Roles: []auth.Role{auth.Employee}}
			start := c.start
			if start.IsZero() {
				start = civil.D(2026, 10, 8).At(7, 0, civil.London)
			}
			sh := payroll.ShiftRef{ID: fmt.Sprintf("0190a8e0-0000-7000-8000-%012d", i), EmployeeID: emp.ID, SiteID: "site", SiteName: "Cable Street",
				Start: start, End: start.Add(4 * time.Hour), BreakMinutes: -1}
			f.shifts.add(sh)
			do := func(acts []attendanceAct) {
				t.Helper()
				for _, a := range acts {
					var err error
					switch a.kind {
					case "in":
						f.now = start.Add(time.Duration(a.at) * time.Minute)
						_, err = f.svc.ClockIn(ctx, me, sh.ID)
					case "out":
						f.now = start.Add(time.Duration(a.at) * time.Minute)
						_, err = f.svc.ClockOut(ctx, me, sh.ID)
					case "record":
						f.now = nov23
						_, err = f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{
							ClockIn: start.Add(time.Duration(a.at) * time.Minute), ClockOut: start.Add(time.Duration(a.end) * time.Minute), Reason: a.reason})
					case "noshow":
						f.now = nov23
						_, err = f.svc.MarkNoShow(ctx, supervisor, sh.ID, a.reason)
					}
					if err != nil {
						t.Fatalf("%s: %s at %d: %v", c.name, a.kind, a.at, err)
					}
				}
			}
			do(c.before)
			if c.holiday {
				f.now = nov23
				if _, err := f.svc.RecordAbsence(ctx, finance, emp.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 10, 20), PaidMinutesPerDay: 240}); err != nil {
					t.Fatal(err)
				}
			}
			f.now = nov23
			if c.approveAt != 0 {
				f.now = start.Add(time.Duration(c.approveAt) * time.Minute)
			}
			ts, err := f.svc.EmployeeTimesheet(ctx, finance, emp.ID, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.ApproveTimesheet(ctx, supervisor, ts.ID); err != nil {
				t.Fatalf("%s: approve: %v", c.name, err)
			}
			do(c.after)
			f.now = nov23
			got, err := f.svc.EmployeeTimesheet(ctx, finance, emp.ID, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			var deltas []int
			for _, a := range got.Adjustments {
				deltas = append(deltas, a.DeltaMinutes)
			}
			if fmt.Sprint(deltas) != fmt.Sprint(c.wantDeltas) {
				t.Errorf("%s: adjustments %v, want %v (%+v)", c.name, deltas, c.wantDeltas, got.Adjustments)
			}
			if c.wantChange != "" && (len(got.Adjustments) == 0 || got.Adjustments[0].Change != c.wantChange) {
				t.Errorf("%s: change described as %+v, want %q", c.name, got.Adjustments, c.wantChange)
			}
			sheets = append(sheets, made{emp.ID, c.name, ts.ID})
		}

		// The invariant, over every timesheet of the period.
		all, err := f.svc.Timesheets(ctx, finance, "2026-10")
		if err != nil || len(all) != len(cases) {
			t.Fatalf("timesheets: %d %v", len(all), err)
		}
		for _, ts := range all {
			sum := 0
			for _, a := range ts.Adjustments {
				sum += a.DeltaMinutes
			}
			if ts.Status != payroll.TimesheetApproved || ts.ApprovedMinutes+sum != ts.Totals.PaidMinutes {
				t.Errorf("%s (%s): approved %d + adjustments %d != paid %d", ts.EmployeeName, ts.Status, ts.ApprovedMinutes, sum, ts.Totals.PaidMinutes)
			}
		}

		// The demo's case as the API shows it and as the PDF prints it.
		first, err := f.svc.EmployeeTimesheet(ctx, finance, sheets[0].id, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		body, err := json.Marshal(first)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), `"delta_minutes":30,"delta":"+0:30"`) {
			t.Errorf("JSON adjustment: %s", body[strings.Index(string(body), `"adjustments"`):][:300])
		}
		several, _ := f.svc.EmployeeTimesheet(ctx, finance, sheets[6].id, "2026-10")
		pdfs := map[string]payroll.Timesheet{"demo": first, "several": several}
		wants := map[string][]string{"demo": {"+0:30"}, "several": {"+0:20", "-0:20", "-4:00", "+5:00"}}
		for name, ts := range pdfs {
			pdf, err := f.svc.TimesheetPDF(ts)
			if err != nil {
				t.Fatal(err)
			}
			text := testenv.PDFText(t, pdf)
			_, section, ok := strings.Cut(text, "Adjustments after approval")
			if !ok {
				t.Errorf("%s: the PDF has no adjustments section:\n%s", name, text)
				continue
			}
			for i, a := range ts.Adjustments {
				line := lineWith(section, a.Reason)
				if !strings.Contains(line, wants[name][i]) {
					t.Errorf("%s: PDF adjustment %q shows %q, want %s", name, a.Reason, line, wants[name][i])
				}
			}
		}
	})
}

// lineWith is the first line of text containing s (its first 20 bytes: a
// long cell may wrap), or "".
func lineWith(text, s string) string {
	s = s[:min(len(s), 20)]
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// A correction racing the approval of its timesheet: either the approval
// counts it, or it is an adjustment after approval (or the approval is
// refused and retried) — never neither.
func TestCorrectionRacingApprovalKeepsTheSum(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for round := range 20 {
			emp := f.employee(t, fmt.Sprintf("Racer %d", round), fmt.Sprintf("GR%03d", round), civil.D(1990, 1, 1))
			start := civil.D(2026, 10, 8).At(7, 0, civil.London)
			sh := payroll.ShiftRef{ID: fmt.Sprintf("0190a8e0-0000-7000-9000-%012d", round), EmployeeID: emp.ID, SiteID: "site", SiteName: "Cable Street",
				Start: start, End: start.Add(4 * time.Hour), BreakMinutes: -1}
			f.shifts.add(sh)
			if _, err := f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End}); err != nil {
				t.Fatal(err)
			}
			ts, err := f.svc.EmployeeTimesheet(ctx, finance, emp.ID, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var approveErr, correctErr error
			begin := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-begin
				_, approveErr = f.svc.ApproveTimesheet(ctx, supervisor, ts.ID)
			}()
			go func() {
				defer wg.Done()
				<-begin
				_, correctErr = f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End.Add(45 * time.Minute), Reason: "stayed late"})
			}()
			close(begin)
			wg.Wait()
			if correctErr != nil {
				t.Fatalf("round %d: correction: %v", round, correctErr)
			}
			if approveErr != nil {
				if errs.CodeOf(approveErr) != errs.Conflict {
					t.Fatalf("round %d: approval: %v", round, approveErr)
				}
				if _, err := f.svc.ApproveTimesheet(ctx, supervisor, ts.ID); err != nil {
					t.Fatalf("round %d: approval again: %v", round, err)
				}
			}
			got, err := f.svc.EmployeeTimesheet(ctx, finance, emp.ID, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, a := range got.Adjustments {
				sum += a.DeltaMinutes
			}
			if got.ApprovedMinutes+sum != got.Totals.PaidMinutes {
				t.Errorf("round %d: approved %d + adjustments %d != paid %d", round, got.ApprovedMinutes, sum, got.Totals.PaidMinutes)
			}
		}
	})
}
