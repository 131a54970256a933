package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
)

// TestBrowserSwapOfferOnlyToEligible, on a 390 px phone: Sam offers a
// shift; Kwame, who already works then, is not in the "offer to" list, and
// "Why can't I offer it to others?" says why in plain words. Priya, free,
// is offered it. Offering to Kwame anyway (a form posted by hand) is
// refused with the reason, and nothing is written.
func TestBrowserSwapOfferOnlyToEligible(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	dana := srv.Login(t, "dana@goodshift.example")
	sam := newEmployee(t, srv, "Sam Reyes", "sam.reyes@goodshift.example")
	kwame := newEmployee(t, srv, "Kwame Boateng", "kwame.boateng@goodshift.example")
	priya := newEmployee(t, srv, "Priya Natt", "priya.natt@goodshift.example")
	site := demoSiteID(t, srv, "Mile End hall")
	put := func(who *apptest.Client, start, end string) apiShift {
		var sh apiShift
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": start, "ends_at": end}, &sh); res.StatusCode != http.StatusCreated {
			t.Fatalf("shift: %d %s", res.StatusCode, res.Body)
		}
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": who.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		return sh
	}
	sh := put(sam, "2026-11-26T18:00:00Z", "2026-11-26T20:30:00Z")
	put(kwame, "2026-11-26T19:00:00Z", "2026-11-26T21:00:00Z")
	publishAPI(t, dana, "2026-11-26", "2026-11-26")

	apptest.Steps(t, ctx, "sam-sign-in", srv.SignInSteps("sam.reyes@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "sam-shift",
		chromedp.Navigate(srv.URL+"/rota/shifts/"+sh.ID),
		chromedp.WaitVisible(chromedp.CSS(`#to_employee_id`)),
	)
	offered, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#to_employee_id option')].map(o => o.value).filter(v => v)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(offered, " "), kwame.ID()) || !strings.Contains(strings.Join(offered, " "), priya.ID()) {
		t.Fatalf("offer list: %v (Kwame %s, Priya %s)", offered, kwame.ID(), priya.ID())
	}
	// The reason is there on request.
	apptest.Steps(t, ctx, "sam-why",
		chromedp.Click(chromedp.CSS(`#cannot-offer summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#cannot-offer li[data-employee="`+kwame.ID()+`"]`)),
	)
	apptest.Screenshot(t, ctx, "swap-offer-why-not")
	why, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#cannot-offer li[data-employee="`+kwame.ID()+`"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if why != "Kwame Boateng: Kwame already works at that time." {
		t.Errorf("reason shown: %q", why)
	}

	// Posting an offer to Kwame anyway: refused in plain words, nothing written.
	apptest.Steps(t, ctx, "sam-offers-kwame-anyway",
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#to_employee_id'); const o = document.createElement('option'); o.value = '`+kwame.ID()+`'; s.appendChild(o); s.value = o.value; })()`),
		chromedp.Click(chromedp.CSS(`#offer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-error`)),
	)
	apptest.Screenshot(t, ctx, "swap-offer-refused")
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "You cannot offer this shift to Kwame Boateng. Kwame already works at that time.") {
		t.Errorf("refusal: %q", body)
	}
	for _, bad := range []string{"[hard]", "Not done", "to_employee_id"} {
		if strings.Contains(body, bad) {
			t.Errorf("page says %q", bad)
		}
	}
	var mine struct {
		Items []struct{ ID string } `json:"items"`
	}
	sam.JSON(http.MethodGet, "/api/v1/me/swaps", nil, &mine)
	if len(mine.Items) != 0 {
		t.Fatalf("a refused offer was written: %+v", mine)
	}

	// The API refuses too, with 422 and a plain message.
	res := sam.JSON(http.MethodPost, "/api/v1/swaps", map[string]any{"shift_id": sh.ID, "to_employee_id": kwame.ID()}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "Kwame already works at that time.") {
		t.Fatalf("API offer to Kwame: %d %s", res.StatusCode, res.Body)
	}
	// And Priya can be offered it.
	apptest.Steps(t, ctx, "sam-offers-priya",
		chromedp.Navigate(srv.URL+"/rota/shifts/"+sh.ID),
		chromedp.WaitVisible(chromedp.CSS(`#to_employee_id`)),
		chromedp.SetValue(chromedp.CSS(`#to_employee_id`), priya.ID()),
		chromedp.Click(chromedp.CSS(`#offer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)),
	)
}
