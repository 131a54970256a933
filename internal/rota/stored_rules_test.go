package rota_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
)

// logBuffer is a log several goroutines may write at once.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Stored adjustments or availability that no longer decode stop anyone
// placing that person, with a plain reason the supervisor sees (in the
// refusal and on the candidate list) and a line in the log; they are never
// read as "no rules". Saving them again puts things right.
func TestUnreadableStoredRulesBlockThePerson(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		logs := &logBuffer{}
		f.svc = rota.NewService(rota.Config{DB: db, Now: func() time.Time { return now }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}, Notifier: f.sent, Logger: slog.New(slog.NewTextHandler(logs, nil))})
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		tom := f.employee(t, "Tomasz Kowalski", civil.D(1979, 11, 22))
		f.adjust(t, sam, rota.Adjustments{MaxWeekMinutes: 600})
		if _, err := f.svc.SetAvailability(ctx, priya.ID, rota.Availability{Weekly: []rota.Window{{Day: "monday", From: "07:00", To: "15:00"}}}); err != nil {
			t.Fatal(err)
		}
		// What a bad hand edit or a half-finished migration might leave.
		if err := db.Exec("UPDATE adjustments SET rules = ? WHERE employee_id = ?", `{"max_week_minutes":"ten hours"}`, sam.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE availability SET weekly = ? WHERE employee_id = ?", `[{"day":"monday",`, priya.ID).Error; err != nil {
			t.Fatal(err)
		}
		sh := f.shift(t, civil.D(2026, 11, 30), 8, 12)

		_, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, "agreed with Sam")
		wantCode(t, err, errs.RuleViolation)
		if want := "Sam's agreed adjustments could not be read — nobody can be assigned to Sam until they are fixed."; !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q, want it to say %q", err, want)
		}
		_, err = f.svc.Claim(ctx, priya.ID, sh.ID)
		wantCode(t, err, errs.RuleViolation)
		if want := "Priya's availability could not be read — nobody can be assigned to Priya until it is fixed."; !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q, want it to say %q", err, want)
		}

		cs, err := f.svc.Candidates(ctx, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]string{}
		for _, c := range cs {
			for _, v := range c.Violations {
				if v.Rule == "unreadable" && v.Severity == rota.Hard && !c.Eligible {
					reasons[c.Name] = v.Message
				}
			}
		}
		if len(reasons) != 2 || !strings.Contains(reasons["Sam Okafor"], "could not be read") || !strings.Contains(reasons["Priya Shah"], "could not be read") {
			t.Errorf("candidate reasons: %v", reasons)
		}
		log := logs.String()
		for _, want := range []string{
			"stored adjustments could not be read", "employee_id=" + sam.ID,
			"stored availability could not be read", "employee_id=" + priya.ID,
		} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q:\n%s", want, log)
			}
		}
		if strings.Contains(log, "ten hours") {
			t.Errorf("log repeats the stored rules:\n%s", log)
		}

		// The supervisor sees it where they would fix it, and saving fixes it.
		a, err := f.svc.AdjustmentsOf(ctx, principal(f.sup), sam.ID)
		if err != nil || !a.Unreadable || a.Empty() || !strings.Contains(strings.Join(a.Explain(), " "), "could not be read") {
			t.Fatalf("adjustments as read: %+v %v", a, err)
		}
		if _, err := f.svc.SetAdjustments(ctx, principal(f.sup), sam.ID, rota.Adjustments{MaxWeekMinutes: 600, Version: a.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, ""); err != nil {
			t.Fatalf("assign after the fix: %v", err)
		}
		av, err := f.svc.AvailabilityOf(ctx, priya.ID)
		if err != nil || !av.Unreadable {
			t.Fatalf("availability as read: %+v %v", av, err)
		}
		if _, err := f.svc.SetAvailability(ctx, priya.ID, rota.Availability{Version: av.Version}); err != nil {
			t.Fatal(err)
		}
		other := f.shift(t, civil.D(2026, 12, 1), 8, 12)
		if _, err := f.svc.Claim(ctx, priya.ID, other.ID); err != nil {
			t.Fatalf("claim after the fix: %v", err)
		}
		// Someone whose rules read fine was never affected.
		if _, err := f.svc.Assign(ctx, f.sup.ID, f.shift(t, civil.D(2026, 12, 2), 8, 12).ID, tom.ID, ""); err != nil {
			t.Fatal(err)
		}
	})
}

