package rota_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/rota"
)

// TestPlanPairsSomeoneWhoMustNotWorkAlone: two open shifts side by side at
// a site where nobody is on yet. Joe must not work alone, Mo may; the plan
// covers both, Joe beside the colleague the plan itself puts on, and
// applying it breaks no rule.
func TestPlanPairsSomeoneWhoMustNotWorkAlone(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		site := f.withSites(0, &fakeSeams{})[0]
		joe, mo := f.employee(t, "Joe Bloggs", civil.D(1990, 1, 1)), f.employee(t, "Mo Farah", civil.D(1990, 1, 1))
		f.adjust(t, joe, rota.Adjustments{NotAlone: true})
		wed := civil.D(2026, 12, 2)
		a, b := f.shiftAt(t, site, wed, 9, 0, 13, 0), f.shiftAt(t, site, wed, 9, 0, 13, 0)
		pl, err := f.svc.Propose(ctx, f.sup.ID, rota.PlanRequest{From: wed, To: wed})
		if err != nil {
			t.Fatal(err)
		}
		who := map[string]string{}
		for _, as := range pl.Assignments {
			who[as.ShiftID] = as.EmployeeID
		}
		if pl.Covered != 2 || len(pl.Dropped) != 0 || who[a.ID] == who[b.ID] || (who[a.ID] != joe.ID && who[b.ID] != joe.ID) ||
			(who[a.ID] != mo.ID && who[b.ID] != mo.ID) {
			t.Fatalf("plan: covered %d, dropped %d, %+v, open %+v", pl.Covered, len(pl.Dropped), pl.Assignments, pl.Open)
		}
		res, err := f.svc.ApplyPlan(ctx, f.sup.ID, pl.ID)
		if err != nil || len(res.Applied) != 2 {
			t.Fatalf("apply: %+v %v", res, err)
		}
		for _, id := range []string{a.ID, b.ID} {
			sh := mustShift(t, f.svc, id)
			vs, err := f.svc.Evaluate(ctx, sh, sh.EmployeeID, rota.Request{Kind: rota.KindAssign})
			if err != nil || len(vs) > 0 {
				t.Fatalf("%s on the shift after apply: %+v %v", sh.EmployeeName, vs, err)
			}
		}
	})
}
