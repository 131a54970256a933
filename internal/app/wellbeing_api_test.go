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

// TestWellbeingAPI walks the wellbeing API: an admin puts Sam on Jo's
// caseload, Sam writes a plan and shares a summary, Jo reads it and writes a
// note, and Sam's access log shows Jo's reads. Other roles get 404.
func TestWellbeingAPI(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		alex, sam, jo := srv.Login(t, "alex@goodshift.example"), srv.Login(t, "tomasz@goodshift.example"), srv.Login(t, "jo@goodshift.example")
		dana, femi, priya := srv.Login(t, "dana@goodshift.example"), srv.Login(t, "femi@goodshift.example"), srv.Login(t, "priya@goodshift.example")
		samPlan := "/api/v1/employees/" + sam.ID() + "/wellness-plan"

		// Before Sam is on Jo's caseload, Jo cannot see that Sam has a plan.
		if r := jo.Get(samPlan); r.StatusCode != http.StatusNotFound {
			t.Fatalf("jo before caseload: %d", r.StatusCode)
		}
		if r := alex.JSON(http.MethodPost, "/api/v1/support-workers/"+jo.ID()+"/caseload", map[string]string{"employee_id": sam.ID()}, nil); r.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
		}
		if r := alex.JSON(http.MethodPost, "/api/v1/support-workers/"+jo.ID()+"/caseload", map[string]string{"employee_id": dana.ID()}, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("assign a supervisor: %d %s", r.StatusCode, r.Body)
		}
		if r := jo.JSON(http.MethodPost, "/api/v1/support-workers/"+jo.ID()+"/caseload", map[string]string{"employee_id": priya.ID()}, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("a support worker assigns: %d", r.StatusCode)
		}
		var caseload struct{ Items []map[string]any }
		if r := jo.JSON(http.MethodGet, "/api/v1/caseload", nil, &caseload); r.StatusCode != http.StatusOK || len(caseload.Items) != 4 {
			t.Fatalf("caseload: %d %s", r.StatusCode, r.Body)
		}

		plan := map[string]any{
			"stay_well": "APIMARK walking to work", "triggers": "APIMARK noise", "early_warning_signs": "APIMARK quiet",
			"early_warning_actions": []map[string]string{{"sign": "APIMARK late", "action": "APIMARK call Jo"}},
			"impact_on_work":        "APIMARK slower", "support_from_supervisor": "APIMARK check in",
			"my_actions": "APIMARK breaks", "contacts": "APIMARK Jo", "review_date": "2027-03-01",
			"summary": "Give me a quiet start", "share_summary": true, "version": 0,
		}
		var saved map[string]any
		if r := sam.JSON(http.MethodPut, samPlan, plan, &saved); r.StatusCode != http.StatusOK || saved["version"] != float64(1) {
			t.Fatalf("save plan: %d %s", r.StatusCode, r.Body)
		}
		if r := sam.JSON(http.MethodPut, samPlan, plan, nil); r.StatusCode != http.StatusConflict {
			t.Errorf("stale version: %d %s", r.StatusCode, r.Body)
		}
		if r := sam.JSON(http.MethodPut, samPlan, map[string]any{"stay_well": 3}, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("bad type: %d", r.StatusCode)
		}
		if r := sam.JSON(http.MethodPut, samPlan, map[string]any{"mood": "x"}, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown field: %d", r.StatusCode)
		}
		if r := jo.Get(samPlan); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "APIMARK walking") {
			t.Fatalf("jo reads: %d %s", r.StatusCode, r.Body)
		}
		if r := jo.Get(samPlan + "/versions/1"); r.StatusCode != http.StatusOK {
			t.Errorf("jo reads version 1: %d", r.StatusCode)
		}
		if r := jo.Get(samPlan + "/versions/x"); r.StatusCode != http.StatusNotFound {
			t.Errorf("version x: %d", r.StatusCode)
		}
		note := map[string]string{"date": "2026-11-20", "kind": "check_in", "text": "APIMARK note"}
		if r := jo.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/support-notes", note, nil); r.StatusCode != http.StatusCreated {
			t.Fatalf("note: %d %s", r.StatusCode, r.Body)
		}
		if r := sam.JSON(http.MethodPost, "/api/v1/employees/"+sam.ID()+"/support-notes", note, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("sam writes a note about himself: %d", r.StatusCode)
		}
		if r := sam.Get("/api/v1/employees/" + sam.ID() + "/support-notes"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "APIMARK note") {
			t.Errorf("sam reads notes: %d %s", r.StatusCode, r.Body)
		}

		// The supervisor sees the shared summary and nothing else.
		if r := dana.Get("/api/v1/employees/" + sam.ID() + "/support-summary"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "quiet start") || strings.Contains(string(r.Body), "APIMARK") {
			t.Errorf("summary: %d %s", r.StatusCode, r.Body)
		}
		for who, c := range map[string]*apptest.Client{"supervisor": dana, "finance": femi, "admin": alex, "other employee": priya} {
			for _, path := range []string{samPlan, samPlan + "/versions", "/api/v1/employees/" + sam.ID() + "/support-notes", "/api/v1/employees/" + sam.ID() + "/access-log"} {
				if r := c.Get(path); r.StatusCode != http.StatusNotFound || strings.Contains(string(r.Body), "APIMARK") {
					t.Errorf("%s GET %s: %d", who, path, r.StatusCode)
				}
			}
		}

		var log struct {
			Items []struct {
				ActorName string `json:"actor_name"`
				Action    string `json:"action"`
			}
		}
		if r := sam.JSON(http.MethodGet, "/api/v1/employees/"+sam.ID()+"/access-log", nil, &log); r.StatusCode != http.StatusOK {
			t.Fatalf("access log: %d", r.StatusCode)
		}
		joReads := 0
		for _, e := range log.Items {
			if e.ActorName == "Jo Martins" && e.Action == "read" {
				joReads++
			}
		}
		if joReads != 2 {
			t.Errorf("Jo's reads in the log: %d (%+v)", joReads, log.Items)
		}
		if strings.Contains(srv.Logs.String(), "APIMARK") || strings.Contains(srv.Logs.String(), "quiet start") {
			t.Error("wellbeing content reached the logs")
		}
	})
}
