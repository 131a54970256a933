package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

const (
	loggerKey   = "goodshift.logger"
	rendererKey = "goodshift.renderer"
	// SessionCookie holds the same opaque token a bearer client sends.
	SessionCookie = "goodshift_session"
)

type requestIDKey struct{}

// RequestID is the ID of the request being served (also in X-Request-ID).
func RequestID(c *gin.Context) string { return RequestIDFrom(c.Request.Context()) }

// RequestIDFrom reads the request ID from a context.
func RequestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a sane incoming X-Request-ID (from a proxy) or makes one.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !saneRequestID.MatchString(id) {
			id = database.NewID()
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// NewLogger builds the process logger: JSON or text on w, and every record
// logged with a request's context carries its request_id.
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(contextHandler{h})
}

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(a)}
}
func (h contextHandler) WithGroup(n string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(n)}
}

// accessLog logs one line per request: route (the pattern, never the raw
// path, which may hold a calendar secret), status, duration, person. Never a
// body, a query string, a password or a token.
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now() // wall clock: real elapsed time of the request, for logs and metrics
		c.Set(loggerKey, logger)
		c.Next()
		status := c.Writer.Status()
		attrs := []any{
			"method", c.Request.Method,
			"route", routeOf(c),
			"status", status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000, // wall clock: elapsed
			"bytes", c.Writer.Size(),
		}
		if p, ok := PrincipalOf(c); ok {
			attrs = append(attrs, "person_id", p.ID)
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		logger.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// Metrics are the Prometheus series the server exports at /metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers request counts and latencies by route in a fresh
// registry (one per server, so tests can build many).
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goodshift_http_requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "goodshift_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	m.Registry.MustRegister(m.requests, m.duration)
	return m
}

func (m *Metrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now() // wall clock: real elapsed time of the request, for logs and metrics
		c.Next()
		route := routeOf(c)
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds()) // wall clock: elapsed
	}
}

// recovery turns a panic into a logged 500 with the generic message.
func recovery(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				logger.ErrorContext(c.Request.Context(), "panic", "panic", fmt.Sprint(v), "route", routeOf(c), "stack", string(debug.Stack()))
				Fail(c, errs.E(errs.Internal, "panic"))
			}
		}()
		c.Next()
	}
}

// limitBody caps every request body; DecodeJSON reports the overflow as a 400.
func limitBody(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		}
		c.Next()
	}
}

// securityHeaders: no framing, no sniffing, scripts and styles only from us
// (and the pages' inline stylesheet, by its hash: styles.go),
// and nothing personal cached by a shared phone's browser. With an https
// base URL, browsers are told to use https only (HSTS, one year).
func securityHeaders(hsts bool, styleHash string) gin.HandlerFunc {
	csp := contentSecurityPolicy(styleHash)
	return func(c *gin.Context) {
		h := c.Writer.Header()
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(c.Request.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// Authenticator turns a presented token into the person it belongs to.
// internal/people implements it.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (auth.Principal, error)
}

// authenticate reads a bearer token or the session cookie. A bad or expired
// token leaves the request anonymous (routes then answer 401); a bad bearer
// token on the API is refused at once so a client learns its token is dead.
func authenticate(a Authenticator, secureCookies bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.URL.Path == "/metrics" {
			c.Next() // its bearer token is the metrics token (RequireBearer), not a session
			return
		}
		token, bearer := bearerToken(c)
		if !bearer {
			token, _ = c.Cookie(SessionCookie)
		}
		if token == "" {
			if bearer {
				Fail(c, errs.E(errs.Unauthenticated, "The Authorization header must be \"Bearer <token>\"."))
				return
			}
			c.Next()
			return
		}
		p, err := a.Authenticate(c.Request.Context(), token)
		switch {
		case err == nil:
			c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
		case errs.CodeOf(err) == errs.Unauthenticated:
			if bearer {
				Fail(c, errs.E(errs.Unauthenticated, "This token is not valid: it has expired, been revoked, or its account is deactivated. Sign in again."))
				return
			}
			ClearSessionCookie(c, secureCookies)
		default:
			Fail(c, err)
			return
		}
		c.Next()
	}
}

func bearerToken(c *gin.Context) (string, bool) {
	h := c.GetHeader("Authorization")
	if h == "" {
		return "", false
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(token), true
}

// SetSessionCookie stores the session token for pages: HttpOnly, SameSite=Lax.
//
// The cookie carries a relative lifetime only (Max-Age, from the session's
// TTL), never an instant: the browser judges an Expires date by its own
// clock, which need not agree with the server's (tests run the app at a
// fixed date). The server alone decides when a session has expired, by the
// injected clock, and refuses the token after that whatever the browser
// sends.
func SetSessionCookie(c *gin.Context, token string, lifetime time.Duration, secure bool) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/",
		MaxAge: max(int(lifetime.Seconds()), 1), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(c *gin.Context, secure bool) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// SessionToken is the token the request was authenticated with (for sign-out).
func SessionToken(c *gin.Context) string {
	if t, ok := bearerToken(c); ok {
		return t
	}
	t, _ := c.Cookie(SessionCookie)
	return t
}

// RequireBearer lets through only requests bearing token (for /metrics):
// anything else is 401, whatever session it carries.
func RequireBearer(token string) gin.HandlerFunc {
	want := sha256.Sum256([]byte(token))
	return func(c *gin.Context) {
		got, ok := bearerToken(c)
		h := sha256.Sum256([]byte(got))
		if !ok || token == "" || subtle.ConstantTimeCompare(h[:], want[:]) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
			Fail(c, errs.E(errs.Unauthenticated, "Metrics need the metrics token: send Authorization: Bearer <GOODSHIFT_METRICS_TOKEN>."))
			return
		}
		c.Next()
	}
}
