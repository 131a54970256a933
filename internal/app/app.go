// Package app wires Goodshift together: it builds every package's service
// and handler from one configuration, one database, one logger and one
// clock, and joins the packages through the narrow interfaces they define
// (the rota never sees a wellbeing reason; payroll and contracts never
// import wellbeing). cmd/goodshift and the tests both start here.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/config"
	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/jobs/jobsweb"
	"github.com/goodshift/goodshift/internal/notify"
	"github.com/goodshift/goodshift/internal/outcomes"
	"github.com/goodshift/goodshift/internal/payroll"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/rota"
	"github.com/goodshift/goodshift/internal/rota/rotaweb"
	"github.com/goodshift/goodshift/internal/web"
	"github.com/goodshift/goodshift/internal/wellbeing"
	"github.com/goodshift/goodshift/templates"
)

// Migrations lists every package's schema in the order they apply.
func Migrations() []database.Migrations {
	return []database.Migrations{
		people.Migrations,
		notify.Migrations,
		contracts.Migrations,
		rota.Migrations,
		payroll.Migrations,
		wellbeing.Migrations,
	}
}

// Deps are what the application is built from.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Logger *slog.Logger
	Now    func() time.Time // the clock (required): cmd/goodshift passes the wall clock, tests a fixed one
	// PasswordCost overrides Config.PasswordCost (tests use the minimum).
	PasswordCost int
}

// App is the running application.
type App struct {
	Deps
	Shell     *web.Shell
	People    *people.Service
	Contracts *contracts.Service
	Payroll   *payroll.Service
	Rota      *rota.Service
	Notify    *notify.Service
	Wellbeing *wellbeing.Service
	Outcomes  *outcomes.Service
	Jobs      *jobs.Queue // durable jobs; serve runs the workers (StartWorkers)
	// Broadcast tells other server processes to drop cached entries
	// (PostgreSQL only; nil on SQLite).
	Broadcast *jobs.Broadcast
	// Metrics serves the Prometheus metrics, for GOODSHIFT_METRICS_ADDR.
	Metrics http.Handler
}

