package notify

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// SettingsPath is the Notifications page (listed under "Me").
const SettingsPath = "/me/notifications"

// PushRoutes registers the push subscription API and the Notifications
// settings page.
func (h *Handler) PushRoutes(api, root web.Routes) {
	api.POST("/me/push-subscriptions", auth.SignedIn, web.JSON(h.subscribe).Created())
	api.POST("/me/push-subscriptions/remove", auth.SignedIn, web.JSON(h.unsubscribe))
	root.GET(SettingsPath, auth.SignedIn, h.settings)
	root.POST(SettingsPath, auth.SignedIn, h.saveSettings)
	h.shell.AddNav(web.NavItem{Label: "Notifications", Path: SettingsPath, Action: auth.SignedIn, Order: 95})
}

type subscribed struct {
	Subscribed bool `json:"subscribed"`
}

func (h *Handler) subscribe(c *gin.Context, in Subscription) (subscribed, error) {
	if err := h.svc.Subscribe(c.Request.Context(), web.MustPrincipal(c).ID, in); err != nil {
		return subscribed{}, err
	}
	return subscribed{true}, nil
}

type unsubscribeRequest struct {
	Endpoint string `json:"endpoint"`
}

func (h *Handler) unsubscribe(c *gin.Context, in unsubscribeRequest) (subscribed, error) {
	if in.Endpoint == "" {
		return subscribed{}, errs.E(errs.Invalid, "Say which subscription to remove (its endpoint).")
	}
	return subscribed{false}, h.svc.Unsubscribe(c.Request.Context(), web.MustPrincipal(c).ID, in.Endpoint)
}

// settingsView is what the Notifications page shows.
type settingsView struct {
	Prefs      Preferences
	QuietStart string // as typed, kept on error
	QuietEnd   string
	Error      string // a problem with the quiet hours, shown by the fields
	PushKey    string // VAPID public key; "" when push is off
	Devices    int
	Employee   bool
}

func (h *Handler) settingsPage(c *gin.Context, status int, v settingsView) {
	p := web.MustPrincipal(c)
	n, err := h.svc.Subscriptions(c.Request.Context(), p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	v.Devices, v.PushKey, v.Employee = n, h.svc.VAPIDPublicKey(), p.Has(auth.Employee)
	h.shell.Renderer.HTML(c, status, "notify/settings", v)
}

func (h *Handler) settings(c *gin.Context) {
	prefs, err := h.svc.PreferencesOf(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.settingsPage(c, http.StatusOK, settingsView{Prefs: prefs, QuietStart: Clock(prefs.QuietStart), QuietEnd: Clock(prefs.QuietEnd)})
}

func (h *Handler) saveSettings(c *gin.Context) {
	on := func(k string) bool { return c.PostForm(k) == "on" }
	v := settingsView{
		Prefs:      Preferences{Swaps: on("swaps"), Shifts: on("shifts"), Leave: on("leave"), Reminders: on("reminders"), QuietStart: -1, QuietEnd: -1},
		QuietStart: c.PostForm("quiet_start"), QuietEnd: c.PostForm("quiet_end"),
	}
	if v.QuietStart != "" || v.QuietEnd != "" {
		qs, ok1 := ParseClock(v.QuietStart)
		qe, ok2 := ParseClock(v.QuietEnd)
		switch {
		case !ok1 || !ok2:
			v.Error = "Enter both times like 22:00 and 07:00, or leave both empty for no quiet hours."
		default:
			v.Prefs.QuietStart, v.Prefs.QuietEnd = qs, qe
		}
	}
	if v.Error == "" {
		err := h.svc.SetPreferences(c.Request.Context(), web.MustPrincipal(c).ID, v.Prefs)
		if errs.CodeOf(err) == errs.Invalid {
			_, v.Error, _ = errs.Public(err)
		} else if err != nil {
			web.Fail(c, err)
			return
		}
	}
	if v.Error != "" {
		h.settingsPage(c, http.StatusUnprocessableEntity, v)
		return
	}
	web.Success(c, "Saved your notification settings.")
	web.Redirect(c, SettingsPath)
}
