package rota_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
)

// linkNotes remembers every notification with its link.
type linkNotes struct {
	mu    sync.Mutex
	links []string
	msgs  []string
}

func (n *linkNotes) Notify(_ context.Context, ids []string, subject, body, link string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, id := range ids {
		n.msgs = append(n.msgs, id+"|"+subject+"|"+body)
		n.links = append(n.links, link)
	}
	return nil
}

// planWeek is a week with open draft shifts at three sites and employees
// carrying every kind of adjustment, leave, temporary limit and pay limit.
type planWeek struct {
	f     *fixture
	sites []rota.Site
	emps  []people.Person
	open  []rota.Shift // draft open shifts
	pub   rota.Shift   // a published open shift (plans leave it alone)
	mon   civil.Date
	seams *fakeSeams
	notes *linkNotes
}

func newPlanWeek(t *testing.T, db *gorm.DB) *planWeek {
	t.Helper()
	ctx := context.Background()
	f := setup(t, db)
	w := &planWeek{f: f, mon: civil.D(2026, 11, 30), seams: &fakeSeams{}, notes: &linkNotes{}}
	w.sites = f.withSites(2, w.seams)
	f.svc.UseNotifier(w.notes)
	names := []string{"Sam Okafor", "Priya Shah", "Tom Reed", "Ana Lima", "Joe Bloggs", "Mo Farah", "Li Wei", "Kat Nowak",
		"Ben Ode", "Eve Moss", "Raj Patel", "Zoe Hart", "Ian Kerr", "Uma Bose", "Ola Berg", "Dev Rao", "Amy Fox", "Cal Day"}
	for i, n := range names {
		dob := civil.D(1980+i, 3, 1)
		if n == "Amy Fox" {
			dob = civil.D(2009, 6, 1) // 17: the young-worker limits
		}
		w.emps = append(w.emps, f.employee(t, n, dob))
	}
	e := w.emps
	mon := w.mon
	set := func(i int, a rota.Adjustments) { f.adjust(t, e[i], a) }
	set(0, rota.Adjustments{EarliestStart: "10:00"})
	set(1, rota.Adjustments{LatestFinish: "15:00", MaxShiftMinutes: 240})
	set(2, rota.Adjustments{MaxDayMinutes: 300, MaxWeekMinutes: 480})
	set(3, rota.Adjustments{DaysNeverWorked: []string{"saturday", "sunday"}, NoNights: true})
	set(4, rota.Adjustments{NotAlone: true})
	set(5, rota.Adjustments{WorkWith: []string{e[4].ID, e[6].ID}})
	set(6, rota.Adjustments{FixedSites: []string{w.sites[1].ID}})
	set(7, rota.Adjustments{MinNoticeDays: 14})
	set(8, rota.Adjustments{MaxConsecutiveDays: 2})
	set(9, rota.Adjustments{BreakAfterMinutes: 180, MinBreakMinutes: 45})
	set(10, rota.Adjustments{PhasedReturn: []rota.PhaseStep{{From: mon.AddDays(-7), MaxWeekMinutes: 360}}})
	set(11, rota.Adjustments{BenefitCap: rota.PermittedWork})
	w.seams.away = map[string][]civil.Date{e[12].ID: {mon.AddDays(1), mon.AddDays(2)}}
	w.seams.temporary = map[string][]rota.TemporaryLimit{
		e[13].ID: {{From: mon, To: mon.AddDays(3), NoShifts: true}},
		e[14].ID: {{From: mon, To: mon.AddDays(6), EarliestStartMinutes: 11 * 60, MaxWeeklyMinutes: 600}},
	}
	w.seams.permitted = map[string]rota.WeeklyLimits{e[15].ID: {Minutes: 16 * 60, Earnings: money.Pence(20000)}}
	w.seams.rates = map[string]money.Pence{e[15].ID: 1200, e[11].ID: 1200}
	if _, err := f.svc.SetAvailability(ctx, e[16].ID, rota.Availability{Unavailable: []civil.Date{mon.AddDays(4)},
		Weekly: []rota.Window{{Day: "monday", From: "07:00", To: "18:00"}, {Day: "friday", From: "07:00", To: "18:00"}, {Day: "tuesday", From: "07:00", To: "18:00"}}}); err != nil {
		t.Fatal(err)
	}
	// Sam worked at site 0 on Tuesdays last month: stability.
	for wk := 1; wk <= 4; wk++ {
		d := mon.AddDays(1 - 7*wk)
		w.past(t, w.sites[0], e[0], local(d, 10, 0), local(d, 14, 0))
	}
	// An assigned colleague at site 1 each weekday morning (for not-alone).
	for d := range 5 {
		sh := f.shiftAt(t, w.sites[1], mon.AddDays(d), 7, 0, 12, 0)
		if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, e[17].ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	w.pub = f.shiftAt(t, w.sites[2], mon.AddDays(6), 9, 0, 13, 0)
	f.publish(t, mon.AddDays(6), mon.AddDays(6))
	// The open drafts: mornings, middays, evenings and a night, two sites.
	for d := range 7 {
		day := mon.AddDays(d)
		for _, s := range []struct{ site, h1, m1, h2, m2 int }{
			{0, 6, 0, 10, 0}, {0, 10, 0, 14, 0}, {1, 8, 0, 12, 0}, {1, 13, 0, 17, 30}, {2, 18, 0, 22, 0}, {2, 22, 30, 23, 59},
		} {
			w.open = append(w.open, f.shiftAt(t, w.sites[s.site], day, s.h1, s.m1, s.h2, s.m2))
		}
	}
	return w
}

// past adds a published shift that has already happened, worked by p.
func (w *planWeek) past(t *testing.T, site rota.Site, p people.Person, start, end time.Time) {
	t.Helper()
	row := map[string]any{"id": database.NewID(), "site_id": site.ID, "starts_at": start.UTC(), "ends_at": end.UTC(), "employee_id": p.ID,
		"work_minutes": int(end.Sub(start) / time.Minute), "status": rota.Assigned, "version": 1, "created_at": now, "updated_at": now, "published_at": now}
	if err := w.f.db.Table("shifts").Create(row).Error; err != nil {
		t.Fatal(err)
	}
}

// checkApplied says every assigned shift in the week passes the rules
// engine, asked afresh about the rota as it now stands.
func (w *planWeek) checkApplied(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	shifts, err := w.f.svc.Shifts(ctx, rota.Filter{From: w.mon, To: w.mon.AddDays(6), Status: rota.Assigned})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sh := range shifts {
		vs, err := w.f.svc.Evaluate(ctx, sh, sh.EmployeeID, rota.Request{Kind: rota.KindAssign})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.Severity == rota.Hard {
				t.Errorf("%s on %s %s: %s", sh.EmployeeName, sh.LocalDate, sh.LocalStart, v.Message)
			}
		}
		n++
	}
	return n
}

