package people

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

// Leaving categories: why an employment ended, in the words funders use.
// None of them names a condition.
const (
	LeftForOpenEmployment = "open_employment"
	LeftForEducation      = "education_training"
	LeftForVolunteering   = "volunteering"
	LeftForHealth         = "health"
	LeftDismissed         = "dismissed"
	LeftOther             = "other"
)

// LeavingCategories in display order.
var LeavingCategories = []string{LeftForOpenEmployment, LeftForEducation, LeftForVolunteering, LeftForHealth, LeftDismissed, LeftOther}

// LeavingLabel is a leaving category in plain words.
func LeavingLabel(c string) string {
	switch c {
	case LeftForOpenEmployment:
		return "Moved to open employment"
	case LeftForEducation:
		return "Further education or training"
	case LeftForVolunteering:
		return "Volunteering"
	case LeftForHealth:
		return "Left for health reasons"
	case LeftDismissed:
		return "Dismissed"
	case LeftOther:
		return "Other"
	}
	return ""
}

// Referral sources: how someone came to the enterprise.
const (
	ReferralSelf  = "self"
	ReferralNHS   = "nhs_team"
	ReferralIPS   = "ips_service"
	ReferralOther = "other"
)

// ReferralSources in display order.
var ReferralSources = []string{ReferralSelf, ReferralNHS, ReferralIPS, ReferralOther}

// ReferralLabel is a referral source in plain words.
func ReferralLabel(r string) string {
	switch r {
	case ReferralSelf:
		return "Self-referral"
	case ReferralNHS:
		return "NHS team"
	case ReferralIPS:
		return "IPS service"
	case ReferralOther:
		return "Other"
	}
	return "Not recorded"
}

// EmploymentRecord is what the outcomes reports need to know about one
// employee's employment: when it began and ended and why, how they were
// referred, two flags recorded with their consent, and the postcode
// district they live in. The leaving date is the employee's end date.
type EmploymentRecord struct {
	EmployeeID               string     `json:"employee_id"`
	StartDate                civil.Date `json:"start_date"`
	ContractedMinutesPerWeek int        `json:"contracted_minutes_per_week"`
	LeavingDate              civil.Date `json:"leaving_date"`
	LeavingCategory          string     `json:"leaving_category"`
	// MovedOnTo is where they went, in plain words, kept only when
	// MovedOnConsent is true.
	MovedOnTo      string `json:"moved_on_to"`
	MovedOnConsent bool   `json:"moved_on_consent"`
	ReferralSource string `json:"referral_source"`
	// The two flags are kept only when FlagsConsent is true: the employee
	// agreed that they are recorded and counted.
	LongTermUnemployed bool      `json:"long_term_unemployed"`
	Disabled           bool      `json:"disabled"`
	FlagsConsent       bool      `json:"flags_consent"`
	PostcodeDistrict   string    `json:"postcode_district"`
	UpdatedAt          time.Time `json:"updated_at,omitzero"`
}

// EmploymentInput is what an admin or support worker records with the
// employee. Every field is replaced.
type EmploymentInput struct {
	LeavingDate        civil.Date `json:"leaving_date"`
	LeavingCategory    string     `json:"leaving_category"`
	MovedOnTo          string     `json:"moved_on_to"`
	MovedOnConsent     bool       `json:"moved_on_consent"`
	ReferralSource     string     `json:"referral_source"`
	LongTermUnemployed bool       `json:"long_term_unemployed"`
	Disabled           bool       `json:"disabled"`
	FlagsConsent       bool       `json:"flags_consent"`
	PostcodeDistrict   string     `json:"postcode_district"`
}

type employmentRow struct {
	PersonID           string `gorm:"primaryKey"`
	LeavingCategory    string
	MovedOnTo          string
	MovedOnConsent     bool
	ReferralSource     string
	LongTermUnemployed bool
	Disabled           bool
	FlagsConsent       bool
	PostcodeDistrict   string
	UpdatedBy          string
	UpdatedAt          time.Time
}

func (employmentRow) TableName() string { return "employment_outcomes" }

