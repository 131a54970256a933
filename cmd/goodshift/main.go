// Command goodshift is the whole of Goodshift in one binary:
//
//	goodshift serve [--addr :8080] [--demo]   run the web server
//	goodshift migrate [--status]              apply database migrations
//	goodshift seed --demo                     fill an empty database with demo data
//	goodshift invoice-run --period 2026-11    draft invoices for a month (safe to re-run)
//	goodshift stripe-sync                     retry invoices still pending in Stripe
//	goodshift payroll export --period 2026-10 a closed pay period as BrightPay (or --format generic) CSV
//	goodshift user add --email E --name N --role R [--role R2]
//	                                          add a person; the password is read from stdin
//
// Configuration comes from the environment (see the README).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now, listen: net.Listen}) // wall clock: the composition root hands the real clock to the application
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "goodshift:", err)
		os.Exit(1)
	}
}

// env is the outside world a command sees; tests supply their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	listen func(network, addr string) (net.Listener, error)
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":       {"run the web server", serveCmd},
		"migrate":     {"apply database migrations and exit", migrateCmd},
		"seed":        {"fill an empty database with demo data", seedCmd},
		"user":        {"manage people: user add", userCmd},
		"healthcheck": {"exit 0 if the local server is ready (for container health checks)", healthcheckCmd},
		"wellbeing":   {"wellbeing maintenance: rotate-key (re-encrypt under a new key), purge (retention)", wellbeingCmd},
		"invoice-run": {"make or refresh the draft invoices for a month: invoice-run --period 2026-11", invoiceRunCmd},
		"payroll":     {"export a closed pay period (BrightPay or generic CSV) or its PDF timesheets: payroll export --period 2026-10", payrollCmd},
		"stripe-sync": {"retry issued invoices that did not reach Stripe", stripeSyncCmd},
	}
}

func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		usage(e.stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return cmd.run(ctx, args[1:], e)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Goodshift: rotas, support and invoicing for a job-creation cleaning enterprise.")
	fmt.Fprintln(w, "\nUsage: goodshift <command> [flags]    (goodshift <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration is read from the environment; see the README.")
}

// flags makes a flag set that prints its usage on --help.
func flags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: goodshift %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// runtime is what most commands need: configuration, a logger and a
// migrated database.
type runtime struct {
	cfg    config.Config
	logger *slog.Logger
	db     *gorm.DB
}

func open(ctx context.Context, e env) (*runtime, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return nil, err
	}
	logger := web.NewLogger(e.stderr, cfg.LogLevel, cfg.LogFormat)
	if cfg.SecretKey == nil {
		key, created, err := config.DevKey(cfg.DataDir, "secret.key")
		if err != nil {
			return nil, fmt.Errorf("GOODSHIFT_SECRET_KEY is not set and the development key file failed: %w", err)
		}
		if created {
			logger.Warn("GOODSHIFT_SECRET_KEY is not set: created a development key file; set the variable in production", "dir", cfg.DataDir)
		}
		cfg.SecretKey = key
	}
	db, err := app.OpenDatabase(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	where := "SQLite file in " + cfg.DataDir
	if database.Dialect(db) == database.Postgres {
		where = "PostgreSQL"
	}
	logger.Info("database ready", "database", where)
	return &runtime{cfg: cfg, logger: logger, db: db}, nil
}

func (r *runtime) close() { _ = database.Close(r.db) }

func (r *runtime) app(e env) (*app.App, error) {
	return app.New(app.Deps{Config: r.cfg, DB: r.db, Logger: r.logger, Now: e.now})
}

// roles is a repeatable --role flag.
type roles []string

func (r *roles) String() string     { return strings.Join(*r, ",") }
func (r *roles) Set(v string) error { *r = append(*r, v); return nil }