func TestPlanFillsAWeekAroundEveryAdjustment(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newPlanWeek(t, db)
		svc := w.f.svc
		pl, err := svc.Propose(ctx, w.f.sup.ID, rota.PlanRequest{From: w.mon, To: w.mon.AddDays(6), Mode: rota.PlanFill})
		if err != nil {
			t.Fatal(err)
		}
		if pl.Shifts != len(w.open) || pl.Covered+len(pl.Open) != pl.Shifts || pl.Covered != len(pl.Assignments) {
			t.Fatalf("plan counts: %d shifts, %d covered, %d open, %d assignments", pl.Shifts, pl.Covered, len(pl.Open), len(pl.Assignments))
		}
		if pl.Covered == 0 || pl.Covered > pl.CoverBound || len(pl.Dropped) != 0 {
			t.Fatalf("covered %d of bound %d, dropped %d", pl.Covered, pl.CoverBound, len(pl.Dropped))
		}
		// Every proposed assignment passes the rules on its own now, with
		// no override needed, and has a reason in words.
		for _, a := range pl.Assignments {
			if a.ShiftID == w.pub.ID {
				t.Fatal("the plan touched a published shift")
			}
			sh, err := svc.Shift(ctx, a.ShiftID)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := svc.Evaluate(ctx, sh, a.EmployeeID, rota.Request{Kind: rota.KindAssign})
			if err != nil || len(vs) > 0 {
				t.Fatalf("%s on %s %s: %+v %v", a.Name, a.Date, a.Times, vs, err)
			}
			if !strings.Contains(a.Reason, strings.Fields(a.Name)[0]) || !strings.HasSuffix(a.Reason, ".") {
				t.Errorf("reason: %q", a.Reason)
			}
		}
		// Every open shift carries its reasons, counted over everyone.
		for _, o := range pl.Open {
			n := 0
			for _, r := range o.Reasons {
				n += r.People
			}
			if n != len(w.emps) || o.Summary == "" {
				t.Errorf("open %s %s: %d people in %+v", o.Date, o.Times, n, o.Reasons)
			}
		}
		if len(pl.Objective) == 0 || pl.Objective[0].Term != "cover" || pl.Objective[0].Value != int64(len(pl.Open)) {
			t.Errorf("objective: %+v", pl.Objective)
		}
		// Sam is planned on Tuesday at the site he knows, and his hours
		// are listed.
		for _, a := range pl.Assignments {
			if a.EmployeeID == w.emps[0].ID && a.SiteID == w.sites[0].ID && a.Date == "Tue 1 Dec" &&
				!strings.Contains(a.Reason, "Sam usually works at "+w.sites[0].Name+" on Tuesdays") {
				t.Errorf("Sam's reason: %q", a.Reason)
			}
		}
		// The young worker never gets the late shift.
		for _, a := range pl.Assignments {
			if a.EmployeeID == w.emps[16].ID && a.Times == "22:30–23:59" {
				t.Errorf("under-18 at night: %+v", a)
			}
		}
		// Read back; apply: drafts only, nobody told.
		got, err := svc.GetPlan(ctx, pl.ID)
		if err != nil || len(got.Assignments) != len(pl.Assignments) {
			t.Fatalf("get: %v", err)
		}
		before := len(w.notes.msgs)
		res, err := svc.ApplyPlan(ctx, w.f.sup.ID, pl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Applied) != len(pl.Assignments) || len(res.Skipped) != 0 {
			t.Fatalf("applied %d of %d, skipped %+v", len(res.Applied), len(pl.Assignments), res.Skipped)
		}
		for _, a := range res.Applied {
			sh, _ := svc.Shift(ctx, a.ShiftID)
			if sh.Published || sh.Status != rota.Assigned || sh.EmployeeID != a.EmployeeID {
				t.Fatalf("applied shift: %+v", sh)
			}
		}
		if len(w.notes.msgs) != before {
			t.Errorf("drafts told someone: %v", w.notes.msgs[before:])
		}
		w.checkApplied(t)
		if _, err := svc.ApplyPlan(ctx, w.f.sup.ID, pl.ID); err == nil {
			t.Fatal("applied twice")
		}
	})
}

