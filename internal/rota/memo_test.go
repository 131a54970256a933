package rota

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The memo of decoded rules answers as json.Unmarshal does, and what it
// hands out is the caller's to change.
func TestRulesMemo(t *testing.T) {
	var m rulesMemo
	for _, a := range []Adjustments{
		{EarliestStart: "10:00", DaysNeverWorked: []string{"sunday"}, FixedSites: []string{"s1"}},
		{MaxConsecutiveDays: 4, WorkWith: []string{"p2"}, PhasedReturn: []PhaseStep{{MaxWeekMinutes: 600}}},
		{},
	} {
		text, _ := json.Marshal(a)
		var want Adjustments
		_ = json.Unmarshal(text, &want)
		first, err := m.decode(string(text))
		if err != nil || !reflect.DeepEqual(first, want) {
			t.Fatalf("decode %s: %+v", text, first)
		}
		if len(first.DaysNeverWorked) > 0 {
			first.DaysNeverWorked[0] = "monday"
		}
		if len(first.PhasedReturn) > 0 {
			first.PhasedReturn[0].MaxWeekMinutes = 1
		}
		if again, _ := m.decode(string(text)); !reflect.DeepEqual(again, want) {
			t.Fatalf("second decode of %s after a change: %+v", text, again)
		}
	}
}

// Rules that do not decode are an error, every time they are read (the
// memo remembers the failure too), and never a partly decoded rule set.
func TestRulesMemoUndecodable(t *testing.T) {
	var m rulesMemo
	for _, text := range []string{`{"max_week_minutes":"six hundred"}`, `{"max_week_minutes":600`, ``, `null x`} {
		for range 2 {
			a, err := m.decode(text)
			if err == nil || !reflect.DeepEqual(a, Adjustments{}) {
				t.Fatalf("decode %q: %+v, %v", text, a, err)
			}
		}
	}
}
