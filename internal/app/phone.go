package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/web"
)

// wirePhone adds what the employee's phone needs (issue 17, docs/phone.md):
// the bottom bar and the Me page, the service worker and the manifest, the
// calendar page.
func (a *App) wirePhone(shell *web.Shell, root web.Routes) {
	shell.SetPhoneBar(
		web.BarItem{Label: "Week", Path: "/rota/week", Action: auth.ShiftsMine},
		web.BarItem{Label: "Open", Path: "/rota/open", Action: auth.ShiftsMine},
		web.BarItem{Label: "Requests", Path: "/rota/inbox", Action: auth.ShiftsMine, Tabs: []web.NavItem{
			{Label: "Swaps", Path: "/rota/inbox", Action: auth.ShiftsMine},
			{Label: "Inbox", Path: "/inbox", Action: auth.SignedIn},
		}, Count: a.requestsWaiting},
		web.BarItem{Label: "Clock", Path: "/clock", Action: auth.ClockOwn, Tabs: []web.NavItem{
			{Label: "Clock", Path: "/clock", Action: auth.ClockOwn},
			{Label: "My hours", Path: payroll.MyHoursPath, Action: auth.ClockOwn},
		}},
		web.BarItem{Label: "Me", Path: web.MePath, Action: auth.SignedIn},
	)
	root.GET(web.MePath, auth.SignedIn, shell.MePage)
	shell.HideFromMe("/payroll/timesheets")     // employees' timesheets are My hours, under Clock
	a.Payroll.UseQueryInbox(a.Notify, a.People) // hours queries reach the supervisors' inboxes
	notify.NewHandler(a.Notify, shell).PushRoutes(shell.API(), root)
	root.GET("/sw.js", auth.Public, shell.ServiceWorker())
	root.GET("/manifest.webmanifest", auth.Public, shell.Manifest())
	rota.NewCalendarPages(a.Rota, shell, purposeKey(a.Config.SecretKey, "calendar-feed-links")).Routes(root)
}

// requestsWaiting is the badge on "Requests": swap offers waiting for p's
// answer plus p's unread inbox messages, counted in the database on each
// page (several servers share it; nothing is kept in the process).
func (a *App) requestsWaiting(c *gin.Context, p auth.Principal) (int, error) {
	ctx := c.Request.Context()
	swaps, err := a.Rota.SwapsWaitingFor(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	unread, err := a.Notify.UnreadCount(ctx, p.ID)
	return swaps + unread, err
}

// purposeKey derives an independent key for one purpose from the secret key.
func purposeKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// pushConfig is Web Push's configuration: the VAPID keys from the
// environment, or else, on the embedded SQLite database only, the
// development key file in the data directory. On PostgreSQL without keys
// push is off (every process must share one pair: production sets them).
func (a *App) pushConfig() (notify.Push, error) {
	c := a.Config.Push
	p := notify.Push{VAPIDPrivateKey: c.VAPIDPrivateKey, VAPIDPublicKey: c.VAPIDPublicKey, Subject: c.Subject, AllowHTTP: c.AllowHTTPEndpoints}
	if p.VAPIDPrivateKey != "" {
		return p, nil
	}
	if a.Config.DatabaseURL != "" {
		// Several servers may share the database: a key file per data
		// directory would give each its own pair. Push stays off.
		a.Logger.Info("web push is off: set GOODSHIFT_VAPID_PRIVATE_KEY to send notifications to phones")
		return notify.Push{}, nil
	}
	priv, pub, created, err := config.DevVAPIDKeys(a.Config.DataDir)
	if err != nil {
		return notify.Push{}, fmt.Errorf("web push: %w", err)
	}
	if created {
		a.Logger.Info("web push: made a development VAPID key pair in the data directory; set GOODSHIFT_VAPID_PRIVATE_KEY in production", "file", config.VAPIDKeyFile)
	}
	p.VAPIDPrivateKey, p.VAPIDPublicKey = priv, pub
	return p, nil
}
