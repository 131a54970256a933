// Package config reads Goodshift's settings from the environment. Every
// variable, its meaning and its default is listed in Vars (and in the README);
// a bad value is an error at start-up, never a surprise later.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goodshift/goodshift/internal/money"
)

// Config is everything the binary needs to run.
type Config struct {
	Addr         string // listen address
	DatabaseURL  string // PostgreSQL URL; empty means embedded SQLite
	DataDir      string // SQLite file and dev key files
	BaseURL      string // public URL for links in emails and calendar feeds
	SecretKey    []byte // signs CSRF and flash cookies; dev: key file in DataDir
	WellbeingKey string // base64 AES-256 key for wellbeing content; dev: key file
	// WellbeingKeyFile holds wellbeing keys, one a line, primary first
	// (used when WellbeingKey is empty).
	WellbeingKeyFile string
	SessionTTL       time.Duration
	PasswordCost     int // bcrypt cost
	MaxBodyBytes     int64
	LogLevel         string
	LogFormat        string // "json" or "text"
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []string
	// MetricsToken, when set, serves /metrics to requests bearing it.
	MetricsToken string
	// MetricsAddr, when set, serves /metrics (without a token) on its own
	// listen address, e.g. 127.0.0.1:9090, and not on Addr.
	MetricsAddr string

	DB DBPool

	Org Organisation

	Stripe Stripe
	SMTP   SMTP
	Push   Push

	PayPeriod          string      // weekly, fortnightly, four-weekly, monthly
	PayPeriodAnchor    string      // a date a weekly/fortnightly/four-weekly period starts on
	PolicyPayFloor     money.Pence // organisation's own floor per hour, e.g. London Living Wage
	RolledUpHoliday    bool        // pay irregular-hours holiday as rolled-up 12.07%
	ClockWindow        time.Duration
	UnpaidBreaks       bool          // deduct the rota's planned break from paid hours
	WellbeingRetention time.Duration // keep wellbeing content this long after employment ends

	// Rota notice (Employment Rights Act 2025; Living Hours asks 28 days).
	RotaNoticeDays    int               // changes to published shifts inside this many days need a reason
	ShortNoticeWindow time.Duration     // cancelling an assigned shift inside this is a short-notice cancellation
	ShortNoticePay    money.BasisPoints // share of the shift's pay for one (0: unpaid)

	Workers bool // run background jobs in this process (GOODSHIFT_WORKERS=off for web-only instances)
	// JobRescueAfter: a job still running this long is taken to have lost
	// its process (killed mid-job) and is run again by another.
	JobRescueAfter time.Duration
	// JobRetryBase is a failed job's first retry delay (doubling to an hour).
	JobRetryBase time.Duration
	// InvoiceReminderDays are the days after the due date on which an
	// unpaid invoice's client is reminded.
	InvoiceReminderDays []int
}

// DBPool sets the database connection pool.
type DBPool struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
}

// Organisation is the enterprise's own details, printed on invoices and timesheets.
type Organisation struct {
	Name          string
	Address       []string // lines
	VATNumber     string
	CompanyNumber string
	Email         string
	Phone         string
	BankName      string
	BankAccount   string // account name
	SortCode      string
	AccountNumber string
}

// Stripe is on when SecretKey is set.
type Stripe struct {
	SecretKey     string
	WebhookSecret string
	APIBase       string
}

// Enabled reports whether Stripe invoicing is switched on.
func (s Stripe) Enabled() bool { return s.SecretKey != "" }

// SMTP is on when Host is set.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// Enabled reports whether email is switched on.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Push is Web Push (VAPID). With no keys set, serve uses a development key
// pair kept in the data directory (DevVAPIDKeys).
type Push struct {
	VAPIDPrivateKey string // base64url P-256 private key (32 bytes)
	VAPIDPublicKey  string // base64url uncompressed public key (65 bytes); derived when empty
	Subject         string // contact for push services: mailto: or https: URL
	// AllowHTTPEndpoints accepts push endpoints on http:// (tests' local
	// push service only; never set from the environment).
	AllowHTTPEndpoints bool
}

