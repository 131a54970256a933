package wellbeing_test

import (
	"context"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// FlexLimitsFor (what the rota asks when it ranks everyone for a shift)
// answers, for each employee, what FlexLimits answers: people with several
// periods, one cancelled; people with none; IDs nobody has, in a list long
// enough to be split into several queries.
func TestFlexLimitsForAnswersAsPerPerson(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		today := civil.D(2026, 11, 23)
		for _, in := range []wellbeing.FlexInput{
			{Kind: wellbeing.NoShifts, From: today, To: today.AddDays(11)},
			{Kind: wellbeing.WeeklyCap, From: today.AddDays(14), To: today.AddDays(40), MaxWeeklyMinutes: 600},
			{Kind: wellbeing.LaterStart, From: today.AddDays(20), To: today.AddDays(30), EarliestStart: "10:30"},
		} {
			if _, err := f.svc.StartFlex(ctx, f.sam, f.sam.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		late, err := f.svc.StartFlex(ctx, f.sam, f.sam.ID, wellbeing.FlexInput{Kind: wellbeing.LaterStart, From: today.AddDays(50), To: today.AddDays(60), EarliestStart: "11:00"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.EndFlex(ctx, f.sam, f.sam.ID, late.ID); err != nil { // cancelled before it begins
			t.Fatal(err)
		}
		if _, err := f.svc.StartFlex(ctx, f.priya, f.priya.ID, wellbeing.FlexInput{Kind: wellbeing.WeeklyCap, From: today.AddDays(5), To: today.AddDays(20), MaxWeeklyMinutes: 900}); err != nil {
			t.Fatal(err)
		}

		people := []string{f.sam.ID, f.priya.ID, f.jo.ID} // Jo has none
		var ids []string
		for range 600 {
			ids = append(ids, database.NewID()) // nobody
		}
		ids = append(ids[:100], append([]string{f.sam.ID}, ids[100:]...)...)
		ids = append(ids, f.priya.ID, f.jo.ID) // after the first 500
		for _, w := range [][2]civil.Date{
			{today, today.AddDays(6)}, {today.AddDays(14), today.AddDays(20)}, {today.AddDays(21), today.AddDays(27)},
			{today.AddDays(49), today.AddDays(55)}, {today.AddDays(-30), today.AddDays(90)}, {today.AddDays(100), today.AddDays(106)},
		} {
			got, err := f.svc.FlexLimitsFor(ctx, ids, w[0], w[1])
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, id := range people {
				want, err := f.svc.FlexLimits(ctx, id, w[0], w[1])
				if err != nil {
					t.Fatal(err)
				}
				if len(want) > 0 {
					n++
				}
				if !reflect.DeepEqual(got[id], want) {
					t.Errorf("limits of %s in %s–%s: bulk %+v, one %+v", id, w[0], w[1], got[id], want)
				}
			}
			if len(got) != n {
				t.Errorf("limits for nobody in %s–%s: %+v", w[0], w[1], got)
			}
		}
		if got, err := f.svc.FlexLimitsFor(ctx, ids, today.AddDays(-30), today.AddDays(90)); err != nil || len(got[f.sam.ID]) != 3 || len(got[f.priya.ID]) != 1 {
			t.Errorf("all periods: %+v %v", got, err)
		}
	})
}
