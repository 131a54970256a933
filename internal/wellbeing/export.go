package wellbeing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/pdfdoc"
)

// Export is everything this package holds about one person (a subject
// access request, UK GDPR article 15).
type Export struct {
	EmployeeID     string        `json:"employee_id"`
	Name           string        `json:"name"`
	GeneratedAt    time.Time     `json:"generated_at"`
	Plan           *Plan         `json:"plan"`          // nil: no plan written
	PlanVersions   []Plan        `json:"plan_versions"` // every saved version, oldest first
	Notes          []Note        `json:"support_notes"`
	FlexPeriods    []FlexPeriod  `json:"flex_periods"`
	SupportWorkers []string      `json:"support_workers"` // who has them on their caseload
	AccessLog      []AccessEntry `json:"access_log"`
}

// Export gathers everything held about employeeID; only the employee may
// ask. The export itself is logged.
func (s *Service) Export(ctx context.Context, p auth.Principal, employeeID string) (Export, error) {
	out := Export{EmployeeID: employeeID, Name: p.Name, GeneratedAt: s.now().UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		if a != asSelf {
			return ErrNotFound
		}
		if err := s.logAccess(ctx, tx, p, a.role(), employeeID, "read", "everything held (subject access export)"); err != nil {
			return err
		}
		var plan planRow
		err = tx.Where("employee_id = ?", employeeID).Take(&plan).Error
		if err == nil {
			pl, err := s.openPlan(ctx, tx, plan)
			if err != nil {
				return err
			}
			out.Plan = &pl
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		var versions []planVersionRow
		if err := tx.Where("employee_id = ?", employeeID).Order("version").Find(&versions).Error; err != nil {
			return err
		}
		out.PlanVersions = []Plan{}
		for _, v := range versions {
			secs, err := s.openSections(v.Content, versionAAD(v.ID, "content"))
			if err != nil {
				return err
			}
			sum, err := s.keys.Open(v.Summary, versionAAD(v.ID, "summary"))
			if err != nil {
				return err
			}
			out.PlanVersions = append(out.PlanVersions, Plan{EmployeeID: employeeID, Version: v.Version, Sections: secs,
				Summary: string(sum), ShareSummary: v.ShareSummary, UpdatedAt: v.SavedAt, UpdatedByName: v.SavedByName})
		}
		var notes []noteRow
		if err := tx.Where("employee_id = ?", employeeID).Order("note_date, created_at, id").Find(&notes).Error; err != nil {
			return err
		}
		if out.Notes, err = s.openNotes(notes); err != nil {
			return err
		}
		var flex []flexRow
		if err := tx.Where("employee_id = ?", employeeID).Order("from_date, created_at").Find(&flex).Error; err != nil {
			return err
		}
		out.FlexPeriods = make([]FlexPeriod, len(flex))
		for i, f := range flex {
			out.FlexPeriods[i] = f.period()
		}
		var cl []caseloadRow
		if err := tx.Where("employee_id = ?", employeeID).Find(&cl).Error; err != nil {
			return err
		}
		out.SupportWorkers = []string{}
		for _, c := range cl {
			if sw, err := s.person(ctx, c.SupportWorkerID); err == nil {
				out.SupportWorkers = append(out.SupportWorkers, sw.Name)
			}
		}
		var log []accessRow
		if err := tx.Where("employee_id = ?", employeeID).Order("at, id").Find(&log).Error; err != nil {
			return err
		}
		out.AccessLog = make([]AccessEntry, len(log))
		for i, r := range log {
			out.AccessLog[i] = AccessEntry{At: r.At, ActorID: r.ActorID, ActorName: r.ActorName, ActorRole: r.ActorRole, Action: r.Action, What: r.What}
		}
		return nil
	})
	return out, err
}

func localStamp(t time.Time) string { return t.In(civil.London).Format("Mon 2 Jan 2006, 15:04") }

