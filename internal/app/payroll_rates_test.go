package app_test

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

func TestPayRatesAbsencesAndPermittedWorkAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		femi := srv.Login(t, "femi@goodshift.example")
		dana := srv.Login(t, "dana@goodshift.example")
		sam := srv.Login(t, "sam@goodshift.example")
		priya := srv.Login(t, "priya@goodshift.example")

		// Below the NLW for Sam's age on the date: refused, in words.
		res := femi.JSON(http.MethodPut, "/api/v1/employees/"+sam.ID()+"/pay-rate", map[string]any{"hourly_rate": "12.50", "effective_from": "2026-12-01"}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("below NLW: %d %s", res.StatusCode, res.Body)
		}
		if _, msg := apptest.ErrorBody(t, res); !strings.Contains(msg, "below the National Living Wage (21 and over) of £12.71") {
			t.Errorf("message: %s", msg)
		}
		var set struct {
			Rate struct {
				HourlyRate int64 `json:"hourly_rate_pence"`
			} `json:"rate"`
			Warnings []string `json:"warnings"`
		}
		res = femi.JSON(http.MethodPut, "/api/v1/employees/"+sam.ID()+"/pay-rate", map[string]any{"hourly_rate": "13.00", "effective_from": "2026-12-01"}, &set)
		if res.StatusCode != http.StatusOK || set.Rate.HourlyRate != 1300 || len(set.Warnings) != 1 || !strings.Contains(set.Warnings[0], "policy floor") {
			t.Fatalf("set rate: %d %s", res.StatusCode, res.Body)
		}
		// Unknown fields and wrong types are 400; nothing changes.
		if res := femi.JSON(http.MethodPut, "/api/v1/employees/"+sam.ID()+"/pay-rate", map[string]any{"hourly_rate": "13.00", "effective_from": "2026-12-01", "reason": "x"}, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown field: %d", res.StatusCode)
		}
		if res := femi.JSON(http.MethodPut, "/api/v1/employees/"+sam.ID()+"/pay-rate", map[string]any{"hourly_rate": true, "effective_from": "2026-12-01"}, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("wrong type: %d", res.StatusCode)
		}
		// Supervisors never see rates.
		if res := dana.Get("/api/v1/employees/" + sam.ID() + "/pay-rates"); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor reading rates: %d", res.StatusCode)
		}
		if res := femi.Get("/api/v1/employees/" + sam.ID() + "/pay-rates"); res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), `"hourly_rate_pence":1300`) {
			t.Errorf("finance reading rates: %d %s", res.StatusCode, res.Body)
		}

		// Absences: type and dates, no reason field at all.
		if res := dana.JSON(http.MethodPost, "/api/v1/employees/"+priya.ID()+"/absences", map[string]any{"type": "sick", "from": "2026-11-24", "to": "2026-11-25", "reason": "flu"}, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a reason must be refused: %d", res.StatusCode)
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/employees/"+priya.ID()+"/absences", map[string]any{"type": "sick", "from": "2026-11-24", "to": "2026-11-25"}, nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("record absence: %d %s", res.StatusCode, res.Body)
		}
		if res := priya.Get("/api/v1/employees/" + priya.ID() + "/absences"); res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), `"type":"sick"`) {
			t.Errorf("own absences: %d %s", res.StatusCode, res.Body)
		}
		if res := sam.Get("/api/v1/employees/" + priya.ID() + "/absences"); res.StatusCode != http.StatusNotFound {
			t.Errorf("another employee's absences: %d", res.StatusCode)
		}
		days, err := srv.App.Payroll.AbsentDays(t.Context(), priya.ID(), payrollDate(t, "2026-11-23"), payrollDate(t, "2026-11-30"))
		if err != nil || len(days) != 2 {
			t.Errorf("absent days %v %v", days, err)
		}

		// Permitted work, set by finance; the demo has Priya on ESA permitted work.
		if res := femi.Get("/api/v1/employees/" + priya.ID() + "/permitted-work"); res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), `"max_weekly_minutes":959`) {
			t.Errorf("permitted work: %d %s", res.StatusCode, res.Body)
		}
		if res := femi.JSON(http.MethodPut, "/api/v1/employees/"+priya.ID()+"/permitted-work", map[string]any{"benefit": "esa_supported_permitted_work", "from": "2026-11-01"}, nil); res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), `"max_weekly_minutes":0`) {
			t.Errorf("supported permitted work: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.Get("/api/v1/employees/" + priya.ID() + "/permitted-work"); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor reading permitted work: %d", res.StatusCode)
		}
	})
}

func payrollDate(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
