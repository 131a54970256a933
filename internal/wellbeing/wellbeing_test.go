package wellbeing_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/goodshift/goodshift/internal/wellbeing"
)

var migrations = []database.Migrations{people.Migrations, wellbeing.Migrations}

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type fixture struct {
	svc                 *wellbeing.Service
	db                  *gorm.DB
	sam, priya, jo, kim auth.Principal // two employees, two support workers
	dana, alex          auth.Principal // supervisor, admin
	rota                *fakeRota
	ps                  *people.Service
	keys                []string // base64, primary first
}

// with is the same service under another keyring (a rotated deployment).
func (f fixture) with(k *wellbeing.Keyring) *wellbeing.Service {
	return wellbeing.NewService(wellbeing.Config{DB: f.db, Now: func() time.Time { return testNow }, Keys: k, People: f.ps, Rota: f.rota})
}

type fakeRota struct {
	calls []string
}

func (f *fakeRota) FlexPeriodStarted(_ context.Context, employeeID string, from, to civil.Date, noShifts bool) (int, error) {
	f.calls = append(f.calls, employeeID+" "+from.String()+" "+to.String())
	if noShifts {
		return 2, nil
	}
	return 0, nil
}

func setup(t testing.TB, db *gorm.DB) fixture {
	t.Helper()
	ctx := context.Background()
	ps := people.NewService(people.Config{DB: db, Now: func() time.Time { return testNow }})
	add := func(name string, roles ...auth.Role) auth.Principal {
		n := people.NewPerson{Name: name, Email: strings.ToLower(name) + "@example.org", Roles: roles}
		for _, r := range roles {
			if r == auth.Employee {
				n.Employee = &people.Employee{WorksNumber: "W-" + name, StartDate: civil.D(2024, 1, 1)}
			}
		}
		p, err := ps.Create(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return p.Principal()
	}
	key := wellbeing.NewKey()
	keys, err := wellbeing.NewKeyring(mustRaw(t, key))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{db: db, rota: &fakeRota{}, ps: ps, keys: []string{key}}
	f.svc = wellbeing.NewService(wellbeing.Config{DB: db, Now: func() time.Time { return testNow }, Keys: keys, People: ps, Rota: f.rota})
	f.sam, f.priya = add("Sam", auth.Employee), add("Priya", auth.Employee)
	f.jo, f.kim = add("Jo", auth.SupportWorker), add("Kim", auth.SupportWorker)
	f.dana, f.alex = add("Dana", auth.Supervisor), add("Alex", auth.Admin)
	if err := f.svc.Assign(ctx, f.jo.ID, f.sam.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Assign(ctx, f.kim.ID, f.priya.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func mustRaw(t testing.TB, k string) []byte {
	raw, err := wellbeing.ParseKeys(k)
	if err != nil {
		t.Fatal(err)
	}
	return raw[0]
}

func fullPlan(marker string) wellbeing.PlanInput {
	yes := true
	return wellbeing.PlanInput{
		Sections: wellbeing.Sections{
			StayWell: marker + "-stay-well", Triggers: marker + "-triggers", EarlyWarningSigns: marker + "-signs",
			EarlyWarningActions: []wellbeing.WarningAction{{Sign: marker + "-sign-1", Action: marker + "-action-1"}},
			ImpactOnWork:        marker + "-impact", SupportFromSupervisor: marker + "-support",
			MyActions: marker + "-my-actions", Contacts: marker + "-contacts", ReviewDate: civil.D(2027, 2, 1),
		},
		Summary: marker + "-summary", ShareSummary: &yes,
	}
}

func TestCaseloads(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if ok, err := f.svc.InCaseload(ctx, f.jo.ID, f.sam.ID); !ok || err != nil {
			t.Errorf("jo-sam: %v %v", ok, err)
		}
		if ok, _ := f.svc.InCaseload(ctx, f.jo.ID, f.priya.ID); ok {
			t.Error("priya is not on jo's caseload")
		}
		if err := f.svc.Assign(ctx, f.jo.ID, f.sam.ID); err != nil {
			t.Errorf("assign twice: %v", err)
		}
		if err := f.svc.Assign(ctx, f.dana.ID, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a supervisor is not a support worker: %v", err)
		}
		if err := f.svc.Assign(ctx, f.jo.ID, f.dana.ID); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("a supervisor is not an employee: %v", err)
		}
		cl, err := f.svc.Caseload(ctx, f.jo, f.jo.ID)
		if err != nil || len(cl) != 1 || cl[0].Name != "Sam" {
			t.Errorf("jo's caseload: %+v %v", cl, err)
		}
		if _, err := f.svc.Caseload(ctx, f.jo, f.kim.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("jo reads kim's caseload: %v", err)
		}
		if cl, err := f.svc.Caseload(ctx, f.alex, f.kim.ID); err != nil || len(cl) != 1 {
			t.Errorf("admin reads kim's caseload: %v %v", cl, err)
		}
		// Support workers see only their caseload.
		if _, err := f.svc.SavePlan(ctx, f.kim, f.sam.ID, fullPlan("x")); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("kim writes sam's plan: %v", err)
		}
		if err := f.svc.Unassign(ctx, f.jo.ID, f.sam.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Plan(ctx, f.jo, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("jo after unassign: %v", err)
		}
		if err := f.svc.Unassign(ctx, f.jo.ID, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unassign twice: %v", err)
		}
	})
}

func TestPlanVersionsAndSummary(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		empty, err := f.svc.Plan(ctx, f.sam, f.sam.ID)
		if err != nil || empty.Version != 0 {
			t.Fatalf("empty plan: %+v %v", empty, err)
		}
		in := fullPlan("v1")
		p1, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, in)
		if err != nil || p1.Version != 1 || !p1.ShareSummary || len(p1.EarlyWarningActions) != 1 || p1.EarlyWarningActions[0].ID == "" {
			t.Fatalf("save: %+v %v", p1, err)
		}
		// The support worker edits, keeping the action's ID.
		in2 := fullPlan("v2")
		in2.ShareSummary = nil
		in2.EarlyWarningActions[0].ID = p1.EarlyWarningActions[0].ID
		one := 1
		in2.Version = &one
		p2, err := f.svc.SavePlan(ctx, f.jo, f.sam.ID, in2)
		if err != nil || p2.Version != 2 || p2.EarlyWarningActions[0].ID != p1.EarlyWarningActions[0].ID || !p2.ShareSummary {
			t.Fatalf("support worker save: %+v %v", p2, err)
		}
		// A stale version is refused.
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, in2); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("stale save: %v", err)
		}
		// Only the employee chooses who sees the summary.
		no := false
		in3 := fullPlan("v3")
		in3.ShareSummary = &no
		if _, err := f.svc.SavePlan(ctx, f.jo, f.sam.ID, in3); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("support worker unshares: %v", err)
		}
		// An action ID the plan never had is refused.
		in4 := fullPlan("v4")
		in4.EarlyWarningActions[0].ID = database.NewID()
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, in4); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("unknown action ID: %v", err)
		}
		vs, err := f.svc.PlanVersions(ctx, f.sam, f.sam.ID)
		if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[0].SavedByName != "Jo" {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		v1, err := f.svc.PlanVersion(ctx, f.sam, f.sam.ID, 1)
		if err != nil || v1.StayWell != "v1-stay-well" {
			t.Fatalf("version 1: %+v %v", v1, err)
		}
		if _, err := f.svc.PlanVersion(ctx, f.sam, f.sam.ID, 9); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("version 9: %v", err)
		}
		// Nobody else reaches the plan.
		for _, p := range []auth.Principal{f.priya, f.kim, f.dana, f.alex} {
			if _, err := f.svc.Plan(ctx, p, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("%s reads sam's plan: %v", p.Name, err)
			}
			if _, err := f.svc.PlanVersions(ctx, p, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("%s lists sam's versions: %v", p.Name, err)
			}
		}
		// The supervisor sees only the shared summary.
		sum, err := f.svc.Summary(ctx, f.dana, f.sam.ID)
		if err != nil || sum.Summary != "v2-summary" {
			t.Fatalf("summary: %+v %v", sum, err)
		}
		in5 := fullPlan("v5")
		in5.ShareSummary = &no
		in5.EarlyWarningActions = nil
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, in5); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Summary(ctx, f.dana, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unshared summary reached the supervisor: %v", err)
		}
		if _, err := f.svc.Summary(ctx, f.dana, f.priya.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("no plan: %v", err)
		}
		if _, err := f.svc.Summary(ctx, f.alex, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("admin reads summary: %v", err)
		}
		// Bad input changes nothing.
		long := fullPlan("x")
		long.Triggers = strings.Repeat("a", 4001)
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, long); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("long section: %v", err)
		}
		if got, _ := f.svc.Plan(ctx, f.sam, f.sam.ID); got.Version != 3 {
			t.Errorf("version after refused save: %d", got.Version)
		}
	})
}