// PDF renders the export as a readable document.
func (e Export) PDF(org string) ([]byte, error) {
	d := pdfdoc.New(pdfdoc.Meta{
		Title: "Wellbeing records of " + e.Name, Author: org,
		Footer:  org + " — everything held about " + e.Name + " in wellbeing records, " + localStamp(e.GeneratedAt),
		Created: e.GeneratedAt,
	})
	d.Title("Your wellbeing records")
	d.Fields([]pdfdoc.Field{
		{Label: "Name", Value: e.Name},
		{Label: "Prepared", Value: localStamp(e.GeneratedAt)},
		{Label: "Support workers", Value: orNone(strings.Join(e.SupportWorkers, ", "))},
	})
	d.Text("This is everything " + org + " holds about you in wellness plans, support notes, flex periods and the log of who has looked at them. Pay, timesheets and absence records are exported separately.")
	d.Heading("Wellness plan")
	if e.Plan == nil {
		d.Text("You have not written a wellness plan.")
	} else {
		writePlan(d, *e.Plan)
	}
	d.Heading("Earlier versions of the plan")
	if len(e.PlanVersions) == 0 {
		d.Text("None.")
	}
	for _, v := range e.PlanVersions {
		d.Bold(fmt.Sprintf("Version %d, saved %s by %s", v.Version, localStamp(v.UpdatedAt), v.UpdatedByName))
		writePlan(d, v)
	}
	d.Heading("Support notes")
	if len(e.Notes) == 0 {
		d.Text("There are no support notes about you.")
	}
	for _, n := range e.Notes {
		head := fmt.Sprintf("%s — %s, by %s", n.Date.Format("Mon 2 Jan 2006"), NoteKindLabel(n.Kind), n.AuthorName)
		if n.CorrectsID != "" {
			head += " (a correction of an earlier note)"
		}
		d.Bold(head)
		d.Text(n.Text)
	}
	d.Heading("Flex periods")
	if len(e.FlexPeriods) == 0 {
		d.Text("None.")
	} else {
		rows := make([][]string, len(e.FlexPeriods))
		for i, f := range e.FlexPeriods {
			state := "in place"
			switch {
			case f.Cancelled:
				state = "cancelled"
			case f.EndedAt != nil:
				state = "ended early"
			}
			rows[i] = []string{f.Describe(), state, strconv.Itoa(f.ReleasedShifts)}
		}
		d.Table(pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Period", Width: 0.6, Align: "L"}, {Title: "State", Width: 0.2, Align: "L"}, {Title: "Shifts released", Width: 0.2, Align: "R"}}, Rows: rows})
	}
	d.Heading("Who has looked at or changed your records")
	rows := make([][]string, len(e.AccessLog))
	for i, a := range e.AccessLog {
		rows[i] = []string{localStamp(a.At), a.ActorName + " (" + roleWords(a.ActorRole) + ")", a.Action + " " + a.What}
	}
	d.Table(pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "When", Width: 0.28, Align: "L"}, {Title: "Who", Width: 0.32, Align: "L"}, {Title: "What", Width: 0.4, Align: "L"}}, Rows: rows})
	return d.Bytes()
}

func writePlan(d *pdfdoc.Doc, p Plan) {
	var fields []pdfdoc.Field
	for _, s := range SectionLabels {
		fields = append(fields, pdfdoc.Field{Label: s.Label, Value: orNone(p.Text(s.Field))})
	}
	for i, a := range p.EarlyWarningActions {
		fields = append(fields, pdfdoc.Field{Label: fmt.Sprintf("Early warning sign %d", i+1), Value: a.Sign + " — what to do: " + orNone(a.Action)})
	}
	review := "not set"
	if !p.ReviewDate.IsZero() {
		review = p.ReviewDate.Format("Mon 2 Jan 2006")
	}
	share := "not shared with your supervisor"
	if p.ShareSummary {
		share = "shared with your supervisor"
	}
	fields = append(fields,
		pdfdoc.Field{Label: "When we review it", Value: review},
		pdfdoc.Field{Label: "Summary for your supervisor", Value: orNone(p.Summary) + " (" + share + ")"},
	)
	d.Fields(fields)
	d.Space(2)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// roleWords is an access-log role in plain words.
func roleWords(r string) string {
	switch r {
	case string(auth.Employee):
		return "you"
	case string(auth.SupportWorker):
		return "support worker"
	case string(auth.Supervisor):
		return "supervisor"
	}
	return r
}
