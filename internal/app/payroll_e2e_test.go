package app_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/money"
	"github.com/goodshift/goodshift/internal/testenv"
)

type apiTimesheet struct {
	ID     string `json:"id"`
	Shifts []struct {
		ShiftID        string    `json:"shift_id"`
		Status         string    `json:"status"`
		PaidMinutes    int       `json:"paid_minutes"`
		ScheduledStart time.Time `json:"scheduled_start"`
		ScheduledEnd   time.Time `json:"scheduled_end"`
	} `json:"shifts"`
	EmployeeID   string `json:"employee_id"`
	EmployeeName string `json:"employee_name"`
	Status       string `json:"status"`
	Totals       struct {
		PaidMinutes int `json:"paid_minutes"`
	} `json:"totals"`
	Days []struct {
		Date    string `json:"date"`
		Minutes int    `json:"minutes"`
	} `json:"days"`
	Pay *struct {
		Gross int64 `json:"gross_pence"`
	} `json:"pay"`
}

// TestNightShiftOverTheOctoberClockChangeEndToEnd: a supervisor puts
// Tomasz on 22:00-06:00 over the night the clocks go back; he clocks in and
// out from his phone through the rota seam; his timesheet pays 9 hours;
// supervisors see hours but no pay; other employees get 404; the period is
// approved and closed and the export reconciles with the timesheets and the PDF.
func TestNightShiftOverTheOctoberClockChangeEndToEnd(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		london := func(y int, m time.Month, d, h, min int) time.Time { return civil.D(y, m, d).At(h, min, civil.London) }
		srv := apptest.New(t, db, apptest.Options{Now: london(2026, 10, 20, 9, 0)})
		dana := srv.Login(t, "dana@goodshift.example")
		femi := srv.Login(t, "femi@goodshift.example")
		tom := srv.Login(t, "tomasz@goodshift.example")
		sam := srv.Login(t, "sam@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")

		var sh apiShift
		start, end := london(2026, 10, 24, 22, 0), london(2026, 10, 25, 6, 0)
		res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": tom.ID(), "override_reason": "night cover agreed"}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2026-10-24", "2026-10-24") // a draft is nobody's shift to clock in to
		// Someone else cannot clock in to Tomasz's shift.
		srv.Clock.Set(start.Add(-15 * time.Minute))
		if res := sam.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/clock-in", nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("sam clocking in to Tomasz's shift: %d", res.StatusCode)
		}
		var att struct {
			Early  int `json:"arrived_early_minutes"`
			Paid   int `json:"paid_minutes"`
			Status string
		}
		if res := tom.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/clock-in", nil, &att); res.StatusCode != http.StatusOK || att.Early != 15 {
			t.Fatalf("clock in: %d %s", res.StatusCode, res.Body)
		}
		if res := tom.Get("/api/v1/me/clock"); res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), `"can_clock_out":true`) {
			t.Errorf("me/clock: %d %s", res.StatusCode, res.Body)
		}
		srv.Clock.Set(end)
		if res := tom.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/clock-out", nil, &att); res.StatusCode != http.StatusOK || att.Paid != 9*60 {
			t.Fatalf("clock out: %d %s", res.StatusCode, res.Body)
		}

		var ts apiTimesheet
		if res := femi.JSON(http.MethodGet, "/api/v1/employees/"+tom.ID()+"/timesheets/2026-10", nil, &ts); res.StatusCode != http.StatusOK {
			t.Fatalf("timesheet: %d %s", res.StatusCode, res.Body)
		}
		found := false
		for _, x := range ts.Shifts {
			if x.ShiftID == sh.ID {
				found = x.PaidMinutes == 540
			}
		}
		if !found || ts.Pay == nil {
			t.Errorf("the night shift should pay 9 hours: %+v", ts)
		}
		res = dana.Get("/api/v1/employees/" + tom.ID() + "/timesheets/2026-10")
		if res.StatusCode != http.StatusOK || strings.Contains(string(res.Body), `"pay"`) || strings.Contains(string(res.Body), "rate") || !strings.Contains(string(res.Body), `"paid_minutes":540,"status":"worked"`) {
			t.Errorf("supervisor view: %d %s", res.StatusCode, res.Body)
		}
		for _, path := range []string{"/api/v1/employees/" + tom.ID() + "/timesheets/2026-10", "/api/v1/employees/" + tom.ID() + "/timesheets/2026-10.pdf"} {
			if res := sam.Get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("sam reading %s: %d", path, res.StatusCode)
			}
		}
		if res := tom.Get("/api/v1/employees/" + tom.ID() + "/timesheets/2026-13"); res.StatusCode != http.StatusNotFound {
			t.Errorf("bad period: %d", res.StatusCode)
		}

		// November: approve October, close it, export.
		srv.Clock.Set(london(2026, 11, 2, 9, 0))
		dana, femi, tom = srv.Login(t, "dana@goodshift.example"), srv.Login(t, "femi@goodshift.example"), srv.Login(t, "tomasz@goodshift.example")
		var list struct {
			Items []apiTimesheet `json:"items"`
		}
		if res := dana.JSON(http.MethodGet, "/api/v1/timesheets?period=2026-10", nil, &list); res.StatusCode != http.StatusOK || len(list.Items) == 0 {
			t.Fatalf("list: %d %s", res.StatusCode, res.Body)
		}
		if res := femi.JSON(http.MethodPost, "/api/v1/pay-periods/2026-10/close", nil, nil); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("close before approval: %d %s", res.StatusCode, res.Body)
		}
		for _, it := range list.Items {
			// The demo left a shift without a clock-out: the supervisor records the finish first.
			for _, x := range it.Shifts {
				if x.Status == "clocked_in" {
					if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+x.ShiftID+"/attendance", map[string]any{
						"clock_in": x.ScheduledStart, "clock_out": x.ScheduledEnd, "reason": "phone battery died; times agreed"}, nil); res.StatusCode != http.StatusOK {
						t.Fatalf("record finish: %d %s", res.StatusCode, res.Body)
					}
				}
			}
			if it.Pay != nil {
				t.Errorf("supervisor list shows pay for %s", it.EmployeeName)
			}
			if res := dana.JSON(http.MethodPost, "/api/v1/timesheets/"+it.ID+"/approve", nil, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("approve %s: %d %s", it.EmployeeName, res.StatusCode, res.Body)
			}
		}
		if res := femi.Get("/api/v1/pay-periods/2026-10/export.csv"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("export before close: %d", res.StatusCode)
		}
		if res := femi.JSON(http.MethodPost, "/api/v1/pay-periods/2026-10/close", nil, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("close: %d %s", res.StatusCode, res.Body)
		}
		var sum struct {
			Totals struct {
				Gross int64 `json:"gross_pence"`
			} `json:"totals"`
		}
		if res := femi.JSON(http.MethodGet, "/api/v1/pay-periods/2026-10/summary", nil, &sum); res.StatusCode != http.StatusOK || sum.Totals.Gross == 0 {
			t.Fatalf("summary: %d %s", res.StatusCode, res.Body)
		}
		res = femi.Get("/api/v1/pay-periods/2026-10/export.csv?format=generic")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", res.StatusCode, res.Body)
		}
		recs, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var total money.Pence
		for _, r := range recs[1:] {
			a, err := money.Parse(r[8])
			if err != nil {
				t.Fatal(err)
			}
			total += a
		}
		if int64(total) != sum.Totals.Gross {
			t.Errorf("export %s, summary %d", total, sum.Totals.Gross)
		}
		if res := femi.Get("/api/v1/pay-periods/2026-10/export.csv?format=xml"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad format: %d", res.StatusCode)
		}
		if res := dana.Get("/api/v1/pay-periods/2026-10/export.csv"); res.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor export: %d", res.StatusCode)
		}
		res = femi.Get("/api/v1/pay-periods/2026-10/export.csv")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), "GS003,Tomasz,Kowalski,Basic hours at £15.20,") {
			t.Errorf("brightpay export: %s", res.Body)
		}
		res = tom.Get("/api/v1/employees/" + tom.ID() + "/timesheets/2026-10.pdf")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", res.StatusCode, res.Body)
		}
		text := testenv.PDFText(t, res.Body)
		for _, want := range []string{"Tomasz Kowalski", "GS003", "Old Street studio", "22:00–06:00 +1", "21:45–06:00 +1", "9:00", "£15.20", "Approved by Dana Whitfield"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}
		if res := femi.Get("/api/v1/pay-periods/2026-10/timesheets.zip"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
			t.Errorf("zip: %d", res.StatusCode)
		}
	})
}
