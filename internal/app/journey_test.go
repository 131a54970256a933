package app_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/testenv"
)

// TestContractToInvoiceAndTimesheet follows one cleaning visit through
// every domain, as the people who use Goodshift would: finance signs a
// contract, the supervisor generates the visits and staffs the open shifts
// from the candidates list, the crew clock in and out on their phones, the
// supervisor marks the visit done, the hours land on each cleaner's
// timesheet and the visit lands on the month's invoice, which finance
// issues and sends as a PDF.
func TestContractToInvoiceAndTimesheet(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		fin, sup, admin := srv.Login(t, "femi@goodshift.example"), srv.Login(t, "dana@goodshift.example"), srv.Login(t, "alex@goodshift.example")
		contractID, _ := setupContract(t, fin) // £45 a visit, Mon and Thu 06:00-08:00, crew of two

		var gen struct {
			Created []struct {
				ID   string `json:"id"`
				Date string `json:"date"`
			} `json:"created"`
		}
		mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/contracts/"+contractID+"/visits/generate",
			map[string]string{"from": "2026-11-26", "to": "2026-11-26"}, &gen), http.StatusOK)
		if len(gen.Created) != 1 {
			t.Fatalf("generated %d visits for Thu 26 Nov, want 1", len(gen.Created))
		}
		visitID := gen.Created[0].ID

		var shifts struct {
			Items []struct {
				ID      string `json:"id"`
				VisitID string `json:"visit_id"`
				Status  string `json:"status"`
			} `json:"items"`
		}
		mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/shifts?from=2026-11-26&to=2026-11-26&status=open", nil, &shifts), http.StatusOK)
		var open []string
		for _, s := range shifts.Items {
			if s.VisitID == visitID {
				open = append(open, s.ID)
			}
		}
		if len(open) != 2 {
			t.Fatalf("visit has %d open shifts, want 2", len(open))
		}

		// Staff both shifts with the best-ranked eligible people.
		emails := map[string]string{}
		var people struct {
			Items []struct {
				ID    string `json:"id"`
				Email string `json:"email"`
			} `json:"items"`
		}
		mustStatus(t, admin.JSON(http.MethodGet, "/api/v1/people", nil, &people), http.StatusOK)
		for _, p := range people.Items {
			emails[p.ID] = p.Email
		}
		var crew []string
		for _, shiftID := range open {
			var cands struct {
				Items []struct {
					EmployeeID string `json:"employee_id"`
					Eligible   bool   `json:"eligible"`
					Violations []struct {
						Severity string `json:"severity"`
					} `json:"violations"`
				} `json:"items"`
			}
			mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/shifts/"+shiftID+"/candidates", nil, &cands), http.StatusOK)
			chosen := ""
			for _, c := range cands.Items {
				if c.Eligible && len(c.Violations) == 0 && !slices.Contains(crew, c.EmployeeID) {
					chosen = c.EmployeeID
					break
				}
			}
			if chosen == "" {
				t.Fatalf("no eligible candidate without warnings for shift %s", shiftID)
			}
			mustStatus(t, sup.JSON(http.MethodPost, "/api/v1/shifts/"+shiftID+"/assign", map[string]any{"employee_id": chosen}, nil), http.StatusOK)
			crew = append(crew, chosen)
		}
		publishAPI(t, sup, "2026-11-26", "2026-11-26") // the cleaners see (and can clock in to) published shifts only

		// Thursday morning: both clock in a little early and out a little late.
		for i, shiftID := range open {
			srv.Clock.Set(civil.Date{Year: 2026, Month: 11, Day: 26}.At(5, 52+i, civil.London))
			cleaner := srv.Login(t, emails[crew[i]])
			mustStatus(t, cleaner.JSON(http.MethodPost, "/api/v1/shifts/"+shiftID+"/clock-in", nil, nil), http.StatusOK)
		}
		for i, shiftID := range open {
			srv.Clock.Set(civil.Date{Year: 2026, Month: 11, Day: 26}.At(8, 3+i, civil.London))
			cleaner := srv.Login(t, emails[crew[i]])
			mustStatus(t, cleaner.JSON(http.MethodPost, "/api/v1/shifts/"+shiftID+"/clock-out", nil, nil), http.StatusOK)
		}
		start := civil.Date{Year: 2026, Month: 11, Day: 26}.At(6, 0, civil.London).UTC()
		mustStatus(t, sup.JSON(http.MethodPatch, "/api/v1/visits/"+visitID, map[string]any{
			"status": "completed", "actual_start": start, "actual_end": start.Add(2 * time.Hour), "crew": crew,
		}, nil), http.StatusOK)

		// Each cleaner's November timesheet carries the two paid hours.
		for _, id := range crew {
			var ts struct {
				Shifts []struct {
					ShiftID     string `json:"shift_id"`
					PaidMinutes int    `json:"paid_minutes"`
				} `json:"shifts"`
			}
			mustStatus(t, sup.JSON(http.MethodGet, "/api/v1/employees/"+id+"/timesheets/2026-11", nil, &ts), http.StatusOK)
			found := false
			for _, s := range ts.Shifts {
				if slices.Contains(open, s.ShiftID) {
					found = true
					if s.PaidMinutes != 120 {
						t.Errorf("%s: the visit shift pays %d minutes, want 120 (times within the shift)", emails[id], s.PaidMinutes)
					}
				}
			}
			if !found {
				t.Errorf("%s: the worked shift is not on the November timesheet", emails[id])
			}
		}

		// Month end: the completed visit is on the draft invoice, issued with the next number.
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoice-runs", map[string]string{"period": "2026-11"}, nil), http.StatusOK)
		var invoices struct {
			Items []struct {
				ID         string `json:"id"`
				ContractID string `json:"contract_id"`
				Net        int64  `json:"net"`
				VAT        int64  `json:"vat"`
				Total      int64  `json:"total"`
			} `json:"items"`
		}
		mustStatus(t, fin.JSON(http.MethodGet, "/api/v1/invoices?period=2026-11", nil, &invoices), http.StatusOK)
		invoiceID := ""
		for _, inv := range invoices.Items {
			if inv.ContractID == contractID {
				invoiceID = inv.ID
				if inv.Net != 4500 || inv.VAT != 900 || inv.Total != 5400 {
					t.Errorf("invoice net %d VAT %d total %d, want 4500, 900, 5400 (one visit at £45 plus 20%% VAT)", inv.Net, inv.VAT, inv.Total)
				}
			}
		}
		if invoiceID == "" {
			t.Fatal("the invoice run made no invoice for the contract")
		}
		var issued struct {
			Number string `json:"number"`
		}
		mustStatus(t, fin.JSON(http.MethodPost, "/api/v1/invoices/"+invoiceID+"/issue", nil, &issued), http.StatusOK)
		if !regexp.MustCompile(`^INV-\d{6}$`).MatchString(issued.Number) {
			t.Errorf("issued number %q, want INV-000123 style", issued.Number)
		}
		pdf := fin.Get("/api/v1/invoices/" + invoiceID + ".pdf")
		mustStatus(t, pdf, http.StatusOK)
		text := testenv.PDFText(t, pdf.Body)
		for _, want := range []string{issued.Number, "£54.00", "£45.00", "PO-4471", "Riverside Dental Practice Ltd"} {
			if !strings.Contains(text, want) {
				t.Errorf("invoice PDF lacks %q", want)
			}
		}

		// The cleaners see their own hours, never the invoice.
		cleaner := srv.Login(t, emails[crew[0]])
		if r := cleaner.Get("/api/v1/invoices/" + invoiceID); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
			t.Errorf("an employee asking for an invoice got %d", r.StatusCode)
		}
		mustStatus(t, cleaner.Get("/api/v1/employees/"+crew[0]+"/timesheets/2026-11"), http.StatusOK)
		if r := cleaner.Get("/api/v1/employees/" + crew[1] + "/timesheets/2026-11"); r.StatusCode != http.StatusNotFound {
			t.Errorf("an employee asking for a colleague's timesheet got %d, want 404", r.StatusCode)
		}
	})
}
