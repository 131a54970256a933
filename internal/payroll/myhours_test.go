package payroll_test

import (
	"context"
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
	"github.com/goodshift/goodshift/internal/people"
)

// inbox records what payroll puts in people's inboxes (the real inbox is
// tested end to end in internal/app).
type inbox struct {
	mu   sync.Mutex
	sent []note
}

type note struct {
	to                  []string
	subject, body, link string
}

func (b *inbox) NotifyTx(_ context.Context, _ *gorm.DB, to []string, subject, body, link string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, note{to, subject, body, link})
	return nil
}

// priyasNovember: Priya at £14.80 on ESA permitted work (15 h 59, £203.50
// a week); in the week of 16 Nov she worked Tue (4 h) and Thu (7 h less a
// 20-minute unpaid break), missed Fri and has no record for Sat; in the
// week of 23 Nov three shifts are still to come (5 h, 5 h, 7 h less 20 min).
func priyasNovember(t *testing.T, f *fixture) (priya people.Person, worked, missing, coming payroll.ShiftRef) {
	t.Helper()
	ctx := context.Background()
	priya = f.employee(t, "Priya Shah", "GS002", civil.D(1995, 2, 3))
	if _, err := f.svc.SetPayRate(ctx, finance, priya.ID, payroll.RateInput{HourlyRate: 1480, EffectiveFrom: civil.D(2026, 4, 1)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SetPermittedWork(ctx, finance, priya.ID, payroll.PermittedWorkInput{Benefit: payroll.BenefitESAPermitted, From: civil.D(2026, 11, 1)}); err != nil {
		t.Fatal(err)
	}
	worked = shiftAt(priya.ID, civil.D(2026, 11, 17), 9, 0, 4)
	long := shiftAt(priya.ID, civil.D(2026, 11, 19), 9, 0, 7)
	noShow := shiftAt(priya.ID, civil.D(2026, 11, 20), 9, 0, 4)
	missing = shiftAt(priya.ID, civil.D(2026, 11, 21), 9, 0, 4)
	for _, sh := range []payroll.ShiftRef{worked, long, noShow, missing} {
		f.shifts.add(sh)
	}
	for _, sh := range []payroll.ShiftRef{worked, long} {
		if _, err := f.svc.RecordAttendance(ctx, supervisor, sh.ID, payroll.AttendanceInput{ClockIn: sh.Start, ClockOut: sh.End}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.MarkNoShow(ctx, supervisor, noShow.ID, "did not come, no call"); err != nil {
		t.Fatal(err)
	}
	for i, d := range []int{24, 25, 26} {
		hours := 5
		if i == 2 {
			hours = 7
		}
		sh := shiftAt(priya.ID, civil.D(2026, 11, d), 9, 0, hours)
		f.shifts.add(sh)
		if i == 0 {
			coming = sh
		}
	}
	return priya, worked, missing, coming
}

func TestMyHoursTotalsAndStates(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		priya, worked, missing, _ := priyasNovember(t, f)
		me := auth.Principal{ID: priya.ID, Name: priya.Name, Roles: []auth.Role{auth.Employee}}

		h, err := f.svc.MyHoursIn(ctx, me, "")
		if err != nil {
			t.Fatal(err)
		}
		if h.Period == nil || h.Period.Key != "2026-11" {
			t.Fatalf("period %+v", h.Period)
		}
		states := map[string]string{}
		for _, l := range h.Shifts {
			states[l.DateLabel] = l.StateLabel
		}
		want := map[string]string{"Tue 17 Nov": "Worked", "Thu 19 Nov": "Worked", "Fri 20 Nov": "Marked as not attended",
			"Sat 21 Nov": "No clock-in recorded yet", "Tue 24 Nov": "Coming up", "Wed 25 Nov": "Coming up", "Thu 26 Nov": "Coming up"}
		if len(states) != len(want) {
			t.Errorf("shifts %v", states)
		}
		for d, s := range want {
			if states[d] != s {
				t.Errorf("%s: %q, want %q", d, states[d], s)
			}
		}
		thu := h.Shifts[1]
		if thu.Planned != "09:00–16:00" || thu.ClockedIn != "09:00" || thu.ClockedOut != "16:00" || thu.Paid != "6 h 40" || thu.Break != "20 min unpaid" {
			t.Errorf("Thursday %+v", thu)
		}
		tot := h.Totals
		if tot.PaidMinutes != 640 || tot.Paid != "10 h 40" || tot.ShiftsWorked != 2 || tot.NoShows != 1 || tot.BreakMinutes != 20 ||
			tot.ComingUp != 3 || tot.ComingMinutes != 5*60+5*60+7*60-20 || tot.ComingUpHours != "16 h 40" {
			t.Errorf("totals %+v", tot)
		}
		// The totals are the timesheet's: payroll pays what My hours shows.
		ts, err := f.svc.EmployeeTimesheet(ctx, me, priya.ID, "2026-11")
		if err != nil || ts.Totals.PaidMinutes != tot.PaidMinutes {
			t.Errorf("timesheet paid %d, My hours %d (%v)", ts.Totals.PaidMinutes, tot.PaidMinutes, err)
		}
		// A range: only the week of 16 Nov.
		wk, err := f.svc.MyHoursBetween(ctx, me, civil.D(2026, 11, 16), civil.D(2026, 11, 22))
		if err != nil || len(wk.Shifts) != 4 || wk.Totals.PaidMinutes != 640 || wk.Totals.ComingUp != 0 {
			t.Errorf("week: %d shifts %+v %v", len(wk.Shifts), wk.Totals, err)
		}
		for _, bad := range [][2]civil.Date{{civil.D(2026, 11, 22), civil.D(2026, 11, 16)}, {civil.D(2026, 8, 1), civil.D(2026, 11, 30)}} {
			if _, err := f.svc.MyHoursBetween(ctx, me, bad[0], bad[1]); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("range %v: %v", bad, err)
			}
		}
		// Someone else sees only their own (nothing), never Priya's.
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		samH, err := f.svc.MyHoursIn(ctx, auth.Principal{ID: sam.ID, Roles: []auth.Role{auth.Employee}}, "2026-11")
		if err != nil || len(samH.Shifts) != 0 || samH.Permitted != nil {
			t.Errorf("Sam sees %d shifts, permitted %v (%v)", len(samH.Shifts), samH.Permitted, err)
		}
		if _, err := f.svc.MyHoursIn(ctx, supervisor, ""); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a supervisor without the employee role: %v", err)
		}
		_ = worked
		_ = missing
	})
}