// Enabled reports whether push has keys.
func (p Push) Enabled() bool { return p.VAPIDPrivateKey != "" }

// Var documents one environment variable.
type Var struct {
	Name, Default, Meaning string
}

// Vars lists every variable Goodshift reads, in README order.
var Vars = []Var{
	{"GOODSHIFT_ADDR", ":8080", "listen address (also `serve --addr`)"},
	{"DATABASE_URL", "unset", "PostgreSQL URL (postgres://...); unset means the embedded SQLite file"},
	{"GOODSHIFT_DATA_DIR", "./data", "where the SQLite file and development key files live"},
	{"GOODSHIFT_BASE_URL", "http://localhost:8080", "public URL, for links in emails and calendar feeds; https turns on Secure cookies"},
	{"GOODSHIFT_SECRET_KEY", "dev: key file in the data dir; required with DATABASE_URL (except serve --demo)", "base64 32-byte key that signs CSRF and flash cookies; the same in every server process"},
	{"GOODSHIFT_WELLBEING_KEY", "dev: key file in the data dir; it or the _FILE variable required with DATABASE_URL (except serve --demo)", "base64 AES-256 key for wellness plans and support notes, the same in every server process; during a key rotation, several keys separated by commas, the new one first"},
	{"GOODSHIFT_WELLBEING_KEY_FILE", "unset", "file holding the wellbeing keys, one a line, the new one first (used when GOODSHIFT_WELLBEING_KEY is unset; otherwise the data dir's wellbeing.key is created for development)"},
	{"GOODSHIFT_SESSION_TTL", "168h", "how long a sign-in lasts"},
	{"GOODSHIFT_PASSWORD_COST", "12", "bcrypt cost for password hashes (each step doubles the work; lower it only in tests)"},
	{"GOODSHIFT_MAX_BODY_BYTES", "1048576", "largest request body accepted"},
	{"GOODSHIFT_TRUSTED_PROXIES", "none", "comma-separated proxy addresses or CIDRs whose X-Forwarded-For is trusted (per-IP sign-in limits)"},
	{"GOODSHIFT_METRICS_TOKEN", "unset", "bearer token that /metrics requires (at least 16 characters); with neither this nor GOODSHIFT_METRICS_ADDR, /metrics is not served"},
	{"GOODSHIFT_METRICS_ADDR", "unset", "separate listen address for /metrics, e.g. 127.0.0.1:9090 (keep it private); /metrics is then not on the main address"},
	{"GOODSHIFT_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"GOODSHIFT_LOG_FORMAT", "json", "json or text"},
	{"GOODSHIFT_DB_MAX_OPEN_CONNS", "20 (PostgreSQL), 8 (SQLite)", "connection pool size"},
	{"GOODSHIFT_DB_MAX_IDLE_CONNS", "20 (PostgreSQL), 8 (SQLite)", "idle connections kept (fewer than the pool size means reconnecting under load)"},
	{"GOODSHIFT_DB_CONN_MAX_LIFETIME", "30m", "recycle connections after this long"},
	{"GOODSHIFT_ORG_NAME", "Goodshift Cleaning CIC", "organisation name on invoices and timesheets"},
	{"GOODSHIFT_ORG_ADDRESS", "Unit 4, 12 Cable Street|London|E1 8JG", "organisation address, lines separated by |"},
	{"GOODSHIFT_ORG_VAT_NUMBER", "GB 123 4567 89", "VAT registration number printed on invoices"},
	{"GOODSHIFT_ORG_COMPANY_NUMBER", "12345678", "company number printed on invoices"},
	{"GOODSHIFT_ORG_EMAIL", "accounts@goodshift.example", "contact email on invoices"},
	{"GOODSHIFT_ORG_PHONE", "020 7946 0000", "contact phone on invoices"},
	{"GOODSHIFT_BANK_NAME", "Unity Trust Bank", "bank for BACS payments"},
	{"GOODSHIFT_BANK_ACCOUNT_NAME", "Goodshift Cleaning CIC", "account name for BACS payments"},
	{"GOODSHIFT_BANK_SORT_CODE", "60-83-01", "sort code for BACS payments"},
	{"GOODSHIFT_BANK_ACCOUNT_NUMBER", "20123456", "account number for BACS payments"},
	{"GOODSHIFT_PAY_PERIOD", "monthly", "weekly, fortnightly, four-weekly or monthly"},
	{"GOODSHIFT_PAY_PERIOD_ANCHOR", "2026-04-06", "a date on which a weekly, fortnightly or four-weekly period starts"},
	{"GOODSHIFT_POLICY_PAY_FLOOR", "14.80", "organisation's own hourly floor (London Living Wage); rates below it warn"},
	{"GOODSHIFT_ROLLED_UP_HOLIDAY", "false", "pay irregular-hours holiday as rolled-up 12.07% on each payslip"},
	{"GOODSHIFT_CLOCK_WINDOW", "30m", "how early before a shift an employee may clock in"},
	{"GOODSHIFT_UNPAID_BREAKS", "false", "deduct each shift's planned break from paid hours (false: rest breaks are paid)"},
	{"GOODSHIFT_WELLBEING_RETENTION", "17520h", "keep wellbeing content this long after employment ends (default two years)"},
	{"GOODSHIFT_ROTA_NOTICE_DAYS", "14", "rota notice period in days: a change to a published shift starting within it needs a reason and is flagged (Living Hours asks 28)"},
	{"GOODSHIFT_SHORT_NOTICE_WINDOW", "48h", "cancelling an assigned, published shift that starts within this is recorded as a short-notice cancellation"},
	{"GOODSHIFT_SHORT_NOTICE_PAY", "none", "what a short-notice cancellation pays: none, or a percentage of the shift's pay like 50% (a payment line in the payroll export)"},
	{"STRIPE_SECRET_KEY", "unset", "enables Stripe invoicing"},
	{"STRIPE_WEBHOOK_SECRET", "unset", "verifies /webhooks/stripe"},
	{"STRIPE_API_BASE", "Stripe's own", "Stripe API base URL (stripe-mock in tests)"},
	{"SMTP_HOST", "unset", "enables email notifications"},
	{"SMTP_PORT", "587", "SMTP port"},
	{"SMTP_USERNAME", "unset", "SMTP user"},
	{"SMTP_PASSWORD", "unset", "SMTP password"},
	{"SMTP_FROM", "Goodshift <rota@goodshift.example>", "sender of notification emails"},
	{"GOODSHIFT_VAPID_PRIVATE_KEY", "SQLite: dev key file in the data dir; with DATABASE_URL unset means push is off", "Web Push VAPID private key, base64url (like the one a development run writes to the data dir's vapid.key); the same in every server process, and kept: changing it ends every phone's subscription"},
	{"GOODSHIFT_VAPID_PUBLIC_KEY", "derived from the private key", "Web Push VAPID public key, base64url; if set it must match the private key"},
	{"GOODSHIFT_VAPID_SUBJECT", "mailto: the organisation email", "contact given to push services with every push (mailto: or https: URL)"},
	{"GOODSHIFT_INVOICE_REMINDER_DAYS", "7,30", "days after the due date to remind a client of an unpaid invoice; off for never"},
	{"GOODSHIFT_WORKERS", "on", "run background jobs (email, reminders, purges) in this process; off for web-only instances"},
	{"GOODSHIFT_JOB_RESCUE_AFTER", "15m", "a job still running this long is taken to have lost its process (killed mid-job) and is run again; jobs are cut off at three quarters of it (at most 10m)"},
	{"GOODSHIFT_JOB_RETRY_BASE", "30s", "a failed job's first retry delay, doubling on each retry up to an hour"},
}

// Load reads the configuration through getenv (os.Getenv in production, a
// map in tests). Unset variables take their defaults; bad values are errors.
func Load(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		Addr:             r.str("GOODSHIFT_ADDR", ":8080"),
		DatabaseURL:      r.str("DATABASE_URL", ""),
		DataDir:          r.str("GOODSHIFT_DATA_DIR", "./data"),
		BaseURL:          strings.TrimRight(r.str("GOODSHIFT_BASE_URL", "http://localhost:8080"), "/"),
		SecretKey:        r.key("GOODSHIFT_SECRET_KEY"),
		WellbeingKey:     r.str("GOODSHIFT_WELLBEING_KEY", ""),
		WellbeingKeyFile: r.str("GOODSHIFT_WELLBEING_KEY_FILE", ""),
		SessionTTL:       r.duration("GOODSHIFT_SESSION_TTL", 7*24*time.Hour),
		MaxBodyBytes:     int64(r.int("GOODSHIFT_MAX_BODY_BYTES", 1<<20)),
		PasswordCost:     r.int("GOODSHIFT_PASSWORD_COST", 12),
		LogLevel:         r.oneOf("GOODSHIFT_LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		LogFormat:        r.oneOf("GOODSHIFT_LOG_FORMAT", "json", "json", "text"),
		TrustedProxies:   r.list("GOODSHIFT_TRUSTED_PROXIES"),
		MetricsToken:     r.str("GOODSHIFT_METRICS_TOKEN", ""),
		MetricsAddr:      r.str("GOODSHIFT_METRICS_ADDR", ""),
		Org: Organisation{
			Name:          r.str("GOODSHIFT_ORG_NAME", "Goodshift Cleaning CIC"),
			Address:       strings.Split(r.str("GOODSHIFT_ORG_ADDRESS", "Unit 4, 12 Cable Street|London|E1 8JG"), "|"),
			VATNumber:     r.str("GOODSHIFT_ORG_VAT_NUMBER", "GB 123 4567 89"),
			CompanyNumber: r.str("GOODSHIFT_ORG_COMPANY_NUMBER", "12345678"),
			Email:         r.str("GOODSHIFT_ORG_EMAIL", "accounts@goodshift.example"),
			Phone:         r.str("GOODSHIFT_ORG_PHONE", "020 7946 0000"),
			BankName:      r.str("GOODSHIFT_BANK_NAME", "Unity Trust Bank"),
			BankAccount:   r.str("GOODSHIFT_BANK_ACCOUNT_NAME", "Goodshift Cleaning CIC"),
			SortCode:      r.str("GOODSHIFT_BANK_SORT_CODE", "60-83-01"),
			AccountNumber: r.str("GOODSHIFT_BANK_ACCOUNT_NUMBER", "20123456"),
		},
		Stripe: Stripe{
			SecretKey:     r.str("STRIPE_SECRET_KEY", ""),
			WebhookSecret: r.str("STRIPE_WEBHOOK_SECRET", ""),
			APIBase:       strings.TrimRight(r.str("STRIPE_API_BASE", ""), "/"),
		},
		SMTP: SMTP{
			Host:     r.str("SMTP_HOST", ""),
			Port:     r.int("SMTP_PORT", 587),
			Username: r.str("SMTP_USERNAME", ""),
			Password: r.str("SMTP_PASSWORD", ""),
			From:     r.str("SMTP_FROM", "Goodshift <rota@goodshift.example>"),
		},
		Push: Push{
			VAPIDPrivateKey: r.str("GOODSHIFT_VAPID_PRIVATE_KEY", ""),
			VAPIDPublicKey:  r.str("GOODSHIFT_VAPID_PUBLIC_KEY", ""),
			Subject:         r.str("GOODSHIFT_VAPID_SUBJECT", ""),
		},
		PayPeriod:          r.oneOf("GOODSHIFT_PAY_PERIOD", "monthly", "weekly", "fortnightly", "four-weekly", "monthly"),
		PayPeriodAnchor:    r.str("GOODSHIFT_PAY_PERIOD_ANCHOR", "2026-04-06"),
		PolicyPayFloor:     r.money("GOODSHIFT_POLICY_PAY_FLOOR", 1480),
		RolledUpHoliday:    r.bool("GOODSHIFT_ROLLED_UP_HOLIDAY", false),
		ClockWindow:        r.duration("GOODSHIFT_CLOCK_WINDOW", 30*time.Minute),
		UnpaidBreaks:       r.bool("GOODSHIFT_UNPAID_BREAKS", false),
		WellbeingRetention: r.duration("GOODSHIFT_WELLBEING_RETENTION", 2*365*24*time.Hour),
		RotaNoticeDays:     r.int("GOODSHIFT_ROTA_NOTICE_DAYS", 14),
		ShortNoticeWindow:  r.duration("GOODSHIFT_SHORT_NOTICE_WINDOW", 48*time.Hour),
		ShortNoticePay:     r.share("GOODSHIFT_SHORT_NOTICE_PAY"),
		Workers:            r.oneOf("GOODSHIFT_WORKERS", "on", "on", "off") == "on",
		JobRescueAfter:     r.duration("GOODSHIFT_JOB_RESCUE_AFTER", 15*time.Minute),
		JobRetryBase:       r.duration("GOODSHIFT_JOB_RETRY_BASE", 30*time.Second),
	}
	c.InvoiceReminderDays = []int{7, 30}
	if v := strings.TrimSpace(r.getenv("GOODSHIFT_INVOICE_REMINDER_DAYS")); v != "" {
		c.InvoiceReminderDays = nil
		for _, d := range r.list("GOODSHIFT_INVOICE_REMINDER_DAYS") {
			if v == "off" {
				break
			}
			n, err := strconv.Atoi(d)
			if err != nil || n < 1 || n > 365 {
				r.fail("GOODSHIFT_INVOICE_REMINDER_DAYS", "must be whole days after the due date, 1 to 365, separated by commas")
				continue
			}
			c.InvoiceReminderDays = append(c.InvoiceReminderDays, n)
		}
	}
	sqlite := c.DatabaseURL == ""
	c.DB = DBPool{
		MaxOpenConns:    r.int("GOODSHIFT_DB_MAX_OPEN_CONNS", pick(sqlite, 8, 20)),
		MaxIdleConns:    r.int("GOODSHIFT_DB_MAX_IDLE_CONNS", pick(sqlite, 8, 20)),
		ConnMaxLifetime: r.duration("GOODSHIFT_DB_CONN_MAX_LIFETIME", 30*time.Minute),
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail("GOODSHIFT_BASE_URL", "must be an http or https URL like https://rota.example.org")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		r.fail("DATABASE_URL", "must start with postgres:// (leave it unset to use the embedded SQLite file)")
	}
	if c.PasswordCost < 4 || c.PasswordCost > 31 {
		r.fail("GOODSHIFT_PASSWORD_COST", "must be between 4 and 31")
	}
	if c.MaxBodyBytes < 1024 {
		r.fail("GOODSHIFT_MAX_BODY_BYTES", "must be at least 1024")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		r.fail("GOODSHIFT_METRICS_TOKEN", "must be at least 16 characters (openssl rand -hex 32)")
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		r.fail("GOODSHIFT_METRICS_ADDR", "must differ from GOODSHIFT_ADDR")
	}
	if c.Push.Subject == "" {
		c.Push.Subject = "mailto:" + c.Org.Email
	}
	if !strings.HasPrefix(c.Push.Subject, "mailto:") && !strings.HasPrefix(c.Push.Subject, "https://") {
		r.fail("GOODSHIFT_VAPID_SUBJECT", "must be a mailto: address or an https:// URL")
	}
	if c.Push.VAPIDPrivateKey != "" {
		pub, err := VAPIDPublicKey(c.Push.VAPIDPrivateKey)
		switch {
		case err != nil:
			r.fail("GOODSHIFT_VAPID_PRIVATE_KEY", "must be a base64url P-256 private key (32 bytes)")
		case c.Push.VAPIDPublicKey != "" && c.Push.VAPIDPublicKey != pub:
			r.fail("GOODSHIFT_VAPID_PUBLIC_KEY", "does not belong to GOODSHIFT_VAPID_PRIVATE_KEY (leave it unset to derive it)")
		default:
			c.Push.VAPIDPublicKey = pub
		}
	} else if c.Push.VAPIDPublicKey != "" {
		r.fail("GOODSHIFT_VAPID_PUBLIC_KEY", "is set but GOODSHIFT_VAPID_PRIVATE_KEY is not")
	}
	if c.Stripe.WebhookSecret != "" && !c.Stripe.Enabled() {
		r.fail("STRIPE_WEBHOOK_SECRET", "is set but STRIPE_SECRET_KEY is not")
	}
	if len(r.errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %s", strings.Join(r.errs, "; "))
	}
	return c, nil
}

// SecureCookies reports whether cookies must be marked Secure (an https base URL).
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// HSTS reports whether browsers must be told to use https only (an https
// base URL).
func (c Config) HSTS() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

type reader struct {
	getenv func(string) string
	errs   []string
}

func (r *reader) fail(name, msg string) { r.errs = append(r.errs, name+" "+msg) }

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) list(name string) []string {
	var out []string
	for _, v := range strings.Split(r.str(name, ""), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (r *reader) int(name string, def int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		r.fail(name, fmt.Sprintf("must be a whole number, got %q", v))
		return def
	}
	return n
}

func (r *reader) bool(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, fmt.Sprintf("must be true or false, got %q", v))
		return def
	}
	return b
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.fail(name, fmt.Sprintf("must be a positive duration like 30m or 168h, got %q", v))
		return def
	}
	return d
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := r.str(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), v))
	return def
}

