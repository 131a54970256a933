package rota

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/people"
)

// SeedDemo gives the demo organisation a rota: varied agreed adjustments
// and availability, the open shifts from the demo visits for the next four
// weeks mostly filled through the rules engine (the first free person with
// the fewest hours that week; about one in eight left open), plus a few
// swaps waiting. Run after contracts has made visits.
func (s *Service) SeedDemo(ctx context.Context) error {
	emps, err := s.cfg.People.Employees(ctx)
	if err != nil {
		return err
	}
	byEmail := map[string]people.Person{}
	for _, e := range emps {
		byEmail[e.Email] = e
	}
	sites, err := s.cfg.Sites.Sites(ctx)
	if err != nil {
		return err
	}
	today := civil.In(s.now(), civil.London)
	sup := auth.Principal{Name: "Dana Whitfield", Roles: []auth.Role{auth.Supervisor}}
	if sups := s.supervisorIDs(ctx); len(sups) > 0 {
		sup.ID = sups[0]
	}
	var firstSite []string
	if len(sites) > 0 {
		firstSite = []string{sites[0].ID}
	}
	adjust := map[string]Adjustments{
		"grace@goodshift.example": {PhasedReturn: []PhaseStep{{today.AddDays(-14), 8 * 60}, {today.AddDays(14), 12 * 60}, {today.AddDays(42), 16 * 60}}, EffectiveTo: today.AddDays(70), ReviewDate: today.AddDays(28)},
		"liam@goodshift.example":  {NoNights: true},
		"aisha@goodshift.example": {NotAlone: true, MaxShiftMinutes: 4 * 60},
		"marek@goodshift.example": {FixedSites: firstSite, MinNoticeDays: 7},
		"chloe@goodshift.example": {MaxWeekMinutes: 15 * 60, LatestFinish: "20:00"},
		"yusuf@goodshift.example": {MaxConsecutiveDays: 5},
		"kwame@goodshift.example": {DaysNeverWorked: []string{"saturday", "sunday"}},
		"rosa@goodshift.example":  {MaxConsecutiveDays: 5, MaxWeekMinutes: 37 * 60},
	}
	for email, a := range adjust {
		p, ok := byEmail[email]
		if !ok {
			continue
		}
		if _, err := s.SetAdjustments(ctx, sup, p.ID, a); err != nil {
			return fmt.Errorf("demo adjustments %s: %w", email, err)
		}
	}
	if p, ok := byEmail["kwame@goodshift.example"]; ok {
		var week []Window
		for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
			week = append(week, Window{Day: d, From: "06:00", To: "15:00"})
		}
		if _, err := s.SetAvailability(ctx, p.ID, Availability{Weekly: week}); err != nil {
			return err
		}
	}
	if p, ok := byEmail["yusuf@goodshift.example"]; ok {
		if _, err := s.SetAvailability(ctx, p.ID, Availability{Unavailable: []civil.Date{today.AddDays(9)}}); err != nil {
			return err
		}
	}

	// Sam and Priya, whom the README suggests signing in as, have a few
	// shifts this week and next (from tomorrow, so stories that start
	// today begin from a known state); Hannah's rota starts empty.
	// The rest are filled by the pool.
	var pool []people.Person
	for _, e := range emps {
		switch e.Email {
		case "sam@goodshift.example", "priya@goodshift.example", "hannah@goodshift.example":
		default:
			pool = append(pool, e)
		}
	}
	// Fill the open shifts of the next four weeks through the engine.
	open, err := s.Shifts(ctx, Filter{From: today, To: today.AddDays(27), Status: Open})
	if err != nil {
		return err
	}
	var filled []Shift
	taken, err := s.seedPersonas(ctx, sup.ID, open, []people.Person{byEmail["sam@goodshift.example"], byEmail["priya@goodshift.example"]}, today, sites)
	if err != nil {
		return err
	}
	for i, sh := range open {
		if !sh.Start.After(s.now()) || i%8 == 7 || taken[sh.ID] {
			continue // some stay open for the phones to claim
		}
		facts, err := s.gather(ctx, sh, pool, Request{Kind: KindAssign})
		if err != nil {
			return err
		}
		for _, c := range Rank(facts) {
			if !c.Eligible || len(c.Violations) > 0 {
				break
			}
			if c.EmployeeID == byEmail["rosa@goodshift.example"].ID && i%3 != 0 {
				continue // the team leader mostly supervises
			}
			res, err := s.Assign(ctx, sup.ID, sh.ID, c.EmployeeID, "")
			if err == nil {
				filled = append(filled, res.Shift)
				break
			}
		}
	}

	// This week is published (each person is told once); next week and
	// after are drafts a supervisor is still planning. One shift this
	// week then moves inside the notice period, with a reason.
	if _, err := s.Publish(ctx, sup.ID, PublishRequest{From: today.AddDays(-70), To: weekStart(today).AddDays(6)}); err != nil {
		return fmt.Errorf("demo publish: %w", err)
	}
	s.seedChange(ctx, sup.ID, filled)

	// A few swaps waiting: an offer, an accepted offer for approval, a release.
	var asked []string
	for _, sh := range filled {
		if len(asked) == 3 || sh.Start.Before(s.now().Add(48*60*60*1e9)) || slices.Contains(asked, sh.EmployeeID) {
			continue
		}
		kind := len(asked)
		var to string
		if kind < 2 {
			for _, e := range pool {
				if e.ID == sh.EmployeeID {
					continue
				}
				if vs, err := s.Evaluate(ctx, sh, e.ID, Request{Kind: KindSwap}); err == nil && len(vs) == 0 {
					to = e.ID
					break
				}
			}
			if to == "" {
				continue
			}
		}
		w, err := s.RequestSwap(ctx, sh.EmployeeID, SwapRequest{ShiftID: sh.ID, ToEmployeeID: to})
		if err != nil {
			continue
		}
		if kind == 1 {
			taker, err := s.cfg.People.Get(ctx, to)
			if err != nil {
				return err
			}
			if _, err := s.AcceptSwap(ctx, taker.Principal(), w.ID); err != nil {
				return fmt.Errorf("demo swap: %w", err)
			}
		}
		asked = append(asked, sh.EmployeeID)
	}
	return nil
}

