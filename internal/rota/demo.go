package rota

import (
	"context"
	"fmt"
	"slices"

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

	// Sam, Priya and Hannah are the test and walkthrough personas: their
	// rotas start empty so each story begins from a known state.
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
	for i, sh := range open {
		if !sh.Start.After(s.now()) || i%8 == 7 {
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

	// Publish the demo rota (each person is told once), then the swaps.
	for _, r := range []PublishRequest{{From: today.AddDays(-70), To: today.AddDays(-1)}, {From: today, To: today.AddDays(70)}} {
		if _, err := s.Publish(ctx, sup.ID, r); err != nil {
			return fmt.Errorf("demo publish: %w", err)
		}
	}

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