func TestMyPermittedWeekIsTheMonitorsWeek(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		priya, _, _, _ := priyasNovember(t, f)
		me := auth.Principal{ID: priya.ID, Roles: []auth.Role{auth.Employee}}

		// Week of 16 Nov: 10 h 40 worked, £157.87 (4 h + 6 h 40 at £14.80): within the limits.
		last, err := f.svc.MyPermittedWeek(ctx, me, civil.D(2026, 11, 18))
		if err != nil || last == nil {
			t.Fatalf("%v %v", last, err)
		}
		if last.Status != payroll.WithinLimits || last.Summary != "10 h 40 of your 15 h 59 limit this week; about £158 of £203.50" {
			t.Errorf("week of 16 Nov: %q %s", last.Summary, last.Status)
		}
		// This week: 16 h 40 still rostered, about £247: over both limits, said as a warning.
		now, err := f.svc.MyPermittedWeek(ctx, me, civil.D(2026, 11, 23))
		if err != nil || now == nil {
			t.Fatalf("%v %v", now, err)
		}
		if now.Status != payroll.OverLimit || now.RosteredMinutes != 1000 || now.WorkedMinutes != 0 ||
			now.Hours != "16 h 40 of your 15 h 59 limit this week" || now.Earnings != "about £247 of £203.50" ||
			!strings.Contains(now.Advice, "past your limit") || now.WeekLabel != "Mon 23 Nov to Sun 29 Nov" {
			t.Errorf("this week: %+v", now)
		}
		// The same numbers as the finance monitor: one calculation.
		weeks, err := f.svc.PermittedWorkMonitor(ctx, payroll.Period{Key: "2026-11", Start: civil.D(2026, 11, 1), End: civil.D(2026, 11, 30)})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range weeks {
			mine, err := f.svc.MyPermittedWeek(ctx, me, w.WeekStart)
			if err != nil || mine == nil {
				t.Fatalf("%s: %v", w.WeekStart, err)
			}
			if mine.WorkedMinutes != w.WorkedMinutes || mine.RosteredMinutes != w.PlannedMinutes || mine.EstimatedEarnings != w.EstimatedEarnings || mine.Status != w.Status {
				t.Errorf("week %s: panel %+v, monitor %+v", w.WeekStart, mine, w)
			}
		}
		// Nobody else gets a panel: not without a record, not for someone else's.
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		if p, err := f.svc.MyPermittedWeek(ctx, auth.Principal{ID: sam.ID, Roles: []auth.Role{auth.Employee}}, civil.D(2026, 11, 23)); p != nil || err != nil {
			t.Errorf("Sam: %+v %v", p, err)
		}
		if p, err := f.svc.MyPermittedWeek(ctx, auth.Principal{ID: priya.ID, Roles: []auth.Role{auth.Admin}}, civil.D(2026, 11, 23)); p != nil || err != nil {
			t.Errorf("not as an employee: %+v %v", p, err)
		}
	})
}

