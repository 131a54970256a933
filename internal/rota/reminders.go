package rota

import (
	"context"
	"fmt"

	"github.com/goodshift/goodshift/internal/civil"
)

// ReminderHour is the local hour (London) from which the evening-before
// reminders go out.
const ReminderHour = 18

// Reminder is one employee's reminder of tomorrow's shift.
type Reminder struct {
	ShiftID    string
	EmployeeID string
	Subject    string
	Body       string
}

// ReminderOptOuts says who turned the evening-before reminder off (their
// Notifications settings; internal/notify satisfies it).
type ReminderOptOuts interface {
	RemindersOff(ctx context.Context, employeeIDs []string) (map[string]bool, error)
}

// RemindersDue lists tomorrow's assigned shifts, one reminder each, once
// it is evening (from ReminderHour, London time); before then, none. The
// caller makes each reminder happen once (a unique job per shift and
// start). It does not ask who opted out: RemindersDueFor does.
func (s *Service) RemindersDue(ctx context.Context) ([]Reminder, error) {
	return s.RemindersDueFor(ctx, nil)
}

// RemindersDueFor is RemindersDue without the people optOuts says turned
// reminders off (nil: nobody did).
func (s *Service) RemindersDueFor(ctx context.Context, optOuts ReminderOptOuts) ([]Reminder, error) {
	now := s.now().In(civil.London)
	if now.Hour() < ReminderHour {
		return nil, nil
	}
	tomorrow := civil.In(now, civil.London).AddDays(1)
	from, to := tomorrow.At(0, 0, civil.London).UTC(), tomorrow.AddDays(1).At(0, 0, civil.London).UTC()
	var rows []shiftRow
	if err := s.cfg.DB.WithContext(ctx).Where("status = ? AND employee_id IS NOT NULL AND starts_at >= ? AND starts_at < ? AND published_at IS NOT NULL", Assigned, from, to).
		Order("starts_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	off := map[string]bool{}
	if optOuts != nil {
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = *r.EmployeeID
		}
		var err error
		if off, err = optOuts.RemindersOff(ctx, ids); err != nil {
			return nil, err
		}
	}
	sites, err := s.siteMap(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Reminder, 0, len(rows))
	for _, r := range rows {
		if off[*r.EmployeeID] {
			continue
		}
		sh := r.shift()
		site := sites[sh.SiteID]
		body := fmt.Sprintf("You are working tomorrow at %s, %s.", site.Name, describeTimes(sh))
		if site.Address != "" {
			body += " Address: " + site.Address + "."
		}
		out = append(out, Reminder{ShiftID: sh.ID, EmployeeID: *r.EmployeeID, Subject: "Your shift tomorrow", Body: body})
	}
	return out, nil
}
