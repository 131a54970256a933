package rota_test

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
)

var migrations = []database.Migrations{people.Migrations, rota.Migrations}

// now is Monday 23 November 2026, 09:00 London.
var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type fakeSites map[string]rota.Site

func (f fakeSites) Site(_ context.Context, id string) (rota.Site, error) {
	s, ok := f[id]
	if !ok {
		return rota.Site{}, errs.E(errs.NotFound, "no such site")
	}
	return s, nil
}

func (f fakeSites) Sites(context.Context) ([]rota.Site, error) {
	var out []rota.Site
	for _, s := range f {
		out = append(out, s)
	}
	return out, nil
}

type fixture struct {
	svc    *rota.Service
	people *people.Service
	site   rota.Site
	sup    people.Person
	db     *gorm.DB
	sent   *notes
}

type notes struct {
	mu   sync.Mutex
	msgs []string
}

func (n *notes) Notify(_ context.Context, ids []string, subject, body, _ string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.msgs = append(n.msgs, fmt.Sprintf("%d:%s:%s", len(ids), subject, body))
	return nil
}

func (n *notes) all() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.msgs, "\n")
}

func setup(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	ps := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}})
	site := rota.Site{ID: database.NewID(), Name: "Cable Street common parts", Address: "41 Cable Street", TimeZone: "Europe/London"}
	n := &notes{}
	f := &fixture{people: ps, site: site, db: db, sent: n}
	f.svc = rota.NewService(rota.Config{DB: db, Now: func() time.Time { return now }, People: ps,
		Sites: fakeSites{site.ID: site}, Notifier: n})
	sup, err := ps.Create(context.Background(), people.NewPerson{Name: "Dana Whitfield", Email: "dana@example.org", Roles: []auth.Role{auth.Supervisor}})
	if err != nil {
		t.Fatal(err)
	}
	f.sup = sup
	return f
}

func (f *fixture) employee(t *testing.T, name string, dob civil.Date) people.Person {
	t.Helper()
	p, err := f.people.Create(context.Background(), people.NewPerson{
		Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org", Roles: []auth.Role{auth.Employee},
		Employee: &people.Employee{WorksNumber: database.NewID()[:18], StartDate: civil.D(2024, 1, 1), DateOfBirth: dob},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func local(d civil.Date, h, m int) time.Time { return d.At(h, m, civil.London) }

func (f *fixture) shift(t *testing.T, d civil.Date, h1, h2 int) rota.Shift {
	t.Helper()
	sh, err := f.svc.CreateShift(context.Background(), f.sup.ID, rota.ShiftInput{SiteID: f.site.ID, Start: local(d, h1, 0), End: local(d, h2, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func TestShiftsAssignAndList(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		mon := civil.D(2026, 11, 30)
		sh := f.shift(t, mon, 7, 11)
		if sh.Status != rota.Open || sh.LocalStart != "07:00" || sh.LocalEnd != "11:00" || sh.SiteName != f.site.Name || sh.WorkMinutes != 240 {
			t.Fatalf("created: %+v", sh)
		}
		_, err := f.svc.CreateShift(ctx, f.sup.ID, rota.ShiftInput{SiteID: f.site.ID, Start: local(mon, 11, 0), End: local(mon, 7, 0)})
		wantCode(t, err, errs.Invalid)
		_, err = f.svc.CreateShift(ctx, f.sup.ID, rota.ShiftInput{SiteID: database.NewID(), Start: local(mon, 7, 0), End: local(mon, 8, 0)})
		wantCode(t, err, errs.Invalid)

		res, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Shift.Status != rota.Assigned || res.Shift.EmployeeID != sam.ID || res.Shift.EmployeeName != "Sam Okafor" || res.Shift.Version != 2 {
			t.Fatalf("assigned: %+v", res.Shift)
		}
		// An overlapping shift is refused with the explanation.
		other := f.shift(t, mon, 10, 14)
		_, err = f.svc.Assign(ctx, f.sup.ID, other.ID, sam.ID, "we are short")
		wantCode(t, err, errs.RuleViolation)
		var e *errs.Error
		if !errors.As(err, &e) || !strings.Contains(fmt.Sprint(e.Details), "Sam already works Mon 30 Nov 07:00–11:00") {
			t.Fatalf("violation: %+v", e)
		}
		// A soft rule (11 hours' rest) needs a reason.
		late := f.shift(t, mon.AddDays(-1), 18, 22)
		_, err = f.svc.Assign(ctx, f.sup.ID, late.ID, sam.ID, "")
		wantCode(t, err, errs.RuleViolation)
		res, err = f.svc.Assign(ctx, f.sup.ID, late.ID, sam.ID, "Sam asked for it; split week agreed")
		if err != nil || len(res.Overridden) != 1 || res.Overridden[0].Rule != "daily_rest" {
			t.Fatalf("override: %+v %v", res, err)
		}
		// Lists: Sam sees them once they are published.
		f.publish(t, mon.AddDays(-1), mon.AddDays(6))
		mine, err := f.svc.MyShifts(ctx, sam.ID, mon.AddDays(-1), mon.AddDays(6))
		if err != nil || len(mine) != 2 {
			t.Fatalf("my shifts: %d %v", len(mine), err)
		}
		open, err := f.svc.Shifts(ctx, rota.Filter{From: mon, To: mon, Status: rota.Open})
		if err != nil || len(open) != 1 || open[0].ID != other.ID {
			t.Fatalf("open: %+v %v", open, err)
		}
		_, err = f.svc.Shifts(ctx, rota.Filter{From: mon, To: mon.AddDays(200)})
		wantCode(t, err, errs.Invalid)
		// Candidates: Sam cannot (overlap); Priya can.
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		cs, err := f.svc.Candidates(ctx, other.ID)
		if err != nil || len(cs) != 2 || cs[0].EmployeeID != priya.ID || cs[1].Eligible {
			t.Fatalf("candidates: %+v %v", cs, err)
		}
		// Cancel tells the person.
		if _, err := f.svc.CancelShift(ctx, f.sup.ID, sh.ID, "client closed"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(f.sent.all(), "is cancelled") {
			t.Errorf("notifications: %s", f.sent.all())
		}
		_, err = f.svc.Assign(ctx, f.sup.ID, sh.ID, priya.ID, "")
		wantCode(t, err, errs.Conflict)
	})
}

func TestFiftyConcurrentClaims(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var emps []people.Person
		for i := range 50 {
			emps = append(emps, f.employee(t, fmt.Sprintf("Worker %02d", i), civil.D(1990, 1, 1)))
		}
		sh := f.shift(t, civil.D(2026, 12, 1), 7, 11)
		f.publish(t, civil.D(2026, 12, 1), civil.D(2026, 12, 1))
		var wg sync.WaitGroup
		results := make([]error, len(emps))
		start := make(chan struct{})
		for i, e := range emps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = f.svc.Claim(ctx, e.ID, sh.ID)
			}()
		}
		close(start)
		wg.Wait()
		won, taken := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case errors.Is(err, rota.ErrTaken):
				taken++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if won != 1 || taken != 49 {
			t.Fatalf("won %d, taken %d", won, taken)
		}
		var n int64
		db.Table("shifts").Where("id = ? AND status = ?", sh.ID, rota.Assigned).Count(&n)
		got, _ := f.svc.Shift(ctx, sh.ID)
		if n != 1 || got.Version != 3 { // created, published, claimed
			t.Fatalf("shift after claims: %+v", got)
		}
	})
}

func TestShiftOverClockChangeIsNineHours(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		f := setup(t, db)
		// Clocks go back at 02:00 on Sunday 25 October 2026: a night
		// shift from 22:00 to 06:00 is 9 real hours.
		f.svc = rota.NewService(rota.Config{DB: db, Now: func() time.Time { return time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC) },
			People: f.people, Sites: fakeSites{f.site.ID: f.site}})
		b := 60
		sh, err := f.svc.CreateShift(context.Background(), f.sup.ID, rota.ShiftInput{SiteID: f.site.ID,
			Start: local(civil.D(2026, 10, 24), 22, 0), End: local(civil.D(2026, 10, 25), 6, 0), BreakMinutes: &b})
		if err != nil {
			t.Fatal(err)
		}
		if sh.WorkMinutes != 8*60 || sh.End.Sub(sh.Start) != 9*time.Hour || sh.LocalStart != "22:00" || sh.LocalEnd != "06:00" {
			t.Fatalf("DST shift: %+v", sh)
		}
	})
}

