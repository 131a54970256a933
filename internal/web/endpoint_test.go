package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
)

type echoReq struct {
	Name string `json:"name"`
}

// TestEndpointBodies: JSON endpoints want a JSON content type (415
// otherwise), no-body endpoints refuse a body before they run, optional
// bodies may be left out, and results are rendered with their status.
func TestEndpointBodies(t *testing.T) {
	shell := newTestShell(t)
	calls := 0
	api := shell.API()
	api.POST("/echo", auth.Public, JSON(func(c *gin.Context, r echoReq) (echoReq, error) { calls++; return r, nil }).Created())
	api.POST("/act", auth.Public, NoBody(func(c *gin.Context) (NoContent, error) { calls++; return NoContent{}, nil }))
	api.POST("/maybe", auth.Public, OptionalJSON(func(c *gin.Context, r echoReq) (echoReq, error) { calls++; return r, nil }))
	api.POST("/plain", auth.Public, func(c *gin.Context) { calls++ })
	for _, tc := range []struct {
		path, contentType, body string
		status, calls           int
	}{
		{"/echo", "application/json", `{"name":"a"}`, http.StatusCreated, 1},
		{"/echo", "application/json; charset=utf-8", `{"name":"a"}`, http.StatusCreated, 1},
		{"/echo", "text/plain", `{"name":"a"}`, http.StatusUnsupportedMediaType, 0},
		{"/echo", "", `{"name":"a"}`, http.StatusUnsupportedMediaType, 0},
		{"/echo", "application/x-www-form-urlencoded", `name=a`, http.StatusUnsupportedMediaType, 0},
		{"/echo", "application/json", ``, http.StatusBadRequest, 0},
		{"/echo", "application/json", `{"name":"a"`, http.StatusBadRequest, 0},
		{"/act", "", ``, http.StatusNoContent, 1},
		{"/act", "application/json", `{}`, http.StatusBadRequest, 0},
		{"/act", "application/json", `{"name":`, http.StatusBadRequest, 0},
		{"/act", "text/plain", `x`, http.StatusUnsupportedMediaType, 0},
		{"/maybe", "", ``, http.StatusOK, 1},
		{"/maybe", "application/json", `{"name":"b"}`, http.StatusOK, 1},
		{"/maybe", "application/json", `{"nope":1}`, http.StatusBadRequest, 0},
		{"/plain", "application/json", `{}`, http.StatusBadRequest, 0}, // undeclared: no body
		{"/plain", "", ``, http.StatusOK, 1},
	} {
		calls = 0
		req := httptest.NewRequest(http.MethodPost, "/api/v1"+tc.path, strings.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		rec := httptest.NewRecorder()
		shell.Engine.ServeHTTP(rec, req)
		if rec.Code != tc.status || calls != tc.calls {
			t.Errorf("%s %q %q: status %d calls %d, want %d and %d: %s", tc.path, tc.contentType, tc.body, rec.Code, calls, tc.status, tc.calls, rec.Body)
		}
	}
	shell.Routes.DeclareBody(BodyRequired, "POST /api/v1/plain")
	req := httptest.NewRequest(http.MethodPost, "/api/v1/plain", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	shell.Engine.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("declared body: %d", rec.Code)
	}
}

func TestHSTSOnlyForHTTPS(t *testing.T) {
	for _, on := range []bool{false, true} {
		shell := newTestShell(t, func(o *Options) { o.HSTS = on })
		rec := httptest.NewRecorder()
		shell.Engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nowhere", nil))
		if got := rec.Header().Get("Strict-Transport-Security"); (got != "") != on {
			t.Errorf("HSTS %v: header %q", on, got)
		}
	}
}
