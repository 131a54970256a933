package payroll_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/people"
)

// fakeLeaveRota stands in for the rota: the real release path is tested in
// internal/rota and end to end in internal/app. ReleaseIn writes nothing
// but can fail, to show the approval is one transaction.
type fakeLeaveRota struct {
	mu       sync.Mutex
	shifts   []payroll.LeaveShift // with the employee
	employee string
	fail     error
	released [][]string
	notices  []string
}

func (f *fakeLeaveRota) AffectedShifts(_ context.Context, employeeID string, from, to civil.Date) ([]payroll.LeaveShift, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []payroll.LeaveShift
	for _, s := range f.shifts {
		d := civil.In(s.Start, civil.London)
		if employeeID == f.employee && !d.Before(from) && !d.After(to) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeLeaveRota) Away(context.Context, string) {}

func (f *fakeLeaveRota) ReleaseIn(tx *gorm.DB, employeeID string, from, to civil.Date) ([]string, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	shs, _ := f.AffectedShifts(context.Background(), employeeID, from, to)
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, s := range shs {
		ids = append(ids, s.ID)
	}
	f.released = append(f.released, ids)
	return ids, nil
}

func (f *fakeLeaveRota) Released(_ context.Context, subject, body string, ids []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notices = append(f.notices, subject+": "+body)
}

type fakeNotifier struct {
	mu   sync.Mutex
	sent []string
}

func (n *fakeNotifier) Notify(_ context.Context, ids []string, subject, body, link string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, ids[0]+"|"+subject+"|"+body+"|"+link)
	return nil
}

func (n *fakeNotifier) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.sent...)
}

type leaveFixture struct {
	*fixture
	rota  *fakeLeaveRota
	notes *fakeNotifier
}

func newLeaveFixture(t *testing.T, db *gorm.DB) *leaveFixture {
	f := &leaveFixture{fixture: newFixture(t, db), rota: &fakeLeaveRota{}, notes: &fakeNotifier{}}
	f.svc.UseLeave(f.rota, f.notes)
	return f
}

func (f *leaveFixture) contracted(t *testing.T, name, works string, start civil.Date, weekly int) people.Person {
	t.Helper()
	p, err := f.people.Create(context.Background(), people.NewPerson{
		Name: name, Email: strings.ToLower(works) + "@example.org", Roles: []auth.Role{auth.Employee},
		Employee: &people.Employee{WorksNumber: works, StartDate: start, DateOfBirth: civil.D(1988, 5, 5), ContractType: people.Contracted, ContractedMinutesPerWeek: weekly},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func me(p people.Person) auth.Principal {
	return auth.Principal{ID: p.ID, Name: p.Name, Roles: []auth.Role{auth.Employee}}
}

// worked records a worked shift of the employee's from start for d (break b).
func (f *leaveFixture) worked(t *testing.T, p people.Person, start time.Time, d time.Duration, b int) {
	t.Helper()
	sh := payroll.ShiftRef{ID: database.NewID(), EmployeeID: p.ID, SiteID: database.NewID(), SiteName: "Canal Offices", Start: start, End: start.Add(d), BreakMinutes: b}
	f.shifts.add(sh)
	if _, err := f.svc.RecordAttendance(context.Background(), supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End, BreakMinutes: &b}); err != nil {
		t.Fatal(err)
	}
}

func (f *leaveFixture) absences(t *testing.T, p people.Person) []payroll.Absence {
	t.Helper()
	as, err := f.svc.Absences(context.Background(), finance, p.ID, civil.Date{}, civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// The clock stands at Mon 23 Nov 2026, 09:00 UTC: the leave year is
// 1 Apr 2026 to 31 Mar 2027.
func TestLeaveBalanceIrregularHours(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newLeaveFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1990, 1, 1))
		f.worked(t, sam, time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC), 8*time.Hour, 0)       // last leave year: not counted
		f.worked(t, sam, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), 8*time.Hour, 30)      // 7h 30m paid
		f.worked(t, sam, time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC), 197*time.Minute, 0) // 3h 17m paid
		if _, err := f.svc.RecordAbsence(ctx, finance, sam.ID, payroll.AbsenceInput{Type: payroll.Holiday, From: civil.D(2026, 11, 20), PaidMinutesPerDay: 10}); err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.LeaveBalance(ctx, me(sam), sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 647 minutes worked; 12.07% is 78.09, so 78 minutes.
		if !b.IrregularHours || b.WorkedMinutes != 647 || b.EntitlementMinutes != 78 || b.TakenMinutes != 10 || b.BookedMinutes != 0 || b.RemainingMinutes != 68 {
			t.Fatalf("balance %+v", b)
		}
		if b.YearFrom != civil.D(2026, 4, 1) || b.YearTo != civil.D(2027, 3, 31) {
			t.Errorf("leave year %s to %s", b.YearFrom, b.YearTo)
		}
		r, err := f.svc.RequestLeave(ctx, me(sam), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 11, 30), Part: payroll.PartHours, Minutes: 60})
		if err != nil || r.Minutes != 60 || r.Status != payroll.LeavePending {
			t.Fatalf("request %+v %v", r, err)
		}
		if b, _ = f.svc.LeaveBalance(ctx, me(sam), sam.ID); b.PendingMinutes != 60 || b.RemainingMinutes != 68 || b.AfterPendingMinutes != 8 {
			t.Errorf("pending %+v", b)
		}
		if _, err := f.svc.ApproveLeave(ctx, supervisor, r.ID); err != nil {
			t.Fatal(err)
		}
		if b, _ = f.svc.LeaveBalance(ctx, me(sam), sam.ID); b.PendingMinutes != 0 || b.BookedMinutes != 60 || b.RemainingMinutes != 8 {
			t.Errorf("booked %+v", b)
		}
		// An irregular-hours worker asking for whole days says how long a day is.
		_, err = f.svc.RequestLeave(ctx, me(sam), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 7)})
		var fe []errs.FieldError
		if _, _, d := errs.Public(err); d != nil {
			fe, _ = d.([]errs.FieldError)
		}
		if errs.CodeOf(err) != errs.Invalid || len(fe) != 1 || fe[0].Field != "day_minutes" {
			t.Errorf("no day length: %v %+v", err, fe)
		}
		// Someone else's balance is not there to see.
		other := f.employee(t, "Kwame Mensah", "GS003", civil.D(1991, 1, 1))
		if _, err := f.svc.LeaveBalance(ctx, me(other), sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("other's balance: %v", err)
		}
	})
}

