package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/securecookie"
)

// Flash is a one-time message shown on the next page after a redirect.
type Flash struct {
	Kind    string // "success", "error" or "info"
	Message string
}

const flashCookie = "goodshift_flash"

// SetFlash queues a message for the next page the person sees.
func SetFlash(c *gin.Context, kind, message string) {
	r := rendererFrom(c)
	if r == nil {
		return
	}
	v, err := r.shell.cookies.Encode(flashCookie, Flash{Kind: kind, Message: message})
	if err != nil {
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: flashCookie, Value: v, Path: "/", HttpOnly: true,
		Secure: r.shell.opts.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 300,
	})
}

// Success and Problem are the common cases of SetFlash.
func Success(c *gin.Context, message string) { SetFlash(c, "success", message) }
func Problem(c *gin.Context, message string) { SetFlash(c, "error", message) }

func takeFlash(c *gin.Context, cookies *securecookie.SecureCookie) *Flash {
	raw, err := c.Cookie(flashCookie)
	if err != nil || raw == "" {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	var f Flash
	if cookies.Decode(flashCookie, raw, &f) != nil {
		return nil
	}
	return &f
}
