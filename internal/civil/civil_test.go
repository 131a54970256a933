package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateBasics(t *testing.T) {
	d := D(2026, 1, 32)
	if d != (Date{2026, 2, 1}) {
		t.Fatalf("D normalises overflow: got %v", d)
	}
	if got := D(2026, 3, 28).AddDays(2).String(); got != "2026-03-30" {
		t.Errorf("AddDays: %s", got)
	}
	if D(2026, 11, 1).DaysUntil(D(2026, 12, 1)) != 30 {
		t.Errorf("DaysUntil wrong")
	}
	if !D(2026, 1, 1).Before(D(2026, 1, 2)) || D(2026, 1, 2).Before(D(2026, 1, 2)) {
		t.Errorf("Before wrong")
	}
	if _, err := Parse("2026-02-30"); err == nil {
		t.Errorf("Parse accepted 30 February")
	}
}

func TestDateOverClockChange(t *testing.T) {
	// 25 October 2026 is the last Sunday of October: clocks go back at 02:00 BST.
	start := D(2026, 10, 24).At(22, 0, London)
	end := D(2026, 10, 25).At(6, 0, London)
	if got := end.Sub(start); got != 9*time.Hour {
		t.Fatalf("22:00-06:00 over the October change is %v, want 9h", got)
	}
	if In(end.UTC(), London) != D(2026, 10, 25) {
		t.Errorf("In: wrong local date")
	}
}

func TestDateJSONAndScan(t *testing.T) {
	var v struct {
		D Date `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2026-11-22"}`), &v); err != nil || v.D != D(2026, 11, 22) {
		t.Fatalf("unmarshal: %v %v", v.D, err)
	}
	if err := json.Unmarshal([]byte(`{"d":22}`), &v); err == nil {
		t.Errorf("a number was accepted as a date")
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2026-11-22"}` {
		t.Errorf("marshal: %s", b)
	}
	var s Date
	if err := s.Scan(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil || s != D(2026, 5, 1) {
		t.Errorf("scan time: %v %v", s, err)
	}
	if err := s.Scan("2026-05-02 00:00:00+00:00"); err != nil || s != D(2026, 5, 2) {
		t.Errorf("scan text: %v %v", s, err)
	}
}

func TestMonth(t *testing.T) {
	m, err := ParseMonth("2026-02")
	if err != nil {
		t.Fatal(err)
	}
	if m.Last() != D(2026, 2, 28) || m.First() != D(2026, 2, 1) {
		t.Errorf("bounds: %v %v", m.First(), m.Last())
	}
	if m.Next().String() != "2026-03" || (Month{2026, 12}).Next().String() != "2027-01" {
		t.Errorf("Next wrong")
	}
	if _, err := ParseMonth("2026-13"); err == nil {
		t.Errorf("accepted month 13")
	}
}