func (r *reader) money(name string, def money.Pence) money.Pence {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	p, err := money.Parse(v)
	if err != nil || p < 0 {
		r.fail(name, fmt.Sprintf("must be an amount in pounds like 14.80, got %q", v))
		return def
	}
	return p
}

// share reads "none" (0) or a percentage like "50%" or "12.5%" as basis points.
func (r *reader) share(name string) money.BasisPoints {
	v := strings.ToLower(r.str(name, "none"))
	if v == "none" || v == "0" || v == "0%" {
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil || !strings.HasSuffix(v, "%") || f <= 0 || f > 100 {
		r.fail(name, fmt.Sprintf("must be none or a percentage from 1%% to 100%% like 50%%, got %q", v))
		return 0
	}
	return money.BasisPoints(f*100 + 0.5)
}

func (r *reader) key(name string) []byte {
	v := r.str(name, "")
	if v == "" {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != 32 {
		r.fail(name, "must be 32 bytes, base64-encoded (openssl rand -base64 32)")
		return nil
	}
	return b
}

// DevKey returns a 32-byte key kept in a file in the data directory,
// creating it (mode 0600) on first use. It is for development and demos
// only: production sets the key in the environment.
func DevKey(dataDir, name string) (key []byte, created bool, err error) {
	path := filepath.Join(dataDir, name)
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, false, fmt.Errorf("%s does not hold a base64 32-byte key", path)
		}
		return k, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process won the race: use its key
		return DevKey(dataDir, name)
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		return nil, false, err
	}
	return k, true, f.Sync()
}
