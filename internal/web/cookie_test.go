package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/web"
)

// TestSessionCookieIsRelative: the session cookie says how long it lasts,
// never until when. A browser judges an Expires date by its own clock; the
// server alone decides expiry, by the injected clock.
func TestSessionCookieIsRelative(t *testing.T) {
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	web.SetSessionCookie(c, "token-value", 7*24*time.Hour, true)
	raw := w.Header().Get("Set-Cookie")
	if strings.Contains(strings.ToLower(raw), "expires=") {
		t.Errorf("session cookie carries an instant: %s", raw)
	}
	cookies := (&http.Response{Header: w.Header()}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies: %v", raw)
	}
	ck := cookies[0]
	if ck.MaxAge != 7*24*60*60 || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v", ck)
	}
}
