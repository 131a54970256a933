package outcomes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/outcomes"
	"github.com/goodshift/goodshift/internal/people"
)

type oneRecord people.EmploymentRecord

func (r oneRecord) EmploymentRecords(context.Context) ([]people.EmploymentRecord, error) {
	return []people.EmploymentRecord{people.EmploymentRecord(r)}, nil
}
func (r oneRecord) EmploymentRecord(_ context.Context, id string) (people.EmploymentRecord, error) {
	if id != r.EmployeeID {
		return people.EmploymentRecord{}, people.ErrNotFound
	}
	return people.EmploymentRecord(r), nil
}
func (r oneRecord) SetEmploymentRecord(context.Context, auth.Principal, string, people.EmploymentInput) (people.EmploymentRecord, error) {
	return people.EmploymentRecord(r), nil
}

// My journey: milestones by date, an encouraging message that fits, and
// hours that are the employee's own only.
func TestMyJourney(t *testing.T) {
	today := civil.D(2026, 11, 23)
	clock := func() time.Time { return today.At(9, 0, civil.London) }
	pay := &fakePayroll{paid: []outcomes.PaidDay{
		{EmployeeID: "me", Date: civil.D(2026, 10, 5), Minutes: 300}, {EmployeeID: "me", Date: civil.D(2026, 10, 7), Minutes: 240},
		{EmployeeID: "someone", Date: civil.D(2026, 10, 5), Minutes: 480},
	}}
	cases := []struct {
		start   civil.Date
		reached int
		says    string
	}{
		{today.AddDays(-5 * 7), 0, "first milestone, 13 weeks, is on"},
		{today.AddDays(-20 * 7), 1, "passed the 13-week milestone. Next: 26 weeks"},
		{today.AddDays(-60 * 7), 3, "a whole year and more"},
		{today.AddDays(-150 * 7), 3, "more than 2 years"},
	}
	for _, tc := range cases {
		svc, err := outcomes.NewService(outcomes.Config{Now: clock, Records: oneRecord{EmployeeID: "me", StartDate: tc.start}, Payroll: pay})
		if err != nil {
			t.Fatal(err)
		}
		j, err := svc.MyJourney(context.Background(), auth.Principal{ID: "me", Roles: []auth.Role{auth.Employee}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range j.Milestones {
			if m.Reached {
				n++
			}
		}
		if n != tc.reached || !strings.Contains(j.Message, tc.says) {
			t.Errorf("start %s: %d reached, %q", tc.start, n, j.Message)
		}
		var oct float64
		for _, m := range j.Months {
			if m.Month == (civil.Month{Year: 2026, Month: 10}) {
				oct = m.Hours
			}
		}
		if oct != 9 {
			t.Errorf("start %s: October hours = %v, want 9 (own hours only)", tc.start, oct)
		}
	}
}
