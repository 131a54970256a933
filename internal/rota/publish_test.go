package rota_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/rota"
)

// publish publishes every draft between two dates.
func (f *fixture) publish(t *testing.T, from, to civil.Date) rota.PublishResult {
	t.Helper()
	res, err := f.svc.Publish(context.Background(), f.sup.ID, rota.PublishRequest{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDraftsAreInvisibleUntilPublished(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		thu := civil.D(2026, 12, 24)
		mine := f.shift(t, thu, 7, 11)
		if mine.Published {
			t.Fatalf("a new shift is a draft: %+v", mine)
		}
		if _, err := f.svc.Assign(ctx, f.sup.ID, mine.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		open := f.shift(t, thu, 12, 15)
		feed, err := f.svc.NewFeedSecret(ctx, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		secret := strings.TrimSuffix(feed.URL[strings.LastIndex(feed.URL, "/")+1:], ".ics")

		// Nothing of the draft reaches Sam or Priya, by any route.
		if got, err := f.svc.MyShifts(ctx, sam.ID, thu, thu); err != nil || len(got) != 0 {
			t.Fatalf("my shifts before publishing: %+v %v", got, err)
		}
		if got, err := f.svc.OpenShiftsFor(ctx, priya.ID, thu, thu); err != nil || len(got) != 0 {
			t.Fatalf("open shifts before publishing: %+v %v", got, err)
		}
		ics, err := f.svc.FeedICS(ctx, secret)
		if err != nil || strings.Contains(string(ics), "BEGIN:VEVENT") {
			t.Fatalf("calendar before publishing: %v\n%s", err, ics)
		}
		if _, err := f.svc.Detail(ctx, sam.ID, mine.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("detail of a draft: %v", err)
		}
		if _, err := f.svc.Claim(ctx, priya.ID, open.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("claim of a draft: %v", err)
		}
		if _, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: mine.ID}); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("swap of a draft: %v", err)
		}
		if msgs := f.sent.all(); msgs != "" {
			t.Fatalf("nobody is told about a draft: %s", msgs)
		}

		// The preview says who will be told, and changes nothing.
		pre, err := f.svc.PublishPreview(ctx, rota.PublishRequest{From: thu.AddDays(-3), To: thu.AddDays(3)})
		if err != nil || pre.Published != 2 || pre.Open != 1 || len(pre.Told) != 1 || pre.Told[0].Name != "Sam Okafor" || pre.Told[0].NewShifts != 1 {
			t.Fatalf("preview: %+v %v", pre, err)
		}
		if got, _ := f.svc.MyShifts(ctx, sam.ID, thu, thu); len(got) != 0 {
			t.Fatal("the preview published")
		}

		// Publishing shows both, and tells Sam once, with the date in words.
		res := f.publish(t, thu.AddDays(-3), thu.AddDays(3))
		if res.Published != 2 || len(res.Told) != 1 || res.Told[0].EmployeeID != sam.ID {
			t.Fatalf("publish: %+v", res)
		}
		msgs := f.sent.all()
		if f.sent.count() != 1 || !strings.Contains(msgs, "1:Your shifts are published:") ||
			!strings.Contains(msgs, "Thu 24 Dec, 07:00–11:00 at Cable Street common parts") {
			t.Fatalf("notifications: %q", msgs)
		}
		if got, err := f.svc.MyShifts(ctx, sam.ID, thu, thu); err != nil || len(got) != 1 || !got[0].Published {
			t.Fatalf("my shifts after publishing: %+v %v", got, err)
		}
		if got, err := f.svc.OpenShiftsFor(ctx, priya.ID, thu, thu); err != nil || len(got) != 1 || got[0].ID != open.ID {
			t.Fatalf("open shifts after publishing: %+v %v", got, err)
		}
		if ics, _ := f.svc.FeedICS(ctx, secret); strings.Count(string(ics), "BEGIN:VEVENT") != 1 {
			t.Fatalf("calendar after publishing:\n%s", ics)
		}
		if _, err := f.svc.Detail(ctx, sam.ID, mine.ID); err != nil {
			t.Fatalf("detail after publishing: %v", err)
		}

		// Publishing again changes nothing and tells nobody.
		again := f.publish(t, thu.AddDays(-3), thu.AddDays(3))
		if again.Published != 0 || len(again.Told) != 0 || f.sent.all() != msgs {
			t.Fatalf("publish again: %+v\n%s", again, f.sent.all())
		}
	})
}

