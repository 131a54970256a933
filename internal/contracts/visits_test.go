package contracts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/money"
)

// fakePlanner is the rota as contracts sees it: shifts per visit, some assigned.
type fakePlanner struct {
	mu       sync.Mutex
	shifts   map[string]int  // visit -> open shifts
	assigned map[string]bool // visit -> someone is assigned
}

func newFakePlanner() *fakePlanner {
	return &fakePlanner{shifts: map[string]int{}, assigned: map[string]bool{}}
}

func (f *fakePlanner) EnsureVisitShifts(_ context.Context, visitID, _ string, start, end time.Time, crew int) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := crew - f.shifts[visitID]
	if n < 0 {
		n = 0
	}
	f.shifts[visitID] += n
	return n, nil
}

func (f *fakePlanner) CancelVisitShifts(_ context.Context, visitID, _ string) (int, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.assigned[visitID] {
		return f.shifts[visitID] - 1, 1, nil
	}
	n := f.shifts[visitID]
	delete(f.shifts, visitID)
	return n, 0, nil
}

func (f *fakePlanner) VisitCrew(_ context.Context, visitID string) ([]string, error) {
	return []string{"0193a000-0000-7000-8000-000000000001", "0193a000-0000-7000-8000-000000000002"}, nil
}

func TestGenerateVisits(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		planner := newFakePlanner()
		now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC) // Tuesday
		svc := contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return now }, Planner: planner})
		c, site := fixture(t, svc)
		ct := newContract(t, svc, c, site, contracts.PerVisit, 4500)
		sc, err := svc.AddSchedule(ctx, ct.ID, contracts.ScheduleInput{Weekdays: []string{"mon", "thu"}, StartTime: "06:00", EndTime: "08:30", CrewSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddSchedule(ctx, ct.ID, contracts.ScheduleInput{Kind: contracts.OneOff, Date: civil.D(2026, 11, 21), StartTime: "09:00", EndTime: "15:00", CrewSize: 3, Description: "Deep clean"}); err != nil {
			t.Fatal(err)
		}
		from, to := civil.D(2026, 11, 1), civil.D(2026, 11, 30)
		res, err := svc.GenerateVisits(ctx, ct.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		// Mondays 2,9,16,23,30 and Thursdays 5,12,19,26, plus the deep clean.
		if len(res.Created) != 10 {
			t.Fatalf("created %d visits, want 10", len(res.Created))
		}
		// Future visits (from 12 Nov) get open shifts: 6 weekly × 2 + 3.
		if res.ShiftsCreated != 6*2+3 {
			t.Errorf("shifts created %d, want 15", res.ShiftsCreated)
		}
		again, err := svc.GenerateVisits(ctx, ct.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Created) != 0 || again.ShiftsCreated != 0 || again.Unchanged != 10 || len(again.Withdrawn) != 0 {
			t.Errorf("second run changed things: %+v", again)
		}
		// Someone is assigned to Monday 16th; move the schedule to 07:00 Mon only.
		vs, _ := svc.Visits(ctx, contracts.VisitFilter{ContractID: ct.ID, From: civil.D(2026, 11, 16), To: civil.D(2026, 11, 16)})
		planner.assigned[vs[0].ID] = true
		if _, err := svc.UpdateSchedule(ctx, sc.ID, contracts.ScheduleInput{Weekdays: []string{"mon"}, StartTime: "07:00", EndTime: "09:30", CrewSize: 2}); err != nil {
			t.Fatal(err)
		}
		changed, err := svc.GenerateVisits(ctx, ct.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		// Future weekly visits: Thu 12, Mon 16 (assigned), Thu 19, Mon 23, Thu 26, Mon 30.
		// Withdrawn: 12, 19, 23, 26, 30; kept: 16; created: 23, 30 at 07:00.
		if len(changed.Withdrawn) != 5 || len(changed.KeptAssigned) != 1 || len(changed.Created) != 2 {
			t.Errorf("after change: withdrawn %d kept %d created %d", len(changed.Withdrawn), len(changed.KeptAssigned), len(changed.Created))
		}
		for _, v := range changed.Created {
			if v.LocalStart != "07:00" {
				t.Errorf("new visit at %s", v.LocalStart)
			}
		}
		past, _ := svc.Visits(ctx, contracts.VisitFilter{ContractID: ct.ID, To: civil.D(2026, 11, 9)})
		for _, v := range past {
			if v.Status != contracts.VisitScheduled || v.LocalStart != "06:00" {
				t.Errorf("a past visit changed: %+v", v)
			}
		}
		if res, err := svc.GenerateVisits(ctx, ct.ID, to, from); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("backwards range: %+v %v", res, err)
		}
		// Suspending withdraws the future, unassigned visits.
		_, change, err := svc.SetStatus(ctx, ct.ID, contracts.Suspended)
		if err != nil {
			t.Fatal(err)
		}
		if change.Withdrawn != 3 || change.KeptAssigned != 1 { // 21 deep clean, 23, 30; 16 kept
			t.Errorf("suspend: %+v", change)
		}
		if _, err := svc.GenerateVisits(ctx, ct.ID, from, to); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("generate on a suspended contract: %v", err)
		}
	})
}

