package app_test

import (
	"os"
	"testing"

	"github.com/goodshift/goodshift/internal/app/apptest"
)

// TestMain removes the seed templates apptest keeps for the process.
func TestMain(m *testing.M) {
	code := m.Run()
	apptest.RemoveTemplates()
	os.Exit(code)
}
