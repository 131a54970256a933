package payroll_test

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/goodshift/goodshift/internal/payroll"
)

// fakeShifts is a rota of our own for unit tests; the real rota is tested
// end to end in internal/app.
type fakeShifts struct {
	mu   sync.Mutex
	byID map[string]payroll.ShiftRef
}

func (f *fakeShifts) add(s payroll.ShiftRef) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byID[s.ID] = s
}

func (f *fakeShifts) Shift(_ context.Context, id string) (payroll.ShiftRef, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.byID[id]
	if !ok {
		return payroll.ShiftRef{}, payroll.ErrShiftNotFound
	}
	return s, nil
}

func (f *fakeShifts) AssignedShifts(_ context.Context, from, to time.Time, employeeID string) ([]payroll.ShiftRef, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []payroll.ShiftRef
	for _, s := range f.byID {
		if s.EmployeeID == "" || (employeeID != "" && s.EmployeeID != employeeID) || s.Cancelled {
			continue
		}
		if s.Start.Before(to) && s.End.After(from) {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}
