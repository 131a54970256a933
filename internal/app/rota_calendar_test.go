package app_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestCalendarFeed: the feed parses with a real iCalendar parser, shows the
// right local times in summer and winter, marks cancelled shifts and bumps
// SEQUENCE; making a new link stops the old one.
func TestCalendarFeed(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Test", "zoe@goodshift.example")
		site := demoSiteID(t, srv, "Wapping Wall flats")

		mk := func(start, end time.Time) apiShift {
			var sh apiShift
			res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh)
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", res.StatusCode, res.Body)
			}
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, &struct{ Shift *apiShift }{&sh}); res.StatusCode != http.StatusOK {
				t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
			}
			day := start.In(civil.London).Format(time.DateOnly)
			publishAPI(t, dana, day, day)
			return sh
		}
		// A summer-time shift (BST), assigned before it happened.
		srv.Clock.Set(time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC))
		summer := mk(civil.D(2026, 10, 24).At(10, 0, civil.London), civil.D(2026, 10, 24).At(14, 0, civil.London))
		srv.Clock.Set(apptest.DefaultNow)
		winter := mk(civil.D(2026, 12, 3).At(7, 30, civil.London), civil.D(2026, 12, 3).At(11, 0, civil.London))
		gone := mk(civil.D(2026, 12, 4).At(7, 30, civil.London), civil.D(2026, 12, 4).At(11, 0, civil.London))
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+gone.ID+"/cancel", map[string]any{"reason": "client closed"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("cancel: %d", res.StatusCode)
		}

		var feed struct {
			Exists bool   `json:"exists"`
			URL    string `json:"url"`
		}
		if zoe.JSON(http.MethodGet, "/api/v1/me/calendar", nil, &feed); feed.Exists {
			t.Fatal("a feed exists before one was made")
		}
		if res := zoe.JSON(http.MethodPost, "/api/v1/me/calendar", nil, &feed); res.StatusCode != http.StatusCreated || !strings.HasSuffix(feed.URL, ".ics") {
			t.Fatalf("make feed: %d %s", res.StatusCode, res.Body)
		}
		u, _ := url.Parse(feed.URL)
		anon := srv.Anonymous(t)
		res := anon.Get(u.Path)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s", res.StatusCode, res.Body)
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, res.Body)
		}
		events := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			events[e.Id()] = e
		}
		check := func(sh apiShift, hour, minute int, status string) {
			t.Helper()
			e := events[sh.ID+"@goodshift"]
			if e == nil {
				t.Fatalf("no event for %s in\n%s", sh.ID, res.Body)
			}
			start, err := e.GetStartAt()
			if err != nil {
				t.Fatal(err)
			}
			if start.Location().String() != "Europe/London" || start.Hour() != hour || start.Minute() != minute {
				t.Errorf("start %v, want %02d:%02d London", start, hour, minute)
			}
			if got := e.GetProperty(ics.ComponentPropertyStatus).Value; got != status {
				t.Errorf("status %s, want %s", got, status)
			}
			if loc := e.GetProperty(ics.ComponentPropertyLocation).Value; !strings.Contains(loc, "Wapping Wall") {
				t.Errorf("location %q", loc)
			}
		}
		check(summer, 10, 0, "CONFIRMED")
		check(winter, 7, 30, "CONFIRMED")
		check(gone, 7, 30, "CANCELLED")
		if seq := events[gone.ID+"@goodshift"].GetProperty(ics.ComponentPropertySequence).Value; seq != "4" {
			t.Errorf("SEQUENCE of the cancelled shift: %s, want 4 (created, assigned, published, cancelled)", seq)
		}
		if e := events[summer.ID+"@goodshift"]; e != nil {
			start, _ := e.GetStartAt()
			if !start.Equal(time.Date(2026, 10, 24, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("summer start instant %v", start.UTC())
			}
		}
		// A new link revokes the old one.
		old := u.Path
		zoe.JSON(http.MethodPost, "/api/v1/me/calendar", nil, &feed)
		if res := anon.Get(old); res.StatusCode != http.StatusNotFound {
			t.Errorf("old feed after a new link: %d", res.StatusCode)
		}
		u2, _ := url.Parse(feed.URL)
		if res := anon.Get(u2.Path); res.StatusCode != http.StatusOK {
			t.Errorf("new feed: %d", res.StatusCode)
		}
		if res := anon.Get("/calendar/nothing"); res.StatusCode != http.StatusNotFound {
			t.Errorf("not an .ics: %d", res.StatusCode)
		}
	})
}
