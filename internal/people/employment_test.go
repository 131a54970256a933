package people_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// The employment record keeps a destination only with the employee's
// agreement, the two flags only with consent, a postcode district and never
// a full postcode; bad input changes nothing.
func TestEmploymentRecord(t *testing.T) {
	dbtest.Each(t, []database.Migrations{people.Migrations}, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		svc := people.NewService(people.Config{DB: db, Now: func() time.Time { return now }, Passwords: auth.Passwords{Cost: 4}})
		p, err := svc.Create(ctx, people.NewPerson{Name: "Ola Ade", Email: "ola@example.org", Roles: []auth.Role{auth.Employee},
			Employee: &people.Employee{WorksNumber: "W1", StartDate: civil.D(2025, 3, 3)}})
		if err != nil {
			t.Fatal(err)
		}
		admin := auth.Principal{ID: "admin", Roles: []auth.Role{auth.Admin}}
		rec, err := svc.EmploymentRecord(ctx, p.ID)
		if err != nil || rec.StartDate != civil.D(2025, 3, 3) || rec.LeavingCategory != "" {
			t.Fatalf("fresh record = %+v, %v", rec, err)
		}
		bad := []people.EmploymentInput{
			{LeavingDate: civil.D(2026, 1, 1)},                                    // no category
			{LeavingCategory: people.LeftOther},                                   // no date
			{LeavingDate: civil.D(2025, 1, 1), LeavingCategory: people.LeftOther}, // before start
			{LeavingDate: civil.D(2026, 1, 1), LeavingCategory: "retired"},
			{LeavingDate: civil.D(2026, 1, 1), LeavingCategory: people.LeftForOpenEmployment, MovedOnTo: "Office cleaner at a bank"},
			{Disabled: true},
			{PostcodeDistrict: "London"},
			{ReferralSource: "friend"},
		}
		for i, in := range bad {
			_, err := svc.SetEmploymentRecord(ctx, admin, p.ID, in)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.Invalid {
				t.Errorf("bad input %d: err = %v, want invalid", i, err)
			}
		}
		if rec, _ := svc.EmploymentRecord(ctx, p.ID); !rec.LeavingDate.IsZero() || rec.LeavingCategory != "" {
			t.Fatalf("bad input changed the record: %+v", rec)
		}
		rec, err = svc.SetEmploymentRecord(ctx, admin, p.ID, people.EmploymentInput{
			LeavingDate: civil.D(2026, 6, 30), LeavingCategory: people.LeftForOpenEmployment,
			MovedOnTo: "Facilities assistant at a hospital", MovedOnConsent: true, ReferralSource: people.ReferralIPS,
			Disabled: true, FlagsConsent: true, PostcodeDistrict: " e14 9sh ",
		})
		if err != nil {
			t.Fatal(err)
		}
		if rec.LeavingDate != civil.D(2026, 6, 30) || rec.PostcodeDistrict != "E14" || !rec.Disabled || rec.LongTermUnemployed ||
			rec.MovedOnTo != "Facilities assistant at a hospital" || rec.ReferralSource != people.ReferralIPS {
			t.Fatalf("record = %+v", rec)
		}
		if got, _ := svc.Get(ctx, p.ID); got.Employee.EndDate != civil.D(2026, 6, 30) {
			t.Errorf("the leaving date is the employee's end date: %s", got.Employee.EndDate)
		}
		all, err := svc.EmploymentRecords(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("EmploymentRecords = %v, %v", all, err)
		}
		if _, err := svc.EmploymentRecord(ctx, "nobody"); !errors.Is(err, people.ErrNotFound) {
			t.Errorf("unknown employee: %v", err)
		}
	})
}
