package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheckCommand(t *testing.T) {
	te := newTestEnv(t, "")
	base, stop := serve(t, te, "serve")
	defer stop()
	// The listener is open before serve has migrated; the command's own
	// short timeout is for a server that is up, so wait until this one is.
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := te.run(context.Background(), "", "healthcheck", "--url", base+"/readyz"); err != nil {
		t.Fatalf("healthcheck of a running server: %v", err)
	}
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer down.Close()
	err = te.run(context.Background(), "", "healthcheck", "--url", down.URL+"/readyz")
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("healthcheck of an unready server: got %v, want an error naming 503", err)
	}
}

func TestReadyURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/readyz",
		"[::]:8080":      "http://127.0.0.1:8080/readyz",
		"10.0.0.5:8080":  "http://10.0.0.5:8080/readyz",
		"localhost:8080": "http://localhost:8080/readyz",
	} {
		if got := readyURL(addr); got != want {
			t.Errorf("readyURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
