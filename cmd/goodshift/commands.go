package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/demo"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
)

func serveCmd(ctx context.Context, args []string, e env) error {
	fs := flags("serve", "serve [--addr :8080] [--demo]", e)
	addr := fs.String("addr", "", "listen address (default $GOODSHIFT_ADDR or :8080)")
	withDemo := fs.Bool("demo", false, "seed demo data into an empty database and print the demo logins")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if err := requireProductionKeys(cfg, *withDemo); err != nil {
		return err
	}
	rt, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer rt.close()
	if *addr != "" {
		rt.cfg.Addr = *addr
	}
	a, err := rt.app(e)
	if err != nil {
		return err
	}
	if *withDemo {
		if err := seedDemo(ctx, a, e); err != nil {
			return err
		}
	}
	// Spent sessions and sign-in limits go before listening; after that the
	// daily sessions-purge job does it, once across all servers.
	if n, err := a.People.PurgeExpiredSessions(ctx); err != nil {
		rt.logger.Warn("purging expired sessions failed", "err", err)
	} else if n > 0 {
		rt.logger.Info("purged expired sessions", "sessions", n)
	}
	ln, err := e.listen("tcp", rt.cfg.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Goodshift is running at %s (listening on %s). Press Ctrl+C to stop.\n", browseURL(ln.Addr()), ln.Addr())
	if rt.cfg.MetricsAddr != "" { // metrics on their own (private) address
		mln, err := e.listen("tcp", rt.cfg.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("metrics address: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", a.Metrics)
		msrv := app.NewServer(rt.cfg.MetricsAddr, mux, rt.logger)
		go func() {
			if err := app.Serve(ctx, msrv, mln, 5*time.Second, rt.logger); err != nil {
				rt.logger.Error("metrics server stopped", "error", err.Error())
			}
		}()
	}
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	srv := app.NewServer(rt.cfg.Addr, a.Handler(), rt.logger)
	serveErr := app.Serve(ctx, srv, ln, 30*time.Second, rt.logger)
	// Drain the job workers: jobs in flight get 20 s to finish, then are
	// cancelled and released for another process.
	dctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.StopWorkers(dctx); err != nil {
		rt.logger.Warn("job workers did not stop cleanly", "error", err.Error())
	}
	if serveErr != nil {
		return serveErr
	}
	rt.logger.Info("stopped")
	return nil
}

// requireProductionKeys refuses to serve PostgreSQL (production shape:
// perhaps several processes behind a load balancer) with development key
// files: each process would make its own, so cookies signed by one would
// be refused by another, and wellbeing content sealed by one could not be
// read by another. A demo (serve --demo) may use them.
func requireProductionKeys(cfg config.Config, demo bool) error {
	if cfg.DatabaseURL == "" || demo {
		return nil
	}
	var missing []string
	if cfg.SecretKey == nil {
		missing = append(missing, "GOODSHIFT_SECRET_KEY")
	}
	if strings.TrimSpace(cfg.WellbeingKey) == "" && cfg.WellbeingKeyFile == "" {
		missing = append(missing, "GOODSHIFT_WELLBEING_KEY (or GOODSHIFT_WELLBEING_KEY_FILE)")
	}
	if len(missing) == 0 {
		return nil
	}
	verb := " is"
	if len(missing) > 1 {
		verb = " are"
	}
	return fmt.Errorf("DATABASE_URL is set, so this server needs production keys, and %s not set. "+
		"Make each with `openssl rand -base64 32` and give every server process the same ones: "+
		"without them each process would make its own development key, and wellbeing content sealed by one could not be read by another. "+
		"(To try Goodshift on PostgreSQL with development key files, run `goodshift serve --demo`.)",
		strings.Join(missing, " and ")+verb)
}

func browseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if host == "::" || host == "0.0.0.0" || host == "" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func seedDemo(ctx context.Context, a *app.App, e env) error {
	logins, seeded, err := demo.Seed(ctx, a)
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	if !seeded {
		fmt.Fprintln(e.stdout, "The database already has people in it, so no demo data was added.")
		fmt.Fprintf(e.stdout, "Demo accounts, if this database was seeded before, use the password %q.\n", demo.Password)
		return nil
	}
	demo.PrintLogins(e.stdout, logins)
	return nil
}

func migrateCmd(ctx context.Context, args []string, e env) error {
	fs := flags("migrate", "migrate [--status]", e)
	status := fs.Bool("status", false, "only report pending migrations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *status {
		cfg, db, err := openUnmigrated(ctx, e)
		if err != nil {
			return err
		}
		defer database.Close(db)
		pending, err := database.Pending(ctx, db, app.Migrations()...)
		if err != nil {
			return err
		}
		where := "SQLite (" + cfg.DataDir + ")"
		if cfg.DatabaseURL != "" {
			where = "PostgreSQL"
		}
		total := 0
		for _, set := range app.Migrations() {
			fmt.Fprintf(e.stdout, "%-12s %d pending\n", set.Name, pending[set.Name])
			total += pending[set.Name]
		}
		fmt.Fprintf(e.stdout, "%s: %d migrations pending\n", where, total)
		return nil
	}
	rt, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer rt.close()
	fmt.Fprintln(e.stdout, "Database is up to date.")
	return nil
}

func seedCmd(ctx context.Context, args []string, e env) error {
	fs := flags("seed", "seed --demo", e)
	withDemo := fs.Bool("demo", false, "add the demo organisation (only into an empty database)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*withDemo {
		fs.Usage()
		return errors.New("seed needs --demo (the only data set there is)")
	}
	rt, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer rt.close()
	a, err := rt.app(e)
	if err != nil {
		return err
	}
	return seedDemo(ctx, a, e)
}

func userCmd(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "Usage: goodshift user add --email E --name N --role R [--role R2] [employee flags]")
		if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errors.New("user needs a subcommand: add")
	}
	fs := flags("user add", "user add --email E --name N --role R [--role R2] [--works-number W --start-date D]\n\nThe password is read from standard input (prompted for on a terminal).", e)
	email := fs.String("email", "", "email address (the sign-in name)")
	name := fs.String("name", "", "full name")
	var rs roles
	fs.Var(&rs, "role", "a role: employee, supervisor, support_worker, finance or admin (repeat for several)")
	works := fs.String("works-number", "", "employees: works number (payroll ID)")
	start := fs.String("start-date", "", "employees: start date, 2026-11-30 (default today)")
	dob := fs.String("date-of-birth", "", "employees: date of birth, for pay bands")
	contract := fs.String("contract", people.ZeroHours, "employees: zero_hours or contracted")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	n := people.NewPerson{Name: *name, Email: *email}
	for _, r := range rs {
		n.Roles = append(n.Roles, auth.Role(r))
	}
	for _, r := range n.Roles {
		if r != auth.Employee {
			continue
		}
		emp := &people.Employee{WorksNumber: *works, ContractType: *contract}
		emp.StartDate = civil.In(e.now(), civil.London)
		var err error
		if *start != "" {
			if emp.StartDate, err = civil.Parse(*start); err != nil {
				return fmt.Errorf("--start-date: %w", err)
			}
		}
		if *dob != "" {
			if emp.DateOfBirth, err = civil.Parse(*dob); err != nil {
				return fmt.Errorf("--date-of-birth: %w", err)
			}
		}
		n.Employee = emp
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	n.Password = pw
	rt, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer rt.close()
	a, err := rt.app(e)
	if err != nil {
		return err
	}
	p, err := a.People.Create(ctx, n)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "Added %s <%s> as %s. They can sign in now.\n", p.Name, p.Email, rs.String())
	return nil
}

// readPassword reads one line from stdin, prompting without echo on a terminal.
func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password (at least 10 characters): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input (pipe one in, e.g. echo 'a long password' | goodshift user add ...)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// describe turns a coded error into one line for a terminal.
func describe(err error) error {
	code, msg, details := errs.Public(err)
	if code == errs.Internal {
		return err
	}
	if fields, ok := details.([]errs.FieldError); ok && len(fields) > 1 {
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = f.Field + " " + f.Message
		}
		return errors.New(strings.Join(parts, "; "))
	}
	return errors.New(msg)
}

// openUnmigrated opens the database without migrating (for --status).
func openUnmigrated(ctx context.Context, e env) (config.Config, *gorm.DB, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return config.Config{}, nil, err
	}
	db, err := database.Open(ctx, database.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	return cfg, db, err
}
