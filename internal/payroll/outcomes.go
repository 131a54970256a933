package payroll

import (
	"context"
	"slices"
)

// ShiftOutcomes says what happened on shifts that are over: worked,
// no_show or clocked_in (not yet out), by shift ID; shifts with no
// attendance are left out. Only the status: no times, no pay.
func (s *Service) ShiftOutcomes(ctx context.Context, shiftIDs []string) (map[string]string, error) {
	out := map[string]string{}
	for chunk := range slices.Chunk(shiftIDs, 500) {
		var rows []attendanceRow
		if err := s.db.WithContext(ctx).Select("shift_id, status").Where("shift_id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ShiftID] = r.Status
		}
	}
	return out, nil
}
