package app_test

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/testenv"
)

// In the demo organisation, through the API finance uses: every approved
// timesheet's approved minutes plus its adjustments are the minutes paid,
// and the demo's one correction after approval (Sam, a phone-clocked shift
// corrected to a later finish) shows its real difference in the JSON and
// the PDF, not +0:00.
func TestDemoTimesheetsApprovedPlusAdjustmentsIsPaid(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		femi := srv.Login(t, "femi@goodshift.example")
		var periods struct {
			Items []struct {
				Period string `json:"period"`
			} `json:"items"`
		}
		if res := femi.JSON(http.MethodGet, "/api/v1/pay-periods", nil, &periods); res.StatusCode != http.StatusOK || len(periods.Items) < 2 {
			t.Fatalf("periods: %d %s", res.StatusCode, res.Body)
		}
		type sheet struct {
			EmployeeID      string `json:"employee_id"`
			EmployeeName    string `json:"employee_name"`
			Status          string `json:"status"`
			ApprovedMinutes int    `json:"approved_minutes"`
			Adjustments     []struct {
				Change       string `json:"change"`
				DeltaMinutes int    `json:"delta_minutes"`
				Delta        string `json:"delta"`
			} `json:"adjustments"`
			Totals struct {
				PaidMinutes int `json:"paid_minutes"`
			} `json:"totals"`
		}
		approved, adjusted := 0, 0
		for _, p := range periods.Items[:2] { // the current period and the closed one before it
			var sheets struct{ Items []sheet }
			if res := femi.JSON(http.MethodGet, "/api/v1/timesheets?period="+p.Period, nil, &sheets); res.StatusCode != http.StatusOK {
				t.Fatalf("timesheets %s: %d %s", p.Period, res.StatusCode, res.Body)
			}
			for _, ts := range sheets.Items {
				if ts.Status != "approved" {
					continue
				}
				approved++
				sum := 0
				for _, a := range ts.Adjustments {
					sum += a.DeltaMinutes
					if a.DeltaMinutes == 0 || !strings.HasPrefix(a.Delta, "+") && !strings.HasPrefix(a.Delta, "-") {
						t.Errorf("%s %s: adjustment %q shows %q", p.Period, ts.EmployeeName, a.Change, a.Delta)
					}
				}
				if ts.ApprovedMinutes+sum != ts.Totals.PaidMinutes {
					t.Errorf("%s %s: approved %d + adjustments %d != paid %d", p.Period, ts.EmployeeName, ts.ApprovedMinutes, sum, ts.Totals.PaidMinutes)
				}
				if len(ts.Adjustments) == 0 {
					continue
				}
				adjusted++
				res := femi.Get("/api/v1/employees/" + ts.EmployeeID + "/timesheets/" + p.Period + ".pdf")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("PDF: %d", res.StatusCode)
				}
				text := testenv.PDFText(t, res.Body)
				_, section, _ := strings.Cut(text, "Adjustments after approval")
				for _, a := range ts.Adjustments {
					if !strings.Contains(section, " "+a.Delta+" ") {
						t.Errorf("%s %s: the PDF's adjustments do not show %s:\n%s", p.Period, ts.EmployeeName, a.Delta, section)
					}
				}
			}
		}
		if approved == 0 || adjusted == 0 {
			t.Errorf("the demo has %d approved timesheets, %d with adjustments; want some of each", approved, adjusted)
		}
	})
}
