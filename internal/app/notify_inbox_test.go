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

// TestSwapNotifiesThroughTheInbox: an offer lands in the colleague's inbox
// (API and page, with the unread count); opening it marks it read.
func TestSwapNotifiesThroughTheInbox(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{})
		dana := srv.Login(t, "dana@goodshift.example")
		sam := srv.Login(t, "sam@goodshift.example")
		priya := srv.Login(t, "priya@goodshift.example")
		site := demoSiteID(t, srv, "Mile End hall")
		var sh apiShift
		dana.JSON(http.MethodPost, "/api/v1/shifts", map[string]any{"site_id": site, "starts_at": "2027-01-12T09:00:00Z", "ends_at": "2027-01-12T12:00:00Z"}, &sh)
		if res := dana.JSON(http.MethodPost, "/api/v1/shifts/"+sh.ID+"/assign", map[string]any{"employee_id": sam.ID()}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		publishAPI(t, dana, "2027-01-12", "2027-01-12")
		var before struct {
			Unread int `json:"unread"`
		}
		priya.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &before)
		if res := sam.JSON(http.MethodPost, "/api/v1/swaps", map[string]any{"shift_id": sh.ID, "to_employee_id": priya.ID()}, nil); res.StatusCode != http.StatusCreated {
			t.Fatalf("offer: %d %s", res.StatusCode, res.Body)
		}
		var box struct {
			Items []struct {
				ID      string `json:"id"`
				Subject string `json:"subject"`
				Body    string `json:"body"`
			} `json:"items"`
			Unread int `json:"unread"`
		}
		priya.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		if box.Unread != before.Unread+1 || len(box.Items) == 0 || !strings.Contains(box.Items[0].Body, "Sam Okafor offers you their shift at Mile End hall") {
			t.Fatalf("inbox: %+v", box)
		}
		page := srv.SignIn(t, "priya@goodshift.example")
		res, doc := page.Page("/inbox")
		if res.StatusCode != http.StatusOK || !strings.Contains(doc.Find("#unread-count").Text(), "unread") {
			t.Fatalf("inbox page: %d %s", res.StatusCode, res.Body)
		}
		if _, home := page.Page("/"); home.Find("#inbox-panel").Length() != 1 {
			t.Error("home page has no inbox panel")
		}
		page.Page("/inbox")
		res = page.Submit("/inbox/"+box.Items[0].ID+"/read", map[string][]string{"next": {"/rota/inbox"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/rota/inbox" {
			t.Fatalf("open: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		priya.JSON(http.MethodGet, "/api/v1/me/notifications", nil, &box)
		if box.Unread != before.Unread {
			t.Errorf("unread after opening: %d", box.Unread)
		}
		// Someone else's notification is not found.
		if res := sam.JSON(http.MethodPost, "/api/v1/me/notifications/"+box.Items[0].ID+"/read", nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("someone else's notification: %d", res.StatusCode)
		}
	})
}