func TestNotesAreAppendOnly(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		today := civil.D(2026, 11, 23)
		n1, err := f.svc.AddNote(ctx, f.jo, f.sam.ID, wellbeing.NoteInput{Date: today, Kind: "check_in", Text: "Talked about the early shifts"})
		if err != nil {
			t.Fatal(err)
		}
		n2, err := f.svc.AddNote(ctx, f.jo, f.sam.ID, wellbeing.NoteInput{Date: today, Kind: "call", Text: "Correction: it was the late shifts", CorrectsID: n1.ID})
		if err != nil || n2.CorrectsID != n1.ID {
			t.Fatalf("correction: %+v %v", n2, err)
		}
		for name, in := range map[string]wellbeing.NoteInput{
			"future":           {Date: today.AddDays(1), Kind: "call", Text: "x"},
			"no date":          {Kind: "call", Text: "x"},
			"bad kind":         {Date: today, Kind: "gossip", Text: "x"},
			"empty":            {Date: today, Kind: "call", Text: "  "},
			"unknown corrects": {Date: today, Kind: "call", Text: "x", CorrectsID: database.NewID()},
		} {
			if _, err := f.svc.AddNote(ctx, f.jo, f.sam.ID, in); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Only the support worker with sam on their caseload writes notes.
		for _, p := range []auth.Principal{f.sam, f.kim, f.dana, f.alex} {
			if _, err := f.svc.AddNote(ctx, p, f.sam.ID, wellbeing.NoteInput{Date: today, Kind: "call", Text: "x"}); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("%s writes a note: %v", p.Name, err)
			}
		}
		// A note about priya cannot correct one about sam.
		if _, err := f.svc.AddNote(ctx, f.kim, f.priya.ID, wellbeing.NoteInput{Date: today, Kind: "call", Text: "x", CorrectsID: n1.ID}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("cross-person correction: %v", err)
		}
		notes, err := f.svc.Notes(ctx, f.sam, f.sam.ID)
		if err != nil || len(notes) != 2 {
			t.Fatalf("sam reads notes: %v %v", notes, err)
		}
		var orig wellbeing.Note
		for _, n := range notes {
			if n.ID == n1.ID {
				orig = n
			}
		}
		if orig.Text != "Talked about the early shifts" || len(orig.CorrectedBy) != 1 || orig.CorrectedBy[0] != n2.ID {
			t.Errorf("original note: %+v", orig)
		}
		if _, err := f.svc.Notes(ctx, f.kim, f.sam.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("kim reads sam's notes: %v", err)
		}
	})
}

