package payroll

import (
	"fmt"
	"strings"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

// Pay period lengths (config.PayPeriod).
const (
	Weekly      = "weekly"
	Fortnightly = "fortnightly"
	FourWeekly  = "four-weekly"
	Monthly     = "monthly"
)

// Period is one pay period. Its Key names it in URLs: "2026-11" for a
// monthly period, the start date ("2026-11-16") for the others.
type Period struct {
	Key   string     `json:"period"`
	Start civil.Date `json:"start_date"`
	End   civil.Date `json:"end_date"` // inclusive
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d civil.Date) bool { return !d.Before(p.Start) && !d.After(p.End) }

// Label is the period in words.
func (p Period) Label() string {
	return p.Start.Format("2 Jan 2006") + " – " + p.End.Format("2 Jan 2006")
}

// Calendar turns dates into pay periods for the organisation's setting.
type Calendar struct {
	Kind   string
	Anchor civil.Date // a date a weekly/fortnightly/four-weekly period starts on
}

// NewCalendar checks the setting.
func NewCalendar(kind, anchor string) (Calendar, error) {
	c := Calendar{Kind: kind}
	switch kind {
	case Monthly:
		return c, nil
	case Weekly, Fortnightly, FourWeekly:
	default:
		return c, fmt.Errorf("pay period %q must be weekly, fortnightly, four-weekly or monthly", kind)
	}
	a, err := civil.Parse(anchor)
	if err != nil {
		return c, fmt.Errorf("pay period anchor: %w", err)
	}
	c.Anchor = a
	return c, nil
}

func (c Calendar) days() int {
	switch c.Kind {
	case Weekly:
		return 7
	case Fortnightly:
		return 14
	}
	return 28
}

// PeriodOf is the period containing d.
func (c Calendar) PeriodOf(d civil.Date) Period {
	if c.Kind == Monthly || c.Kind == "" {
		m := civil.MonthOf(d)
		return Period{Key: m.String(), Start: m.First(), End: m.Last()}
	}
	n := c.days()
	off := c.Anchor.DaysUntil(d)
	k := off / n
	if off < 0 && off%n != 0 {
		k--
	}
	start := c.Anchor.AddDays(k * n)
	return Period{Key: start.String(), Start: start, End: start.AddDays(n - 1)}
}

// Previous is the period before p.
func (c Calendar) Previous(p Period) Period { return c.PeriodOf(p.Start.AddDays(-1)) }

// Parse reads a period key: "2026-11" for monthly periods; for the others
// the start date of a period.
func (c Calendar) Parse(key string) (Period, error) {
	key = strings.TrimSpace(key)
	if c.Kind == Monthly || c.Kind == "" {
		m, err := civil.ParseMonth(key)
		if err != nil {
			return Period{}, errs.E(errs.NotFound, "There is no pay period %q: pay periods are monthly, named like 2026-11.", trunc(key))
		}
		return c.PeriodOf(m.First()), nil
	}
	d, err := civil.Parse(key)
	if err != nil {
		return Period{}, errs.E(errs.NotFound, "There is no pay period %q: pay periods are %s, named by their first day like %s.", trunc(key), c.Kind, c.Anchor)
	}
	p := c.PeriodOf(d)
	if p.Start != d {
		return Period{}, errs.E(errs.NotFound, "There is no pay period starting %s: the period containing it starts %s.", d.Format("Mon 2 Jan 2006"), p.Start.Format("Mon 2 Jan 2006"))
	}
	return p, nil
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
