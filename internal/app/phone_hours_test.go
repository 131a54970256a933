package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/rota"
)

// barLabels are the phone bar's labels (without the unread badge), of the
// links matching extra (`[aria-current="page"]`) if given.
func barLabels(doc *goquery.Document, extra ...string) []string {
	sel := "header nav.phonebar a" + strings.Join(extra, "")
	return doc.Find(sel).Map(func(_ int, a *goquery.Selection) string {
		c := a.Clone()
		c.Find(".count-badge, .visually-hidden").Remove()
		return strings.TrimSpace(c.Text())
	})
}

// idOf is a demo person's ID.
func idOf(t *testing.T, srv *apptest.Server, email string) string {
	t.Helper()
	p, err := srv.App.People.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// myHoursAPI is GET /api/v1/me/hours for c.
func myHoursAPI(t *testing.T, c *apptest.Client, query string) payroll.MyHours {
	t.Helper()
	var h payroll.MyHours
	if r := c.JSON(http.MethodGet, "/api/v1/me/hours"+query, nil, &h); r.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/me/hours%s: %d %s", query, r.StatusCode, r.Body)
	}
	return h
}

// workedShift is one of the employee's worked shifts this pay period.
func workedShift(t *testing.T, h payroll.MyHours) payroll.MyHoursLine {
	t.Helper()
	for _, l := range h.Shifts {
		if l.State == payroll.HoursWorked && l.CanQuery {
			return l
		}
	}
	t.Fatalf("no worked shift to query in %+v", h.Shifts)
	return payroll.MyHoursLine{}
}

// TestMyHoursPage: an employee's My hours lists each shift of the pay
// period as a card with its times, paid time, break and state in words,
// and the totals; no supervisor table, no approve button, no ISO dates.
func TestMyHoursPage(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	sam := srv.SignIn(t, "sam@goodshift.example")
	res, doc := sam.Page("/payroll/my-hours")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("My hours: %d", res.StatusCode)
	}
	main := doc.Find("main")
	cards := main.Find("#my-hours-shifts li.shift-card")
	if cards.Length() < 5 {
		t.Fatalf("%d shift cards", cards.Length())
	}
	if main.Find("table").Length() != 0 || main.Find(`form[action$="/approve"]`).Length() != 0 {
		t.Error("My hours shows the supervisors' table or an approve button")
	}
	if strings.Contains(main.Text(), "cannot be approved") {
		t.Error("My hours speaks of approval")
	}
	if m := isoDate.FindString(main.Text()); m != "" {
		t.Errorf("an ISO date on My hours: %s", m)
	}
	api := myHoursAPI(t, sam, "")
	if api.Period == nil || api.Period.Key != "2026-11" || len(api.Shifts) != cards.Length() {
		t.Fatalf("API period %+v, %d shifts; page %d", api.Period, len(api.Shifts), cards.Length())
	}
	dayLabel := regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Nov|Dec)$`)
	times := regexp.MustCompile(`^\d\d:\d\d–\d\d:\d\d$`)
	worked := 0
	cards.Each(func(i int, card *goquery.Selection) {
		l := api.Shifts[i]
		head := strings.TrimSpace(card.Find("h3").Text())
		date, _, _ := strings.Cut(head, " · ")
		if !dayLabel.MatchString(date) || date != l.DateLabel {
			t.Errorf("card %d heading %q (API %q)", i, head, l.DateLabel)
		}
		if got := strings.TrimSpace(card.Find("dd.planned").Text()); !times.MatchString(got) || got != l.Planned {
			t.Errorf("card %d planned %q", i, got)
		}
		if got := strings.TrimSpace(card.Find(".state .badge").Text()); got != l.StateLabel || got == "" {
			t.Errorf("card %d state %q, want %q", i, got, l.StateLabel)
		}
		if l.State == payroll.HoursWorked {
			worked++
			if in := strings.TrimSpace(card.Find("dd.clocked-in").Text()); in != l.ClockedIn || len(in) != 5 {
				t.Errorf("card %d clocked in %q", i, in)
			}
			if p := strings.TrimSpace(card.Find("dd.paid").Text()); p != l.Paid || !strings.Contains(p, "h") {
				t.Errorf("card %d paid %q", i, p)
			}
			if card.Find("dd.break").Length() != 1 || card.Find(`details.query form[action="/payroll/my-hours/`+l.ShiftID+`/query"]`).Length() != 1 {
				t.Errorf("card %d has no break or no Query this", i)
			}
		}
	})
	if worked == 0 {
		t.Fatal("no worked shifts on Sam's My hours")
	}
	if got := strings.TrimSpace(main.Find("#total-paid").Text()); got != api.Totals.Paid || got != payroll.HoursHM(api.Totals.PaidMinutes) {
		t.Errorf("total paid %q, API %q", got, api.Totals.Paid)
	}
	if got := strings.TrimSpace(main.Find("#total-worked").Text()); got != strconv.Itoa(worked) {
		t.Errorf("shifts worked %q, cards %d", got, worked)
	}
	// Another pay period, chosen from the list.
	if main.Find(`select#period option[value="2026-10"]`).Length() != 1 {
		t.Error("no October in the period choice")
	}
	_, oct := sam.Page("/payroll/my-hours?period=2026-10")
	if !strings.Contains(oct.Find("#my-hours-period").Text(), "Thu 1 Oct") {
		t.Errorf("October: %q", oct.Find("#my-hours-period").Text())
	}
	// Reachable from the bar: Clock's tabs, and a link on Me.
	_, clock := sam.Page("/clock")
	if clock.Find(`header nav.tabs a[href="/payroll/my-hours"]`).Length() != 1 {
		t.Error("the Clock place has no My hours tab")
	}
	if cur := barLabels(doc, `[aria-current="page"]`); len(cur) != 1 || cur[0] != "Clock" {
		t.Errorf("on My hours the bar marks %v", cur)
	}
	_, me := sam.Page("/me")
	if me.Find(`a#me-my-hours[href="/payroll/my-hours"]`).Length() != 1 {
		t.Error("Me has no My hours link")
	}
	// Supervisors without the employee role have no My hours.
	dana := srv.SignIn(t, "dana@goodshift.example")
	if r := dana.Get("/payroll/my-hours"); r.StatusCode != http.StatusForbidden {
		t.Errorf("Dana's My hours: %d", r.StatusCode)
	}
}