func TestPublishTellsEachPersonOnceAndSticksToItsSites(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		tom := f.employee(t, "Tomasz Kowalski", civil.D(1979, 11, 22))
		mon := civil.D(2026, 12, 7)
		for i := range 3 {
			for _, p := range []struct {
				id string
				h  int
			}{{sam.ID, 6}, {tom.ID, 13}} {
				sh := f.shift(t, mon.AddDays(i), p.h, p.h+4)
				if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, p.id, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Another site's week is not in this publication.
		_, err := f.svc.Publish(ctx, f.sup.ID, rota.PublishRequest{From: mon, To: mon.AddDays(6), SiteIDs: []string{"0193b3c4-0000-7000-8000-000000000000"}})
		if err != nil || f.sent.all() != "" {
			t.Fatalf("other site: %v %s", err, f.sent.all())
		}
		res := f.publish(t, mon, mon.AddDays(6))
		if res.Published != 6 || len(res.Told) != 2 || res.Told[0].NewShifts != 3 || len(res.Told[1].Shifts) != 3 {
			t.Fatalf("publish: %+v", res)
		}
		if f.sent.count() != 2 {
			t.Fatalf("one message each: %q", f.sent.all())
		}
		// Bad input changes nothing.
		_, err = f.svc.Publish(ctx, f.sup.ID, rota.PublishRequest{From: mon, To: mon.AddDays(-1)})
		wantCode(t, err, errs.Invalid)
		_, err = f.svc.Publish(ctx, f.sup.ID, rota.PublishRequest{From: mon})
		wantCode(t, err, errs.Invalid)
	})
}

func (n *notes) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.msgs)
}

// TestTwoSupervisorsPublishAtOnce: both publish the same week at the same
// moment; the week is published once and each person told once. The other
// supervisor either finds nothing left to publish or is asked to reload.
func TestTwoSupervisorsPublishAtOnce(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		mon := civil.D(2026, 12, 14)
		for i := range 4 {
			p := f.employee(t, "Worker "+string(rune('A'+i)), civil.D(1990, 1, 1))
			sh := f.shift(t, mon.AddDays(i), 7, 11)
			if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, p.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		results := make([]rota.PublishResult, 2)
		errors := make([]error, 2)
		start := make(chan struct{})
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i], errors[i] = f.svc.Publish(ctx, f.sup.ID, rota.PublishRequest{From: mon, To: mon.AddDays(6)})
			}()
		}
		close(start)
		wg.Wait()
		published := 0
		for i := range 2 {
			switch {
			case errors[i] == nil:
				published += results[i].Published
			case errs.CodeOf(errors[i]) != errs.Conflict:
				t.Fatalf("publish %d: %v", i, errors[i])
			}
		}
		if published != 4 || f.sent.count() != 4 {
			t.Fatalf("published %d, told %d times:\n%s", published, f.sent.count(), f.sent.all())
		}
	})
}

// TestTeamOnAShiftIsPublishedColleaguesOnly: an employee's shift page names
// who else is on at the site then — once their shifts are published.
func TestTeamOnAShiftIsPublishedColleaguesOnly(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		d := civil.D(2026, 12, 15)
		mine := f.shift(t, d, 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, mine.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		f.publish(t, d, d)
		theirs := f.shift(t, d, 8, 12)
		if _, err := f.svc.Assign(ctx, f.sup.ID, theirs.ID, priya.ID, ""); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Detail(ctx, sam.ID, mine.ID)
		if err != nil || len(got.Crew) != 0 {
			t.Fatalf("crew with a draft colleague: %+v %v", got.Crew, err)
		}
		f.publish(t, d, d)
		got, err = f.svc.Detail(ctx, sam.ID, mine.ID)
		if err != nil || len(got.Crew) != 1 || got.Crew[0] != "Priya Shah" {
			t.Fatalf("crew: %+v %v", got.Crew, err)
		}
	})
}

