package wellbeing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Sections are the parts of a workplace Wellness Action Plan.
type Sections struct {
	StayWell              string          `json:"stay_well"`               // what helps me stay well at work
	Triggers              string          `json:"triggers"`                // what can trigger poor mental health at work
	EarlyWarningSigns     string          `json:"early_warning_signs"`     // early warning signs others may notice
	EarlyWarningActions   []WarningAction `json:"early_warning_actions"`   // a sign and what to do about it
	ImpactOnWork          string          `json:"impact_on_work"`          // how it may affect my work
	SupportFromSupervisor string          `json:"support_from_supervisor"` // what support I'd like from my supervisor
	MyActions             string          `json:"my_actions"`              // what I'll do, and what we agree
	Contacts              string          `json:"contacts"`                // who to contact if I'm unwell
	ReviewDate            civil.Date      `json:"review_date"`             // when we review it
}

// WarningAction is one early warning sign and what the employee (and the
// people they chose) will do. A flex period may point to one by ID.
type WarningAction struct {
	ID     string `json:"id"`
	Sign   string `json:"sign"`
	Action string `json:"action"`
}

// SectionLabels names each text section in plain words, in plan order.
var SectionLabels = []struct{ Field, Label string }{
	{"stay_well", "What helps me stay well at work"},
	{"triggers", "What can trigger poor mental health for me at work"},
	{"early_warning_signs", "Early warning signs others may notice"},
	{"impact_on_work", "How it may affect my work"},
	{"support_from_supervisor", "What support I'd like from my supervisor"},
	{"my_actions", "What I'll do, and what we agree"},
	{"contacts", "Who to contact if I'm unwell"},
}

// Text returns the text of a section by its field name.
func (s Sections) Text(field string) string {
	switch field {
	case "stay_well":
		return s.StayWell
	case "triggers":
		return s.Triggers
	case "early_warning_signs":
		return s.EarlyWarningSigns
	case "impact_on_work":
		return s.ImpactOnWork
	case "support_from_supervisor":
		return s.SupportFromSupervisor
	case "my_actions":
		return s.MyActions
	case "contacts":
		return s.Contacts
	}
	return ""
}

// Plan is an employee's wellness plan as it stands.
type Plan struct {
	EmployeeID string `json:"employee_id"`
	Version    int    `json:"version"` // 0: no plan written yet
	Sections
	// Summary is the short "how to support me" the employee writes for
	// their supervisor; it reaches the supervisor only when ShareSummary.
	Summary       string    `json:"summary"`
	ShareSummary  bool      `json:"share_summary"`
	UpdatedAt     time.Time `json:"updated_at"`
	UpdatedByName string    `json:"updated_by_name,omitempty"`
}

// PlanVersion is one saved version (Plan holds its content when read whole).
type PlanVersion struct {
	Version      int       `json:"version"`
	SavedAt      time.Time `json:"saved_at"`
	SavedByName  string    `json:"saved_by_name"`
	ShareSummary bool      `json:"share_summary"`
}

// PlanInput is a save of the whole plan.
type PlanInput struct {
	Sections
	Summary string `json:"summary"`
	// ShareSummary may be changed only by the employee; nil keeps it.
	ShareSummary *bool `json:"share_summary"`
	// Version is the version this edit started from; when given and not
	// current, the save is refused with 409 so no one overwrites unseen work.
	Version *int `json:"version"`
}

const (
	maxSection = 4000
	maxSummary = 1000
	maxActions = 20
)