// Lists and free text in rota inputs are bounded, and the 400 says the limit.
func TestRotaInputBounds(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		d := civil.D(2026, 11, 30)
		in := func(skills []string, notes string) rota.ShiftInput {
			return rota.ShiftInput{SiteID: f.site.ID, Start: local(d, 8, 0), End: local(d, 12, 0), Skills: skills, Notes: notes}
		}
		many := make([]string, 5000)
		for i := range many {
			many[i] = "keys"
		}
		refused := func(err error, want string) {
			t.Helper()
			wantCode(t, err, errs.Invalid)
			_, msg, details := errs.Public(err)
			if said := fmt.Sprint(msg, details); !strings.Contains(said, want) {
				t.Errorf("%q does not say %q", said, want)
			}
		}
		_, err := f.svc.CreateShift(ctx, f.sup.ID, in(many, ""))
		refused(err, "at most 20 skills")
		_, err = f.svc.CreateShift(ctx, f.sup.ID, in([]string{strings.Repeat("k", 41)}, ""))
		refused(err, "at most 40 characters")
		_, err = f.svc.CreateShift(ctx, f.sup.ID, in(nil, strings.Repeat("n", 2001)))
		refused(err, "at most 2000 characters")
		sh, err := f.svc.CreateShift(ctx, f.sup.ID, in([]string{"keys", "ladders"}, strings.Repeat("é", 2000)))
		if err != nil {
			t.Fatalf("2000 characters of notes (4000 bytes): %v", err)
		}

		long := strings.Repeat("x", 100*1024)
		_, err = f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, long)
		refused(err, "at most 500 characters")
		_, err = f.svc.UpdateShift(ctx, f.sup.ID, sh.ID, rota.ShiftUpdate{OverrideReason: long})
		refused(err, "at most 500 characters")
		_, err = f.svc.CancelShift(ctx, f.sup.ID, sh.ID, long)
		refused(err, "at most 500 characters")
		if got, _ := f.svc.Shift(ctx, sh.ID); got.Status != rota.Open || got.Version != sh.Version {
			t.Fatalf("a refused request changed the shift: %+v", got)
		}
		if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, strings.Repeat("é", 500)); err != nil {
			t.Fatalf("500 characters of reason: %v", err)
		}

		ids := make([]string, 51)
		for i := range ids {
			ids[i] = sam.ID
		}
		_, err = f.svc.SetAdjustments(ctx, principal(f.sup), sam.ID, rota.Adjustments{WorkWith: ids})
		refused(err, "at most 50")
		_, err = f.svc.SetAdjustments(ctx, principal(f.sup), sam.ID, rota.Adjustments{PhasedReturn: make([]rota.PhaseStep, 53)})
		refused(err, "at most 52 steps")
	})
}

// Every writer does its work inside the transaction on the transaction's
// own connection: with a pool of one connection, a path that asked the pool
// for a second one while its transaction was open would wait for ever (on
// SQLite the transaction holds the only write lock, so that second
// connection could be another writer waiting behind it).
func TestWritersNeedOneConnection(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		f.withSites(0, &fakeSeams{})
		if err := f.svc.SetAutoApprove(context.Background(), f.site.ID, true); err != nil {
			t.Fatal(err)
		}
		d := civil.D(2026, 12, 1)
		open, other, traded := f.shift(t, d, 8, 10), f.shift(t, d, 11, 13), f.assigned(t, d.AddDays(1), 8, 10, priya)
		sqlDB, err := db.DB()
		if err != nil {
			t.Fatal(err)
		}
		sqlDB.SetMaxOpenConns(1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // wall clock: a deadlock fails the test rather than hanging it
		defer cancel()
		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		_, err = f.svc.Claim(ctx, sam.ID, open.ID)
		step("claim", err)
		_, err = f.svc.Assign(ctx, f.sup.ID, open.ID, priya.ID, "")
		step("reassign", err)
		_, err = f.svc.Assign(ctx, f.sup.ID, other.ID, sam.ID, "")
		step("assign", err)
		later := local(d, 14, 0)
		_, err = f.svc.UpdateShift(ctx, f.sup.ID, other.ID, rota.ShiftUpdate{End: &later})
		step("change times", err)
		w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: other.ID, TradeShiftID: traded.ID})
		step("ask to trade", err)
		_, err = f.svc.AcceptSwap(ctx, principal(priya), w.ID)
		step("accept the trade", err)
		_, err = f.svc.Unassign(ctx, f.sup.ID, open.ID)
		step("unassign", err)
		_, err = f.svc.CancelShift(ctx, f.sup.ID, open.ID, "not needed")
		step("cancel", err)
		f.adjust(t, sam, rota.Adjustments{MaxWeekMinutes: 600})
		_, err = f.svc.SetAvailability(ctx, sam.ID, rota.Availability{})
		step("availability", err)
		_, err = f.svc.FlexPeriodStarted(ctx, sam.ID, d, d.AddDays(7), true)
		step("flex period", err)
		if got, _ := f.svc.Shift(ctx, traded.ID); got.EmployeeID != "" || got.Status != rota.Open {
			t.Errorf("after the flex period Sam's traded shift is %+v", got)
		}
	})
}
