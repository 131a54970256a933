package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/testenv"
)

// TestWellbeingSubjectAccessExport: an employee downloads everything held
// about them as JSON and as a readable PDF; nobody else can.
func TestWellbeingSubjectAccessExport(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		alex, sam, jo := srv.Login(t, "alex@goodshift.example"), srv.Login(t, "tomasz@goodshift.example"), srv.Login(t, "jo@goodshift.example")
		alex.JSON(http.MethodPost, "/api/v1/support-workers/"+jo.ID()+"/caseload", map[string]string{"employee_id": sam.ID()}, nil)
		if r := sam.JSON(http.MethodPut, "/api/v1/employees/"+sam.ID()+"/wellness-plan", map[string]any{
			"stay_well": "Walking to work along the canal", "contacts": "My sister Ama, 07700 900123",
			"early_warning_actions": []map[string]string{{"sign": "Skipping lunch", "action": "Jo checks in"}},
			"summary":               "A quiet start helps", "share_summary": true,
		}, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("plan: %d %s", r.StatusCode, r.Body)
		}
		if r := jo.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/support-notes", map[string]string{"date": "2026-11-20", "kind": "job_coach_session", "text": "Practised the new floor machine"}, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("note: %d %s", r.StatusCode, r.Body)
		}
		if r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/flex-periods", map[string]any{"kind": "weekly_cap", "from": "2026-12-01", "to": "2026-12-20", "max_weekly_minutes": 720}, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("flex: %d %s", r.StatusCode, r.Body)
		}

		r := sam.Get("/api/v1/employees/" + sam.ID() + "/wellbeing-export")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("export: %d %s", r.StatusCode, r.Body)
		}
		var e struct {
			Name string `json:"name"`
			Plan struct {
				StayWell string `json:"stay_well"`
			}
			Notes []struct{ Text string } `json:"support_notes"`
			Flex  []struct{ Kind string } `json:"flex_periods"`
			SWs   []string                `json:"support_workers"`
			Log   []struct{ What string } `json:"access_log"`
			Vers  []json.RawMessage       `json:"plan_versions"`
		}
		if err := json.Unmarshal(r.Body, &e); err != nil {
			t.Fatal(err)
		}
		if e.Name != "Tomasz Kowalski" || e.Plan.StayWell != "Walking to work along the canal" || len(e.Notes) != 1 || len(e.Flex) != 1 ||
			len(e.SWs) != 1 || e.SWs[0] != "Jo Martins" || len(e.Vers) != 1 || len(e.Log) < 3 {
			t.Errorf("export: %s", r.Body)
		}

		r = sam.Get("/api/v1/employees/" + sam.ID() + "/wellbeing-export.pdf")
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", r.StatusCode, r.Header)
		}
		text := testenv.PDFText(t, r.Body)
		for _, want := range []string{"Your wellbeing records", "Tomasz Kowalski", "Walking to work along the canal", "My sister Ama",
			"Skipping lunch", "Practised the new floor machine", "Job-coach session", "At most 12 hours a week", "Jo Martins", "A quiet start helps"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}
		for who, c := range map[string]*apptest.Client{"support worker": jo, "admin": alex, "supervisor": srv.Login(t, "dana@goodshift.example")} {
			for _, p := range []string{"/api/v1/employees/" + sam.ID() + "/wellbeing-export", "/api/v1/employees/" + sam.ID() + "/wellbeing-export.pdf"} {
				if r := c.Get(p); r.StatusCode != http.StatusNotFound {
					t.Errorf("%s GET %s: %d", who, p, r.StatusCode)
				}
			}
		}
		var log struct {
			Items []struct{ What string } `json:"items"`
		}
		sam.JSON(http.MethodGet, "/api/v1/employees/"+sam.ID()+"/access-log", nil, &log)
		if len(log.Items) == 0 || !strings.Contains(log.Items[0].What, "subject access export") {
			t.Errorf("export not in the access log: %+v", log.Items)
		}
	})
}
