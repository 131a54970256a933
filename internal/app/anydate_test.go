package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestSmokeOnAnyDate runs the page and browser smoke tests with the
// application's clock a year before and a year after the real date, through
// the variable the test harness reads (apptest.ClockVar). The suite once
// broke because cookies carried an instant from the app's clock that the
// browser judged by the real one; whatever the date, signing in must work.
func TestSmokeOnAnyDate(t *testing.T) {
	ctx := apptest.Browser(t)
	for _, years := range []string{"-1y", "+1y"} {
		t.Run(years, func(t *testing.T) {
			t.Setenv(apptest.ClockVar, years)
			srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
			now := srv.Clock.Now()
			real := time.Now() // wall clock: the real date this test moves away from
			if gap := now.Sub(real).Abs(); gap < 300*24*time.Hour || gap > 400*24*time.Hour {
				t.Fatalf("%s=%s put the clock at %s, not about a year from %s", apptest.ClockVar, years, now, real)
			}
			t.Logf("application clock: %s", civil.In(now, civil.London).Format("Mon 2 Jan 2006"))
			checkNavigationByRole(t, srv)
			checkEveryPageFitsASmallPhone(t, ctx, srv)
		})
	}
}

func TestParseStartTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2027-12-06", time.Date(2027, 12, 6, 9, 0, 0, 0, time.UTC)},
		{"2027-07-05", time.Date(2027, 7, 5, 8, 0, 0, 0, time.UTC)}, // 09:00 BST
		{"2025-01-02T03:04:05Z", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
	} {
		got, err := apptest.ParseStartTime(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseStartTime(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, years := range []int{-1, 1} {
		got, err := apptest.ParseStartTime(fmt.Sprintf("%+dy", years))
		if err != nil || !got.Equal(apptest.RealDateYearsAway(years)) {
			t.Errorf("%+dy: %s, %v", years, got, err)
		}
		if wd := civil.In(got, civil.London).Weekday(); wd != time.Monday {
			t.Errorf("%+dy is a %s, want a Monday like DefaultNow", years, wd)
		}
	}
	if _, err := apptest.ParseStartTime("next tuesday"); err == nil {
		t.Error("an unreadable value was accepted")
	}
}
