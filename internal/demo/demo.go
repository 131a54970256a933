// Package demo fills an empty database with a believable small enterprise:
// a dozen employees with different working patterns, the office staff, and
// (from each package's own SeedDemo) clients, contracts, a rota, timesheets
// and wellbeing records. It never touches a database that has people in it.
package demo

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/people"
)

// Password is every demo account's password.
const Password = "goodshift-demo"

// Login is a demo account to print.
type Login struct {
	Email string
	Name  string
	Roles []auth.Role
	Note  string
}

type person struct {
	name, email string
	roles       []auth.Role
	emp         *people.Employee
	note        string
}

func emp(works string, start, dob civil.Date, contract string, weeklyHours int) *people.Employee {
	return &people.Employee{
		WorksNumber: works, StartDate: start, DateOfBirth: dob,
		ContractType: contract, ContractedMinutesPerWeek: weeklyHours * 60,
	}
}

// cast is the demo organisation. Emails use the reserved .example domain.
func cast(today civil.Date) []person {
	y := today.Year
	d := civil.D
	return []person{
		{"Dana Whitfield", "dana@goodshift.example", []auth.Role{auth.Supervisor}, nil, "plans the rota, approves swaps and timesheets"},
		{"Femi Adeyemi", "femi@goodshift.example", []auth.Role{auth.Finance}, nil, "invoices clients, pay rates, payroll export"},
		{"Jo Martins", "jo@goodshift.example", []auth.Role{auth.SupportWorker}, nil, "job coach: wellness plans and support notes"},
		{"Alex Reid", "alex@goodshift.example", []auth.Role{auth.Admin}, nil, "manages accounts"},
		{"Sam Okafor", "sam@goodshift.example", []auth.Role{auth.Employee}, emp("GS001", d(y-3, 3, 1), d(1988, 6, 14), people.Contracted, 20), "mornings only, contracted 20h"},
		{"Priya Shah", "priya@goodshift.example", []auth.Role{auth.Employee}, emp("GS002", d(y-2, 9, 12), d(1995, 2, 3), people.ZeroHours, 0), "zero hours, evenings, permitted work"},
		{"Tomasz Kowalski", "tomasz@goodshift.example", []auth.Role{auth.Employee}, emp("GS003", d(y-4, 1, 8), d(1979, 11, 22), people.Contracted, 30), "contracted 30h, any site"},
		{"Grace Mensah", "grace@goodshift.example", []auth.Role{auth.Employee}, emp("GS004", d(y-1, 5, 20), d(1991, 8, 30), people.ZeroHours, 0), "phased return"},
		{"Liam O'Connor", "liam@goodshift.example", []auth.Role{auth.Employee}, emp("GS005", d(y-1, 11, 2), d(y-19, 4, 10), people.ZeroHours, 0), "aged 19: 18-20 pay band"},
		{"Aisha Rahman", "aisha@goodshift.example", []auth.Role{auth.Employee}, emp("GS006", d(y-2, 2, 14), d(1985, 1, 19), people.Contracted, 16), "not working alone"},
		{"Marek Nowak", "marek@goodshift.example", []auth.Role{auth.Employee}, emp("GS007", d(y-3, 6, 30), d(1972, 9, 5), people.Contracted, 25), "fixed site"},
		{"Chloe Bennett", "chloe@goodshift.example", []auth.Role{auth.Employee}, emp("GS008", d(y, 1, 6), d(y-17, 2, 1), people.ZeroHours, 0), "aged 17: apprentice, under-18 limits"},
		{"Yusuf Demir", "yusuf@goodshift.example", []auth.Role{auth.Employee}, emp("GS009", d(y-5, 4, 4), d(1969, 12, 12), people.Contracted, 35), "early starts, 35h"},
		{"Hannah Price", "hannah@goodshift.example", []auth.Role{auth.Employee}, emp("GS010", d(y-1, 8, 15), d(1998, 7, 7), people.ZeroHours, 0), "flex period in place"},
		{"Kwame Asante", "kwame@goodshift.example", []auth.Role{auth.Employee}, emp("GS011", d(y-2, 10, 1), d(1983, 3, 27), people.Contracted, 24), "no weekends"},
		{"Rosa Fernández", "rosa@goodshift.example", []auth.Role{auth.Employee, auth.Supervisor}, emp("GS012", d(y-6, 2, 2), d(1976, 5, 16), people.Contracted, 37), "team leader: cleans and supervises"},
	}
}

// Seed fills an empty database and returns the logins to print. If anyone
// already exists it does nothing and returns seeded=false.
func Seed(ctx context.Context, a *app.App) (logins []Login, seeded bool, err error) {
	n, err := a.People.Count(ctx)
	if err != nil {
		return nil, false, err
	}
	if n > 0 {
		return nil, false, nil
	}
	today := civil.In(a.Now(), civil.London)
	hash, err := auth.Passwords{Cost: a.PasswordCost}.Hash(Password)
	if err != nil {
		return nil, false, err
	}
	for _, p := range cast(today) {
		_, err := a.People.CreateWithHash(ctx, people.NewPerson{Name: p.name, Email: p.email, Roles: p.roles, Employee: p.emp}, hash)
		if err != nil {
			return nil, false, fmt.Errorf("demo person %s: %w", p.email, err)
		}
		logins = append(logins, Login{Email: p.email, Name: p.name, Roles: p.roles, Note: p.note})
	}
	if _, err := a.Contracts.SeedDemo(ctx); err != nil {
		return nil, false, err
	}
	if err := a.Rota.SeedDemo(ctx); err != nil {
		return nil, false, err
	}
	if err := a.Payroll.SeedDemo(ctx); err != nil {
		return nil, false, err
	}
	if err := a.Wellbeing.SeedDemo(ctx); err != nil { // last: its flex period changes the rota
		return nil, false, err
	}
	if err := seedOutcomesHistory(ctx, a, hash); err != nil { // after everything: people the cast never meets
		return nil, false, err
	}
	return logins, true, nil
}

// PrintLogins writes the demo accounts as a table.
func PrintLogins(w io.Writer, logins []Login) {
	fmt.Fprintf(w, "\nDemo accounts (password for all: %s)\n\n", Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLES\tNOTE")
	for _, l := range logins {
		roles := ""
		for i, r := range l.Roles {
			if i > 0 {
				roles += ", "
			}
			roles += r.Label()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Email, l.Name, roles, l.Note)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
}