// TestNoReminderForADraft: the evening-before reminder is for published
// shifts only.
func TestNoReminderForADraft(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		evening := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
		f.svc = rota.NewService(rota.Config{DB: db, Now: func() time.Time { return evening }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}, Notifier: f.sent})
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		tue := civil.D(2026, 11, 24)
		sh := f.shift(t, tue, 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		if due, err := f.svc.RemindersDue(ctx); err != nil || len(due) != 0 {
			t.Fatalf("reminders for a draft: %+v %v", due, err)
		}
		f.publish(t, tue, tue)
		if due, err := f.svc.RemindersDue(ctx); err != nil || len(due) != 1 || due[0].ShiftID != sh.ID {
			t.Fatalf("reminders once published: %+v %v", due, err)
		}
	})
}

// failingNotes cannot write its messages: the transaction they are part of
// must fail with them.
type failingNotes struct{ notes }

func (n *failingNotes) NotifyTx(context.Context, *gorm.DB, []string, string, string, string) error {
	return errs.E(errs.Internal, "the inbox is unavailable")
}

// TestPublishCommitsWithItsMessages: the messages are written in the
// publishing transaction, so a publication whose messages cannot be
// written publishes nothing, and one that commits has told each person
// exactly once.
func TestPublishCommitsWithItsMessages(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		mon := civil.D(2026, 12, 14)
		for i, p := range []string{sam.ID, sam.ID, priya.ID} {
			sh := f.shift(t, mon.AddDays(i), 7, 11)
			if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, p, ""); err != nil {
				t.Fatal(err)
			}
		}
		with := func(n rota.Notifier) *rota.Service {
			return rota.NewService(rota.Config{DB: db, Now: func() time.Time { return now }, People: f.people,
				Sites: fakeSites{f.site.ID: f.site}, Notifier: n})
		}
		req := rota.PublishRequest{From: mon, To: mon.AddDays(6)}
		broken := &failingNotes{}
		if _, err := with(broken).Publish(ctx, f.sup.ID, req); err == nil {
			t.Fatal("published although the messages could not be written")
		}
		if got, err := f.svc.MyShifts(ctx, sam.ID, mon, mon.AddDays(6)); err != nil || len(got) != 0 {
			t.Fatalf("a failed publication showed shifts: %+v %v", got, err)
		}
		if broken.all() != "" {
			t.Fatalf("sent after the failure: %s", broken.all())
		}

		sent := &txNotes{}
		svc := with(sent)
		res, err := svc.Publish(ctx, f.sup.ID, req)
		if err != nil || res.Published != 3 || len(res.Told) != 2 {
			t.Fatalf("publish: %+v %v", res, err)
		}
		msgs := sent.all()
		if strings.Count(msgs, "Your shifts are published") != 2 || !strings.Contains(msgs, "Mon 14 Dec, 07:00–11:00 at Cable Street common parts\nTue 15 Dec") {
			t.Fatalf("one message each, listing their shifts: %q", msgs)
		}
		if f.sent.all() != "" {
			t.Fatalf("the after-commit notifier was used too: %q", f.sent.all())
		}
		if again, err := svc.Publish(ctx, f.sup.ID, req); err != nil || again.Published != 0 || sent.all() != msgs {
			t.Fatalf("publish again told someone: %+v %v\n%s", again, err, sent.all())
		}
	})
}

