package rota_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/rota"
)

// TestAvailabilityPreferenceStored: a window's preference ("I'd like to",
// "I'd rather not", or happy to) is stored with the window and read back as
// saved; saving again without one clears it.
func TestAvailabilityPreferenceStored(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		ana := f.employee(t, "Ana Lima", civil.D(1990, 1, 1))
		in := rota.Availability{Weekly: []rota.Window{
			{Day: "monday", From: "08:00", To: "14:00", Preference: rota.WouldLike},
			{Day: "tuesday", From: "08:00", To: "14:00", Preference: rota.RatherNot},
			{Day: "wednesday", From: "08:00", To: "14:00"},
		}}
		if _, err := f.svc.SetAvailability(ctx, ana.ID, in); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.AvailabilityOf(ctx, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"monday": rota.WouldLike, "tuesday": rota.RatherNot, "wednesday": ""}
		if len(got.Weekly) != 3 {
			t.Fatalf("stored %+v", got.Weekly)
		}
		for _, w := range got.Weekly {
			if w.Preference != want[w.Day] {
				t.Errorf("%s: preference %q stored, want %q", w.Day, w.Preference, want[w.Day])
			}
		}
		in.Weekly[0].Preference, in.Version = "", got.Version
		if _, err := f.svc.SetAvailability(ctx, ana.ID, in); err != nil {
			t.Fatal(err)
		}
		if got, _ = f.svc.AvailabilityOf(ctx, ana.ID); got.Weekly[0].Day != "monday" || got.Weekly[0].Preference != "" {
			t.Errorf("after clearing Monday: %+v", got.Weekly)
		}
	})
}
