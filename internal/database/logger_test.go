package database

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm/logger"
)

func TestQuietLoggerFormatsOnlyWhatItLogs(t *testing.T) {
	var buf bytes.Buffer
	cfg := logger.Config{SlowThreshold: time.Second, LogLevel: logger.Warn, ParameterizedQueries: true}
	l := newQuietLogger(logger.NewSlogLogger(slog.New(slog.NewTextHandler(&buf, nil)), cfg), cfg)
	calls := 0
	fc := func() (string, int64) { calls++; return "SELECT 1", 1 }
	ctx := context.Background()

	l.Trace(ctx, time.Now(), fc, nil)
	l.Trace(ctx, time.Now(), fc, logger.ErrRecordNotFound)
	if calls != 0 || buf.Len() != 0 {
		t.Fatalf("a quick, successful statement was formatted %d times and logged %q", calls, buf.String())
	}
	l.Trace(ctx, time.Now().Add(-2*time.Second), fc, nil)
	if calls != 1 || !strings.Contains(buf.String(), "SELECT 1") {
		t.Fatalf("a slow statement: %d calls, log %q", calls, buf.String())
	}
	l.Trace(ctx, time.Now(), fc, errors.New("boom"))
	if calls != 2 || !strings.Contains(buf.String(), "boom") {
		t.Fatalf("a failed statement: %d calls, log %q", calls, buf.String())
	}
	l.LogMode(logger.Silent).Trace(ctx, time.Now(), fc, errors.New("boom"))
	if calls != 2 {
		t.Fatal("a silent logger formatted a statement")
	}
	l.LogMode(logger.Info).Trace(ctx, time.Now(), fc, nil)
	if calls != 3 {
		t.Fatal("an Info logger did not log a statement")
	}
}

// A failed statement is logged without its values, which may be personal.
func TestFailedStatementIsLoggedWithoutValues(t *testing.T) {
	var buf bytes.Buffer
	db, err := Open(context.Background(), Options{SQLitePath: filepath.Join(t.TempDir(), "t.db"),
		Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Close(db) })
	if err := db.Exec("SELECT * FROM no_such_table WHERE name = ?", "Marker-Sam-Jones").Error; err == nil {
		t.Fatal("query on a missing table succeeded")
	}
	out := buf.String()
	if !strings.Contains(out, "no_such_table") {
		t.Fatalf("failed statement not logged: %q", out)
	}
	if strings.Contains(out, "Marker-Sam-Jones") {
		t.Fatalf("a value reached the log: %q", out)
	}
}