func TestStalePlanSkipsAndReports(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newPlanWeek(t, db)
		svc := w.f.svc
		pl, err := svc.Propose(ctx, w.f.sup.ID, rota.PlanRequest{From: w.mon, To: w.mon.AddDays(6)})
		if err != nil || len(pl.Assignments) < 3 {
			t.Fatalf("%d %v", len(pl.Assignments), err)
		}
		// After the plan: one shift cancelled, one given to someone else,
		// and one person goes on leave for another's day.
		a, b, c := pl.Assignments[0], pl.Assignments[1], pl.Assignments[2]
		if _, err := svc.CancelShift(ctx, w.f.sup.ID, a.ShiftID, "client closed"); err != nil {
			t.Fatal(err)
		}
		other := w.emps[7] // min notice: needs an override for an assignment
		if _, err := svc.Assign(ctx, w.f.sup.ID, b.ShiftID, other.ID, "agreed with Kat"); err != nil {
			t.Fatal(err)
		}
		cd, _ := civil.Parse(mustShift(t, svc, c.ShiftID).LocalDate)
		w.seams.away[c.EmployeeID] = []civil.Date{cd}
		res, err := svc.ApplyPlan(ctx, w.f.sup.ID, pl.ID)
		if err != nil {
			t.Fatal(err)
		}
		why := map[string]string{}
		for _, s := range res.Skipped {
			why[s.ShiftID] = s.Why
		}
		if why[a.ShiftID] != "The shift was cancelled." || why[b.ShiftID] != "The shift changed after the plan was made." ||
			!strings.Contains(why[c.ShiftID], "away on") {
			t.Fatalf("skipped: %+v", res.Skipped)
		}
		if len(res.Applied)+len(res.Skipped) != len(pl.Assignments) || !strings.Contains(res.Summary, "Skipped") {
			t.Fatalf("result: %+v", res)
		}
		if sh := mustShift(t, svc, c.ShiftID); sh.Status != rota.Open {
			t.Fatalf("skipped shift was changed: %+v", sh)
		}
		w.checkApplied(t)
		// GET shows what applying did; an expired plan cannot be applied.
		got, err := svc.GetPlan(ctx, pl.ID)
		if err != nil || got.Result == nil || got.AppliedAt == nil {
			t.Fatalf("get after apply: %+v %v", got.Result, err)
		}
	})
}

