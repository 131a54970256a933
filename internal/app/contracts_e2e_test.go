package app_test

import (
	"net/http"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// TestVisitGenerationCreatesOpenShifts goes through the real rota: a
// generated visit becomes crew-size open shifts, generation is idempotent,
// and a cancelled visit takes its open shifts back.
func TestVisitGenerationCreatesOpenShifts(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		fin, sup := srv.Login(t, "femi@goodshift.example"), srv.Login(t, "dana@goodshift.example")
		contractID, _ := setupContract(t, fin)
		var gen struct {
			Created []struct {
				ID   string `json:"id"`
				Date string `json:"date"`
			} `json:"created"`
			ShiftsCreated int `json:"shifts_created"`
		}
		body := map[string]string{"from": "2026-11-23", "to": "2026-12-06"}
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts/"+contractID+"/visits/generate", body, &gen), http.StatusOK)
		// Thu 26 Nov, Mon 30 Nov, Thu 3 Dec (Mon 23 Nov 06:00 has passed: no shifts), crew of two.
		if len(gen.Created) != 4 || gen.ShiftsCreated != 6 {
			t.Fatalf("created %d visits, %d shifts; want 4 and 6", len(gen.Created), gen.ShiftsCreated)
		}
		shiftsFor := func(visitID string) (open, cancelled int) {
			var list struct {
				Items []struct {
					VisitID string `json:"visit_id"`
					Status  string `json:"status"`
				} `json:"items"`
			}
			mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/shifts?from=2026-11-23&to=2026-12-06", nil, &list), http.StatusOK)
			for _, s := range list.Items {
				if s.VisitID != visitID {
					continue
				}
				switch s.Status {
				case "open":
					open++
				case "cancelled":
					cancelled++
				}
			}
			return open, cancelled
		}
		thursday := gen.Created[1].ID
		if open, _ := shiftsFor(thursday); open != 2 {
			t.Fatalf("visit %s has %d open shifts, want 2", gen.Created[1].Date, open)
		}
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts/"+contractID+"/visits/generate", body, &gen), http.StatusOK)
		if len(gen.Created) != 0 || gen.ShiftsCreated != 0 {
			t.Errorf("second run created %d visits, %d shifts", len(gen.Created), gen.ShiftsCreated)
		}
		mustStatus(t, sup.JSON(http.MethodPatch, "/api/v1/visits/"+thursday, map[string]any{"status": "cancelled", "cancellation_charge": 1500}, nil), http.StatusOK)
		if open, cancelled := shiftsFor(thursday); open != 0 || cancelled != 2 {
			t.Errorf("after cancelling the visit: %d open, %d cancelled shifts", open, cancelled)
		}
	})
}
