package wellbeing

import (
	"context"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

// CaseMember is a person on a support worker's caseload.
type CaseMember struct {
	EmployeeID  string `json:"employee_id"`
	Name        string `json:"name"`
	WorksNumber string `json:"works_number"`
}

func inCaseload(ctx context.Context, db *gorm.DB, supportWorkerID, employeeID string) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Model(&caseloadRow{}).
		Where("support_worker_id = ? AND employee_id = ?", supportWorkerID, employeeID).Count(&n).Error
	return n > 0, err
}

// InCaseload reports whether employeeID is on supportWorkerID's caseload
// (the rota asks, to let support workers see adjustments for their caseload).
func (s *Service) InCaseload(ctx context.Context, supportWorkerID, employeeID string) (bool, error) {
	return inCaseload(ctx, s.db, supportWorkerID, employeeID)
}

// Assign puts an employee on a support worker's caseload (admins do this).
// Assigning twice is harmless.
func (s *Service) Assign(ctx context.Context, supportWorkerID, employeeID string) error {
	sw, err := s.person(ctx, supportWorkerID)
	if err != nil || !sw.Has(auth.SupportWorker) {
		return errs.E(errs.NotFound, "There is no support worker with that ID.")
	}
	if !database.ValidID(employeeID) {
		return errs.Fields(errs.FieldError{Field: "employee_id", Message: "must be the ID of an employee"})
	}
	emp, err := s.person(ctx, employeeID)
	if err != nil || !emp.Has(auth.Employee) {
		return errs.Fields(errs.FieldError{Field: "employee_id", Message: "is not an employee"})
	}
	ok, err := s.InCaseload(ctx, supportWorkerID, employeeID)
	if err != nil || ok {
		return err
	}
	err = s.db.WithContext(ctx).Create(&caseloadRow{SupportWorkerID: supportWorkerID, EmployeeID: employeeID, CreatedAt: s.now().UTC()}).Error
	if database.IsUniqueViolation(err) {
		return nil // a concurrent assignment of the same pair
	}
	return err
}

// Unassign takes an employee off a support worker's caseload.
func (s *Service) Unassign(ctx context.Context, supportWorkerID, employeeID string) error {
	res := s.db.WithContext(ctx).Where("support_worker_id = ? AND employee_id = ?", supportWorkerID, employeeID).Delete(&caseloadRow{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.E(errs.NotFound, "That employee is not on this support worker's caseload.")
	}
	return nil
}

// Caseload lists a support worker's caseload by name. p must be the support
// worker themselves or an admin.
func (s *Service) Caseload(ctx context.Context, p auth.Principal, supportWorkerID string) ([]CaseMember, error) {
	if !p.IsSelf(supportWorkerID) && !p.Has(auth.Admin) {
		return nil, ErrNotFound
	}
	if !database.ValidID(supportWorkerID) {
		return nil, ErrNotFound
	}
	var rows []caseloadRow
	if err := s.db.WithContext(ctx).Where("support_worker_id = ?", supportWorkerID).Find(&rows).Error; err != nil {
		return nil, err
	}
	if p.Has(auth.Admin) && !p.IsSelf(supportWorkerID) {
		sw, err := s.person(ctx, supportWorkerID)
		if err != nil || !sw.Has(auth.SupportWorker) {
			return nil, errs.E(errs.NotFound, "There is no support worker with that ID.")
		}
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.EmployeeID
	}
	ps, err := s.people.List(ctx, people.Filter{IDs: ids})
	if err != nil {
		return nil, err
	}
	out := make([]CaseMember, 0, len(ps))
	for _, p := range ps {
		m := CaseMember{EmployeeID: p.ID, Name: p.Name}
		if p.Employee != nil {
			m.WorksNumber = p.Employee.WorksNumber
		}
		out = append(out, m)
	}
	return out, nil
}

// SupportWorkers lists the people holding the support worker role.
func (s *Service) SupportWorkers(ctx context.Context) ([]people.Person, error) {
	return s.people.List(ctx, people.Filter{Role: auth.SupportWorker, ActiveOnly: true})
}

func (s *Service) person(ctx context.Context, id string) (people.Person, error) {
	if !database.ValidID(id) {
		return people.Person{}, people.ErrNotFound
	}
	return s.people.Get(ctx, id)
}