func mustShift(t *testing.T, svc *rota.Service, id string) rota.Shift {
	t.Helper()
	sh, err := svc.Shift(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func TestPlansExpireAfterADay(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		clock := now
		f.svc = rota.NewService(rota.Config{DB: db, Now: func() time.Time { return clock }, People: f.people, Sites: fakeSites{f.site.ID: f.site}})
		f.employee(t, "Sam Okafor", civil.D(1990, 1, 1))
		f.shift(t, civil.D(2026, 12, 1), 9, 13)
		pl, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: civil.D(2026, 11, 30), To: civil.D(2026, 12, 6)})
		if err != nil || pl.Covered != 1 {
			t.Fatalf("%+v %v", pl, err)
		}
		clock = now.Add(rota.PlanLifetime)
		if _, err := f.svc.ApplyPlan(ctx, f.sup.ID, pl.ID); err != rota.ErrPlanExpired {
			t.Fatalf("apply expired: %v", err)
		}
		if _, err := f.svc.GetPlan(ctx, pl.ID); err != rota.ErrPlanNotFound {
			t.Fatalf("get expired: %v", err)
		}
		if n, err := f.svc.DeleteExpiredPlans(ctx); err != nil || n != 0 {
			t.Fatalf("deleted a plan just expired: %d %v", n, err)
		}
		clock = now.Add(2 * rota.PlanLifetime)
		if n, err := f.svc.DeleteExpiredPlans(ctx); err != nil || n != 1 {
			t.Fatalf("deleted %d expired plans: %v", n, err)
		}
		if _, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: civil.D(2026, 11, 30), To: civil.D(2026, 12, 30)}); err == nil {
			t.Fatal("a month-long plan was accepted")
		}
	})
}

// Random instances built on the real rules engine: random people with
// random adjustments, random shifts, some already assigned. Every
// assignment applied passes Evaluate with no hard violation.
func TestPlanPropertyRandomInstances(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		f := setup(t, db)
		for seed := range uint64(3) {
			t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
				ctx := context.Background()
				rng := rand.New(rand.NewPCG(seed, 11))
				seams := &fakeSeams{away: map[string][]civil.Date{}, temporary: map[string][]rota.TemporaryLimit{}}
				sites := f.withSites(2, seams)
				mon := civil.D(2026, 11, 30).AddDays(7 * int(seed))
				var emps []people.Person
				for i := range 4 + rng.IntN(5) {
					p := f.employee(t, fmt.Sprintf("Rand%d Person%d", seed, i), civil.D(1960+rng.IntN(50), 1, 1))
					emps = append(emps, p)
					a := rota.Adjustments{}
					if rng.IntN(2) == 0 {
						a.EarliestStart = fmt.Sprintf("%02d:00", 7+rng.IntN(5))
					}
					if rng.IntN(2) == 0 {
						a.MaxWeekMinutes = 60 * (4 + rng.IntN(20))
					}
					if rng.IntN(3) == 0 {
						a.DaysNeverWorked = []string{[]string{"monday", "wednesday", "saturday"}[rng.IntN(3)]}
					}
					if rng.IntN(3) == 0 {
						a.MaxConsecutiveDays = 1 + rng.IntN(3)
					}
					if rng.IntN(4) == 0 {
						a.NotAlone = true
					}
					if rng.IntN(4) == 0 {
						a.FixedSites = []string{sites[rng.IntN(len(sites))].ID}
					}
					if rng.IntN(4) == 0 {
						a.MaxDayMinutes = 60 * (3 + rng.IntN(6))
					}
					f.adjust(t, p, a)
					if rng.IntN(4) == 0 {
						seams.away[p.ID] = []civil.Date{mon.AddDays(rng.IntN(7))}
					}
					if rng.IntN(4) == 0 {
						seams.temporary[p.ID] = []rota.TemporaryLimit{{From: mon, To: mon.AddDays(6), MaxWeeklyMinutes: 60 * (2 + rng.IntN(10))}}
					}
				}
				for range 15 + rng.IntN(16) {
					d := mon.AddDays(rng.IntN(7))
					h := 5 + rng.IntN(14)
					sh := f.shiftAt(t, sites[rng.IntN(len(sites))], d, h, 0, h+2+rng.IntN(4), 0)
					if rng.IntN(5) == 0 {
						_, _ = f.svc.Assign(ctx, f.sup.ID, sh.ID, emps[rng.IntN(len(emps))].ID, "random")
					}
				}
				for _, mode := range []string{rota.PlanFill, rota.PlanReplan} {
					pl, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: mon, To: mon.AddDays(6), Mode: mode})
					if err != nil {
						t.Fatal(err)
					}
					if len(pl.Dropped) > 0 {
						t.Errorf("%s: the final check dropped %d", mode, len(pl.Dropped))
					}
					res, err := f.svc.ApplyPlan(ctx, f.sup.ID, pl.ID)
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Skipped) > 0 {
						t.Errorf("%s: skipped with nothing changed: %+v", mode, res.Skipped)
					}
					shifts, err := f.svc.Shifts(ctx, rota.Filter{From: mon, To: mon.AddDays(6), Status: rota.Assigned})
					if err != nil {
						t.Fatal(err)
					}
					applied := map[string]bool{}
					for _, a := range res.Applied {
						applied[a.ShiftID] = true
					}
					for _, sh := range shifts {
						if !applied[sh.ID] {
							continue
						}
						vs, err := f.svc.Evaluate(ctx, sh, sh.EmployeeID, rota.Request{Kind: rota.KindAssign})
						if err != nil {
							t.Fatal(err)
						}
						for _, v := range vs {
							if v.Severity == rota.Hard {
								t.Errorf("%s: %s", mode, v.Message)
							}
						}
					}
				}
			})
		}
	})
}

