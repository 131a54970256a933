package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

type apiShift struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	SiteName     string `json:"site_name"`
	LocalStart   string `json:"local_start"`
	EmployeeID   string `json:"employee_id"`
	EmployeeName string `json:"employee_name"`
	Version      int    `json:"version"`
}

func demoSiteID(t *testing.T, srv *apptest.Server, name string) string {
	t.Helper()
	sites, err := srv.App.Contracts.Sites(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no demo site %q", name)
	return ""
}

// TestRotaShiftsThroughTheAPI: a supervisor creates a shift at a demo site
// (the Sites seam over contracts), assigns an employee, and the employee
// sees it in their own list; bad input and other roles get clear 4xx.
func TestRotaShiftsThroughTheAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana := srv.Login(t, "dana@goodshift.example")
		sam := srv.Login(t, "sam@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")

		var sh apiShift
		res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{
			"site_id": site, "starts_at": "2027-01-12T07:00:00Z", "ends_at": "2027-01-12T11:00:00Z",
		}, &sh)
		if res.StatusCode != http.StatusCreated || sh.SiteName != "Old Street studio" || sh.LocalStart != "07:00" || sh.Status != "open" {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		for _, bad := range []map[string]any{
			{"site_id": site, "starts_at": "2027-01-12T11:00:00Z", "ends_at": "2027-01-12T07:00:00Z"},
			{"site_id": "01a20000-0000-7000-8000-000000000000", "starts_at": "2027-01-12T07:00:00Z", "ends_at": "2027-01-12T11:00:00Z"},
			{"site_id": site, "starts_at": "tomorrow"},
			{"site_id": site, "colour": "red"},
		} {
			if res := dana.JSON(http.MethodPost, "/api/v1/shifts", bad, nil); res.StatusCode != http.StatusBadRequest {
				t.Errorf("bad shift %v: %d %s", bad, res.StatusCode, res.Body)
			}
		}
		if res := sam.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site}, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee creating a shift: %d", res.StatusCode)
		}

		var out struct {
			Shift apiShift `json:"shift"`
		}
		res = dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, &out)
		if res.StatusCode != http.StatusOK || out.Shift.EmployeeName != "Sam Okafor" {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		var mine struct {
			Items []apiShift `json:"items"`
		}
		// A draft until it is published.
		res = sam.JSON(http.MethodGet, "/api/v1/me/shifts?from=2027-01-11&to=2027-01-17", nil, &mine)
		if res.StatusCode != http.StatusOK || len(mine.Items) != 0 {
			t.Fatalf("my shifts before publishing: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2027-01-11", "2027-01-17")
		res = sam.JSON(http.MethodGet, "/api/v1/me/shifts?from=2027-01-11&to=2027-01-17", nil, &mine)
		if res.StatusCode != http.StatusOK || len(mine.Items) == 0 {
			t.Fatalf("my shifts: %d %s", res.StatusCode, res.Body)
		}
		found := false
		for _, m := range mine.Items {
			found = found || m.ID == sh.ID
		}
		if !found {
			t.Errorf("assigned shift missing from my shifts: %s", res.Body)
		}
		if res := sam.Get("/api/v1/me/shifts?from=30-11-2026"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad date: %d", res.StatusCode)
		}

		// A second, overlapping shift: 422 with the explanation.
		var sh2 apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{
			"site_id": site, "starts_at": "2027-01-12T09:00:00Z", "ends_at": "2027-01-12T12:00:00Z",
		}, &sh2)
		res = dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh2.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("overlap: %d %s", res.StatusCode, res.Body)
		}
		var cands struct {
			Items []struct {
				EmployeeID string `json:"employee_id"`
				Eligible   bool   `json:"eligible"`
			} `json:"items"`
		}
		res = dana.JSON(http.MethodGet, "/api/v1/shifts/"+sh2.ID+"/candidates", nil, &cands)
		if res.StatusCode != http.StatusOK || len(cands.Items) < 10 {
			t.Fatalf("candidates: %d %s", res.StatusCode, res.Body)
		}
		if last := cands.Items[len(cands.Items)-1]; last.Eligible {
			t.Errorf("ineligible people should come last: %+v", cands.Items)
		}
		publishAPI(t, dana, "2027-01-11", "2027-01-17")
		// The employee claims the open shift? It overlaps their own: 422.
		res = sam.JSON(http.MethodPost, "/api/v1/shifts/"+sh2.ID+"/claim", nil, nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("claim overlapping: %d %s", res.StatusCode, res.Body)
		}
		tomasz := srv.Login(t, "tomasz@goodshift.example")
		res = tomasz.JSON(http.MethodPost, "/api/v1/shifts/"+sh2.ID+"/claim", nil, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("claim: %d %s", res.StatusCode, res.Body)
		}
		res = srv.Login(t, "kwame@goodshift.example").JSON(http.MethodPost, "/api/v1/shifts/"+sh2.ID+"/claim", nil, nil)
		if code, _ := apptest.ErrorBody(t, res); res.StatusCode != http.StatusConflict || code != "conflict" {
			t.Errorf("second claim: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.Get(fmt.Sprintf("/api/v1/shifts?from=2027-01-11&to=2027-01-17&status=%s", "nope")); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad status filter: %d", res.StatusCode)
		}
	})
}

// publishAPI publishes the drafts between two dates through the API.
func publishAPI(t *testing.T, c *apptest.Client, from, to string) {
	t.Helper()
	// The reason covers shifts added to days the demo already published
	// inside the notice period.
	if res := c.JSON(http.MethodPost, "/api/v1/rota/publish", map[string]any{"from": from, "to": to, "reason": "agreed with the people on them"}, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("publish %s to %s: %d %s", from, to, res.StatusCode, res.Body)
	}
}
