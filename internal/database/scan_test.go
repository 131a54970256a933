package database

import (
	"testing"
	"time"
)

func TestInstantReadsBothDatabasesForms(t *testing.T) {
	want := time.Date(2026, 10, 25, 0, 30, 0, 123000000, time.UTC)
	for _, v := range []any{
		want.In(time.FixedZone("BST", 3600)),
		"2026-10-25 01:30:00.123+01:00",
		[]byte("2026-10-25T00:30:00.123Z"),
		"2026-10-25 00:30:00.123",
	} {
		var got time.Time
		if err := (Instant{&got}).Scan(v); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Scan(%#v) = %v, %v; want %v UTC", v, got, err, want)
		}
	}
	var got time.Time
	for _, bad := range []any{nil, "yesterday", 42} {
		if err := (Instant{&got}).Scan(bad); err == nil {
			t.Errorf("Scan(%#v) accepted", bad)
		}
	}
}