// A "no shifts" flex period releases a person's shifts; the supervisors'
// notification links a cover plan for exactly those shifts.
func TestCoverPlanAfterNoShiftsFlexPeriod(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newPlanWeek(t, db)
		svc := w.f.svc
		sam, priya := w.emps[0], w.emps[1]
		var mine []string
		for d := 1; d <= 3; d++ {
			sh := w.f.shiftAt(t, w.sites[0], w.mon.AddDays(d), 10, 0, 14, 0)
			if _, err := svc.Assign(ctx, w.f.sup.ID, sh.ID, sam.ID, "cover test"); err != nil {
				t.Fatal(err)
			}
			mine = append(mine, sh.ID)
		}
		keep := w.f.shiftAt(t, w.sites[0], w.mon.AddDays(2), 7, 0, 9, 0)
		if _, err := svc.Assign(ctx, w.f.sup.ID, keep.ID, priya.ID, ""); err != nil {
			t.Fatal(err)
		}
		w.f.publish(t, w.mon, w.mon.AddDays(6))
		// Wellbeing stores the period before telling the rota.
		w.seams.temporary[sam.ID] = []rota.TemporaryLimit{{From: w.mon, To: w.mon.AddDays(6), NoShifts: true}}
		n, err := svc.FlexPeriodStarted(ctx, sam.ID, w.mon, w.mon.AddDays(6), true)
		if err != nil || n != 3 {
			t.Fatalf("released %d %v", n, err)
		}
		link := ""
		for i, m := range w.notes.msgs {
			if strings.Contains(m, "Temporary availability change") {
				link = w.notes.links[i]
			}
		}
		if !strings.HasPrefix(link, "/rota/plans/") {
			t.Fatalf("link %q in %v", link, w.notes.msgs)
		}
		pl, err := svc.GetPlan(ctx, strings.TrimPrefix(link, "/rota/plans/"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range pl.Assignments {
			got = append(got, a.ShiftID)
			if a.EmployeeID == sam.ID {
				t.Fatalf("Sam planned back on: %+v", a)
			}
		}
		for _, o := range pl.Open {
			got = append(got, o.ShiftID)
		}
		slices.Sort(got)
		slices.Sort(mine)
		if pl.Mode != rota.PlanCover || pl.Shifts != 3 || !slices.Equal(got, mine) {
			t.Fatalf("cover plan: %s %d shifts %v, want %v", pl.Mode, pl.Shifts, got, mine)
		}
		if pl.Covered != 3 {
			t.Fatalf("covered %d of 3: %+v", pl.Covered, pl.Open)
		}
		before := len(w.notes.msgs)
		res, err := svc.ApplyPlan(ctx, w.f.sup.ID, pl.ID)
		if err != nil || len(res.Applied) != 3 {
			t.Fatalf("apply cover: %+v %v", res, err)
		}
		if len(w.notes.msgs) != before+3 {
			t.Errorf("people given the cover told: %v", w.notes.msgs[before:])
		}
		w.checkApplied(t)
	})
}