func TestLeaveBalanceContractedPartYear(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newLeaveFixture(t, db)
		// Started 1 Oct 2026 on 37h 30m a week: 182 of the year's 365 days.
		ana := f.contracted(t, "Ana Costa", "GS010", civil.D(2026, 10, 1), 2250)
		b, err := f.svc.LeaveBalance(ctx, me(ana), ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 2250 × 5.6 × 182 / 365 = 6282.74 → 6283 minutes (104h 43m).
		if b.IrregularHours || b.EntitlementMinutes != 6283 || b.RemainingMinutes != 6283 || b.HM(b.RemainingMinutes) != "104h 43m" {
			t.Fatalf("balance %+v", b)
		}
		// Mon 30 Nov to Fri 4 Dec, a half day on the Friday: 4 × 7h 30m + 3h 45m.
		r, err := f.svc.RequestLeave(ctx, me(ana), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 11, 30), To: civil.D(2026, 12, 4), Part: payroll.PartHalfTo})
		if err != nil || r.Minutes != 2025 || r.DayMinutes != 450 {
			t.Fatalf("request %+v %v", r, err)
		}
		// A week over a weekend counts only the weekdays.
		r2, err := f.svc.RequestLeave(ctx, me(ana), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 10), To: civil.D(2026, 12, 16)})
		if err != nil || r2.Minutes != 5*450 {
			t.Fatalf("request over a weekend %+v %v", r2, err)
		}
		for _, id := range []string{r.ID, r2.ID} {
			if _, err := f.svc.ApproveLeave(ctx, supervisor, id); err != nil {
				t.Fatal(err)
			}
		}
		b, _ = f.svc.LeaveBalance(ctx, me(ana), ana.ID)
		if b.BookedMinutes != 2025+2250 || b.RemainingMinutes != 6283-4275 || b.HM(b.RemainingMinutes) != "33h 28m" {
			t.Errorf("after approval %+v", b)
		}
		// The absences carry the hours of each day: Mon–Thu 7h 30m, Fri 3h 45m; then Thu–Fri, the weekend (none), Mon–Wed.
		as := f.absences(t, ana)
		var got []string
		for i := len(as) - 1; i >= 0; i-- {
			a := as[i]
			got = append(got, a.From.String()+".."+a.To.String()+"="+payroll.FormatMinutes(a.PaidMinutesPerDay))
		}
		want := "2026-11-30..2026-12-03=7h 30m 2026-12-04..2026-12-04=3h 45m 2026-12-10..2026-12-11=7h 30m 2026-12-12..2026-12-13=0h 00m 2026-12-14..2026-12-16=7h 30m"
		if strings.Join(got, " ") != want {
			t.Errorf("absences\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		// The leave year follows the organisation's setting.
		if _, err := f.svc.SetLeaveSettings(ctx, finance, payroll.LeaveSettingsInput{YearStartMonth: 1}); err != nil {
			t.Fatal(err)
		}
		if b, _ = f.svc.LeaveBalance(ctx, me(ana), ana.ID); b.YearFrom != civil.D(2026, 1, 1) {
			t.Errorf("January leave year %+v", b)
		}
	})
}

