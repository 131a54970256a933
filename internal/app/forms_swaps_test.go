package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/civil"
)

// Swap approvals: a supervisor's reason kept by its box when refused.
var swapFormCases = []formCase{
	{
		name: "swap approvals: a reason for not approving that is too long",
		as:   "dana@goodshift.example", pageF: releasedSwapPage, form: `#approvals > li:first-child form[action$="/reject"]`,
		set: url.Values{"reason": {strings.Repeat("n", 501)}},
		bad: "reason", want: "Why not is at most 500 characters",
		state: tables("swaps", "swap_events"),
	},
}

func init() { formCases = append(formCases, swapFormCases...) }

// releasedSwapPage gives Sam a published shift a month ahead, has him
// release it to the open pool (a request in the supervisors' queue), and
// returns the approvals page.
func releasedSwapPage(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	dana := srv.Login(t, "dana@goodshift.example")
	sam := srv.Login(t, "sam@goodshift.example")
	day := civil.In(srv.Clock.Now(), civil.London).AddDays(30)
	var sh apiShift
	in := map[string]any{"site_id": demoSiteID(t, srv, "Mile End hall"), "starts_at": day.At(9, 0, civil.London).UTC().Format(time.RFC3339),
		"ends_at": day.At(12, 0, civil.London).UTC().Format(time.RFC3339)}
	if res := dana.JSON(http.MethodPost, "/api/v1/shifts", in, &sh); res.StatusCode != http.StatusCreated {
		t.Fatalf("shift: %d %s", res.StatusCode, res.Body)
	}
	if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
	}
	publishAPI(t, dana, day.String(), day.String())
	if res := sam.JSON(http.MethodPost, "/api/v1/swaps", map[string]any{"shift_id": sh.ID}, nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("release: %d %s", res.StatusCode, res.Body)
	}
	return "/rota/approvals"
}
