package wellbeing

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// Kinds of support note, with their plain-word labels.
var NoteKinds = []struct{ Kind, Label string }{
	{"check_in", "Check-in"},
	{"job_coach_session", "Job-coach session"},
	{"call", "Call"},
	{"meeting_with_supervisor", "Meeting with supervisor"},
}

// NoteKindLabel is a kind in plain words.
func NoteKindLabel(kind string) string {
	for _, k := range NoteKinds {
		if k.Kind == kind {
			return k.Label
		}
	}
	return kind
}

// Note is an in-work support note. Notes are never edited: a correction is
// a new note whose CorrectsID names the note it corrects.
type Note struct {
	ID          string     `json:"id"`
	EmployeeID  string     `json:"employee_id"`
	AuthorID    string     `json:"author_id"`
	AuthorName  string     `json:"author_name"`
	Date        civil.Date `json:"date"`
	Kind        string     `json:"kind"`
	Text        string     `json:"text"`
	CorrectsID  string     `json:"corrects_id,omitempty"`
	CorrectedBy []string   `json:"corrected_by,omitempty"` // IDs of later notes correcting this one
	CreatedAt   time.Time  `json:"created_at"`
}

// NoteInput is a new note.
type NoteInput struct {
	Date       civil.Date `json:"date"`
	Kind       string     `json:"kind"`
	Text       string     `json:"text"`
	CorrectsID string     `json:"corrects_id"`
}

const maxNote = 8000

func (in *NoteInput) check(today civil.Date) error {
	var bad []errs.FieldError
	in.Text = strings.TrimSpace(strings.ReplaceAll(in.Text, "\r\n", "\n"))
	in.Kind = strings.TrimSpace(in.Kind)
	in.CorrectsID = strings.TrimSpace(in.CorrectsID)
	if in.Date.IsZero() {
		bad = append(bad, errs.FieldError{Field: "date", Message: "is required (the day of the check-in, session, call or meeting)"})
	} else if in.Date.After(today) {
		bad = append(bad, errs.FieldError{Field: "date", Message: "cannot be in the future"})
	} else if in.Date.Before(today.AddDays(-366)) {
		bad = append(bad, errs.FieldError{Field: "date", Message: "is more than a year ago"})
	}
	if NoteKindLabel(in.Kind) == in.Kind {
		bad = append(bad, errs.FieldError{Field: "kind", Message: "must be check_in, job_coach_session, call or meeting_with_supervisor"})
	}
	if in.Text == "" || utf8.RuneCountInString(in.Text) > maxNote {
		bad = append(bad, errs.FieldError{Field: "text", Message: "is required (at most 8000 characters)"})
	}
	if in.CorrectsID != "" && !database.ValidID(in.CorrectsID) {
		bad = append(bad, errs.FieldError{Field: "corrects_id", Message: "must be the ID of a note about this person"})
	}
	if len(bad) > 0 {
		return errs.Fields(bad...)
	}
	return nil
}

// AddNote records a note about employeeID, written by p, a support worker
// with them on their caseload.
func (s *Service) AddNote(ctx context.Context, p auth.Principal, employeeID string, in NoteInput) (Note, error) {
	if err := in.check(s.today()); err != nil {
		return Note{}, err
	}
	var out Note
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		if a != asSupportWorker {
			return ErrNotFound
		}
		row := noteRow{
			ID: database.NewID(), EmployeeID: employeeID, AuthorID: p.ID, AuthorName: p.Name,
			NoteDate: in.Date, Kind: in.Kind, CreatedAt: s.now().UTC(),
		}
		if in.CorrectsID != "" {
			var n int64
			if err := tx.Model(&noteRow{}).Where("id = ? AND employee_id = ?", in.CorrectsID, employeeID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return errs.Fields(errs.FieldError{Field: "corrects_id", Message: "is not a note about this person"})
			}
			row.CorrectsID = &in.CorrectsID
		}
		if row.Body, err = s.keys.Seal([]byte(in.Text), noteAAD(row.ID)); err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		out = Note{ID: row.ID, EmployeeID: employeeID, AuthorID: p.ID, AuthorName: p.Name, Date: in.Date,
			Kind: in.Kind, Text: in.Text, CorrectsID: in.CorrectsID, CreatedAt: row.CreatedAt}
		return s.logAccess(ctx, tx, p, a.role(), employeeID, "write", "support note")
	})
	return out, err
}

// Notes returns every note about employeeID, newest first. The read is logged.
func (s *Service) Notes(ctx context.Context, p auth.Principal, employeeID string) ([]Note, error) {
	var out []Note
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.reach(ctx, tx, p, employeeID)
		if err != nil {
			return err
		}
		var rows []noteRow
		if err := tx.Where("employee_id = ?", employeeID).Order("note_date DESC, created_at DESC, id DESC").Find(&rows).Error; err != nil {
			return err
		}
		if out, err = s.openNotes(rows); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		return s.logAccess(ctx, tx, p, a.role(), employeeID, "read", "support notes")
	})
	return out, err
}

func (s *Service) openNotes(rows []noteRow) ([]Note, error) {
	out := make([]Note, 0, len(rows))
	idx := map[string]int{}
	for _, r := range rows {
		text, err := s.keys.Open(r.Body, noteAAD(r.ID))
		if err != nil {
			return nil, err
		}
		n := Note{ID: r.ID, EmployeeID: r.EmployeeID, AuthorID: r.AuthorID, AuthorName: r.AuthorName,
			Date: r.NoteDate, Kind: r.Kind, Text: string(text), CreatedAt: r.CreatedAt}
		if r.CorrectsID != nil {
			n.CorrectsID = *r.CorrectsID
		}
		idx[r.ID] = len(out)
		out = append(out, n)
	}
	for _, n := range out {
		if i, ok := idx[n.CorrectsID]; ok {
			out[i].CorrectedBy = append(out[i].CorrectedBy, n.ID)
		}
	}
	return out, nil
}

// AccessEntry is one line of an employee's access log.
type AccessEntry struct {
	At        time.Time `json:"at"`
	ActorID   string    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	ActorRole string    `json:"actor_role"`
	Action    string    `json:"action"` // read or write
	What      string    `json:"what"`
}

// AccessLog returns who has read or written employeeID's wellbeing records,
// newest first (at most limit entries; 0 means 500).
func (s *Service) AccessLog(ctx context.Context, p auth.Principal, employeeID string, limit int) ([]AccessEntry, error) {
	if _, err := s.reach(ctx, s.db, p, employeeID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	var rows []accessRow
	if err := s.db.WithContext(ctx).Where("employee_id = ?", employeeID).Order("at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]AccessEntry, len(rows))
	for i, r := range rows {
		out[i] = AccessEntry{At: r.At, ActorID: r.ActorID, ActorName: r.ActorName, ActorRole: r.ActorRole, Action: r.Action, What: r.What}
	}
	return out, nil
}

// KindLabel is the note's kind in plain words.
func (n Note) KindLabel() string { return NoteKindLabel(n.Kind) }

// RoleWords is the role the person acted in, in plain words.
func (e AccessEntry) RoleWords() string {
	switch e.ActorRole {
	case string(auth.Employee):
		return "themselves"
	case string(auth.SupportWorker):
		return "support worker"
	case string(auth.Supervisor):
		return "supervisor, the shared summary only"
	}
	return e.ActorRole
}