// TestShiftAddedToAPublishedDay: a draft put on a day whose shifts were
// already published is a change: inside the notice period it needs a
// reason to publish, and it is recorded as added; a draft on a day never
// published is not a change.
func TestShiftAddedToAPublishedDay(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		soon := civil.D(2026, 12, 1) // inside the 14-day notice period
		first := f.shift(t, soon, 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, first.ID, sam.ID, ""); err != nil {
			t.Fatal(err)
		}
		f.publish(t, soon, soon)

		extra := f.shift(t, soon, 12, 15)
		if _, err := f.svc.Assign(ctx, f.sup.ID, extra.ID, priya.ID, ""); err != nil {
			t.Fatal(err)
		}
		fresh := f.shift(t, soon.AddDays(1), 7, 11) // a day nobody has seen yet
		if _, err := f.svc.Assign(ctx, f.sup.ID, fresh.ID, priya.ID, ""); err != nil {
			t.Fatal(err)
		}
		req := rota.PublishRequest{From: soon, To: soon.AddDays(1)}
		pre, err := f.svc.PublishPreview(ctx, req)
		if err != nil || pre.Added != 1 || pre.AddedInsideNotice != 1 || !pre.NeedsReason {
			t.Fatalf("preview: %+v %v", pre, err)
		}
		told := f.sent.count()
		_, err = f.svc.Publish(ctx, f.sup.ID, req)
		wantCode(t, err, errs.RuleViolation)
		if _, msg, _ := errs.Public(err); !strings.Contains(msg, "Tue 1 Dec") || !strings.Contains(msg, "Give a reason") {
			t.Errorf("message %q", msg)
		}
		if got, _ := f.svc.MyShifts(ctx, priya.ID, soon, soon.AddDays(1)); len(got) != 0 || f.sent.count() != told {
			t.Fatalf("a refused publication changed something: %+v", got)
		}

		req.Reason = "Priya covers the extra clean the client asked for"
		res, err := f.svc.Publish(ctx, f.sup.ID, req)
		if err != nil || res.Published != 2 || res.Added != 1 || len(res.Told) != 1 || res.Told[0].EmployeeID != priya.ID {
			t.Fatalf("publish with a reason: %+v %v", res, err)
		}
		if f.sent.count() != told+1 {
			t.Fatalf("Priya told %d times", f.sent.count()-told)
		}
		cs, err := f.svc.Changes(ctx, soon, soon.AddDays(1))
		if err != nil || len(cs) != 1 || cs[0].ShiftID != extra.ID || cs[0].Kind != rota.ChangeAdded || cs[0].Reason != req.Reason ||
			cs[0].Employee != "Priya Shah" || cs[0].PreviousEmployee != "" || cs[0].By != "Dana Whitfield" || !cs[0].InsideNotice {
			t.Fatalf("changes: %+v %v", cs, err)
		}
	})
}

// TestPublishRespectsTheirMinimumNotice: a person's agreed minimum notice
// counts from when they are told. A draft assigned in good time but
// published late gives less notice than agreed: publishing it needs a
// reason (recording that they agreed), and the preview names them.
func TestPublishRespectsTheirMinimumNotice(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		marek := f.employee(t, "Marek Nowak", civil.D(1983, 4, 9))
		if _, err := f.svc.SetAdjustments(ctx, principal(f.sup), marek.ID, rota.Adjustments{MinNoticeDays: 21}); err != nil {
			t.Fatal(err)
		}
		day := civil.D(2026, 12, 21) // 28 days ahead: in good time to assign
		sh := f.shift(t, day, 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, sh.ID, marek.ID, ""); err != nil {
			t.Fatalf("assigning in good time: %v", err)
		}
		at := now.Add(14 * 24 * time.Hour) // published with 14 days' notice
		late := rota.NewService(rota.Config{DB: db, Now: func() time.Time { return at }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}, Notifier: f.sent})
		req := rota.PublishRequest{From: day, To: day}
		told := f.sent.count()
		pre, err := late.PublishPreview(ctx, req)
		if err != nil || !pre.NeedsReason || len(pre.LateForTheirNotice) != 1 || !strings.Contains(pre.LateForTheirNotice[0], "Marek Nowak: Mon 21 Dec, 07:00–11:00 (asked for at least 21 days' notice)") {
			t.Fatalf("preview: %+v %v", pre, err)
		}
		_, err = late.Publish(ctx, f.sup.ID, req)
		wantCode(t, err, errs.RuleViolation)
		if _, msg, _ := errs.Public(err); !strings.Contains(msg, "agreed adjustments ask for more notice") || !strings.Contains(msg, "Mon 21 Dec") {
			t.Errorf("message %q", msg)
		}
		if f.sent.count() != told {
			t.Fatal("told although refused")
		}
		req.Reason = "Marek agreed on the phone to the shorter notice"
		if res, err := late.Publish(ctx, f.sup.ID, req); err != nil || res.Published != 1 || len(res.Told) != 1 {
			t.Fatalf("with a reason: %+v %v", res, err)
		}

		// Published in good time, nothing is asked.
		other := f.shift(t, day.AddDays(1), 7, 11)
		if _, err := f.svc.Assign(ctx, f.sup.ID, other.ID, marek.ID, ""); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.Publish(ctx, f.sup.ID, rota.PublishRequest{From: day.AddDays(1), To: day.AddDays(1)}); err != nil || res.Published != 1 {
			t.Fatalf("in good time: %+v %v", res, err)
		}
	})
}