// New builds the application. The database must already be migrated.
func New(d Deps) (*App, error) {
	if d.Now == nil {
		return nil, errors.New("app: a clock (Deps.Now) is required")
	}
	// GORM stamps created_at/updated_at columns with its NowFunc: make it
	// the same clock as everything else, so no row carries a wall-clock time
	// the rest of the application did not see.
	d.DB.Config.NowFunc = func() time.Time { return d.Now().UTC() }
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.PasswordCost == 0 {
		d.PasswordCost = d.Config.PasswordCost
	}
	if len(d.Config.SecretKey) != 32 {
		return nil, errors.New("app: a 32-byte secret key is required")
	}
	metrics := web.NewMetrics()
	if sqlDB, err := d.DB.DB(); err == nil {
		metrics.Registry.MustRegister(
			collectors.NewDBStatsCollector(sqlDB, "goodshift"),
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
	}
	a := &App{Deps: d}
	a.People = people.NewService(people.Config{
		DB: d.DB, Now: d.Now, Passwords: auth.Passwords{Cost: d.PasswordCost},
		SessionTTL: d.Config.SessionTTL, Logger: d.Logger,
	})
	a.Contracts = contracts.NewService(contracts.Config{DB: d.DB, Now: d.Now, Logger: d.Logger, Org: d.Config.Org, Stripe: d.Config.Stripe})
	pay, err := payroll.NewService(payroll.Config{
		DB: d.DB, Now: d.Now, People: a.People,
		PayPeriod: d.Config.PayPeriod, PayPeriodAnchor: d.Config.PayPeriodAnchor,
		PolicyPayFloor: d.Config.PolicyPayFloor, RolledUpHoliday: d.Config.RolledUpHoliday,
		ClockWindow: d.Config.ClockWindow, Org: d.Config.Org, UnpaidBreaks: d.Config.UnpaidBreaks,
	})
	if err != nil {
		return nil, err
	}
	a.Payroll = pay
	wellbeingKeys, err := wellbeing.LoadKeyring(wellbeing.KeySource{
		Env: d.Config.WellbeingKey, File: d.Config.WellbeingKeyFile, DataDir: d.Config.DataDir,
	}, d.Logger)
	if err != nil {
		return nil, err
	}
	a.Wellbeing = wellbeing.NewService(wellbeing.Config{DB: d.DB, Now: d.Now, Keys: wellbeingKeys, People: a.People, Logger: d.Logger})
	// jobs: River's tables come up to date here (cheap when they are), so
	// every caller of New, tests included, can enqueue.
	if err := jobs.Migrate(context.Background(), d.DB, d.Logger); err != nil {
		return nil, err
	}
	if a.Jobs, err = jobs.New(jobs.Config{DB: d.DB, Logger: d.Logger, ListenURL: d.Config.DatabaseURL,
		RescueAfter: d.Config.JobRescueAfter, RetryBase: d.Config.JobRetryBase}); err != nil {
		return nil, err
	}
	a.Jobs.Register(metrics.Registry)
	pushConfig, err := a.pushConfig() // phone.go: VAPID keys from the environment or the dev key file
	if err != nil {
		return nil, err
	}
	a.Notify = notify.NewService(notify.Config{
		DB: d.DB, Now: d.Now, Logger: d.Logger, People: a.People, BaseURL: d.Config.BaseURL, Queue: a.Jobs,
		SMTP: notify.SMTP{Host: d.Config.SMTP.Host, Port: d.Config.SMTP.Port, Username: d.Config.SMTP.Username,
			Password: d.Config.SMTP.Password, From: d.Config.SMTP.From},
		Push: pushConfig, // phone.go
	})
	sites := &rotaSites{c: a.Contracts, now: d.Now}
	a.shareAcrossServers(sites)
	a.Rota = rota.NewService(rota.Config{
		DB: d.DB, Now: d.Now, Logger: d.Logger, People: a.People, Sites: sites,
		PayInfo: rotaPayroll{a.Payroll}, Leave: rotaPayroll{a.Payroll}, Caseload: a.Wellbeing,
		BaseURL: d.Config.BaseURL, Notifier: a.Notify,
		Notice: rota.Notice{Days: d.Config.RotaNoticeDays, ShortNoticeWindow: d.Config.ShortNoticeWindow, ShortNoticePay: d.Config.ShortNoticePay},
	})
	a.Contracts.UsePlanner(a.Rota)                            // visits become open shifts
	a.Payroll.SetShifts(payrollShifts{a.Rota})                // clocking and timesheets read the rota
	a.Payroll.SetCancellations(payrollCancellations{a.Rota})  // short-notice cancellations paid in the export
	a.Rota.UseAttendance(a.Payroll)                           // the board shows what happened on past shifts
	a.Payroll.UseLeave(leaveRota{a.Rota, d.Logger}, a.Notify) // leave approval releases shifts (seams_leave.go)
	// Wellbeing and the rota meet only through these two narrow seams.
	a.Rota.UseTemporaryLimits(rotaFlexLimits{a.Wellbeing})
	a.Wellbeing.SetRota(a.Rota)
	// Outcomes reads aggregates through its own seams (seams_outcomes.go).
	if a.Outcomes, err = outcomes.NewService(outcomes.Config{Now: d.Now, Records: a.People, Payroll: outcomesPayroll{a.Payroll},
		Flex: outcomesFlex{a.Wellbeing}, Caseload: a.Wellbeing, Directory: a.People, Org: d.Config.Org.Name, Logger: d.Logger}); err != nil {
		return nil, err
	}
	if a.Notify.Mailing() {
		a.Contracts.UseMail(a.Notify, a.Jobs, d.Config.InvoiceReminderDays) // invoices email themselves to clients
	}
	a.registerTasks(a.Jobs)
	if err := a.Jobs.Seal(context.Background(), d.Config.Workers); err != nil {
		return nil, err
	}
	shell, err := web.NewShell(web.Options{
		Logger:         d.Logger,
		Templates:      templates.FS,
		Authenticator:  a.People,
		SecretKey:      d.Config.SecretKey,
		SecureCookies:  d.Config.SecureCookies(),
		HSTS:           d.Config.HSTS(),
		MaxBodyBytes:   d.Config.MaxBodyBytes,
		Metrics:        metrics,
		TrustedProxies: d.Config.TrustedProxies,
		Now:            d.Now,
	})
	if err != nil {
		return nil, err
	}
	a.Shell = shell
	api, root := shell.API(), shell.Root()

	root.GET("/healthz", auth.Public, func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok", "workers": a.workersStatus()}) })
	root.GET("/readyz", auth.Public, a.ready)
	a.Metrics = promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{})
	if d.Config.MetricsToken != "" && d.Config.MetricsAddr == "" {
		// Only with the token; with neither setting, not served at all.
		root.GET("/metrics", auth.Public, web.RequireBearer(d.Config.MetricsToken), gin.WrapH(a.Metrics))
	}
	root.GET("/static/*file", auth.Public, gin.WrapH(shell.StaticFiles()))

	people.NewHandler(a.People, shell, d.Config.SecureCookies()).Routes(api, root)
	contracts.NewHandler(a.Contracts, shell).Routes(api, root)
	payroll.NewHandler(a.Payroll, shell).Routes(api, root)
	rota.NewHandler(a.Rota, shell).Routes(api, root)
	rotaweb.NewHandler(a.Rota, shell).Routes(api, root) // publishing, copying, the board by person
	// The planner: plans, cover plans, offers to everyone eligible.
	rotaweb.NewHandler(a.Rota, shell).PlanRoutes(api, root)
	notify.NewHandler(a.Notify, shell).Routes(api, root)
	wellbeing.NewHandler(a.Wellbeing, shell, d.Config.Org.Name).Routes(api, root)
	outcomes.NewHandler(a.Outcomes, shell).Routes(api, root)
	// Failed jobs, for finance and admins (describeJob: jobs.go).
	jobsweb.NewHandler(a.Jobs, shell, a.describeJob).Routes(api, root)
	a.wirePhone(shell, root)    // phone.go: bottom bar, Me page, service worker, manifest
	declareBodies(shell.Routes) // bodies.go: plain handlers that read a JSON body
	return a, nil
}

// Handler is the application as an http.Handler.
func (a *App) Handler() http.Handler { return a.Shell.Handler() }

func (a *App) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := database.Ping(ctx, a.DB); err != nil {
		a.Logger.WarnContext(ctx, "not ready", "error", err.Error())
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "workers": a.workersStatus()})
}

// OpenDatabase connects to the configured database and applies migrations.
func OpenDatabase(ctx context.Context, cfg config.Config, logger *slog.Logger) (*gorm.DB, error) {
	db, err := database.Open(ctx, database.Options{
		URL: cfg.DatabaseURL, DataDir: cfg.DataDir,
		MaxOpenConns: cfg.DB.MaxOpenConns, MaxIdleConns: cfg.DB.MaxIdleConns, ConnMaxLifetime: cfg.DB.ConnMaxLifetime,
		Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	if err := database.Migrate(ctx, db, logger, Migrations()...); err != nil {
		_ = database.Close(db)
		return nil, err
	}
	if err := jobs.Migrate(ctx, db, logger); err != nil { // River's tables, beside ours
		_ = database.Close(db)
		return nil, err
	}
	return db, nil
}

// Serve runs srv on ln until ctx is cancelled, then shuts down gracefully:
// it stops accepting connections and lets in-flight requests finish (up to
// grace).
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewServer is an http.Server with timeouts fit for phones on slow networks.
func NewServer(addr string, h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
