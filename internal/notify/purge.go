package notify

import (
	"context"
	"time"
)

// PurgeRead deletes notifications read more than olderThan ago, and email
// records of notifications sent or skipped that long ago (emails about
// other things, such as invoices, are their record and are kept). It returns how many of each went.
func (s *Service) PurgeRead(ctx context.Context, olderThan time.Duration) (notifications, emails int64, err error) {
	cut := s.cfg.Now().UTC().Add(-olderThan)
	db := s.cfg.DB.WithContext(ctx)
	res := db.Where("read_at IS NOT NULL AND read_at < ?", cut).Delete(&row{})
	if res.Error != nil {
		return 0, 0, res.Error
	}
	er := db.Where("status IN ? AND created_at < ? AND regarding LIKE 'notification:%'", []string{EmailSent, EmailSkipped}, cut).Delete(&emailRow{})
	return res.RowsAffected, er.RowsAffected, er.Error
}