// "Offer to everyone eligible" tells each person the engine allows, once.
func TestOfferToEveryoneEligible(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newPlanWeek(t, db)
		svc := w.f.svc
		sh := w.f.shiftAt(t, w.sites[0], w.mon.AddDays(2), 7, 0, 9, 0)
		if _, err := svc.OfferToEligible(ctx, sh.ID); err == nil {
			t.Fatal("a draft was offered")
		}
		w.f.publish(t, w.mon.AddDays(2), w.mon.AddDays(2))
		// The board's "Cover open shifts": a cover plan for the published
		// open shifts of the dates (the day's six drafts were published
		// with it), this one among them.
		if _, err := svc.Propose(ctx, w.f.sup.ID, rota.PlanRequest{From: w.mon, To: w.mon.AddDays(1), Mode: rota.PlanCover}); err == nil {
			t.Fatal("a cover plan with nothing to cover")
		}
		cover, err := svc.Propose(ctx, w.f.sup.ID, rota.PlanRequest{From: w.mon.AddDays(2), To: w.mon.AddDays(2), Mode: rota.PlanCover})
		if err != nil || cover.Mode != rota.PlanCover || cover.Shifts != 7 || cover.Covered+len(cover.Open) != 7 {
			t.Fatalf("cover plan: %+v %v", cover, err)
		}
		inPlan := false
		for _, a := range cover.Assignments {
			inPlan = inPlan || a.ShiftID == sh.ID
		}
		for _, o := range cover.Open {
			inPlan = inPlan || o.ShiftID == sh.ID
		}
		if !inPlan {
			t.Fatal("the published open shift is not in the cover plan")
		}
		before := len(w.notes.msgs)
		res, err := svc.OfferToEligible(ctx, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Offered == 0 || res.Offered >= len(w.emps) || len(w.notes.msgs) != before+res.Offered {
			t.Fatalf("offered %d of %d; %d sent", res.Offered, len(w.emps), len(w.notes.msgs)-before)
		}
		if slices.Contains(res.Names, w.emps[0].Name) {
			t.Errorf("Sam (no starts before 10:00) was offered a 07:00 start")
		}
		// Each offered person could claim it; the first claim wins.
		var first string
		for _, p := range w.emps {
			if slices.Contains(res.Names, p.Name) {
				if first == "" {
					first = p.ID
					if _, err := svc.Claim(ctx, p.ID, sh.ID); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if _, err := svc.Claim(ctx, p.ID, sh.ID); err != rota.ErrTaken {
					t.Fatalf("second claim: %v", err)
				}
				break
			}
		}
	})
}

// Zero-hours staff get hours in proportion to what they would like.
func TestPlanSharesHoursInProportionToWantedHours(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		few, many := f.employee(t, "Fay Few", civil.D(1990, 1, 1)), f.employee(t, "Mia Many", civil.D(1990, 1, 1))
		for p, h := range map[string]int{few.ID: 8, many.ID: 24} {
			if _, err := f.svc.SetWantedHours(ctx, p, rota.WantedHours{MinutesPerWeek: h * 60}); err != nil {
				t.Fatal(err)
			}
		}
		mon := civil.D(2026, 11, 30)
		for d := range 4 {
			f.shift(t, mon.AddDays(d), 8, 10)
			f.shift(t, mon.AddDays(d), 12, 14)
		}
		pl, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: mon, To: mon.AddDays(6)})
		if err != nil || pl.Covered != 8 {
			t.Fatalf("%+v %v", pl, err)
		}
		got := map[string]int{}
		for _, a := range pl.Assignments {
			got[a.EmployeeID] += a.Minutes
		}
		// 16 hours for 32 wanted: 4 and 12 in proportion.
		if got[few.ID] != 4*60 || got[many.ID] != 12*60 {
			t.Fatalf("hours: Fay %d, Mia %d minutes", got[few.ID], got[many.ID])
		}
		// The same data give the same plan (the move budget is reached
		// before the time limit).
		again, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: mon, To: mon.AddDays(6)})
		if err != nil || again.ID == pl.ID || len(again.Assignments) != len(pl.Assignments) {
			t.Fatalf("again: %v", err)
		}
		for i, a := range again.Assignments {
			if b := pl.Assignments[i]; a.ShiftID != b.ShiftID || a.EmployeeID != b.EmployeeID {
				t.Fatalf("a different plan from the same data: %+v vs %+v", a, b)
			}
		}
	})
}