func TestVisitShiftsAndFlexPeriods(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		visit := database.NewID()
		d := civil.D(2026, 12, 2)
		n, err := f.svc.EnsureVisitShifts(ctx, visit, f.site.ID, local(d, 6, 0), local(d, 9, 0), 2)
		if err != nil || n != 2 {
			t.Fatalf("ensure: %d %v", n, err)
		}
		n, err = f.svc.EnsureVisitShifts(ctx, visit, f.site.ID, local(d, 6, 0), local(d, 9, 0), 2)
		if err != nil || n != 0 {
			t.Fatalf("ensure again: %d %v", n, err)
		}
		shifts, _ := f.svc.Shifts(ctx, rota.Filter{From: d, To: d})
		if len(shifts) != 2 {
			t.Fatalf("visit shifts: %d", len(shifts))
		}
		if _, err := f.svc.Assign(ctx, f.sup.ID, shifts[0].ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		crew, err := f.svc.VisitCrew(ctx, visit)
		if err != nil || len(crew) != 1 || crew[0] != sam.ID {
			t.Fatalf("crew: %v %v", crew, err)
		}
		cancelled, kept, err := f.svc.CancelVisitShifts(ctx, visit, "client holiday")
		if err != nil || cancelled != 1 || kept != 1 {
			t.Fatalf("cancel visit: %d %d %v", cancelled, kept, err)
		}
		got, _ := f.svc.Shift(ctx, shifts[0].ID)
		if got.Status != rota.Assigned || !strings.Contains(got.Flag, "Visit cancelled") {
			t.Fatalf("kept shift: %+v", got)
		}
		// A flex period with no shifts releases Sam's shifts in it.
		later := f.shift(t, civil.D(2026, 12, 3), 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, later.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		released, err := f.svc.FlexPeriodStarted(ctx, sam.ID, civil.D(2026, 12, 3), civil.D(2026, 12, 10), true)
		if err != nil || released != 1 {
			t.Fatalf("released %d %v", released, err)
		}
		got, _ = f.svc.Shift(ctx, later.ID)
		if got.Status != rota.Open {
			t.Fatalf("released shift: %+v", got)
		}
		msgs := f.sent.all()
		if !strings.Contains(msgs, "Sam Okafor: temporary availability change, until Thu 10 Dec.") {
			t.Errorf("supervisor note: %s", msgs)
		}
		// Without noShifts, shifts stay and are flagged.
		if _, err := f.svc.Assign(ctx, f.sup.ID, later.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		released, err = f.svc.FlexPeriodStarted(ctx, sam.ID, civil.D(2026, 12, 3), civil.D(2026, 12, 10), false)
		got, _ = f.svc.Shift(ctx, later.ID)
		if err != nil || released != 0 || got.Status != rota.Assigned || !strings.Contains(got.Flag, "Temporary availability change, until Thu 10 Dec") {
			t.Fatalf("flagged: %d %v %+v", released, err, got)
		}
	})
}
