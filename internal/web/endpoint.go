package web

import (
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/errs"
)

// BodyRule says what body a route accepts.
type BodyRule int

const (
	// NoBodyAllowed: the route reads nothing from the body; a non-empty one
	// is refused with 400 (so a malformed request never half-succeeds).
	// It is the rule for every route that does not declare another.
	NoBodyAllowed BodyRule = iota
	// BodyRequired: the route reads one JSON object.
	BodyRequired
	// BodyOptional: the route reads a JSON object if one is sent.
	BodyOptional
	// BodyForm: a page route reading a form (the CSRF token at least).
	BodyForm
	// BodyRaw: the route reads the raw body itself (a webhook).
	BodyRaw
)

func (b BodyRule) String() string {
	switch b {
	case BodyRequired:
		return "json"
	case BodyOptional:
		return "optional json"
	case BodyForm:
		return "form"
	case BodyRaw:
		return "raw"
	}
	return "none"
}

const bodyReadKey = "goodshift.body_read"

// Endpoint is a handler that knows what body it takes, built with JSON,
// OptionalJSON or NoBody. Register it like any handler:
//
//	api.POST("/clients", auth.ClientsWrite, web.JSON(h.createClient).Created())
//
// It decodes the body strictly, calls fn, and answers with the error
// (web.Fail) or the result as JSON with the endpoint's status.
type Endpoint struct {
	body   BodyRule
	req    reflect.Type // the body's type, for tests that fill every field
	status int
	call   func(c *gin.Context) (any, error)
}

// NoContent is the result type of an endpoint that answers 204 with no body.
type NoContent struct{}

// JSON is an endpoint that reads a Req from a required JSON body.
func JSON[Req, Resp any](fn func(c *gin.Context, req Req) (Resp, error)) Endpoint {
	return Endpoint{body: BodyRequired, req: reflect.TypeFor[Req](), status: http.StatusOK, call: func(c *gin.Context) (any, error) {
		var req Req
		if err := DecodeJSON(c, &req); err != nil {
			return nil, err
		}
		return fn(c, req)
	}}
}

// OptionalJSON is JSON for bodies that may be left out: fn gets the zero Req.
func OptionalJSON[Req, Resp any](fn func(c *gin.Context, req Req) (Resp, error)) Endpoint {
	return Endpoint{body: BodyOptional, req: reflect.TypeFor[Req](), status: http.StatusOK, call: func(c *gin.Context) (any, error) {
		var req Req
		if c.Request.ContentLength != 0 {
			if err := DecodeJSON(c, &req); err != nil {
				return nil, err
			}
		}
		return fn(c, req)
	}}
}

// NoBody is an endpoint that takes no body: a request with one is refused
// before fn runs.
func NoBody[Resp any](fn func(c *gin.Context) (Resp, error)) Endpoint {
	return Endpoint{body: NoBodyAllowed, status: http.StatusOK, call: func(c *gin.Context) (any, error) {
		return fn(c)
	}}
}

// RawBody is a handler that reads the raw body itself (a webhook that
// checks a signature over the exact bytes).
func RawBody(h gin.HandlerFunc) Endpoint {
	return Endpoint{body: BodyRaw, call: func(c *gin.Context) (any, error) {
		h(c)
		return nil, nil
	}}
}

// Created answers 201 instead of 200.
func (e Endpoint) Created() Endpoint { e.status = http.StatusCreated; return e }

// Body is the endpoint's body rule.
func (e Endpoint) Body() BodyRule { return e.body }

// Handle serves one request.
func (e Endpoint) Handle(c *gin.Context) {
	v, err := e.call(c)
	switch {
	case err != nil:
		Fail(c, err)
	case c.Writer.Written() || c.IsAborted():
		// fn answered itself (a file, a redirect).
	default:
		if _, ok := v.(NoContent); ok {
			c.Status(http.StatusNoContent)
			return
		}
		c.JSON(e.status, v)
	}
}

// guardBody enforces a route's body rule once the caller is known to be
// allowed (so an anonymous caller learns nothing but 401): on the API, a
// non-empty body must be JSON (415 otherwise) and a route that takes no
// body refuses one (400).
func guardBody(t *RouteTable, method, path string, api bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength == 0 {
			c.Next()
			return
		}
		rule := t.BodyRule(method, path)
		if api && rule != BodyRaw {
			mt, _, _ := mime.ParseMediaType(c.Request.Header.Get("Content-Type"))
			if !isJSONType(mt) {
				failUnsupported(c)
				return
			}
		}
		if rule == NoBodyAllowed {
			if api || c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				Fail(c, errs.E(errs.Invalid, "This request takes no body; send it empty."))
				return
			}
		}
		c.Next()
	}
}

func failUnsupported(c *gin.Context) {
	ct := c.Request.Header.Get("Content-Type")
	if ct == "" {
		ct = "none"
	}
	c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, ErrorBody{ErrorDetail{
		Code:      "unsupported_media_type",
		Message:   "Send the body as JSON with the header Content-Type: application/json (this request said " + truncate(strings.TrimSpace(ct), 60) + ").",
		RequestID: RequestID(c),
	}})
}