// TestEmployeesSentToMyHours: an employee opening the supervisors'
// timesheet pages is sent to My hours; supervisors keep them.
func TestEmployeesSentToMyHours(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	sam := srv.SignIn(t, "sam@goodshift.example")
	samID := idOf(t, srv, "sam@goodshift.example")
	for path, want := range map[string]string{
		"/payroll/timesheets":                       "/payroll/my-hours",
		"/payroll/timesheets?period=2026-10":        "/payroll/my-hours?period=2026-10",
		"/payroll/timesheets/" + samID + "/2026-11": "/payroll/my-hours?period=2026-11",
	} {
		res := sam.Get(path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("%s: %d → %q, want %q", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	for _, email := range []string{"dana@goodshift.example", "rosa@goodshift.example", "femi@goodshift.example"} {
		c := srv.SignIn(t, email)
		res, doc := c.Page("/payroll/timesheets/" + samID + "/2026-11")
		if res.StatusCode != http.StatusOK || doc.Find("main table").Length() == 0 {
			t.Errorf("%s loses the timesheet: %d", email, res.StatusCode)
		}
	}
}

// TestHoursQueryReachesTheSupervisorsOnce: a query with bad input comes
// back with what was typed and the message by its field; a good one puts
// one message in each supervisor's inbox linking to the timesheet, shows
// "Queried on … — waiting" to the employee, and a supervisor can mark it
// answered from the timesheet.
func TestHoursQueryReachesTheSupervisorsOnce(t *testing.T) {
	dbtest.Each(t, app.Migrations(), func(t *testing.T, db *gorm.DB) {
		srv := apptest.New(t, db, apptest.Options{Now: apptest.DefaultNow})
		priya := srv.SignIn(t, "priya@goodshift.example")
		priyaID := idOf(t, srv, "priya@goodshift.example")
		l := workedShift(t, myHoursAPI(t, priya, ""))
		queriesIn := func(email string) []string {
			var inbox struct {
				Items []struct {
					Subject string `json:"subject"`
					Link    string `json:"link"`
				} `json:"items"`
			}
			srv.Login(t, email).JSON(http.MethodGet, "/api/v1/me/notifications", nil, &inbox)
			var out []string
			for _, n := range inbox.Items {
				if strings.HasPrefix(n.Subject, "Hours query from") {
					out = append(out, n.Subject+" "+n.Link)
				}
			}
			return out
		}

		// Bad: no choice and a note too long. Kept, said by the field, nothing sent.
		priya.Page("/payroll/my-hours")
		long := strings.Repeat("x", payroll.MaxQueryNote+1)
		res := priya.Submit("/payroll/my-hours/"+l.ShiftID+"/query", url.Values{"period": {"2026-11"}, "note": {long}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad query: %d", res.StatusCode)
		}
		doc := parse(t, res.Body)
		card := doc.Find("#shift-" + l.ShiftID)
		if card.Find("details.query[open]").Length() != 1 || card.Find("textarea#note-"+l.ShiftID).Text() != long {
			t.Error("the form is not open with the note kept")
		}
		if msg := card.Find("#note-" + l.ShiftID + "-error").Text(); !strings.Contains(msg, "500 characters or fewer") {
			t.Errorf("note message %q", msg)
		}
		if v, _ := card.Find("textarea#note-" + l.ShiftID).Attr("aria-describedby"); v != "note-"+l.ShiftID+"-error" {
			t.Errorf("aria-describedby %q", v)
		}
		if card.Find("#reason-"+l.ShiftID+"-error").Length() != 1 || card.Find(`input[name=reason][aria-invalid="true"]`).Length() != len(payroll.QueryReasons) {
			t.Error("no message by the reason")
		}
		if doc.Find(`#error-summary a[href="#note-`+l.ShiftID+`"]`).Length() != 1 {
			t.Error("the summary does not link to the note")
		}
		if got := queriesIn("dana@goodshift.example"); len(got) != 0 {
			t.Fatalf("a refused query reached Dana: %v", got)
		}

		// Good: once to each supervisor (Dana and Rosa), linking to the timesheet.
		res = priya.Submit("/payroll/my-hours/"+l.ShiftID+"/query", url.Values{"period": {"2026-11"}, "reason": {"times_wrong"}, "note": {"I left at 22:45"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("query: %d %s", res.StatusCode, res.Body)
		}
		want := "Hours query from Priya Shah /payroll/timesheets/" + priyaID + "/2026-11#queries"
		for _, email := range []string{"dana@goodshift.example", "rosa@goodshift.example"} {
			if got := queriesIn(email); len(got) != 1 || got[0] != want {
				t.Errorf("%s's inbox: %v", email, got)
			}
		}
		if got := queriesIn("sam@goodshift.example"); len(got) != 0 {
			t.Errorf("a colleague was told: %v", got)
		}
		// Sent again: refused, still one.
		priya.Page("/payroll/my-hours")
		if res := priya.Submit("/payroll/my-hours/"+l.ShiftID+"/query", url.Values{"reason": {"missing"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("again: %d", res.StatusCode)
		}
		if got := queriesIn("dana@goodshift.example"); len(got) != 1 {
			t.Errorf("Dana has %d queries after a second send", len(got))
		}
		_, mine := priya.Page("/payroll/my-hours")
		if got := strings.TrimSpace(mine.Find("#shift-" + l.ShiftID + " .query-status").Text()); got != "Queried on Mon 23 Nov — waiting" {
			t.Errorf("Priya sees %q", got)
		}
		if mine.Find("#shift-"+l.ShiftID+" details.query").Length() != 0 {
			t.Error("Query this is still offered while waiting")
		}

		// Dana follows the link and marks it answered.
		dana := srv.SignIn(t, "dana@goodshift.example")
		_, sheet := dana.Page("/payroll/timesheets/" + priyaID + "/2026-11")
		q := sheet.Find("#queries li.hours-query")
		if q.Length() != 1 || !strings.Contains(q.Text(), "I left at 22:45") {
			t.Fatalf("the timesheet shows %d queries", q.Length())
		}
		action, _ := q.Find("form").Attr("action")
		if res := dana.Submit(action, url.Values{"back": {"/payroll/timesheets/" + priyaID + "/2026-11"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.StatusCode)
		}
		_, mine = priya.Page("/payroll/my-hours")
		if got := strings.TrimSpace(mine.Find("#shift-" + l.ShiftID + " .query-status").Text()); got != "Queried on Mon 23 Nov — answered by Dana Whitfield" {
			t.Errorf("after the answer Priya sees %q", got)
		}
		// Someone else's shift, through the API: 404, nothing sent.
		sam := srv.Login(t, "sam@goodshift.example")
		if r := sam.JSON(http.MethodPost, "/api/v1/me/hours/"+l.ShiftID+"/query", map[string]string{"reason": "missing"}, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("Sam queries Priya's shift: %d", r.StatusCode)
		}
		if got := queriesIn("dana@goodshift.example"); len(got) != 1 {
			t.Errorf("Dana has %d queries", len(got))
		}
	})
}

// TestPermittedLimitOnlyForHerself: Priya, on permitted work, sees her
// week against her limits on My week and My hours, in words; a colleague,
// a supervisor and an admin never see her limit or benefit.
func TestPermittedLimitOnlyForHerself(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	ctx := context.Background()
	priya := srv.SignIn(t, "priya@goodshift.example")
	priyaID := idOf(t, srv, "priya@goodshift.example")
	me := auth.Principal{ID: priyaID, Roles: []auth.Role{auth.Employee}}
	want, err := srv.App.Payroll.MyPermittedWeek(ctx, me, civil.D(2026, 11, 23))
	if err != nil || want == nil {
		t.Fatalf("Priya's week: %v %v", want, err)
	}
	// The monitor finance reads says the same.
	weeks, err := srv.App.Payroll.PermittedWorkMonitor(ctx, srv.App.Payroll.CurrentPeriod())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range weeks {
		if w.EmployeeID == priyaID && w.WeekStart == civil.D(2026, 11, 23) {
			found = true
			if w.WorkedMinutes+w.PlannedMinutes != want.TotalMinutes || w.EstimatedEarnings != want.EstimatedEarnings {
				t.Errorf("monitor %+v, panel %+v", w, want)
			}
		}
	}
	if !found {
		t.Fatal("the monitor has no week of 23 Nov for Priya")
	}
	for _, path := range []string{"/rota/week", "/payroll/my-hours"} {
		_, doc := priya.Page(path)
		panel := doc.Find("main #permitted-panel")
		if panel.Length() != 1 {
			t.Fatalf("%s: no permitted-work panel", path)
		}
		text := strings.Join(strings.Fields(panel.Text()), " ")
		if got := strings.TrimSpace(panel.Find(".permitted-hours").Text()); got != want.Hours || !strings.HasSuffix(got, "of your 15 h 59 limit this week") {
			t.Errorf("%s hours %q, want %q", path, got, want.Hours)
		}
		if got := strings.TrimSpace(panel.Find(".permitted-earnings strong").Text()); got != want.Earnings || !strings.HasPrefix(got, "about £") {
			t.Errorf("%s earnings %q", path, got)
		}
		for _, bad := range []string{"ESA", "esa_", "benefit", "Benefit"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s panel names the benefit: %q", path, text)
			}
		}
	}
	// Over the limit when the rostered week passes it: a warning.
	rotaShift := func(day int) {
		start := civil.D(2026, 11, day).At(17, 0, civil.London)
		sh, err := srv.App.Rota.CreateShift(ctx, "", rota.ShiftInput{SiteID: demoSiteID(t, srv, "Old Street studio"), Start: start, End: start.Add(5 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.App.Rota.Assign(ctx, "", sh.ID, priyaID, "test: the week passes the limit"); err != nil {
			t.Logf("assign on %d Nov: %v", day, err)
		}
	}
	before := want.TotalMinutes
	for _, d := range []int{27, 29} {
		rotaShift(d)
	}
	if _, err := srv.App.Rota.Publish(ctx, "", rota.PublishRequest{From: civil.D(2026, 11, 23), To: civil.D(2026, 11, 29), Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	after, _ := srv.App.Payroll.MyPermittedWeek(ctx, me, civil.D(2026, 11, 23))
	if after.TotalMinutes > before && after.Status == payroll.OverLimit {
		_, doc := priya.Page("/rota/week")
		if doc.Find("#permitted-panel.bad .badge.bad").Length() != 1 || !strings.Contains(doc.Find("#permitted-panel").Text(), "past your limit") {
			t.Error("over the limit, My week shows no warning")
		}
	} else {
		t.Logf("the rota kept Priya within her limit (%d → %d minutes, %s); the warning state is checked in payroll's tests", before, after.TotalMinutes, after.Status)
	}

	// Nobody else: a colleague's own pages, a supervisor and an admin on Priya's.
	sam := srv.SignIn(t, "sam@goodshift.example")
	for _, path := range []string{"/rota/week", "/payroll/my-hours"} {
		if _, doc := sam.Page(path); doc.Find("#permitted-panel").Length() != 0 {
			t.Errorf("Sam's %s has a permitted-work panel", path)
		}
	}
	var samHours map[string]any
	srv.Login(t, "sam@goodshift.example").JSON(http.MethodGet, "/api/v1/me/hours", nil, &samHours)
	if _, ok := samHours["permitted"]; ok {
		t.Error("Sam's hours carry a permitted-work week")
	}
	limit := want.Hours
	for _, email := range []string{"dana@goodshift.example", "alex@goodshift.example", "rosa@goodshift.example"} {
		c := srv.SignIn(t, email)
		for _, path := range []string{"/payroll/timesheets/" + priyaID + "/2026-11", "/admin/people/" + priyaID, "/rota/board", "/", "/payroll/my-hours", "/rota/week"} {
			res, doc := c.Page(path)
			text := doc.Find("main").Text()
			if doc.Find("#permitted-panel").Length() != 0 || strings.Contains(text, limit) || strings.Contains(text, "permitted-work limit") {
				t.Errorf("%s sees Priya's limit on %s (%d)", email, path, res.StatusCode)
			}
		}
		if r := srv.Login(t, email).Get("/api/v1/me/hours"); r.StatusCode == http.StatusOK && strings.Contains(string(r.Body), "max_weekly") {
			t.Errorf("%s's /api/v1/me/hours carries limits", email)
		}
	}
}

// TestRequestsBadgeCountsWhatWaits: the badge on "Requests" is swap offers
// waiting for the employee plus unread inbox messages, counted from the
// database on every page, and says so to screen readers.
func TestRequestsBadgeCountsWhatWaits(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	ctx := context.Background()
	sam := srv.SignIn(t, "sam@goodshift.example")
	samID := idOf(t, srv, "sam@goodshift.example")
	badge := func() (int, string) {
		_, doc := sam.Page("/rota/week")
		a := doc.Find(`header nav.phonebar a[href="/rota/inbox"]`)
		n := 0
		if b := strings.TrimSpace(a.Find(".count-badge").Text()); b != "" {
			var err error
			if n, err = strconv.Atoi(b); err != nil {
				t.Fatalf("badge %q", b)
			}
			if v, _ := a.Find(".count-badge").Attr("aria-hidden"); v != "true" {
				t.Error("the badge's number is read out twice")
			}
		}
		return n, strings.Join(strings.Fields(a.Text()), " ")
	}
	expect := func(what string) int {
		t.Helper()
		swaps, err := srv.App.Rota.SwapsWaitingFor(ctx, samID)
		if err != nil {
			t.Fatal(err)
		}
		unread, err := srv.App.Notify.UnreadCount(ctx, samID)
		if err != nil {
			t.Fatal(err)
		}
		n, label := badge()
		if n != swaps+unread {
			t.Errorf("%s: badge %d, want %d swaps + %d unread", what, n, swaps, unread)
		}
		// The digits are aria-hidden; a screen reader hears "Requests, 2 unread".
		if n > 0 && label != "Requests"+strconv.Itoa(n)+", "+strconv.Itoa(n)+" unread" {
			t.Errorf("%s: link text %q", what, label)
		}
		if n == 0 && label != "Requests" {
			t.Errorf("%s: link text %q with nothing waiting", what, label)
		}
		return n
	}
	// Start from nothing unread.
	if err := srv.App.Notify.MarkAllRead(ctx, samID); err != nil {
		t.Fatal(err)
	}
	if n := expect("all read"); n != 0 {
		t.Fatalf("nothing waits, badge %d", n)
	}
	// Two messages written by "another server": straight into the database.
	for i := 0; i < 2; i++ {
		if err := srv.App.Notify.Notify(ctx, []string{samID}, "Shift changed", "Your shift moved.", "/rota/week"); err != nil {
			t.Fatal(err)
		}
	}
	if n := expect("two messages"); n != 2 {
		t.Errorf("two unread, badge %d", n)
	}
	// A colleague offers Sam a shift: one swap waiting and its message.
	tomasz := idOf(t, srv, "tomasz@goodshift.example")
	day := civil.D(2026, 11, 28)
	start := day.At(9, 0, civil.London)
	sh, err := srv.App.Rota.CreateShift(ctx, "", rota.ShiftInput{SiteID: demoSiteID(t, srv, "Cable Street common parts"), Start: start, End: start.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Assign(ctx, "", sh.ID, tomasz, "test: a shift to offer"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.Publish(ctx, "", rota.PublishRequest{From: day, To: day, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.Rota.RequestSwap(ctx, tomasz, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: samID}); err != nil {
		t.Fatalf("Tomasz offers Sam his shift: %v", err)
	}
	if n := expect("an offer"); n != 4 {
		t.Errorf("two messages, an offer and its message: badge %d", n)
	}
	// Reading the inbox leaves the offer waiting.
	if err := srv.App.Notify.MarkAllRead(ctx, samID); err != nil {
		t.Fatal(err)
	}
	if n := expect("inbox read"); n != 1 {
		t.Errorf("the offer still waits: badge %d", n)
	}
	// Supervisors have no bar and so no badge.
	_, doc := srv.SignIn(t, "dana@goodshift.example").Page("/")
	if doc.Find(".count-badge").Length() != 0 {
		t.Error("a supervisor has a badge")
	}
}

// TestBrowserMyHoursFitsAPhone: at 390 px My hours (with a query form
// open) scrolls only downwards.
func TestBrowserMyHoursFitsAPhone(t *testing.T) {
	ctx := apptest.Browser(t)
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{Now: apptest.DefaultNow})
	apptest.Steps(t, ctx, "hours-sign-in", srv.SignInSteps("priya@goodshift.example", demo.Password)...)
	apptest.Steps(t, ctx, "hours-page", chromedp.Navigate(srv.URL+"/payroll/my-hours"), chromedp.WaitVisible(chromedp.CSS(`#my-hours-shifts`)))
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil || width > 400 {
		t.Fatalf("viewport %d px (%v)", width, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll('details.query').forEach(d => d.open = true); true`)); err != nil {
		t.Fatal(err)
	}
	apptest.Screenshot(t, ctx, "phone-my-hours")
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if over > 0 {
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')`))
		t.Errorf("My hours scrolls %d px sideways at %d px (too wide: %s)", over, width, wide)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#permitted-panel').length`)); n != 1 {
		t.Error("no permitted-work panel in the browser")
	}
}

// plantHoursQuery has Sam (whose wellbeing records hold markers) query a
// shift on My hours, so the supervisors' inboxes, emails and Priya-style
// timesheet query lists are in the wellbeing leak test's sweep (issue 17).
func plantHoursQuery(t *testing.T, srv *apptest.Server) {
	t.Helper()
	sam := srv.Login(t, "sam@goodshift.example")
	today := civil.In(srv.Clock.Now(), civil.London) // any date: the last 40 days hold worked shifts
	l := workedShift(t, myHoursAPI(t, sam, "?from="+today.AddDays(-40).String()+"&to="+today.String()))
	if r := sam.JSON(http.MethodPost, "/api/v1/me/hours/"+l.ShiftID+"/query", map[string]string{"reason": "times_wrong", "note": "I clocked out at 11:15"}, nil); r.StatusCode != http.StatusCreated {
		t.Fatalf("plant an hours query: %d %s", r.StatusCode, r.Body)
	}
}

// myHoursLeaks checks the employees' own My hours (page and API, with
// the permitted-work panel) and My week for markers (issue 17).
func myHoursLeaks(t *testing.T, srv *apptest.Server, markers []string) {
	t.Helper()
	for _, email := range []string{"sam@goodshift.example", "hannah@goodshift.example", "grace@goodshift.example", "tomasz@goodshift.example", "priya@goodshift.example"} {
		page, api := srv.SignIn(t, email), srv.Login(t, email)
		for _, r := range []apptest.Response{page.Get("/payroll/my-hours"), page.Get("/payroll/my-hours?period=2026-12"), page.Get("/rota/week"),
			page.Get("/rota/week?from=2026-11-30"), api.Get("/api/v1/me/hours"), api.Get("/api/v1/me/hours?from=2026-11-30&to=2026-12-20")} {
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s: My hours or My week answered %d", email, r.StatusCode)
			}
			for _, m := range markers {
				if strings.Contains(string(r.Body), m) {
					t.Errorf("%s's My hours or My week shows %s", email, m)
				}
			}
		}
	}
}