func TestAccessLog(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, fullPlan("a")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Plan(ctx, f.jo, f.sam.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddNote(ctx, f.jo, f.sam.ID, wellbeing.NoteInput{Date: civil.D(2026, 11, 20), Kind: "check_in", Text: "fine"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Notes(ctx, f.jo, f.sam.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Summary(ctx, f.dana, f.sam.ID); err != nil {
			t.Fatal(err)
		}
		log, err := f.svc.AccessLog(ctx, f.sam, f.sam.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			got = append(got, e.ActorName+" "+e.ActorRole+" "+e.Action+" "+e.What)
		}
		want := []string{
			"Dana supervisor read summary for the supervisor",
			"Jo support_worker read support notes",
			"Jo support_worker write support note",
			"Jo support_worker read wellness plan",
			"Sam employee write wellness plan (version 1)",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("access log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if _, err := f.svc.AccessLog(ctx, f.dana, f.sam.ID, 0); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("supervisor reads the access log: %v", err)
		}
	})
}

// TestNoPlaintextAtRest reads every row of every wellbeing table as the
// database holds it and looks for the words that were saved.
func TestNoPlaintextAtRest(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		const marker = "ZQXPLAIN"
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, fullPlan(marker)); err != nil {
			t.Fatal(err)
		}
		second := fullPlan(marker + "2")
		second.ShareSummary = nil
		second.EarlyWarningActions = nil
		if _, err := f.svc.SavePlan(ctx, f.jo, f.sam.ID, second); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddNote(ctx, f.jo, f.sam.ID, wellbeing.NoteInput{Date: civil.D(2026, 11, 20), Kind: "check_in", Text: marker + " note text"}); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"wellbeing_plans", "wellbeing_plan_versions", "wellbeing_notes", "wellbeing_access_log", "wellbeing_caseloads"} {
			rows, err := db.Raw("SELECT * FROM " + table).Rows()
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					var s string
					switch x := v.(type) {
					case []byte:
						s = string(x)
					case string:
						s = x
					}
					if strings.Contains(strings.ToUpper(s), marker) {
						t.Errorf("%s.%s holds plaintext: %.80s", table, cols[i], s)
					}
					if (cols[i] == "content" || cols[i] == "summary" || cols[i] == "body") && !strings.HasPrefix(s, "gw1.") {
						t.Errorf("%s.%s is not a ciphertext: %.40q", table, cols[i], s)
					}
				}
			}
			rows.Close()
			if n == 0 && table != "wellbeing_caseloads" {
				t.Errorf("%s is empty: the test proves nothing", table)
			}
		}
	})
}

