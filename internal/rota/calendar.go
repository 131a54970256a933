package rota

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
)

type calendarFeedRow struct {
	EmployeeID string `gorm:"primaryKey"`
	SecretHash string
	CreatedAt  time.Time
}

func (calendarFeedRow) TableName() string { return "calendar_feeds" }

// ErrNoFeed is an unknown or revoked calendar secret.
var ErrNoFeed = errs.E(errs.NotFound, "There is no such calendar. If you made a new link, use that one.")

// The feed covers this much before and after today.
const (
	feedPast   = 31 * 24 * time.Hour
	feedFuture = 120 * 24 * time.Hour
)

// CalendarFeed is an employee's feed: whether one exists, and its URL when
// it has just been made (the secret is not kept, only its hash).
type CalendarFeed struct {
	Exists    bool      `json:"exists"`
	URL       string    `json:"url,omitempty"`
	CreatedAt time.Time `json:"created_at,omitempty"`
}

// Feed reports whether the employee has a calendar feed.
func (s *Service) Feed(ctx context.Context, employeeID string) (CalendarFeed, error) {
	var rows []calendarFeedRow
	if err := s.cfg.DB.WithContext(ctx).Where("employee_id = ?", employeeID).Find(&rows).Error; err != nil {
		return CalendarFeed{}, err
	}
	if len(rows) == 0 {
		return CalendarFeed{}, nil
	}
	return CalendarFeed{Exists: true, CreatedAt: rows[0].CreatedAt.UTC()}, nil
}

// NewFeedSecret makes (or remakes) an employee's secret feed URL. The old
// URL, if any, stops working at once.
func (s *Service) NewFeedSecret(ctx context.Context, employeeID string) (CalendarFeed, error) {
	secret := auth.RandomSecret(24)
	row := calendarFeedRow{EmployeeID: employeeID, SecretHash: auth.HashToken(secret), CreatedAt: s.now()}
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("employee_id = ?", employeeID).Delete(&calendarFeedRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return CalendarFeed{}, err
	}
	return CalendarFeed{Exists: true, URL: strings.TrimRight(s.cfg.BaseURL, "/") + "/calendar/" + secret + ".ics", CreatedAt: row.CreatedAt}, nil
}

// FeedICS is the iCalendar feed for a secret: the employee's shifts from a
// month ago to four months ahead, in the site's time zone, cancelled ones
// marked cancelled, SEQUENCE the shift's version.
func (s *Service) FeedICS(ctx context.Context, secret string) ([]byte, error) {
	if len(secret) < 16 || len(secret) > 100 {
		return nil, ErrNoFeed
	}
	var row calendarFeedRow
	err := s.cfg.DB.WithContext(ctx).Where("secret_hash = ?", auth.HashToken(secret)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNoFeed
	}
	if err != nil {
		return nil, err
	}
	p, err := s.cfg.People.Get(ctx, row.EmployeeID)
	if err != nil || !p.Active {
		return nil, ErrNoFeed
	}
	now := s.now()
	var rows []shiftRow
	if err := s.cfg.DB.WithContext(ctx).Where("employee_id = ? AND starts_at >= ? AND starts_at < ? AND published_at IS NOT NULL",
		row.EmployeeID, now.Add(-feedPast), now.Add(feedFuture)).Order("starts_at").Find(&rows).Error; err != nil {
		return nil, err
	}
	shifts, err := s.decorate(ctx, rows)
	if err != nil {
		return nil, err
	}
	sites, err := s.siteMap(ctx)
	if err != nil {
		return nil, err
	}
	updated := map[string]time.Time{}
	for _, r := range rows {
		updated[r.ID] = r.UpdatedAt.UTC()
	}
	return buildICS(p.Name, shifts, sites, updated), nil
}

const icsStamp = "20060102T150405"

// buildICS writes the calendar with github.com/arran4/golang-ical.
func buildICS(name string, shifts []Shift, sites map[string]Site, updated map[string]time.Time) []byte {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Goodshift//Rota//EN")
	cal.SetName("Goodshift shifts: " + name)
	cal.SetXWRCalName("Goodshift shifts")
	cal.SetXWRTimezone("Europe/London")
	cal.SetRefreshInterval("PT1H")
	addLondon(cal)
	for _, sh := range shifts {
		site := sites[sh.SiteID]
		loc := site.Location()
		tzid := site.TimeZone
		if tzid == "" {
			tzid = "Europe/London"
		}
		e := cal.AddEvent(sh.ID + "@goodshift")
		e.SetDtStampTime(updated[sh.ID])
		e.SetModifiedAt(updated[sh.ID])
		e.SetSequence(sh.Version)
		e.SetProperty(ics.ComponentPropertyDtStart, sh.Start.In(loc).Format(icsStamp), ics.WithTZID(tzid))
		e.SetProperty(ics.ComponentPropertyDtEnd, sh.End.In(loc).Format(icsStamp), ics.WithTZID(tzid))
		summary := "Cleaning: " + sh.SiteName
		if sh.Status == Cancelled {
			summary = "Cancelled: " + sh.SiteName
			e.SetStatus(ics.ObjectStatusCancelled)
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
		e.SetSummary(summary)
		where := site.Address
		if site.Postcode != "" {
			where += ", " + site.Postcode
		}
		e.SetLocation(where)
		desc := fmt.Sprintf("%s–%s, break %d minutes.", sh.LocalStart, sh.LocalEnd, sh.BreakMinutes)
		if site.ClientName != "" {
			desc = site.ClientName + ". " + desc
		}
		e.SetDescription(desc)
	}
	var buf bytes.Buffer
	_ = cal.SerializeTo(&buf)
	return buf.Bytes()
}

// addLondon adds the Europe/London VTIMEZONE (GMT/BST since 1996).
func addLondon(cal *ics.Calendar) {
	tz := cal.AddTimezone("Europe/London")
	std := tz.AddStandard()
	std.AddProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0100")
	std.AddProperty(ics.ComponentProperty("TZOFFSETTO"), "+0000")
	std.AddProperty(ics.ComponentProperty("TZNAME"), "GMT")
	std.AddProperty(ics.ComponentPropertyDtStart, "19961027T020000")
	std.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	dl := &ics.Daylight{}
	dl.AddProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0000")
	dl.AddProperty(ics.ComponentProperty("TZOFFSETTO"), "+0100")
	dl.AddProperty(ics.ComponentProperty("TZNAME"), "BST")
	dl.AddProperty(ics.ComponentPropertyDtStart, "19810329T010000")
	dl.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	tz.Components = append(tz.Components, dl)
}