// A UK postcode district: the outward code, e.g. "E14", "SW1A", "N1C".
var postcodeDistrict = regexp.MustCompile(`^[A-Z]{1,2}[0-9][0-9A-Z]?$`)

// NormalisePostcodeDistrict upper-cases and trims a district; a full
// postcode is cut to its district so the inward code is never stored.
func NormalisePostcodeDistrict(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return s
}

func (in *EmploymentInput) check(start civil.Date) error {
	var bad []errs.FieldError
	in.MovedOnTo = strings.TrimSpace(in.MovedOnTo)
	in.PostcodeDistrict = NormalisePostcodeDistrict(in.PostcodeDistrict)
	if in.LeavingCategory != "" && LeavingLabel(in.LeavingCategory) == "" {
		bad = append(bad, errs.FieldError{Field: "leaving_category", Message: "must be one of open_employment, education_training, volunteering, health, dismissed or other"})
	}
	switch {
	case !in.LeavingDate.IsZero() && in.LeavingCategory == "":
		bad = append(bad, errs.FieldError{Field: "leaving_category", Message: "is needed with a leaving date: say why the job ended"})
	case in.LeavingDate.IsZero() && in.LeavingCategory != "":
		bad = append(bad, errs.FieldError{Field: "leaving_date", Message: "is needed with a reason for leaving"})
	case !in.LeavingDate.IsZero() && in.LeavingDate.Before(start):
		bad = append(bad, errs.FieldError{Field: "leaving_date", Message: "is before the start date, " + start.Format("Mon 2 Jan 2006")})
	}
	if in.MovedOnTo != "" && !in.MovedOnConsent {
		bad = append(bad, errs.FieldError{Field: "moved_on_to", Message: "can only be kept if the employee agrees (moved_on_consent)"})
	}
	if in.MovedOnTo != "" && in.LeavingDate.IsZero() {
		bad = append(bad, errs.FieldError{Field: "moved_on_to", Message: "is only for someone who has left"})
	}
	if utf8.RuneCountInString(in.MovedOnTo) > 200 {
		bad = append(bad, errs.FieldError{Field: "moved_on_to", Message: "is at most 200 characters"})
	}
	if in.ReferralSource != "" && ReferralLabel(in.ReferralSource) == "Not recorded" {
		bad = append(bad, errs.FieldError{Field: "referral_source", Message: "must be one of self, nhs_team, ips_service or other"})
	}
	if (in.LongTermUnemployed || in.Disabled) && !in.FlagsConsent {
		bad = append(bad, errs.FieldError{Field: "flags_consent", Message: "must be given: these are recorded only with the employee's consent"})
	}
	if in.PostcodeDistrict != "" && !postcodeDistrict.MatchString(in.PostcodeDistrict) {
		bad = append(bad, errs.FieldError{Field: "postcode_district", Message: "must be a postcode district like E14 or SW1A"})
	}
	if len(bad) > 0 {
		return errs.Fields(bad...)
	}
	if !in.MovedOnConsent {
		in.MovedOnTo = ""
	}
	return nil
}

// EmploymentRecord returns one employee's record (empty outcome fields if
// nothing has been recorded yet). Not an employee: ErrNotFound.
func (s *Service) EmploymentRecord(ctx context.Context, employeeID string) (EmploymentRecord, error) {
	recs, err := s.employmentRecords(ctx, s.db.WithContext(ctx), []string{employeeID})
	if err != nil {
		return EmploymentRecord{}, err
	}
	if len(recs) == 0 {
		return EmploymentRecord{}, ErrNotFound
	}
	return recs[0], nil
}

// EmploymentRecords returns every employee's record, leavers and inactive
// accounts included, ordered by start date.
func (s *Service) EmploymentRecords(ctx context.Context) ([]EmploymentRecord, error) {
	return s.employmentRecords(ctx, s.db.WithContext(ctx), nil)
}

