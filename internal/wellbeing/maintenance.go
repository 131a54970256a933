package wellbeing

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/people"
)

// sealedColumn is one column of ciphertexts and how its rows bind them.
type sealedColumn struct {
	table, key, column string
	aad                func(key string) string
}

var sealedColumns = []sealedColumn{
	{"wellbeing_plans", "employee_id", "content", func(k string) string { return planAAD(k, "content") }},
	{"wellbeing_plans", "employee_id", "summary", func(k string) string { return planAAD(k, "summary") }},
	{"wellbeing_plan_versions", "id", "content", func(k string) string { return versionAAD(k, "content") }},
	{"wellbeing_plan_versions", "id", "summary", func(k string) string { return versionAAD(k, "summary") }},
	{"wellbeing_notes", "id", "body", noteAAD},
}

// Rotation reports a re-encryption.
type Rotation struct {
	PrimaryKeyID string
	Reencrypted  int // values sealed again under the primary key
	Remaining    int // values still under other keys afterwards (0 when done)
}

// Reencrypt seals every stored ciphertext that is not under the keyring's
// primary key again under it. It runs alongside a live server: each value
// is replaced only if it is unchanged since it was read (a conditional
// update), in small batches, so nothing is locked for long and a save made
// meanwhile is never overwritten. Run it again if Remaining is not zero.
func (s *Service) Reencrypt(ctx context.Context) (Rotation, error) {
	primary := s.keys.PrimaryID()
	out := Rotation{PrimaryKeyID: primary}
	for _, col := range sealedColumns {
		after := ""
		for {
			var rows []struct {
				K string
				V string
			}
			q := fmt.Sprintf("SELECT %s AS k, %s AS v FROM %s WHERE %s > ? ORDER BY %s LIMIT 200", col.key, col.column, col.table, col.key, col.key)
			if err := s.db.WithContext(ctx).Raw(q, after).Scan(&rows).Error; err != nil {
				return out, err
			}
			if len(rows) == 0 {
				break
			}
			after = rows[len(rows)-1].K
			// One short transaction per batch: a commit per value would
			// make PostgreSQL wait on its log for every row.
			err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				for _, r := range rows {
					id, err := CiphertextKeyID(r.V)
					if err != nil {
						return fmt.Errorf("%s %s of %s: %w", col.table, col.column, r.K, err)
					}
					if id == primary {
						continue
					}
					plain, err := s.keys.Open(r.V, col.aad(r.K))
					if err != nil {
						return fmt.Errorf("%s %s of %s: %w", col.table, col.column, r.K, err)
					}
					sealed, err := s.keys.Seal(plain, col.aad(r.K))
					if err != nil {
						return err
					}
					upd := fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ? AND %s = ?", col.table, col.column, col.key, col.column)
					res := tx.Exec(upd, sealed, r.K, r.V)
					if res.Error != nil {
						return res.Error
					}
					out.Reencrypted += int(res.RowsAffected)
				}
				return nil
			})
			if err != nil {
				return out, err
			}
		}
	}
	n, err := s.countNotUnder(ctx, primary)
	out.Remaining = n
	return out, err
}

func (s *Service) countNotUnder(ctx context.Context, keyID string) (int, error) {
	n := 0
	for _, col := range sealedColumns {
		var c int64
		q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s NOT LIKE ?", col.table, col.column)
		if err := s.db.WithContext(ctx).Raw(q, cipherPrefix+keyID+".%").Scan(&c).Error; err != nil {
			return 0, err
		}
		n += int(c)
	}
	return n, nil
}

// Purged reports what a purge deleted.
type Purged struct {
	Employees    int // people whose records were deleted
	Plans        int
	Versions     int
	Notes        int
	FlexPeriods  int
	AccessLog    int
	CaseloadRows int
}

// Total is the number of rows deleted.
func (p Purged) Total() int {
	return p.Plans + p.Versions + p.Notes + p.FlexPeriods + p.AccessLog + p.CaseloadRows
}

// Purge deletes every wellbeing record of people whose employment ended
// more than retention ago. It is safe to run again (a second run deletes
// nothing) and logs only counts.
func (s *Service) Purge(ctx context.Context, retention time.Duration) (Purged, error) {
	var out Purged
	if retention <= 0 {
		return out, fmt.Errorf("retention must be positive")
	}
	cutoff := s.today().AddDays(-int(retention / (24 * time.Hour)))
	emps, err := s.people.List(ctx, people.Filter{Role: auth.Employee})
	if err != nil {
		return out, err
	}
	var ids []string
	for _, e := range emps {
		if e.Employee != nil && !e.Employee.EndDate.IsZero() && e.Employee.EndDate.Before(cutoff) {
			ids = append(ids, e.ID)
		}
	}
	for _, id := range ids {
		var one Purged
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			// Corrections first, so no note is deleted while another refers to it.
			res := tx.Where("employee_id = ? AND corrects_id IS NOT NULL", id).Delete(&noteRow{})
			if res.Error != nil {
				return res.Error
			}
			one.Notes += int(res.RowsAffected)
			for _, step := range []struct {
				n     *int
				model any
			}{
				{&one.Notes, &noteRow{}},
				{&one.Versions, &planVersionRow{}},
				{&one.Plans, &planRow{}},
				{&one.FlexPeriods, &flexRow{}},
				{&one.AccessLog, &accessRow{}},
				{&one.CaseloadRows, &caseloadRow{}},
			} {
				res := tx.Where("employee_id = ?", id).Delete(step.model)
				if res.Error != nil {
					return res.Error
				}
				*step.n += int(res.RowsAffected)
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		if one.Total() > 0 {
			out.Employees++
		}
		out.Plans += one.Plans
		out.Versions += one.Versions
		out.Notes += one.Notes
		out.FlexPeriods += one.FlexPeriods
		out.AccessLog += one.AccessLog
		out.CaseloadRows += one.CaseloadRows
	}
	s.logger.InfoContext(ctx, "wellbeing purge", "cutoff", cutoff.String(), "employees", out.Employees,
		"plans", out.Plans, "plan_versions", out.Versions, "notes", out.Notes, "flex_periods", out.FlexPeriods,
		"access_log", out.AccessLog, "deleted_rows", out.Total())
	return out, nil
}