func TestUpdateVisit(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		planner := newFakePlanner()
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		svc := contracts.NewService(contracts.Config{DB: db, Now: func() time.Time { return now }, Planner: planner})
		c, site := fixture(t, svc)
		ct := newContract(t, svc, c, site, contracts.PerCleanerHour, 2150)
		if _, err := svc.AddSchedule(ctx, ct.ID, contracts.ScheduleInput{Weekdays: []string{"mon"}, StartTime: "06:00", EndTime: "08:00", CrewSize: 2}); err != nil {
			t.Fatal(err)
		}
		res, err := svc.GenerateVisits(ctx, ct.ID, civil.D(2026, 11, 1), civil.D(2026, 12, 31))
		if err != nil {
			t.Fatal(err)
		}
		vs := res.Created // 2, 9, 16, 23, 30 Nov; 7, 14, 21, 28 Dec
		done, err := svc.UpdateVisit(ctx, vs[0].ID, contracts.VisitUpdate{Status: contracts.VisitCompleted})
		if err != nil {
			t.Fatal(err)
		}
		if len(done.Crew) != 2 || done.WorkedMinutes() != 240 || !done.Billable() {
			t.Errorf("completed: %+v minutes %d", done, done.WorkedMinutes())
		}
		if _, err := svc.UpdateVisit(ctx, vs[0].ID, contracts.VisitUpdate{Status: contracts.VisitMissed}); errs.CodeOf(err) != errs.RuleViolation {
			t.Errorf("completed -> missed: %v", err)
		}
		st := vs[1].Start.Add(15 * time.Minute)
		en := vs[1].End
		short, err := svc.UpdateVisit(ctx, vs[1].ID, contracts.VisitUpdate{Status: contracts.VisitCompleted, ActualStart: &st, ActualEnd: &en, Crew: []string{"0193a000-0000-7000-8000-000000000003"}})
		if err != nil || short.WorkedMinutes() != 105 {
			t.Errorf("actual times: %+v %v", short, err)
		}
		charged, err := svc.UpdateVisit(ctx, vs[2].ID, contracts.VisitUpdate{Status: contracts.VisitCancelled, CancellationCharge: ptr(money.Pence(2500)), Note: "Client closed the building"})
		if err != nil || !charged.Billable() || charged.CancellationCharge != 2500 {
			t.Errorf("cancel with charge: %+v %v", charged, err)
		}
		missed, err := svc.UpdateVisit(ctx, vs[3].ID, contracts.VisitUpdate{Status: contracts.VisitMissed})
		if err != nil || missed.Billable() {
			t.Errorf("missed: %+v %v", missed, err)
		}
		planner.shifts[vs[6].ID] = 2
		if _, err := svc.UpdateVisit(ctx, vs[6].ID, contracts.VisitUpdate{Status: contracts.VisitCancelled}); err != nil || planner.shifts[vs[6].ID] != 0 {
			t.Errorf("future cancellation keeps shifts: %v %d", err, planner.shifts[vs[6].ID])
		}
		for name, u := range map[string]contracts.VisitUpdate{
			"future completion": {Status: contracts.VisitCompleted},
			"unknown status":    {Status: "done"},
			"negative charge":   {Status: contracts.VisitCancelled, CancellationCharge: ptr(money.Pence(-1))},
			"charge on missed":  {Status: contracts.VisitMissed, CancellationCharge: ptr(money.Pence(1))},
			"end before start":  {Status: contracts.VisitCompleted, ActualStart: &en, ActualEnd: &st},
			"stale version":     {Status: contracts.VisitMissed, Version: 99},
		} {
			id := vs[4].ID
			if name == "future completion" {
				id = vs[7].ID
			}
			if _, err := svc.UpdateVisit(ctx, id, u); err == nil || errs.CodeOf(err) == errs.Internal {
				t.Errorf("%s: %v", name, err)
			}
		}
		v, _ := svc.Visit(ctx, vs[4].ID)
		if v.Status != contracts.VisitScheduled || v.Version != 1 {
			t.Errorf("a refused update changed the visit: %+v", v)
		}
	})
}