func (s *Service) employmentRecords(ctx context.Context, db *gorm.DB, ids []string) ([]EmploymentRecord, error) {
	var emps []employeeRow
	q := db.Select("person_id, start_date, end_date, contracted_minutes_per_week").Order("start_date, person_id")
	if ids != nil {
		q = q.Where("person_id IN ?", ids)
	}
	if err := q.Find(&emps).Error; err != nil {
		return nil, err
	}
	var rows []employmentRow
	q = db.Model(&employmentRow{})
	if ids != nil {
		q = q.Where("person_id IN ?", ids)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	byID := make(map[string]employmentRow, len(rows))
	for _, r := range rows {
		byID[r.PersonID] = r
	}
	out := make([]EmploymentRecord, 0, len(emps))
	for _, e := range emps {
		r := byID[e.PersonID]
		rec := EmploymentRecord{
			EmployeeID: e.PersonID, StartDate: e.StartDate, ContractedMinutesPerWeek: e.ContractedMinutesPerWeek,
			LeavingDate: e.EndDate, LeavingCategory: r.LeavingCategory, MovedOnConsent: r.MovedOnConsent,
			ReferralSource: r.ReferralSource, FlagsConsent: r.FlagsConsent, PostcodeDistrict: r.PostcodeDistrict,
		}
		if r.MovedOnConsent {
			rec.MovedOnTo = r.MovedOnTo
		}
		if r.FlagsConsent {
			rec.LongTermUnemployed, rec.Disabled = r.LongTermUnemployed, r.Disabled
		}
		if !r.UpdatedAt.IsZero() {
			rec.UpdatedAt = r.UpdatedAt.UTC()
		}
		out = append(out, rec)
	}
	return out, nil
}

// SetEmploymentRecord records an employee's outcome fields, made by an
// admin or a support worker with the employee. A leaving date ends the
// employment (it is the employee's end date); clearing it re-opens it.
// The account stays as it is: an admin deactivates it separately.
func (s *Service) SetEmploymentRecord(ctx context.Context, by auth.Principal, employeeID string, in EmploymentInput) (EmploymentRecord, error) {
	var out EmploymentRecord
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var emp employeeRow
		if err := tx.Where("person_id = ?", employeeID).Take(&emp).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		if err := in.check(emp.StartDate); err != nil {
			return err
		}
		now := s.now().UTC()
		if err := tx.Model(&employeeRow{}).Where("person_id = ?", employeeID).
			Updates(map[string]any{"end_date": in.LeavingDate, "updated_at": now}).Error; err != nil {
			return err
		}
		row := employmentRow{
			PersonID: employeeID, LeavingCategory: in.LeavingCategory, MovedOnTo: in.MovedOnTo, MovedOnConsent: in.MovedOnConsent,
			ReferralSource: in.ReferralSource, FlagsConsent: in.FlagsConsent, PostcodeDistrict: in.PostcodeDistrict,
			UpdatedBy: by.ID, UpdatedAt: now,
		}
		if in.FlagsConsent {
			row.LongTermUnemployed, row.Disabled = in.LongTermUnemployed, in.Disabled
		}
		if err := tx.Save(&row).Error; err != nil {
			return err
		}
		recs, err := s.employmentRecords(ctx, tx, []string{employeeID})
		if err != nil {
			return err
		}
		out = recs[0]
		return nil
	})
	return out, err
}

// SeedEmploymentRecords writes many records at once (demo data), with no
// checks beyond the database's own. Existing records are replaced.
func (s *Service) SeedEmploymentRecords(ctx context.Context, by string, recs []EmploymentRecord) error {
	now := s.now().UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows := make([]employmentRow, 0, len(recs))
		for _, r := range recs {
			if !r.LeavingDate.IsZero() {
				if err := tx.Model(&employeeRow{}).Where("person_id = ?", r.EmployeeID).Update("end_date", r.LeavingDate).Error; err != nil {
					return err
				}
			}
			rows = append(rows, employmentRow{PersonID: r.EmployeeID, LeavingCategory: r.LeavingCategory, MovedOnTo: r.MovedOnTo,
				MovedOnConsent: r.MovedOnConsent, ReferralSource: r.ReferralSource, LongTermUnemployed: r.LongTermUnemployed,
				Disabled: r.Disabled, FlagsConsent: r.FlagsConsent, PostcodeDistrict: r.PostcodeDistrict, UpdatedBy: by, UpdatedAt: now})
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(&rows, 200).Error
	})
}