func TestLeaveRequestsRefused(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newLeaveFixture(t, db)
		ana := f.contracted(t, "Ana Costa", "GS010", civil.D(2025, 1, 6), 2250)
		first, err := f.svc.RequestLeave(ctx, me(ana), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 1), To: civil.D(2026, 12, 3)})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			in   payroll.LeaveInput
			code errs.Code
		}{
			{"overlapping a pending request", payroll.LeaveInput{Type: payroll.Sick, From: civil.D(2026, 12, 3), To: civil.D(2026, 12, 4)}, errs.Conflict},
			{"a type nobody enabled", payroll.LeaveInput{Type: payroll.Unpaid, From: civil.D(2026, 12, 10)}, errs.Invalid},
			{"a made-up type", payroll.LeaveInput{Type: "migraine", From: civil.D(2026, 12, 10)}, errs.Invalid},
			{"a day gone by", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 11, 20)}, errs.Invalid},
			{"no first day", payroll.LeaveInput{Type: payroll.Holiday}, errs.Invalid},
			{"backwards", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 10), To: civil.D(2026, 12, 9)}, errs.Invalid},
			{"over the leave year's end", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2027, 3, 29), To: civil.D(2027, 4, 2)}, errs.Invalid},
			{"hours over several days", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 10), To: civil.D(2026, 12, 11), Part: payroll.PartHours, Minutes: 60}, errs.Invalid},
			{"too many hours", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 10), Part: payroll.PartHours, Minutes: 13 * 60}, errs.Invalid},
			{"a half day of sickness", payroll.LeaveInput{Type: payroll.Sick, From: civil.D(2026, 12, 10), Part: payroll.PartHalfFrom}, errs.Invalid},
			{"a weekend only", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 12), To: civil.D(2026, 12, 13)}, errs.Invalid},
			{"an unknown part", payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 10), Part: "quarter"}, errs.Invalid},
		}
		for _, c := range cases {
			if _, err := f.svc.RequestLeave(ctx, me(ana), c.in); errs.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		mine, err := f.svc.MyLeave(ctx, me(ana))
		if err != nil || len(mine) != 1 || mine[0].ID != first.ID {
			t.Errorf("nothing else recorded: %+v %v", mine, err)
		}
		// Once the organisation enables unpaid leave, it can be asked for.
		if _, err := f.svc.SetLeaveSettings(ctx, finance, payroll.LeaveSettingsInput{EnabledTypes: []string{payroll.Unpaid}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RequestLeave(ctx, me(ana), payroll.LeaveInput{Type: payroll.Unpaid, From: civil.D(2026, 12, 10)}); err != nil {
			t.Errorf("unpaid once enabled: %v", err)
		}
		if set, _ := f.svc.LeaveSettings(ctx); strings.Join(set.EnabledTypes, ",") != "holiday,sick,unpaid" {
			t.Errorf("settings %+v", set)
		}
		if _, err := f.svc.SetLeaveSettings(ctx, finance, payroll.LeaveSettingsInput{EnabledTypes: []string{"gardening"}}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("bad setting: %v", err)
		}
		if _, err := f.svc.SetLeaveSettings(ctx, finance, payroll.LeaveSettingsInput{YearStartMonth: 13}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("bad month: %v", err)
		}
		// An absence a supervisor recorded on those days stops the approval.
		if _, err := f.svc.RecordAbsence(ctx, supervisor, ana.ID, payroll.AbsenceInput{Type: payroll.Sick, From: civil.D(2026, 12, 2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ApproveLeave(ctx, supervisor, first.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("approve over an absence: %v", err)
		}
		// A supervisor who is also an employee does not decide their own leave.
		rosa := f.contracted(t, "Rosa Fernández", "GS012", civil.D(2025, 1, 6), 2220)
		own, err := f.svc.RequestLeave(ctx, me(rosa), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 21)})
		if err != nil {
			t.Fatal(err)
		}
		rosaSup := auth.Principal{ID: rosa.ID, Name: rosa.Name, Roles: []auth.Role{auth.Employee, auth.Supervisor}}
		if _, err := f.svc.ApproveLeave(ctx, rosaSup, own.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("approving own leave: %v", err)
		}
		if _, err := f.svc.DeclineLeave(ctx, rosaSup, own.ID, payroll.LeaveDecision{}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("declining own leave: %v", err)
		}
		// Someone else cannot cancel it; nobody can approve an unknown request.
		other := f.contracted(t, "Bo Lind", "GS011", civil.D(2025, 1, 6), 2250)
		if _, err := f.svc.CancelLeave(ctx, me(other), first.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("someone else's cancel: %v", err)
		}
		if _, err := f.svc.ApproveLeave(ctx, supervisor, database.NewID()); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unknown: %v", err)
		}
		if mine, _ := f.svc.MyLeave(ctx, me(ana)); mine[len(mine)-1].Status != payroll.LeavePending {
			t.Errorf("still pending: %+v", mine)
		}
	})
}