// seedPersonas gives each person up to two shifts this week and two next
// week, from tomorrow (or, when nothing is left after today, one later
// today), that no rule stops or warns about.
func (s *Service) seedPersonas(ctx context.Context, actorID string, open []Shift, ps []people.Person, today civil.Date, sites []Site) (map[string]bool, error) {
	taken := map[string]bool{}
	mon := weekStart(today)
	for _, p := range ps {
		if p.ID == "" {
			continue
		}
		for _, week := range []civil.Date{mon, mon.AddDays(7)} {
			n := 0
			// From tomorrow; late in the week, when no day after today has
			// a shift left for them, from later today.
			for _, fromToday := range []bool{false, true} {
				for _, sh := range open {
					if n == 2 || (fromToday && n > 0) {
						break
					}
					d := sh.Date()
					if taken[sh.ID] || d.Before(week) || !d.Before(week.AddDays(7)) || d.Before(today) || !sh.Start.After(s.now().Add(time.Hour)) ||
						(d == today && !fromToday) {
						continue
					}
					facts, err := s.gather(ctx, sh, []people.Person{p}, Request{Kind: KindAssign})
					if err != nil {
						return nil, err
					}
					if len(Check(facts[0])) > 0 {
						continue
					}
					if _, err := s.Assign(ctx, actorID, sh.ID, p.ID, ""); err != nil {
						continue
					}
					taken[sh.ID] = true
					n++
				}
			}
			if n == 0 && week == mon && len(sites) > 0 {
				// Late in the week no visit is left: an extra pair of hands
				// later today, so their week is not empty.
				if err := s.seedExtraShift(ctx, actorID, p, sites[0], mon); err != nil {
					return nil, err
				}
			}
		}
	}
	return taken, nil
}

// seedExtraShift puts p on a three-hour shift at site starting on the hour
// two to three hours from now, if it is still this week and no rule stops
// or warns about it.
func (s *Service) seedExtraShift(ctx context.Context, actorID string, p people.Person, site Site, mon civil.Date) error {
	start := s.now().Add(3 * time.Hour).Truncate(time.Hour)
	if !civil.In(start, civil.London).Before(mon.AddDays(7)) {
		return nil
	}
	sh, err := s.CreateShift(ctx, actorID, ShiftInput{SiteID: site.ID, Start: start, End: start.Add(3 * time.Hour), Notes: "Extra pair of hands"})
	if err != nil {
		return err
	}
	facts, err := s.gather(ctx, sh, []people.Person{p}, Request{Kind: KindAssign})
	if err != nil {
		return err
	}
	if len(Check(facts[0])) > 0 {
		_, err := s.CancelShift(ctx, actorID, sh.ID, "not needed")
		return err
	}
	_, err = s.Assign(ctx, actorID, sh.ID, p.ID, "")
	return err
}

// seedChange moves one published shift later this week by half an hour,
// inside the notice period, with a reason (the first that the rules allow):
// one from tomorrow on, or, late in the week, one later today.
func (s *Service) seedChange(ctx context.Context, actorID string, filled []Shift) {
	today := civil.In(s.now(), civil.London)
	end := weekStart(today).AddDays(7).Time(civil.London)
	// Late in the week the personas' shifts may be the only ones left.
	rest, err := s.Shifts(ctx, Filter{From: today, To: weekStart(today).AddDays(6), Status: Assigned, PublishedOnly: true})
	if err != nil {
		return
	}
	for _, ahead := range []time.Duration{24 * time.Hour, 2 * time.Hour} {
		for _, sh := range append(filled, rest...) {
			if !sh.Start.After(s.now().Add(ahead)) || !sh.Start.Before(end) {
				continue
			}
			start, finish := sh.Start.Add(30*time.Minute), sh.End.Add(30*time.Minute)
			if _, err := s.UpdateShift(ctx, actorID, sh.ID, ShiftUpdate{Start: &start, End: &finish, Reason: "The client asked for a later start this week."}); err == nil {
				return
			}
		}
	}
}
