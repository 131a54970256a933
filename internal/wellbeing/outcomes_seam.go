package wellbeing

import (
	"context"

	"github.com/goodshift/goodshift/internal/civil"
)

// FlexDates is when one flex period was in place, and nothing else: no kind,
// no limits, no reason, no link to a plan.
type FlexDates struct {
	EmployeeID string
	From, To   civil.Date
}

// FlexDatesBetween lists the dates of flex periods in place on any day of
// [from, to] (cancelled ones left out), for the outcomes reports, which
// count them and never see anything more. It is read by no person, so it
// is not written to the access log.
func (s *Service) FlexDatesBetween(ctx context.Context, from, to civil.Date) ([]FlexDates, error) {
	var rows []flexRow
	if err := s.db.WithContext(ctx).Select("id, employee_id, from_date, to_date, ended_at").
		Where("from_date <= ? AND to_date >= ?", to, from).Order("employee_id, from_date, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	var out []FlexDates
	for _, r := range rows {
		if r.period().Cancelled {
			continue
		}
		out = append(out, FlexDates{EmployeeID: r.EmployeeID, From: r.FromDate, To: r.ToDate})
	}
	return out, nil
}
