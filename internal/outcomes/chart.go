package outcomes

import (
	"fmt"
	"math"
)

// Charts are drawn on the server as SVG by html/template from the geometry
// below: a few bars need no library, nothing is fetched from a CDN, the page
// works without JavaScript, and every value drawn is one already published
// (withheld values are drawn as nothing and labelled).

// Bar is one bar of a chart, in SVG user units.
type Bar struct {
	X, Y, W, H float64
	Label      string // under the bar
	Value      string // above the bar, or the reason it is withheld
	Title      string // tooltip and accessible text
	ShowValue  bool   // room to write the value above the bar
}

// Chart is a bar chart.
type Chart struct {
	Title, Caption string
	Width, Height  float64
	Bars           []Bar
	Empty          bool
}

const (
	chartW, chartH = 360.0, 200.0
	chartTop       = 20.0
	chartBottom    = 30.0
)

func bars(title, caption string, labels, values []string, nums []*float64) Chart {
	c := Chart{Title: title, Caption: caption, Width: chartW, Height: chartH}
	top := 0.0
	for _, v := range nums {
		if v != nil && *v > top {
			top = *v
		}
	}
	if top == 0 {
		c.Empty = true
		top = 1
	}
	slot := chartW / float64(max(len(labels), 1))
	w := math.Max(slot*0.7, 2)
	plot := chartH - chartTop - chartBottom
	for i := range labels {
		b := Bar{X: float64(i)*slot + (slot-w)/2, W: w, Label: labels[i], Value: values[i], Title: labels[i] + ": " + values[i],
			ShowValue: len(labels) <= 8}
		if v := nums[i]; v != nil {
			b.H = plot * *v / top
		}
		b.Y = chartTop + plot - b.H
		c.Bars = append(c.Bars, b)
	}
	return c
}

// Charts are the report's charts.
func Charts(r Report) []Chart {
	var labels, values []string
	var nums []*float64
	for i, m := range r.Trend {
		l := ""
		if i%3 == 0 {
			l = m.Month.First().Format("Jan 06")
		}
		labels = append(labels, l)
		if m.Hours != nil {
			values = append(values, fmt.Sprintf("%.0f", *m.Hours))
		} else {
			values = append(values, NotShown)
		}
		nums = append(nums, m.Hours)
	}
	hours := bars("Paid hours each month", "The two years to "+r.To.Format("Jan 2006")+". Months with fewer than 5 people paid are not drawn.", labels, values, nums)
	for i := range hours.Bars {
		hours.Bars[i].Title = r.Trend[i].Month.First().Format("Jan 2006") + ": " + values[i] + " hours; people employed (to nearest 5): " + r.Trend[i].Employed.String()
	}
	labels, values, nums = nil, nil, nil
	for _, id := range []string{"retention_13", "retention_26", "retention_52", "sustained_job"} {
		t, ok := r.table(id)
		if !ok {
			continue
		}
		labels = append(labels, map[string]string{"retention_13": "13 weeks", "retention_26": "26 weeks", "retention_52": "52 weeks", "sustained_job": "Sustained job"}[id])
		c, tot := t.Rows[0].Count, t.Total.Count
		if c.Shown() && tot.Shown() && *tot.Value > 0 {
			v := float64(*c.Value) * 100 / float64(*tot.Value)
			nums = append(nums, &v)
			values = append(values, fmt.Sprintf("%s of %s", c, tot))
		} else {
			nums = append(nums, nil)
			values = append(values, c.String())
		}
	}
	retention := bars("Still in work", "Share of people reaching each point in the period who were still employed (sustained job: 7 hours or more in 13 of their first 16 weeks).", labels, values, nums)
	labels, values, nums = nil, nil, nil
	if t, ok := r.table("leavers"); ok {
		for _, row := range t.Rows {
			labels = append(labels, row.Label)
			values = append(values, row.Count.String())
			if row.Count.Shown() {
				v := float64(*row.Count.Value)
				nums = append(nums, &v)
			} else {
				nums = append(nums, nil)
			}
		}
	}
	moves := bars("Where leavers moved on to", "People who left in the period, by what they moved on to.", labels, values, nums)
	return []Chart{hours, retention, moves}
}

func (r Report) table(id string) (Table, bool) {
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			if t.ID == id {
				return t, true
			}
		}
	}
	return Table{}, false
}

// JourneyChart draws an employee's own paid hours by month.
func JourneyChart(j Journey) Chart {
	var labels, values []string
	var nums []*float64
	for i, m := range j.Months {
		l := ""
		if i%3 == 0 || len(j.Months) <= 8 {
			l = m.Month.First().Format("Jan 06")
		}
		h := m.Hours
		labels, values, nums = append(labels, l), append(values, fmt.Sprintf("%.1f", h)), append(nums, &h)
	}
	c := bars("Your paid hours each month", "", labels, values, nums)
	for i := range c.Bars {
		c.Bars[i].Title = j.Months[i].Month.First().Format("January 2006") + ": " + values[i] + " hours"
	}
	return c
}
