package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goodshift/goodshift/internal/config"
)

func TestDefaultsLoadWithAnEmptyEnvironment(t *testing.T) {
	c, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatalf("defaults do not load: %v", err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.PasswordCost != 12 || c.DatabaseURL != "" {
		t.Errorf("unexpected defaults: addr %q dir %q cost %d url %q", c.Addr, c.DataDir, c.PasswordCost, c.DatabaseURL)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	for name, value := range map[string]string{
		"DATABASE_URL":             "mysql://x",
		"GOODSHIFT_PASSWORD_COST":  "3",
		"GOODSHIFT_SESSION_TTL":    "a week",
		"GOODSHIFT_BASE_URL":       "ftp://x",
		"GOODSHIFT_LOG_LEVEL":      "loud",
		"GOODSHIFT_MAX_BODY_BYTES": "12",
		"GOODSHIFT_METRICS_TOKEN":  "short",
		"GOODSHIFT_METRICS_ADDR":   ":8080",
	} {
		env := map[string]string{name: value}
		_, err := config.Load(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: got %v, want an error naming the variable", name, value, err)
		}
	}
}

// TestReadmeListsEveryVariable keeps the README's configuration table honest.
func TestReadmeListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars {
		if !strings.Contains(string(readme), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}