func TestHoursQueries(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		box := &inbox{}
		f.svc.UseQueryInbox(box, f.people)
		priya, worked, missing, coming := priyasNovember(t, f)
		dana, err := f.people.Create(ctx, people.NewPerson{Name: "Dana Whitfield", Email: "dana@example.org", Roles: []auth.Role{auth.Supervisor}})
		if err != nil {
			t.Fatal(err)
		}
		me := auth.Principal{ID: priya.ID, Name: priya.Name, Roles: []auth.Role{auth.Employee}}

		// Bad input: refused, by field, nothing stored or sent.
		for _, in := range []payroll.QueryInput{
			{Reason: "angry"},
			{Reason: "other"},
			{Reason: "missing", Note: strings.Repeat("é", payroll.MaxQueryNote+1)},
			{Reason: "missing", Note: "bell\x07"},
		} {
			if _, err := f.svc.QueryShift(ctx, me, worked.ID, in); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%+v: %v", in, err)
			}
		}
		if _, err := f.svc.QueryShift(ctx, me, coming.ID, payroll.QueryInput{Reason: "missing"}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("a shift still to come: %v", err)
		}
		sam := f.employee(t, "Sam Okafor", "GS001", civil.D(1988, 6, 14))
		if _, err := f.svc.QueryShift(ctx, auth.Principal{ID: sam.ID, Roles: []auth.Role{auth.Employee}}, worked.ID, payroll.QueryInput{Reason: "missing"}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("someone else's shift: %v", err)
		}
		if len(box.sent) != 0 {
			t.Fatalf("refused queries sent %d messages", len(box.sent))
		}

		q, err := f.svc.QueryShift(ctx, me, worked.ID, payroll.QueryInput{Reason: "times_wrong", Note: "  I stayed until 13:30  "})
		if err != nil {
			t.Fatal(err)
		}
		if q.Note != "I stayed until 13:30" || q.Label != "Queried on Mon 23 Nov — waiting" {
			t.Errorf("query %+v", q)
		}
		if len(box.sent) != 1 || len(box.sent[0].to) != 1 || box.sent[0].to[0] != dana.ID ||
			box.sent[0].link != "/payroll/timesheets/"+priya.ID+"/2026-11#queries" || !strings.Contains(box.sent[0].body, "Tue 17 Nov") {
			t.Fatalf("sent %+v", box.sent)
		}
		if _, err := f.svc.QueryShift(ctx, me, worked.ID, payroll.QueryInput{Reason: "missing"}); errs.CodeOf(err) != errs.Conflict || len(box.sent) != 1 {
			t.Errorf("again: %v (%d sent)", err, len(box.sent))
		}
		// A shift payroll has no record of can be queried too.
		if _, err := f.svc.QueryShift(ctx, me, missing.ID, payroll.QueryInput{Reason: "missing"}); err != nil {
			t.Error(err)
		}
		h, err := f.svc.MyHoursIn(ctx, me, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		if l := h.Shifts[0]; l.Query == nil || l.Query.Label != "Queried on Mon 23 Nov — waiting" || l.CanQuery || h.Totals.OpenQueries != 2 {
			t.Errorf("My hours after the query: %+v %+v", l, l.Query)
		}

		// The supervisor sees it and marks it answered, once; Priya is told.
		sup := auth.Principal{ID: dana.ID, Name: dana.Name, Roles: []auth.Role{auth.Supervisor}}
		qs, err := f.svc.QueriesFor(ctx, sup, priya.ID, *h.Period)
		if err != nil || len(qs) != 2 {
			t.Fatalf("queries %d %v", len(qs), err)
		}
		if _, err := f.svc.QueriesFor(ctx, auth.Principal{ID: sam.ID, Roles: []auth.Role{auth.Employee}}, priya.ID, *h.Period); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("Sam reads Priya's queries: %v", err)
		}
		if _, err := f.svc.AnswerQuery(ctx, me, q.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the employee answers: %v", err)
		}
		f.now = f.now.Add(2 * time.Hour)
		a, err := f.svc.AnswerQuery(ctx, sup, q.ID)
		if err != nil || a.Label != "Queried on Mon 23 Nov — answered by Dana Whitfield" {
			t.Fatalf("%+v %v", a, err)
		}
		if _, err := f.svc.AnswerQuery(ctx, sup, q.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("twice: %v", err)
		}
		if last := box.sent[len(box.sent)-1]; len(last.to) != 1 || last.to[0] != priya.ID || last.subject != "Hours query answered" {
			t.Errorf("Priya told %+v", last)
		}
		// Answered, the shift can be queried again.
		h, _ = f.svc.MyHoursIn(ctx, me, "2026-11")
		if l := h.Shifts[0]; !l.CanQuery || !strings.Contains(l.Query.Label, "answered") {
			t.Errorf("after the answer %+v", l)
		}
	})
}
