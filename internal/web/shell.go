// Package web is the HTTP shell every package plugs into: the gin engine and
// its middleware (request IDs, access logs, metrics, body limits, security
// headers, authentication, CSRF), the one error renderer, strict JSON
// decoding, route registration with a policy action, and server-rendered
// pages from the embedded templates/ folder.
package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"
	"github.com/gorilla/securecookie"

	"github.com/goodshift/goodshift/internal/errs"
)

// Options configure a Shell.
type Options struct {
	Logger        *slog.Logger
	Templates     fs.FS // the templates/ folder: pages, partials, static/
	Funcs         template.FuncMap
	Authenticator Authenticator
	SecretKey     []byte // 32 bytes: CSRF and flash cookies
	SecureCookies bool   // https base URL
	// HSTS sends Strict-Transport-Security (the base URL is https).
	HSTS         bool
	MaxBodyBytes int64
	Metrics      *Metrics
	// TrustedProxies may set X-Forwarded-For (for per-IP sign-in limits);
	// none by default.
	TrustedProxies []string
	// Now is the injected clock; templates' "date" leaves out this year.
	Now func() time.Time
}

// deriveKey makes an independent 32-byte key for one purpose from the secret.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Shell is the running HTTP application.
type Shell struct {
	Engine   *gin.Engine
	Renderer *Renderer
	Routes   *RouteTable
	Metrics  *Metrics

	opts    Options
	cookies *securecookie.SecureCookie
	nav     []NavItem
	home    []HomeSection
	bar     []BarItem // the employees' bottom bar (phonebar.go)
}

// NewShell builds the engine and parses every template. It fails if a
// template is broken.
func NewShell(o Options) (*Shell, error) {
	gin.SetMode(gin.ReleaseMode)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if _, ok := o.Logger.Handler().(contextHandler); !ok {
		o.Logger = slog.New(contextHandler{o.Logger.Handler()}) // every record carries the request ID
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	s := &Shell{
		Engine:  gin.New(),
		Routes:  newRouteTable(),
		Metrics: o.Metrics,
		opts:    o,
		cookies: securecookie.New(deriveKey(o.SecretKey, "flash-hash"), deriveKey(o.SecretKey, "flash-block")),
	}
	s.cookies.MaxAge(3600)
	styles, err := loadPageStyles(o.Templates)
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"section":    func(name string, data any) (template.HTML, error) { return s.Renderer.section(name, data) },
		"pageStyles": func() template.CSS { return styles.CSS }, // styles.go
	}
	for k, v := range DateFuncs(o.Now) {
		funcs[k] = v
	}
	for k, v := range o.Funcs {
		funcs[k] = v
	}
	pages, err := parseTemplates(o.Templates, funcs)
	if err != nil {
		return nil, err
	}
	s.Renderer = &Renderer{pages: pages, shell: s}

	e := s.Engine
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	e.HandleMethodNotAllowed = false
	e.ContextWithFallback = true
	e.Use(
		requestID(),
		accessLog(o.Logger),
		o.Metrics.middleware(),
		func(c *gin.Context) { c.Set(rendererKey, s.Renderer); c.Next() },
		recovery(o.Logger),
		securityHeaders(o.HSTS, styles.Hash),
		limitBody(o.MaxBodyBytes),
		guardText(), // before anything reads the body or asks the database
		csrfProtection(o.SecretKey, o.SecureCookies),
		authenticate(o.Authenticator, o.SecureCookies),
	)
	e.NoRoute(func(c *gin.Context) {
		Fail(c, errs.E(errs.NotFound, "There is nothing at %s.", truncate(c.Request.URL.Path, 80)))
	})
	return s, nil
}

// API is where JSON routes are registered: /api/v1/...
func (s *Shell) API() Routes { return Routes{group: s.Engine.Group("/api/v1"), table: s.Routes} }

// Root is where pages and other top-level routes are registered.
func (s *Shell) Root() Routes { return Routes{group: &s.Engine.RouterGroup, table: s.Routes} }

// AddNav adds links to the main navigation.
func (s *Shell) AddNav(items ...NavItem) {
	s.nav = append(s.nav, items...)
	sort.SliceStable(s.nav, func(i, j int) bool { return s.nav[i].Order < s.nav[j].Order })
}

// AddHomeSection adds a panel to the home page.
func (s *Shell) AddHomeSection(h HomeSection) {
	s.home = append(s.home, h)
	sort.SliceStable(s.home, func(i, j int) bool { return s.home[i].Order < s.home[j].Order })
}

// HomeSections is what the home page shows p (internal/people renders it).
func (s *Shell) HomeSections(c *gin.Context) ([]renderedSection, error) {
	return s.homeSections(c, MustPrincipal(c))
}

// Nav returns the navigation (for tests).
func (s *Shell) Nav() []NavItem { return s.nav }

// StaticFiles serves the embedded static/ folder at /static/.
func (s *Shell) StaticFiles() http.Handler {
	sub, err := fs.Sub(s.opts.Templates, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// Handler is the whole application as an http.Handler.
func (s *Shell) Handler() http.Handler { return s.Engine }

// csrfProtection checks the CSRF token (gorilla/csrf, a maintained
// implementation of masked per-session tokens) inside the gin chain, so a
// failure is logged, counted and shown like any other error. Every unsafe
// request carrying the session cookie must carry the token (the csrf_token
// form field or the X-CSRF-Token header). Requests that authenticate with a
// bearer token, sign in through the API, or are webhooks carry no ambient
// credential and are exempt.
func csrfProtection(key []byte, secure bool) gin.HandlerFunc {
	protect := csrf.Protect(key,
		csrf.Secure(secure),
		csrf.Path("/"),
		csrf.HttpOnly(true),
		csrf.SameSite(csrf.SameSiteLaxMode),
		csrf.CookieName("goodshift_csrf"),
		csrf.FieldName("csrf_token"),
		csrf.ErrorHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})),
	)
	return func(c *gin.Context) {
		r := c.Request
		if exemptFromCSRF(r) {
			r = csrf.UnsafeSkipCheck(r)
		}
		if r.TLS == nil && !secure {
			r = csrf.PlaintextHTTPRequest(r)
		}
		passed := false
		protect(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			passed = true
			c.Request = r
		})).ServeHTTP(c.Writer, r)
		if !passed {
			if IsAPI(c) {
				Fail(c, errs.E(errs.Forbidden, "A request signed in with the session cookie must send the X-CSRF-Token header; API clients should send Authorization: Bearer <token> instead."))
				return
			}
			Fail(c, errs.E(errs.Forbidden, "This form has expired or did not come from Goodshift. Go back, reload the page and try again."))
			return
		}
		c.Next()
	}
}

func exemptFromCSRF(r *http.Request) bool {
	switch {
	case strings.HasPrefix(r.URL.Path, "/webhooks/"), r.URL.Path == "/api/v1/auth/login":
		// Webhooks prove themselves with a signature; API sign-in carries
		// its credentials in the body, not in a cookie.
		return true
	case strings.HasPrefix(r.URL.Path, "/api/"):
		if r.Header.Get("Authorization") != "" {
			return true
		}
		_, err := r.Cookie(SessionCookie)
		return err != nil // no ambient credential to abuse
	}
	return false
}
