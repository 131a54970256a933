package app_test

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

type idOnly struct {
	ID string `json:"id"`
}

// setupContract creates a client, a site, an active per-visit contract at
// £45.00 and a Mon/Thu schedule through the API, as finance.
func setupContract(t *testing.T, fin *apptest.Client) (contractID, siteID string) {
	t.Helper()
	var client, site, contract idOnly
	mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/clients", map[string]any{
		"legal_name": "Riverside Dental Practice Ltd", "billing_email": "accounts@riverside.example",
		"billing_address": []string{"Riverside Dental Practice Ltd", "9 River Road", "London", "SE1 9AA"},
		"vat_number":      "GB 987 6543 21", "payment_terms_days": 30,
	}, &client), http.StatusCreated)
	mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/clients/"+client.ID+"/sites", map[string]any{
		"name": "Surgery", "address": "9 River Road, London", "postcode": "SE1 9AA", "access_notes": "Back door",
	}, &site), http.StatusCreated)
	mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/contracts", map[string]any{
		"reference": "RDP-001", "client_id": client.ID, "site_ids": []string{site.ID}, "start_date": "2026-11-01",
		"pricing": "per_visit", "price": 4500, "status": "active", "po_number": "PO-4471",
	}, &contract), http.StatusCreated)
	mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/contracts/"+contract.ID+"/schedules", map[string]any{
		"weekdays": []string{"mon", "thu"}, "start_time": "06:00", "end_time": "08:00", "crew_size": 2,
	}, nil), http.StatusCreated)
	return contract.ID, site.ID
}

func mustStatus(t *testing.T, r apptest.Response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("status %d, want %d: %s", r.StatusCode, want, r.Body)
	}
}

func TestVisitsAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		fin, sup := srv.Login(t, "femi@goodshift.example"), srv.Login(t, "dana@goodshift.example")
		contractID, siteID := setupContract(t, fin)
		var gen struct {
			Created []struct {
				ID         string `json:"id"`
				LocalStart string `json:"local_start"`
				Status     string `json:"status"`
			} `json:"created"`
			Unchanged int `json:"unchanged"`
		}
		body := map[string]string{"from": "2026-11-01", "to": "2026-11-30"}
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts/"+contractID+"/visits/generate", body, &gen), http.StatusOK)
		if len(gen.Created) != 9 || gen.Created[0].LocalStart != "06:00" {
			t.Fatalf("generated %+v", gen)
		}
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts/"+contractID+"/visits/generate", body, &gen), http.StatusOK)
		if len(gen.Created) != 0 || gen.Unchanged != 9 {
			t.Errorf("second run: %+v", gen)
		}
		var list struct {
			Items []idOnly `json:"items"`
		}
		mustStatus(t, fin.JSON(http.MethodGet, "/api/v1/visits?from=2026-11-01&to=2026-11-15&site="+siteID, nil, &list), http.StatusOK)
		if len(list.Items) != 4 { // Mon 2, Thu 5, Mon 9, Thu 12
			t.Errorf("listed %d visits, want 4", len(list.Items))
		}
		// Supervisors record visits; finance may not.
		first := list.Items[0].ID
		mustStatus(t, fin.JSON(http.MethodPatch, "/api/v1/visits/"+first, map[string]any{"status": "completed"}, nil), http.StatusForbidden)
		mustStatus(t, sup.JSON(http.MethodPatch, "/api/v1/visits/"+first, map[string]any{"status": "completed"}, nil), http.StatusOK)
		// Supervisors may not create contracts.
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts", map[string]any{"reference": "x"}, nil), http.StatusForbidden)
		// Bad input: 4xx and nothing changes.
		for _, tc := range []struct {
			method, path string
			body         any
			want         int
		}{
			{http.MethodPost, "/api/v1/contracts/" + contractID + "/visits/generate", map[string]string{"from": "2026-13-01", "to": "2026-11-30"}, 400},
			{http.MethodPost, "/api/v1/contracts/" + contractID + "/visits/generate", map[string]string{"from": "2026-11-30", "to": "2026-11-01"}, 400},
			{http.MethodPost, "/api/v1/contracts/0193a000-0000-7000-8000-000000000009/visits/generate", body, 404},
			{http.MethodPost, "/api/v1/contracts/nope/visits/generate", body, 404},
			{http.MethodPatch, "/api/v1/visits/" + list.Items[1].ID, map[string]any{"status": "cancelled", "cancellation_charge": -5}, 400},
			{http.MethodPatch, "/api/v1/visits/" + list.Items[1].ID, map[string]any{"status": "completed", "extra": 1}, 400},
			{http.MethodGet, "/api/v1/visits?from=yesterday", nil, 400},
			{http.MethodPost, "/api/v1/contracts/" + contractID + "/schedules", map[string]any{"weekdays": []string{"someday"}, "start_time": "06:00", "end_time": "07:00", "crew_size": 1}, 400},
			{http.MethodPost, "/api/v1/contracts/" + contractID + "/status", map[string]any{"status": "draft"}, 422},
		} {
			c := sup
			if tc.method == http.MethodPost && tc.want != 404 && tc.path[len(tc.path)-8:] != "generate" {
				c = fin
			}
			r := c.JSON(tc.method, tc.path, tc.body, nil)
			if r.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, r.StatusCode, tc.want, r.Body)
			}
			apptest.ErrorBody(t, r)
		}
		var v struct {
			Status string `json:"status"`
		}
		mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/visits/"+list.Items[1].ID, nil, &v), http.StatusOK)
		if v.Status != "scheduled" {
			t.Errorf("a refused update changed the visit: %s", v.Status)
		}
	})
}

// TestSupervisorsSeeNoContractPrices: supervisors read contracts for their
// visits, never the money.
func TestSupervisorsSeeNoContractPrices(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		sup := srv.Login(t, "dana@goodshift.example")
		var list struct {
			Items []struct {
				ID     string `json:"id"`
				Prices []any  `json:"prices"`
			} `json:"items"`
		}
		mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/contracts", nil, &list), http.StatusOK)
		if len(list.Items) == 0 {
			t.Fatal("no demo contracts")
		}
		for _, c := range list.Items {
			if len(c.Prices) != 0 {
				t.Errorf("a supervisor sees the prices of contract %s", c.ID)
			}
		}
		page := srv.SignIn(t, "dana@goodshift.example")
		for _, p := range []string{"/contracts", "/contracts/" + list.Items[0].ID} {
			_, doc := page.Page(p)
			if txt := doc.Find("main").Text(); strings.Contains(txt, "£") {
				t.Errorf("%s shows money to a supervisor", p)
			}
		}
	})
}