func (in *PlanInput) check(today civil.Date) (fresh map[string]bool, err error) {
	var bad []errs.FieldError
	fresh = map[string]bool{}
	trim := func(field string, s *string, max int) {
		*s = strings.TrimSpace(strings.ReplaceAll(*s, "\r\n", "\n"))
		if utf8.RuneCountInString(*s) > max {
			bad = append(bad, errs.FieldError{Field: field, Message: fmt.Sprintf("is at most %d characters", max)})
		}
	}
	trim("stay_well", &in.StayWell, maxSection)
	trim("triggers", &in.Triggers, maxSection)
	trim("early_warning_signs", &in.EarlyWarningSigns, maxSection)
	trim("impact_on_work", &in.ImpactOnWork, maxSection)
	trim("support_from_supervisor", &in.SupportFromSupervisor, maxSection)
	trim("my_actions", &in.MyActions, maxSection)
	trim("contacts", &in.Contacts, maxSection)
	trim("summary", &in.Summary, maxSummary)
	if len(in.EarlyWarningActions) > maxActions {
		bad = append(bad, errs.FieldError{Field: "early_warning_actions", Message: fmt.Sprintf("holds at most %d signs", maxActions)})
	}
	kept := in.EarlyWarningActions[:0]
	seen := map[string]bool{}
	for i, a := range in.EarlyWarningActions {
		f := fmt.Sprintf("early_warning_actions[%d]", i)
		trim(f+".sign", &a.Sign, 500)
		trim(f+".action", &a.Action, 1000)
		a.ID = strings.TrimSpace(a.ID)
		if a.Sign == "" && a.Action == "" {
			continue
		}
		if a.Sign == "" {
			bad = append(bad, errs.FieldError{Field: f + ".sign", Message: "is required when there is an action"})
		}
		if a.ID == "" {
			a.ID = database.NewID()
			fresh[a.ID] = true
		} else if !database.ValidID(a.ID) || seen[a.ID] {
			bad = append(bad, errs.FieldError{Field: f + ".id", Message: "must be left empty for a new sign, or be the ID of one already in the plan"})
		}
		seen[a.ID] = true
		kept = append(kept, a)
	}
	in.EarlyWarningActions = kept
	if !in.ReviewDate.IsZero() && (in.ReviewDate.Before(today.AddDays(-366*2)) || in.ReviewDate.After(today.AddDays(366*3))) {
		bad = append(bad, errs.FieldError{Field: "review_date", Message: "must be within a few years of today"})
	}
	if in.Version != nil && *in.Version < 0 {
		bad = append(bad, errs.FieldError{Field: "version", Message: "must not be negative"})
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad...)
	}
	return fresh, nil
}

// Plan returns employeeID's plan as p may see it (a plan not yet written
// is an empty plan with version 0). The read is logged.
func (s *Service) Plan(ctx context.Context, p auth.Principal, employeeID string) (Plan, error) {
	var out Plan
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		var row planRow
		err = tx.Where("employee_id = ?", employeeID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			out = Plan{EmployeeID: employeeID, Sections: Sections{EarlyWarningActions: []WarningAction{}}}
			return nil
		}
		if err != nil {
			return err
		}
		if out, err = s.openPlan(ctx, tx, row); err != nil {
			return err
		}
		return s.logAccess(ctx, tx, p, a.role(), employeeID, "read", "wellness plan")
	})
	return out, err
}

func (s *Service) openPlan(ctx context.Context, db *gorm.DB, row planRow) (Plan, error) {
	secs, err := s.openSections(row.Content, planAAD(row.EmployeeID, "content"))
	if err != nil {
		return Plan{}, err
	}
	sum, err := s.keys.Open(row.Summary, planAAD(row.EmployeeID, "summary"))
	if err != nil {
		return Plan{}, err
	}
	var by planVersionRow
	_ = db.WithContext(ctx).Select("saved_by_name").Where("employee_id = ? AND version = ?", row.EmployeeID, row.Version).Take(&by).Error
	return Plan{
		EmployeeID: row.EmployeeID, Version: row.Version, Sections: secs, Summary: string(sum),
		ShareSummary: row.ShareSummary, UpdatedAt: row.UpdatedAt, UpdatedByName: by.SavedByName,
	}, nil
}

