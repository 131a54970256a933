package rota

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
	"rsc.io/qr"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
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

// Showable feeds (the calendar page). The API's NewFeedSecret makes a
// random secret and keeps only its hash, so its URL is shown once. The
// page must show the link again whenever the person comes back (to copy it,
// or scan it with another device), so its secret is derived: an HMAC, under
// a key only the servers hold, of the employee and the second the link was
// made. The table still keeps only the hash; a link is shown only when the
// derived secret's hash is the one stored, so a link made through the API
// stays unshowable and the page offers a new one instead.

// feedSecret derives the secret of the link made for employeeID at made.
func feedSecret(key []byte, employeeID string, made time.Time) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("goodshift calendar feed\x00" + employeeID + "\x00" + strconv.FormatInt(made.Unix(), 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:24])
}

func (s *Service) feedURL(secret string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/calendar/" + secret + ".ics"
}

// ShowableFeed is the employee's feed with its URL when the page can show it
// (made on the calendar page under key); URL is empty for a feed made some
// other way, and Exists false when there is none.
func (s *Service) ShowableFeed(ctx context.Context, key []byte, employeeID string) (CalendarFeed, error) {
	var rows []calendarFeedRow
	if err := s.cfg.DB.WithContext(ctx).Where("employee_id = ?", employeeID).Find(&rows).Error; err != nil {
		return CalendarFeed{}, err
	}
	if len(rows) == 0 {
		return CalendarFeed{}, nil
	}
	f := CalendarFeed{Exists: true, CreatedAt: rows[0].CreatedAt.UTC()}
	if secret := feedSecret(key, employeeID, f.CreatedAt); hmac.Equal([]byte(auth.HashToken(secret)), []byte(rows[0].SecretHash)) {
		f.URL = s.feedURL(secret)
	}
	return f, nil
}

// NewShowableFeed makes (or remakes) the employee's feed so that the page
// can show its URL again. The old URL stops working at once.
func (s *Service) NewShowableFeed(ctx context.Context, key []byte, employeeID string) (CalendarFeed, error) {
	var f CalendarFeed
	err := s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		made := s.now().Truncate(time.Second)
		var old []calendarFeedRow
		if err := tx.Where("employee_id = ?", employeeID).Find(&old).Error; err != nil {
			return err
		}
		if len(old) > 0 && !made.After(old[0].CreatedAt.UTC()) {
			made = old[0].CreatedAt.UTC().Truncate(time.Second).Add(time.Second) // a new link, even within the same second
		}
		if err := tx.Where("employee_id = ?", employeeID).Delete(&calendarFeedRow{}).Error; err != nil {
			return err
		}
		secret := feedSecret(key, employeeID, made)
		if err := tx.Create(&calendarFeedRow{EmployeeID: employeeID, SecretHash: auth.HashToken(secret), CreatedAt: made}).Error; err != nil {
			return err
		}
		f = CalendarFeed{Exists: true, URL: s.feedURL(secret), CreatedAt: made}
		return nil
	})
	return f, err
}

// CalendarPages serve /rota/calendar: the employee's calendar link, with
// subscribe (webcal), copy, a QR code for another device, how to add it to
// Google, Apple and Outlook calendars, and a new link.
type CalendarPages struct {
	svc   *Service
	shell *web.Shell
	key   []byte
}

// NewCalendarPages builds the pages; key (32 bytes, only the servers hold
// it, the same in every process) derives the showable links.
func NewCalendarPages(svc *Service, shell *web.Shell, key []byte) *CalendarPages {
	if len(key) < 32 {
		panic("rota: the calendar link key must be at least 32 bytes")
	}
	return &CalendarPages{svc: svc, shell: shell, key: key}
}

// Routes registers the page and its one form.
func (h *CalendarPages) Routes(root web.Routes) {
	root.GET("/rota/calendar", auth.ShiftsMine, h.page)
	root.POST("/rota/calendar", auth.ShiftsMine, h.make)
}

// CalendarView is what the calendar page shows.
type CalendarView struct {
	Feed      CalendarFeed
	URL       string       // https://.../calendar/<secret>.ics
	Webcal    template.URL // webcal://... (calendar apps subscribe to it); built here from our own URL
	GoogleURL string       // Google Calendar's "add by URL"
	QR        template.URL // data: URI of a PNG QR code of URL, made here
}

func (h *CalendarPages) page(c *gin.Context) {
	f, err := h.svc.ShowableFeed(c.Request.Context(), h.key, web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	v := CalendarView{Feed: f}
	if f.URL != "" {
		v.URL = f.URL
		webcal := "webcal://" + strings.TrimPrefix(strings.TrimPrefix(f.URL, "https://"), "http://")
		v.Webcal = template.URL(webcal) //nolint:gosec // our base URL and a base64url secret
		v.GoogleURL = "https://calendar.google.com/calendar/render?cid=" + url.QueryEscape(webcal)
		code, err := qr.Encode(f.URL, qr.M)
		if err != nil {
			web.Fail(c, err)
			return
		}
		code.Scale = 6
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG())) //nolint:gosec // a PNG we made
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "rota/calendar", v)
}

func (h *CalendarPages) make(c *gin.Context) {
	had, err := h.svc.Feed(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if _, err := h.svc.NewShowableFeed(c.Request.Context(), h.key, web.MustPrincipal(c).ID); err != nil {
		web.Fail(c, err)
		return
	}
	if had.Exists {
		web.Success(c, "Here is your new calendar link. The old one has stopped working: add the new one wherever you used the old.")
	} else {
		web.Success(c, "Your calendar link is ready. Add it to your calendar below.")
	}
	web.Redirect(c, "/rota/calendar")
}
