package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/config"
)

// healthcheckCmd asks a running server's /readyz and exits non-zero unless it
// answers 200. The container image has no shell or curl, so the compose
// healthcheck runs the binary itself.
func healthcheckCmd(ctx context.Context, args []string, e env) error {
	fs := flags("healthcheck", "healthcheck [--url http://127.0.0.1:8080/readyz]", e)
	target := fs.String("url", "", "URL to check (default /readyz on $GOODSHIFT_ADDR at 127.0.0.1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *target == "" {
		cfg, err := config.Load(e.getenv)
		if err != nil {
			return err
		}
		*target = readyURL(cfg.Addr)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *target, res.Status)
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}

// readyURL turns a listen address (":8080", "0.0.0.0:8080", "[::]:8080")
// into the local readiness URL.
func readyURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + strings.TrimPrefix(addr, "http://") + "/readyz"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}