func (s *Service) openSections(ciphertext, aad string) (Sections, error) {
	b, err := s.keys.Open(ciphertext, aad)
	if err != nil {
		return Sections{}, err
	}
	var secs Sections
	if err := json.Unmarshal(b, &secs); err != nil {
		return Sections{}, fmt.Errorf("wellbeing: plan content is not readable: %w", err)
	}
	if secs.EarlyWarningActions == nil {
		secs.EarlyWarningActions = []WarningAction{}
	}
	return secs, nil
}

// SavePlan replaces employeeID's plan with in and keeps it as a new version.
// The employee and their support worker may save; only the employee may
// change whether the summary is shared with their supervisor.
func (s *Service) SavePlan(ctx context.Context, p auth.Principal, employeeID string, in PlanInput) (Plan, error) {
	fresh, err := in.check(s.today())
	if err != nil {
		return Plan{}, err
	}
	var out Plan
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		var cur planRow
		err = tx.Where("employee_id = ?", employeeID).Take(&cur).Error
		exists := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return errs.E(errs.Conflict, "The plan was changed (now version %d) since you opened version %d. Reload it and make your changes again.", cur.Version, *in.Version)
		}
		share := cur.ShareSummary
		if in.ShareSummary != nil && *in.ShareSummary != share {
			if a != asSelf {
				return errs.E(errs.RuleViolation, "Only the employee can choose whether their supervisor sees the summary.")
			}
			share = *in.ShareSummary
		}
		// Keep action IDs stable: a given ID must be one already in the plan.
		var old []WarningAction
		if exists {
			secs, err := s.openSections(cur.Content, planAAD(employeeID, "content"))
			if err != nil {
				return err
			}
			old = secs.EarlyWarningActions
		}
		if err := checkActionIDs(old, in.EarlyWarningActions, fresh); err != nil {
			return err
		}
		content, err := json.Marshal(in.Sections)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		next := cur.Version + 1
		row := planRow{EmployeeID: employeeID, Version: next, ShareSummary: share, UpdatedBy: p.ID, UpdatedAt: now}
		if row.Content, err = s.keys.Seal(content, planAAD(employeeID, "content")); err != nil {
			return err
		}
		if row.Summary, err = s.keys.Seal([]byte(in.Summary), planAAD(employeeID, "summary")); err != nil {
			return err
		}
		if exists {
			res := tx.Model(&planRow{}).Where("employee_id = ? AND version = ?", employeeID, cur.Version).Updates(map[string]any{
				"version": next, "content": row.Content, "summary": row.Summary, "share_summary": share,
				"updated_by": p.ID, "updated_at": now,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errs.E(errs.Conflict, "Someone saved the plan at the same moment. Reload it and make your changes again.")
			}
		} else if err := tx.Create(&row).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "Someone saved the plan at the same moment. Reload it and make your changes again.")
			}
			return err
		}
		v := planVersionRow{ID: database.NewID(), EmployeeID: employeeID, Version: next, ShareSummary: share, SavedBy: p.ID, SavedByName: p.Name, SavedAt: now}
		if v.Content, err = s.keys.Seal(content, versionAAD(v.ID, "content")); err != nil {
			return err
		}
		if v.Summary, err = s.keys.Seal([]byte(in.Summary), versionAAD(v.ID, "summary")); err != nil {
			return err
		}
		if err := tx.Create(&v).Error; err != nil {
			if database.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "Someone saved the plan at the same moment. Reload it and make your changes again.")
			}
			return err
		}
		if err := s.logAccess(ctx, tx, p, a.role(), employeeID, "write", fmt.Sprintf("wellness plan (version %d)", next)); err != nil {
			return err
		}
		out = Plan{EmployeeID: employeeID, Version: next, Sections: in.Sections, Summary: in.Summary, ShareSummary: share, UpdatedAt: now, UpdatedByName: p.Name}
		if out.EarlyWarningActions == nil {
			out.EarlyWarningActions = []WarningAction{}
		}
		return nil
	})
	return out, err
}

