package rota_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
)

func TestCopyWeekSkipsWhatTheRulesRefuse(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		mon, next := civil.D(2026, 11, 30), civil.D(2026, 12, 7)
		for _, a := range []struct {
			day, h int
			who    string
		}{{0, 7, sam.ID}, {1, 7, priya.ID}, {2, 7, sam.ID}, {3, 18, priya.ID}} {
			sh := f.shift(t, mon.AddDays(a.day), a.h, a.h+4)
			if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, a.who, ""); err != nil {
				t.Fatal(err)
			}
		}
		// Next week has the same shifts but Thursday evening's.
		for _, d := range []int{0, 1, 2} {
			f.shift(t, next.AddDays(d), 7, 11)
		}
		// Since this week was planned, Sam no longer works Wednesdays.
		if _, err := f.svc.SetAdjustments(ctx, f.sup.Principal(), sam.ID, rota.Adjustments{DaysNeverWorked: []string{"wednesday"}}); err != nil {
			t.Fatal(err)
		}
		before := f.sent.count()

		res, err := f.svc.CopyWeek(ctx, f.sup.ID, rota.CopyRequest{FromWeek: mon.AddDays(2), ToWeek: next})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Copied) != 2 || res.Already != 0 || len(res.Skipped) != 2 || res.FromWeek != mon || res.ToWeek != next {
			t.Fatalf("copy: %+v", res)
		}
		why := map[string]rota.SkippedShift{}
		for _, s := range res.Skipped {
			why[s.EmployeeName+" "+s.When] = s
		}
		wed := why["Sam Okafor Wed 9 Dec, 07:00–11:00"]
		if len(wed.Violations) == 0 || wed.Violations[0].Rule != "days_never_worked" || !strings.Contains(wed.Explanation, "Wednesday") {
			t.Errorf("Wednesday: %+v", wed)
		}
		if thu := why["Priya Shah Thu 10 Dec, 18:00–22:00"]; !strings.Contains(thu.Explanation, "There is no shift at Cable Street common parts on Thu 10 Dec, 18:00–22:00") {
			t.Errorf("Thursday: %+v", thu)
		}
		// The copies are drafts: nobody sees or hears of them yet.
		if got, _ := f.svc.MyShifts(ctx, sam.ID, next, next.AddDays(6)); len(got) != 0 {
			t.Errorf("Sam sees a draft: %+v", got)
		}
		if f.sent.count() != before {
			t.Errorf("told about drafts: %s", f.sent.all())
		}
		week, _ := f.svc.Shifts(ctx, rota.Filter{From: next, To: next.AddDays(6)})
		if len(week) != 3 || week[0].EmployeeID != sam.ID || week[1].EmployeeID != priya.ID || week[2].Status != rota.Open || week[0].Published {
			t.Fatalf("next week: %+v", week)
		}

		// Again: nothing changes.
		again, err := f.svc.CopyWeek(ctx, f.sup.ID, rota.CopyRequest{FromWeek: mon, ToWeek: next})
		if err != nil || len(again.Copied) != 0 || again.Already != 2 || len(again.Skipped) != 2 {
			t.Fatalf("copy again: %+v %v", again, err)
		}
		_, err = f.svc.CopyWeek(ctx, f.sup.ID, rota.CopyRequest{FromWeek: mon, ToWeek: mon.AddDays(3)})
		wantCode(t, err, errs.Invalid)
	})
}
