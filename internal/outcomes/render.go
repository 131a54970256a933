package outcomes

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/pdfdoc"
)

// CSV writes every table and figure of a report as one CSV: section,
// measure, row, count, share, figure. Withheld counts are written as the
// reason ("fewer than 5", "not shown"), never as a number.
// With only set, just that table (by ID).
func CSV(r Report, only string) ([]byte, error) {
	if only != "" {
		if _, ok := r.table(only); !ok {
			return nil, errs.E(errs.NotFound, "There is no outcomes table called %q.", only)
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rec := func(fields ...string) { _ = w.Write(fields) }
	rec("period_from", "period_to", "section", "table", "measure", "row", "count", "share", "figure")
	from, to := r.From.String(), r.To.String()
	for _, s := range r.Sections {
		for _, f := range s.Figures {
			if only == "" {
				rec(from, to, s.Title, f.ID, f.Label, "", "", "", f.String())
			}
		}
		for _, t := range s.Tables {
			if only != "" && t.ID != only {
				continue
			}
			for _, row := range append(t.Rows, t.Total) {
				rec(from, to, s.Title, t.ID, t.Title, row.Label, row.Count.String(), row.Share, row.Figure)
			}
		}
	}
	for _, m := range r.Trend {
		if only != "" {
			break
		}
		h := NotShown
		if m.Hours != nil {
			h = fmt.Sprintf("%.2f", *m.Hours)
		}
		rec(from, to, "Trend", "trend", "People employed at the end of the month (rounded to 5) and paid hours", m.Month.String(), m.Employed.String(), "", h)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// PDF renders the report for a funder or a tender: every figure and table,
// then the definitions as an appendix. The same report gives the same bytes.
func PDF(r Report, org string) ([]byte, error) {
	doc := pdfdoc.New(pdfdoc.Meta{
		Title:   "Outcomes report " + r.From.String() + " to " + r.To.String(),
		Author:  org,
		Footer:  org + " · Outcomes " + Period{r.From, r.To}.Label() + " · aggregates only: counts under 5 are not shown",
		Created: r.AsOf.Time(time.UTC),
	})
	doc.Title("Job outcomes and social value")
	doc.Fields([]pdfdoc.Field{
		{Label: "Organisation", Value: org},
		{Label: "Period", Value: Period{r.From, r.To}.Label()},
		{Label: "Figures as of", Value: r.AsOf.Format("2 Jan 2006")},
		{Label: "Pay compared with", Value: r.LivingWage},
	})
	doc.Text("Every figure comes from the records the enterprise keeps day to day: employment records, paid hours, pay rates, " +
		"and the dates of sickness absences and flex periods. Counts of fewer than 5 people are shown as \"fewer than 5\", " +
		"and other counts are \"not shown\" where showing them would let a small count be worked out by subtraction. " +
		"No figure names a health condition.")
	for _, s := range r.Sections {
		doc.Heading(s.Title)
		if len(s.Figures) > 0 {
			tb := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Measure", Width: 0.7, Align: "L"}, {Title: "Value", Width: 0.3, Align: "R"}}}
			for _, f := range s.Figures {
				tb.Rows = append(tb.Rows, []string{f.Label, f.String()})
			}
			doc.Table(tb)
			doc.Space(2)
		}
		for _, t := range s.Tables {
			doc.Bold(t.Title)
			doc.Text("Corresponds to: " + t.Measure)
			cols := []pdfdoc.Column{{Title: "", Width: 0.6, Align: "L"}, {Title: "People", Width: 0.2, Align: "R"}, {Title: "Share", Width: 0.2, Align: "R"}}
			if t.FigureTitle != "" {
				cols = []pdfdoc.Column{{Title: "", Width: 0.55, Align: "L"}, {Title: "People", Width: 0.15, Align: "R"},
					{Title: "Share", Width: 0.15, Align: "R"}, {Title: t.FigureTitle, Width: 0.15, Align: "R"}}
			}
			line := func(row Row) []string {
				cells := []string{row.Label, row.Count.String(), row.Share}
				if t.FigureTitle != "" {
					cells = append(cells, row.Figure)
				}
				return cells
			}
			tb := pdfdoc.Table{Columns: cols}
			for _, row := range t.Rows {
				tb.Rows = append(tb.Rows, line(row))
			}
			tb.Foot = [][]string{line(t.Total)}
			doc.Table(tb)
			doc.Space(2)
		}
	}
	doc.Heading("Trend: the two years to " + r.To.Format("Jan 2006"))
	tb := pdfdoc.Table{Columns: []pdfdoc.Column{{Title: "Month", Width: 0.4, Align: "L"},
		{Title: "People employed (to nearest 5)", Width: 0.35, Align: "R"}, {Title: "Paid hours", Width: 0.25, Align: "R"}}}
	for _, m := range r.Trend {
		h := NotShown
		if m.Hours != nil {
			h = fmt.Sprintf("%.2f", *m.Hours)
		}
		tb.Rows = append(tb.Rows, []string{m.Month.First().Format("Jan 2006"), m.Employed.String(), h})
	}
	doc.Table(tb)
	doc.PageBreak()
	doc.Heading("Appendix: definitions")
	for _, def := range Definitions {
		doc.Bold(def.Name)
		doc.Text(def.Text)
	}
	return doc.Bytes()
}

// Definition is how one measure is worked out, printed in the appendix and
// kept in step with docs/outcomes.md.
type Definition struct{ Name, Text string }

// Definitions of every measure, in plain words.
var Definitions = []Definition{
	{"Period", "From the first to the last date given, inclusive. Someone is employed on a date if they started on or before it and have no leaving date before it."},
	{"People employed", "People employed on at least one day of the period. Source: employment records (start date, leaving date)."},
	{"New starts", "People whose start date is in the period, by how they were referred. Source: employment records."},
	{"Leavers", "People whose leaving date is in the period, by the category recorded when they left. Moves to open employment, education or training and volunteering are the moves-on figures."},
	{"Total paid hours", "Paid time from shifts worked on dates in the period, worked out as on a timesheet (time worked within the shift, less the unpaid break). Holiday and sick pay are not included. Source: payroll attendance."},
	{"Total wages", "For each person and date: paid minutes × the hourly rate in force that day ÷ 60, rounded to the penny; added up. Source: payroll attendance and pay rates."},
	{"Median paid hours a week", "For each person employed at least 7 days of the period: paid minutes in the period × 7 ÷ days employed in the period, in hours; the middle value (the mean of the middle two for an even number)."},
	{"London Living Wage", "People paid in the period whose hourly rate on every day they were paid was at least the London Living Wage in force that day (the Living Wage Foundation's rate, from the day it was announced)."},
	{"Job retention at 13, 26 and 52 weeks", "People whose start date plus 13, 26 or 52 weeks falls in the period (and not after today), and how many were still employed on that date."},
	{"Sustained job", "People whose first 16 weeks ended in the period: how many had at least 7 paid hours in at least 13 of those 16 weeks (week 1 is the start date and the six days after it). The shape of DWP's sustained-job measure for IPS."},
	{"Staying in work through difficult periods", "People with a sickness absence or a flex period on any day of the period (counts only: never who, never why). For each, the last such absence or flex period to end; still employed 13 weeks after it ended, left by then, or too recent to tell. Sickness comes from payroll as dates; flex periods as dates only, with no reason and no content."},
	{"Progression", "People employed from four weeks before the six months to the end of the period (or today, if sooner). Hours: paid minutes in the last 28 days higher than in the 28 days ending six months (182 days) earlier. Pay: hourly rate at the end higher than six months earlier."},
	{"Long-term unemployed and disabled", "People employed in the period with the flag recorded with their consent, in headcount and FTE. FTE: their paid minutes in the period × 7 ÷ days in the period ÷ a full-time week of 37.5 hours. No monetary proxy is applied."},
	{"Local employment", "People employed in the period by the postcode district they live in (never a full postcode). Which districts count as local is for the tender to say."},
	{"Counts withheld", "A count under 5 is shown as \"fewer than 5\". Where a table's total is shown, further counts are \"not shown\" until no withheld count can be worked out by subtraction; if that is impossible the total is withheld as well, and with it every table of the same people. Hours, wages, the median and FTE are shown only for 5 or more people. Monthly headcounts are rounded to the nearest 5."},
}

// csvName is the download name for a report.
func fileName(r Report, ext string) string {
	return strings.ReplaceAll(fmt.Sprintf("outcomes-%s-to-%s.%s", r.From, r.To, ext), " ", "")
}
