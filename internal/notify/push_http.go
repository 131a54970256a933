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
	Form     *web.Form // the choices, as stored or as posted
	PushKey  string    // VAPID public key; "" when push is off
	Devices  int
	Employee bool
}

// settingsForm declares the Notifications form (web.Form); a ticked box
// posts "on".
func settingsForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "swaps", Label: "Swaps", Kind: web.KindText},
		web.Field{Name: "shifts", Label: "My shifts", Kind: web.KindText},
		web.Field{Name: "leave", Label: "Leave", Kind: web.KindText},
		web.Field{Name: "quiet_start", Label: "Quiet from", Kind: web.KindTime, Keys: []string{"quiet_hours"}},
		web.Field{Name: "quiet_end", Label: "Quiet until", Kind: web.KindTime},
		web.Field{Name: "reminders", Label: "Shift reminders", Kind: web.KindText},
	)
}

func (h *Handler) settingsPage(c *gin.Context, status int, f *web.Form) {
	p := web.MustPrincipal(c)
	n, err := h.svc.Subscriptions(c.Request.Context(), p.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, status, "notify/settings", settingsView{Form: f, Devices: n, PushKey: h.svc.VAPIDPublicKey(), Employee: p.Has(auth.Employee)})
}

func (h *Handler) settings(c *gin.Context) {
	prefs, err := h.svc.PreferencesOf(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := settingsForm().Set("quiet_start", Clock(prefs.QuietStart)).Set("quiet_end", Clock(prefs.QuietEnd))
	for k, on := range map[string]bool{"swaps": prefs.Swaps, "shifts": prefs.Shifts, "leave": prefs.Leave, "reminders": prefs.Reminders} {
		if on {
			f.Set(k, "on")
		}
	}
	h.settingsPage(c, http.StatusOK, f)
}

func (h *Handler) saveSettings(c *gin.Context) {
	f := settingsForm().Posted(c)
	on := func(k string) bool { return f.Value(k) == "on" }
	prefs := Preferences{Swaps: on("swaps"), Shifts: on("shifts"), Leave: on("leave"), Reminders: on("reminders"), QuietStart: -1, QuietEnd: -1}
	qs, qe := f.Value("quiet_start"), f.Value("quiet_end")
	if qs != "" || qe != "" {
		var ok1, ok2 bool
		prefs.QuietStart, ok1 = ParseClock(qs)
		prefs.QuietEnd, ok2 = ParseClock(qe)
		switch {
		case qs == "":
			f.Error("quiet_start", "Enter when quiet hours start, like 22:00, or leave both times empty for no quiet hours")
		case !ok1:
			f.Error("quiet_start", "Quiet from must be a time like 22:00")
		}
		switch {
		case qe == "":
			f.Error("quiet_end", "Enter when quiet hours end, like 07:00, or leave both times empty for no quiet hours")
		case !ok2:
			f.Error("quiet_end", "Quiet until must be a time like 07:00")
		}
	}
	if !f.OK() {
		h.settingsPage(c, f.Status(), f)
		return
	}
	if err := h.svc.SetPreferences(c.Request.Context(), web.MustPrincipal(c).ID, prefs); err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.settingsPage(c, f.Status(), f)
		return
	}
	web.Success(c, "Saved your notification settings.")
	web.Redirect(c, SettingsPath)
}