func TestLeaveApproveReleasesAndTells(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newLeaveFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1990, 1, 1))
		f.rota.employee = sam.ID
		in := func(d civil.Date, h int) payroll.LeaveShift {
			st := d.Time(civil.London).Add(time.Duration(h) * time.Hour)
			return payroll.LeaveShift{ID: database.NewID(), SiteName: "Canal Offices", Start: st, End: st.Add(4 * time.Hour), Published: true}
		}
		before, on1, on2, after := in(civil.D(2026, 12, 23), 9), in(civil.D(2026, 12, 24), 9), in(civil.D(2026, 12, 28), 17), in(civil.D(2026, 12, 29), 9)
		f.rota.shifts = []payroll.LeaveShift{before, on1, on2, after}
		r, err := f.svc.RequestLeave(ctx, me(sam), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 24), To: civil.D(2026, 12, 28), DayMinutes: 240})
		if err != nil || r.Minutes != 5*240 {
			t.Fatalf("%+v %v", r, err)
		}
		list, err := f.svc.LeaveRequests(ctx, payroll.LeavePending)
		if err != nil || len(list) != 1 || len(list[0].Shifts) != 2 || list[0].EmployeeName != "Sam Okafor" {
			t.Fatalf("pending list %+v %v", list, err)
		}
		// A failure in the release undoes the whole approval.
		f.rota.fail = errors.New("rota down")
		if _, err := f.svc.ApproveLeave(ctx, supervisor, r.ID); err == nil {
			t.Fatal("approved although the release failed")
		}
		if as := f.absences(t, sam); len(as) != 0 {
			t.Errorf("absence recorded without the release: %+v", as)
		}
		if l, _ := f.svc.LeaveRequests(ctx, payroll.LeavePending); len(l) != 1 {
			t.Errorf("not pending any more: %+v", l)
		}
		f.rota.fail = nil
		got, err := f.svc.ApproveLeave(ctx, supervisor, r.ID)
		if err != nil || got.Status != payroll.LeaveApproved || got.DecidedBy != supervisor.Name {
			t.Fatalf("%+v %v", got, err)
		}
		if len(f.rota.released) != 1 || strings.Join(f.rota.released[0], ",") != on1.ID+","+on2.ID {
			t.Errorf("released %v, want the two shifts in the dates", f.rota.released)
		}
		if len(f.rota.notices) != 1 || !strings.Contains(f.rota.notices[0], "Sam Okafor is away on Thu 24 Dec to Mon 28 Dec. 2 shift(s)") {
			t.Errorf("supervisors' notice %v", f.rota.notices)
		}
		as := f.absences(t, sam)
		if len(as) != 1 || as[0].Type != payroll.Holiday || as[0].From != civil.D(2026, 12, 24) || as[0].To != civil.D(2026, 12, 28) || as[0].PaidMinutesPerDay != 240 {
			t.Errorf("absences %+v", as)
		}
		days, _ := f.svc.AbsentDays(ctx, sam.ID, civil.D(2026, 12, 20), civil.D(2026, 12, 31))
		if len(days) != 5 {
			t.Errorf("the rota's leave seam sees %v", days)
		}
		sent := f.notes.all()
		if len(sent) != 1 || sent[0] != sam.ID+"|Leave approved|Your holiday on Thu 24 Dec to Mon 28 Dec is approved.|/me/leave" {
			t.Errorf("employee told %q", sent)
		}
		// Deciding again is refused, and changes nothing.
		if _, err := f.svc.DeclineLeave(ctx, supervisor, r.ID, payroll.LeaveDecision{}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("decline after approve: %v", err)
		}
		// Cancelled before it starts: the absence goes.
		c, err := f.svc.CancelLeave(ctx, me(sam), r.ID)
		if err != nil || c.Status != payroll.LeaveCancelled {
			t.Fatalf("cancel %+v %v", c, err)
		}
		if as := f.absences(t, sam); len(as) != 0 {
			t.Errorf("absence left after cancelling %+v", as)
		}
		// A decline with and without a message.
		d1, _ := f.svc.RequestLeave(ctx, me(sam), payroll.LeaveInput{Type: payroll.Sick, From: civil.D(2026, 12, 1)})
		if _, err := f.svc.DeclineLeave(ctx, supervisor, d1.ID, payroll.LeaveDecision{Message: "We are short that week, can we talk?"}); err != nil {
			t.Fatal(err)
		}
		d2, _ := f.svc.RequestLeave(ctx, me(sam), payroll.LeaveInput{Type: payroll.Holiday, From: civil.D(2026, 12, 2), DayMinutes: 240})
		if _, err := f.svc.DeclineLeave(ctx, supervisor, d2.ID, payroll.LeaveDecision{}); err != nil {
			t.Fatal(err)
		}
		sent = f.notes.all()
		if len(sent) != 3 || !strings.HasSuffix(sent[1], "|Leave declined|Your sickness on Tue 1 Dec is declined. Dana Whitfield says: We are short that week, can we talk?|/me/leave") ||
			!strings.Contains(sent[2], "|Leave declined|Your holiday on Wed 2 Dec is declined.|") {
			t.Errorf("declines told %q", sent)
		}
	})
}

