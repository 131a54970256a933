package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/people"
)

type violationBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

func violations(t *testing.T, res apptest.Response) violationBody {
	t.Helper()
	var v violationBody
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Fatalf("%d %s", res.StatusCode, res.Body)
	}
	return v
}

func (v violationBody) has(rule, severity string) bool {
	for _, d := range v.Error.Details {
		if d.Rule == rule && d.Severity == severity {
			return true
		}
	}
	return false
}

// newEmployee adds an employee with no shifts who can sign in.
func newEmployee(t *testing.T, srv *apptest.Server, name, email string) *apptest.Client {
	t.Helper()
	_, err := srv.App.People.Create(context.Background(), people.NewPerson{
		Name: name, Email: email, Roles: []auth.Role{auth.Employee}, Password: demo.Password,
		Employee: &people.Employee{WorksNumber: strings.ToUpper(email[:4]) + "99", StartDate: civil.D(2024, 1, 1), DateOfBirth: civil.D(1990, 5, 5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv.Login(t, email)
}

// TestEveryAdjustmentBlocksOrWarns: through the API, each adjustment type
// blocks (hard) or warns (soft) on assignment and on claim alike, with its
// explanation; an override without a reason is refused.
func TestEveryAdjustmentBlocksOrWarns(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana := srv.Login(t, "dana@goodshift.example")
		zoe := newEmployee(t, srv, "Zoe Test", "zoe@goodshift.example")
		yan := newEmployee(t, srv, "Yan Test", "yant@goodshift.example")
		site := demoSiteID(t, srv, "Old Street studio")
		other := demoSiteID(t, srv, "Mile End hall")
		// Zoe's own shift, far off, for trades.
		var zoeShift apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": other, "starts_at": "2027-02-02T09:00:00Z", "ends_at": "2027-02-02T12:00:00Z"}, &zoeShift)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+zoeShift.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("zoe's shift: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2027-02-02", "2027-02-02")
		// Tuesday 8 December 2026 and later: well clear of the demo rota.
		day := func(offset, h, m int) string {
			return civil.D(2027, 1, 12+offset).At(h, m, civil.London).UTC().Format(time.RFC3339)
		}
		for _, tc := range []struct {
			name         string
			adjustments  map[string]any
			start, end   string
			breakMinutes int
			rule         string
			severity     string
			claimOK      bool // claiming is consent (minimum notice)
			pre          bool // Zoe already works 07:00–13:00 the day before
		}{
			{"earliest start", map[string]any{"earliest_start": "10:00"}, day(0, 7, 0), day(0, 11, 0), 0, "earliest_start", "hard", false, false},
			{"latest finish", map[string]any{"latest_finish": "15:00"}, day(0, 12, 0), day(0, 17, 0), 0, "latest_finish", "hard", false, false},
			{"max shift", map[string]any{"max_shift_minutes": 180}, day(0, 7, 0), day(0, 11, 0), 0, "max_shift", "hard", false, false},
			{"max day", map[string]any{"max_day_minutes": 120}, day(0, 7, 0), day(0, 10, 0), 0, "max_day", "hard", false, false},
			{"max week", map[string]any{"max_week_minutes": 120}, day(0, 7, 0), day(0, 10, 0), 0, "max_week", "hard", false, false},
			{"days never worked", map[string]any{"days_never_worked": []string{"tuesday"}}, day(0, 7, 0), day(0, 10, 0), 0, "days_never_worked", "hard", false, false},
			{"no nights", map[string]any{"no_nights": true}, day(0, 21, 0), day(1, 1, 0), 0, "no_nights", "hard", false, false},
			{"not alone", map[string]any{"not_alone": true}, day(0, 7, 0), day(0, 10, 0), 0, "not_alone", "hard", false, false},
			{"fixed sites", map[string]any{"fixed_sites": []string{other}}, day(0, 7, 0), day(0, 10, 0), 0, "fixed_sites", "hard", false, false},
			{"min notice", map[string]any{"min_notice_days": 60}, day(0, 7, 0), day(0, 10, 0), 0, "min_notice", "soft", true, false},
			{"extra breaks", map[string]any{"break_after_minutes": 120, "min_break_minutes": 15}, day(0, 7, 0), day(0, 10, 0), 0, "extra_breaks", "hard", false, false},
			{"phased return", map[string]any{"phased_return": []map[string]any{{"from": "2027-01-11", "max_week_minutes": 120}}}, day(0, 7, 0), day(0, 10, 0), 0, "phased_return", "hard", false, false},
			{"benefit cap", map[string]any{"benefit_cap": "permitted_work"}, day(0, 11, 0), day(0, 22, 0), 30, "benefit_cap", "soft", false, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var cur struct {
					Version int      `json:"version"`
					Rules   []string `json:"rules"`
				}
				dana.JSON(http.MethodGet, "/api/v1/employees/"+zoe.ID()+"/adjustments", nil, &cur)
				body := map[string]any{"version": cur.Version}
				for k, v := range tc.adjustments {
					body[k] = v
				}
				res := dana.JSON(http.MethodPut, "/api/v1/employees/"+zoe.ID()+"/adjustments", body, &cur)
				if res.StatusCode != http.StatusOK || len(cur.Rules) == 0 {
					t.Fatalf("put adjustments: %d %s", res.StatusCode, res.Body)
				}
				if tc.pre {
					var pre apiShift
					dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": other, "starts_at": day(-1, 7, 0), "ends_at": day(-1, 13, 0)}, &pre)
					if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+pre.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil); res.StatusCode != http.StatusOK {
						t.Fatalf("pre: %d %s", res.StatusCode, res.Body)
					}
				}
				var sh apiShift
				res = dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": tc.start, "ends_at": tc.end, "break_minutes": tc.breakMinutes}, &sh)
				if res.StatusCode != http.StatusCreated {
					t.Fatalf("create: %d %s", res.StatusCode, res.Body)
				}
				defer dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/cancel", map[string]any{"reason": "test"}, nil)
				publishAPI(t, dana, "2027-01-11", "2027-01-13") // employees claim published shifts
				res = dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID()}, nil)
				v := violations(t, res)
				if res.StatusCode != http.StatusUnprocessableEntity || !v.has(tc.rule, tc.severity) {
					t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
				}
				for _, d := range v.Error.Details {
					if d.Rule == tc.rule && !strings.Contains(d.Message, "Zoe") && tc.rule != "phased_return" {
						t.Errorf("explanation does not name the person: %s", d.Message)
					}
				}
				res = zoe.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/claim", nil, nil)
				if tc.claimOK {
					if res.StatusCode != http.StatusOK {
						t.Fatalf("claim inside notice (consent): %d %s", res.StatusCode, res.Body)
					}
					dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/unassign", nil, nil)
				} else if res.StatusCode != http.StatusUnprocessableEntity || !violations(t, res).has(tc.rule, tc.severity) {
					t.Fatalf("claim: %d %s", res.StatusCode, res.Body)
				}
				// Swaps: Yan offers, trades or releases the shift; Zoe accepting
				// meets the same rule.
				if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": yan.ID()}, nil); res.StatusCode != http.StatusOK {
					t.Fatalf("assign to Yan: %d %s", res.StatusCode, res.Body)
				}
				for _, req := range []map[string]any{
					{"shift_id": sh.ID, "to_employee_id": zoe.ID()},
					{"shift_id": sh.ID, "trade_shift_id": zoeShift.ID},
					{"shift_id": sh.ID},
				} {
					var sw struct {
						ID         string `json:"id"`
						Kind       string `json:"kind"`
						Status     string `json:"status"`
						Violations []struct {
							Rule string `json:"rule"`
						} `json:"violations"`
					}
					res := yan.JSON(http.MethodPost, "/api/v1/swaps", req, &sw)
					if _, offer := req["to_employee_id"]; tc.severity == "hard" && !tc.claimOK && (offer || req["trade_shift_id"] != nil) {
						// issue 17: a colleague a hard rule stops is refused when
						// offered (422, plain words, nothing of their adjustments).
						if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "Zoe is not available for this shift.") {
							t.Fatalf("swap %v offered to someone it cannot go to: %d %s", req, res.StatusCode, res.Body)
						}
						continue
					}
					if res.StatusCode != http.StatusCreated {
						t.Fatalf("swap %v: %d %s", req, res.StatusCode, res.Body)
					}
					res = zoe.JSON(http.MethodPost, "/api/v1/swaps/"+sw.ID+"/accept", nil, &sw)
					switch {
					case tc.claimOK:
						if res.StatusCode != http.StatusOK || sw.Status != "awaiting_approval" || len(sw.Violations) != 0 {
							t.Fatalf("%s accepted inside notice (consent): %d %s", req, res.StatusCode, res.Body)
						}
					case tc.severity == "hard":
						if res.StatusCode != http.StatusUnprocessableEntity || !violations(t, res).has(tc.rule, "hard") {
							t.Fatalf("%v accept: %d %s", req, res.StatusCode, res.Body)
						}
					default:
						if res.StatusCode != http.StatusOK || sw.Status != "awaiting_approval" || len(sw.Violations) == 0 || sw.Violations[0].Rule != tc.rule {
							t.Fatalf("%v accept (soft): %d %s", req, res.StatusCode, res.Body)
						}
						// The supervisor approving needs a reason.
						if res := dana.JSON(http.MethodPost, "/api/v1/swaps/"+sw.ID+"/approve", nil, nil); res.StatusCode != http.StatusUnprocessableEntity {
							t.Fatalf("approve without a reason: %d %s", res.StatusCode, res.Body)
						}
					}
					if res := yan.JSON(http.MethodPost, "/api/v1/swaps/"+sw.ID+"/cancel", nil, nil); res.StatusCode != http.StatusOK {
						t.Fatalf("cancel swap: %d %s", res.StatusCode, res.Body)
					}
				}
				if tc.severity == "soft" {
					res = dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID(), "override_reason": "  "}, nil)
					if res.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("override without a reason: %d %s", res.StatusCode, res.Body)
					}
					res = dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID(), "override_reason": "Zoe agreed on the phone"}, nil)
					if res.StatusCode != http.StatusOK {
						t.Fatalf("override: %d %s", res.StatusCode, res.Body)
					}
				} else {
					res = dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": zoe.ID(), "override_reason": "please"}, nil)
					if res.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("hard rule overridden: %d %s", res.StatusCode, res.Body)
					}
				}
			})
		}
		// Reading adjustments: own yes, a colleague's no (404); finance 403.
		if res := zoe.Get("/api/v1/employees/" + zoe.ID() + "/adjustments"); res.StatusCode != http.StatusOK {
			t.Errorf("own adjustments: %d", res.StatusCode)
		}
		sam := srv.Login(t, "sam@goodshift.example")
		if res := sam.Get("/api/v1/employees/" + zoe.ID() + "/adjustments"); res.StatusCode != http.StatusNotFound {
			t.Errorf("colleague's adjustments: %d", res.StatusCode)
		}
		if res := zoe.JSON(http.MethodPut, "/api/v1/employees/"+zoe.ID()+"/adjustments", map[string]any{}, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee editing adjustments: %d", res.StatusCode)
		}
		if res := dana.JSON(http.MethodPut, "/api/v1/employees/"+zoe.ID()+"/adjustments", map[string]any{"version": 1, "earliest_start": "10:00"}, nil); res.StatusCode != http.StatusConflict {
			t.Errorf("stale version: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.JSON(http.MethodPut, "/api/v1/employees/"+zoe.ID()+"/adjustments", map[string]any{"earliest_start": "7 o'clock"}, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad adjustment: %d %s", res.StatusCode, res.Body)
		}
	})
}
