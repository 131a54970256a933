package rota_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/rota"
)

// TestRemindersTheEveningBefore: tomorrow's assigned shifts are due a
// reminder from 18:00 London time, not before, and not the day after's.
func TestRemindersTheEveningBefore(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		sh := f.assigned(t, civil.D(2026, 12, 1), 7, 11, sam)
		f.assigned(t, civil.D(2026, 12, 2), 7, 11, sam)
		at := func(h int) *rota.Service {
			return rota.NewService(rota.Config{DB: db, Now: func() time.Time { return civil.D(2026, 11, 30).At(h, 0, civil.London) },
				People: f.people, Sites: fakeSites{f.site.ID: f.site}})
		}
		if rs, err := at(17).RemindersDue(ctx); err != nil || len(rs) != 0 {
			t.Fatalf("at 17:00: %+v %v", rs, err)
		}
		rs, err := at(18).RemindersDue(ctx)
		if err != nil || len(rs) != 1 || rs[0].ShiftID != sh.ID || rs[0].EmployeeID != sam.ID || !strings.Contains(rs[0].Body, "Tue 1 Dec, 07:00") {
			t.Fatalf("at 18:00: %+v %v", rs, err)
		}
	})
}