func checkActionIDs(old, now []WarningAction, fresh map[string]bool) error {
	known := map[string]bool{}
	for _, a := range old {
		known[a.ID] = true
	}
	for i, a := range now {
		if !known[a.ID] && !fresh[a.ID] {
			return errs.Fields(errs.FieldError{Field: fmt.Sprintf("early_warning_actions[%d].id", i), Message: "is not a sign in this plan; leave it empty for a new one"})
		}
	}
	return nil
}

// PlanVersions lists the saved versions of employeeID's plan, newest first.
// The list holds no content, so reading it is not logged.
func (s *Service) PlanVersions(ctx context.Context, p auth.Principal, employeeID string) ([]PlanVersion, error) {
	if _, err := s.reach(ctx, s.db, p, employeeID); err != nil {
		return nil, err
	}
	var rows []planVersionRow
	if err := s.db.WithContext(ctx).Select("version", "saved_at", "saved_by_name", "share_summary").
		Where("employee_id = ?", employeeID).Order("version DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]PlanVersion, len(rows))
	for i, r := range rows {
		out[i] = PlanVersion{Version: r.Version, SavedAt: r.SavedAt, SavedByName: r.SavedByName, ShareSummary: r.ShareSummary}
	}
	return out, nil
}

// PlanVersion returns one saved version whole. The read is logged.
func (s *Service) PlanVersion(ctx context.Context, p auth.Principal, employeeID string, version int) (Plan, error) {
	var out Plan
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		var row planVersionRow
		err = tx.Where("employee_id = ? AND version = ?", employeeID, version).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errs.E(errs.NotFound, "There is no version %d of this plan.", version)
		}
		if err != nil {
			return err
		}
		secs, err := s.openSections(row.Content, versionAAD(row.ID, "content"))
		if err != nil {
			return err
		}
		sum, err := s.keys.Open(row.Summary, versionAAD(row.ID, "summary"))
		if err != nil {
			return err
		}
		out = Plan{EmployeeID: employeeID, Version: row.Version, Sections: secs, Summary: string(sum),
			ShareSummary: row.ShareSummary, UpdatedAt: row.SavedAt, UpdatedByName: row.SavedByName}
		return s.logAccess(ctx, tx, p, a.role(), employeeID, "read", fmt.Sprintf("wellness plan version %d", version))
	})
	return out, err
}

// SupportSummary is what a supervisor may see of a plan: the summary the
// employee wrote for them, if they chose to share it.
type SupportSummary struct {
	EmployeeID string    `json:"employee_id"`
	Summary    string    `json:"summary"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Summary returns employeeID's shared summary. Supervisors see it only when
// the employee chose to share it; the employee and their support worker
// always. Anything else is ErrNotFound. The read is logged.
func (s *Service) Summary(ctx context.Context, p auth.Principal, employeeID string) (SupportSummary, error) {
	var out SupportSummary
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		role := a.role()
		if err != nil {
			if !p.Has(auth.Supervisor) || !database.ValidID(employeeID) {
				return err
			}
			role = string(auth.Supervisor)
		}
		var row planRow
		err = tx.Where("employee_id = ?", employeeID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && role == string(auth.Supervisor) && !row.ShareSummary) {
			return errs.E(errs.NotFound, "There is no shared summary for this person.")
		}
		if err != nil {
			return err
		}
		sum, err := s.keys.Open(row.Summary, planAAD(employeeID, "summary"))
		if err != nil {
			return err
		}
		if len(sum) == 0 {
			return errs.E(errs.NotFound, "There is no shared summary for this person.")
		}
		out = SupportSummary{EmployeeID: employeeID, Summary: string(sum), UpdatedAt: row.UpdatedAt}
		return s.logAccess(ctx, tx, p, role, employeeID, "read", "summary for the supervisor")
	})
	return out, err
}

// sharedSummaryIDs is the set of employees who share a summary with their
// supervisor (no content is read).
func (s *Service) sharedSummaryIDs(ctx context.Context) (map[string]bool, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&planRow{}).Where("share_summary = ?", true).Pluck("employee_id", &ids).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
