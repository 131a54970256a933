package wellbeing

import (
	"context"
	"fmt"

	"github.com/goodshift/goodshift/internal/people"
)

// SeedDemo gives the demo organisation a support worker's caseload, a few
// wellness plans (one sharing a summary with the supervisor), support notes
// (one corrected) and one flex period in place now. It runs after the rota
// is seeded, so the flex period releases real demo shifts.
func (s *Service) SeedDemo(ctx context.Context) error {
	all, err := s.people.List(ctx, people.Filter{})
	if err != nil {
		return err
	}
	byEmail := map[string]people.Person{}
	for _, p := range all {
		byEmail[p.Email] = p
	}
	get := func(email string) (people.Person, error) {
		p, ok := byEmail[email]
		if !ok {
			return people.Person{}, fmt.Errorf("demo wellbeing: no demo person %s", email)
		}
		return p, nil
	}
	jo, err := get("jo@goodshift.example")
	if err != nil {
		return err
	}
	today := s.today()
	yes, no := true, false
	type demoPlan struct {
		email string
		by    string // "self" or "jo"
		in    PlanInput
		notes []NoteInput
	}
	plans := []demoPlan{
		{"sam@goodshift.example", "self", PlanInput{Sections: Sections{
			StayWell:              "Starting early and finishing by lunchtime. A walk before the shift. Knowing the week's rota by Friday.",
			Triggers:              "Last-minute changes to where I'm working. Being rushed by a client in front of others.",
			EarlyWarningSigns:     "I go quiet and stop taking breaks. I may arrive very early and not want to chat.",
			EarlyWarningActions:   []WarningAction{{Sign: "Skipping breaks two days running", Action: "Remind me to take my break; I'll text Jo"}},
			ImpactOnWork:          "I can be slower on detailed work and find new sites harder.",
			SupportFromSupervisor: "Tell me about changes as early as you can, and in private.",
			MyActions:             "Keep my morning routine, use the breathing app at break, tell Jo if I'm struggling.",
			Contacts:              "Jo Martins (support worker); my GP surgery.",
			ReviewDate:            today.AddDays(60),
		}, Summary: "Mornings work best for me. Please tell me about rota changes early and in private.", ShareSummary: &yes},
			[]NoteInput{
				{Date: today.AddDays(-14), Kind: "job_coach_session", Text: "Went through the new floor machine together at Old Street. Sam was confident by the end."},
				{Date: today.AddDays(-7), Kind: "check_in", Text: "Sam is finding the Wapping site noisy in the mornings; we agreed to ask for Cable Street where possible."},
			}},
		{"grace@goodshift.example", "jo", PlanInput{Sections: Sections{
			StayWell:              "A gradual build-up of hours and the same two sites each week.",
			Triggers:              "Long shifts; working late.",
			EarlyWarningSigns:     "Cancelling plans, tiredness.",
			SupportFromSupervisor: "Keep shifts short for now; check in at the end of the week.",
			MyActions:             "Tell Jo when a week has felt too much.",
			ReviewDate:            today.AddDays(28),
		}, Summary: "", ShareSummary: &no},
			[]NoteInput{{Date: today.AddDays(-3), Kind: "call", Text: "Phased return going well; Grace would like to add a third morning from next month."}}},
		{"hannah@goodshift.example", "self", PlanInput{Sections: Sections{
			StayWell:            "Regular sleep, evening shifts, working with someone I know.",
			Triggers:            "Early starts after a bad night.",
			EarlyWarningSigns:   "Not sleeping; not answering messages.",
			EarlyWarningActions: []WarningAction{{Sign: "Not sleeping for several nights", Action: "Take a short break from shifts and talk to Jo"}},
			Contacts:            "Jo Martins; my sister.",
			ReviewDate:          today.AddDays(21),
		}, Summary: "If I ask for a break from shifts, please just say yes — I'll be back.", ShareSummary: &yes},
			[]NoteInput{{Date: today.AddDays(-2), Kind: "check_in", Text: "Hannah has not slept well this week. We agreed a two-week break from shifts using the plan's early warning action."}}},
	}
	for _, dp := range plans {
		emp, err := get(dp.email)
		if err != nil {
			return err
		}
		if err := s.Assign(ctx, jo.ID, emp.ID); err != nil {
			return fmt.Errorf("demo caseload: %w", err)
		}
		author := emp.Principal()
		if dp.by == "jo" {
			author = jo.Principal()
		}
		if _, err := s.SavePlan(ctx, author, emp.ID, dp.in); err != nil {
			return fmt.Errorf("demo plan for %s: %w", dp.email, err)
		}
		var first Note
		for i, n := range dp.notes {
			note, err := s.AddNote(ctx, jo.Principal(), emp.ID, n)
			if err != nil {
				return fmt.Errorf("demo note for %s: %w", dp.email, err)
			}
			if i == 0 {
				first = note
			}
		}
		if dp.email == "sam@goodshift.example" {
			// A correction: notes are never edited.
			if _, err := s.AddNote(ctx, jo.Principal(), emp.ID, NoteInput{Date: first.Date, Kind: "job_coach_session", CorrectsID: first.ID,
				Text: "Correction: the floor machine session was at Cable Street, not Old Street."}); err != nil {
				return err
			}
		}
		if dp.email == "hannah@goodshift.example" {
			plan, err := s.Plan(ctx, emp.Principal(), emp.ID)
			if err != nil {
				return err
			}
			if _, err := s.StartFlex(ctx, emp.Principal(), emp.ID, FlexInput{
				Kind: NoShifts, From: today, To: today.AddDays(13), EarlyWarningActionID: plan.EarlyWarningActions[0].ID,
			}); err != nil {
				return fmt.Errorf("demo flex period: %w", err)
			}
		}
	}
	return nil
}