func TestFlexPeriods(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		today := civil.D(2026, 11, 23)
		plan, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, fullPlan("flex"))
		if err != nil {
			t.Fatal(err)
		}
		action := plan.EarlyWarningActions[0].ID
		fp, err := f.svc.StartFlex(ctx, f.sam, f.sam.ID, wellbeing.FlexInput{Kind: wellbeing.NoShifts, From: today, To: today.AddDays(11), EarlyWarningActionID: action})
		if err != nil {
			t.Fatal(err)
		}
		if !fp.RotaNotified || fp.ReleasedShifts != 2 || len(f.rota.calls) != 1 || f.rota.calls[0] != f.sam.ID+" 2026-11-23 2026-12-04" {
			t.Errorf("rota not told: %+v %v", fp, f.rota.calls)
		}
		if _, err := f.svc.StartFlex(ctx, f.jo, f.sam.ID, wellbeing.FlexInput{Kind: wellbeing.WeeklyCap, From: today.AddDays(14), To: today.AddDays(40), MaxWeeklyMinutes: 600}); err != nil {
			t.Fatal(err)
		}
		late, err := f.svc.StartFlex(ctx, f.sam, f.sam.ID, wellbeing.FlexInput{Kind: wellbeing.LaterStart, From: today.AddDays(50), To: today.AddDays(60), EarliestStart: "10:30"})
		if err != nil || late.EarliestStart != "10:30" {
			t.Fatalf("later start: %+v %v", late, err)
		}
		for name, in := range map[string]wellbeing.FlexInput{
			"past":           {Kind: wellbeing.NoShifts, From: today.AddDays(-1), To: today},
			"backwards":      {Kind: wellbeing.NoShifts, From: today.AddDays(3), To: today.AddDays(1)},
			"too long":       {Kind: wellbeing.NoShifts, From: today, To: today.AddDays(wellbeing.MaxFlexDays)},
			"no cap":         {Kind: wellbeing.WeeklyCap, From: today, To: today.AddDays(3)},
			"bad start":      {Kind: wellbeing.LaterStart, From: today, To: today.AddDays(3), EarliestStart: "25:00"},
			"bad kind":       {Kind: "holiday", From: today, To: today.AddDays(3)},
			"unknown action": {Kind: wellbeing.NoShifts, From: today, To: today.AddDays(3), EarlyWarningActionID: database.NewID()},
		} {
			if _, err := f.svc.StartFlex(ctx, f.sam, f.sam.ID, in); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		for _, p := range []auth.Principal{f.kim, f.dana, f.alex, f.priya} {
			if _, err := f.svc.StartFlex(ctx, p, f.sam.ID, wellbeing.FlexInput{Kind: wellbeing.NoShifts, From: today, To: today}); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("%s starts a flex period for sam: %v", p.Name, err)
			}
		}
		limits, err := f.svc.FlexLimits(ctx, f.sam.ID, today, today.AddDays(20))
		if err != nil || len(limits) != 2 || !limits[0].NoShifts || limits[1].MaxWeeklyMinutes != 600 {
			t.Fatalf("limits: %+v %v", limits, err)
		}
		if l, _ := f.svc.FlexLimits(ctx, f.sam.ID, today.AddDays(55), today.AddDays(55)); len(l) != 1 || l[0].EarliestStartMinutes != 630 {
			t.Errorf("later start limit: %+v", l)
		}
		// Ending the later start before it begins cancels it.
		ended, err := f.svc.EndFlex(ctx, f.sam, f.sam.ID, late.ID)
		if err != nil || !ended.Cancelled {
			t.Fatalf("end: %+v %v", ended, err)
		}
		if _, err := f.svc.EndFlex(ctx, f.sam, f.sam.ID, late.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("end twice: %v", err)
		}
		if l, _ := f.svc.FlexLimits(ctx, f.sam.ID, today.AddDays(55), today.AddDays(55)); len(l) != 0 {
			t.Errorf("cancelled period still limits: %+v", l)
		}
		list, err := f.svc.FlexPeriods(ctx, f.jo, f.sam.ID)
		if err != nil || len(list) != 3 {
			t.Errorf("list: %v %v", list, err)
		}
	})
}

// TestConcurrentPlanSaves: eight saves from the same version at once —
// the employee on several phones and the support worker — exactly one
// wins; the rest get 409 and nothing is lost or doubled.
func TestConcurrentPlanSaves(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if _, err := f.svc.SavePlan(ctx, f.sam, f.sam.ID, fullPlan("base")); err != nil {
			t.Fatal(err)
		}
		one := 1
		var wg sync.WaitGroup
		results := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := fullPlan(fmt.Sprintf("edit%d", i))
				in.Version, in.ShareSummary = &one, nil
				who := f.sam
				if i%2 == 1 {
					who = f.jo
				}
				_, err := f.svc.SavePlan(ctx, who, f.sam.ID, in)
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		wins := 0
		for err := range results {
			switch {
			case err == nil:
				wins++
			case errs.CodeOf(err) == errs.Conflict:
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d saves won, want exactly 1", wins)
		}
		vs, _ := f.svc.PlanVersions(ctx, f.sam, f.sam.ID)
		if len(vs) != 2 || vs[0].Version != 2 {
			t.Errorf("versions after the race: %+v", vs)
		}
	})
}