// Approve and cancel at once: exactly one wins, and what is stored agrees
// with it (leave starting today cannot be cancelled once approved).
func TestLeaveApproveCancelRace(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newLeaveFixture(t, db)
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1990, 1, 1))
		today := civil.In(f.now, civil.London)
		approvals := 0
		for i := range 6 {
			r, err := f.svc.RequestLeave(ctx, me(sam), payroll.LeaveInput{Type: payroll.Holiday, From: today, DayMinutes: 300})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var aErr, cErr error
			wg.Add(2)
			go func() { defer wg.Done(); _, aErr = f.svc.ApproveLeave(ctx, supervisor, r.ID) }()
			go func() { defer wg.Done(); _, cErr = f.svc.CancelLeave(ctx, me(sam), r.ID) }()
			wg.Wait()
			if (aErr == nil) == (cErr == nil) {
				t.Fatalf("round %d: approve %v, cancel %v: want exactly one", i, aErr, cErr)
			}
			for _, err := range []error{aErr, cErr} {
				if err != nil && errs.CodeOf(err) != errs.Conflict {
					t.Fatalf("round %d: loser got %v, want a conflict", i, err)
				}
			}
			as := f.absences(t, sam)
			if aErr == nil {
				approvals++
				if len(as) != 1 {
					t.Fatalf("approved but absences %+v", as)
				}
				if err := f.svc.DeleteAbsence(ctx, as[0].ID); err != nil { // clear the day for the next round
					t.Fatal(err)
				}
				if err := db.WithContext(ctx).Exec("UPDATE leave_requests SET status = 'cancelled' WHERE id = ?", r.ID).Error; err != nil {
					t.Fatal(err)
				}
			} else if len(as) != 0 {
				t.Fatalf("cancelled but absences %+v", as)
			}
		}
		t.Logf("%d of 6 rounds went to the approval", approvals)
	})
}
