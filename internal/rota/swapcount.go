package rota

import "context"

// SwapsWaitingFor is how many swap requests (offers and trades) wait for
// the employee's answer now: one count from the database, for the phone
// bar's badge on "Requests" (issue 17).
func (s *Service) SwapsWaitingFor(ctx context.Context, employeeID string) (int, error) {
	var n int64
	err := s.cfg.DB.WithContext(ctx).Model(&swapRow{}).
		Where("to_employee_id = ? AND status = ? AND kind IN ? AND expires_at > ?", employeeID, SwapPending, []string{Offer, Trade}, s.now().UTC()).
		Count(&n).Error
	return int(n), err
}
