package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/errs"
)

// ErrorBody is the one shape every error response has.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code      errs.Code `json:"code"`
	Message   string    `json:"message"`
	Details   any       `json:"details,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}

// IsAPI reports whether the request is for the JSON API (or a webhook), as
// opposed to a page: it decides how errors are shown.
func IsAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/webhooks/")
}

// Fail answers with err: JSON for the API, an error page otherwise. Internal
// errors are logged with the request ID and shown as a generic message.
func Fail(c *gin.Context, err error) {
	code, msg, details := errs.Public(err)
	status := errs.Status(code)
	if status >= 500 {
		loggerFrom(c).ErrorContext(c.Request.Context(), "request failed",
			"error", err.Error(), "route", routeOf(c))
	}
	_ = c.Error(err)
	if IsAPI(c) || c.Writer.Written() {
		if !c.Writer.Written() {
			c.AbortWithStatusJSON(status, ErrorBody{ErrorDetail{code, msg, details, RequestID(c)}})
		} else {
			c.Abort()
		}
		return
	}
	if r := rendererFrom(c); r != nil {
		r.errorPage(c, status, code, msg, details)
		c.Abort()
		return
	}
	c.AbortWithStatusJSON(status, ErrorBody{ErrorDetail{code, msg, details, RequestID(c)}})
}

// List is the shape of every list response, so fields can be added later.
type List[T any] struct {
	Items []T `json:"items"`
}

// Items wraps a slice for a list response; nil becomes [].
func Items[T any](items []T) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items}
}

// DecodeJSON reads the request body into dst strictly: one JSON object, no
// unknown fields, right types, within the size limit, text that is valid
// UTF-8 without NUL, no string longer than MaxTextChars and no list longer
// than MaxListItems. Every failure is an errs.Invalid with a message that
// says what to fix.
func DecodeJSON(c *gin.Context, dst any) error {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		return errs.E(errs.Invalid, "The request body is empty; send a JSON object.")
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return jsonError(err)
	}
	c.Set(bodyReadKey, true)
	return Decode(raw, dst)
}

// Decode is DecodeJSON on bytes already read.
func Decode(raw []byte, dst any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errs.E(errs.Invalid, "The request body is empty; send a JSON object.")
	}
	// encoding/json turns invalid UTF-8 into U+FFFD without a word: check
	// the bytes themselves first.
	if err := CheckJSONText(raw); err != nil {
		return err
	}
	// Bounds before types, so an over-long value is named as such whatever
	// else is wrong with the body.
	if json.Valid(raw) {
		if err := checkJSONBounds(raw); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "The request body must hold a single JSON object and nothing after it.")
	}
	return nil // a body that decodes is valid JSON: its bounds were checked above
}

func jsonError(err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		maxErr  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &maxErr):
		return errs.E(errs.Invalid, "The request body is larger than %s; send less.", humanBytes(maxErr.Limit))
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "The request body is cut short: it is not complete JSON.")
	case errors.As(err, &syntax):
		return errs.E(errs.Invalid, "The request body is not valid JSON (problem at character %d).", syntax.Offset)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errs.E(errs.Invalid, "The request body must be a JSON object.")
		}
		return errs.Fields(errs.FieldError{Field: field, Message: "must be " + describeType(typeErr.Type.String()) + ", not a JSON " + typeErr.Value})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Fields(errs.FieldError{Field: name, Message: "is not a field this request accepts"})
	}
	// Errors from UnmarshalJSON methods (dates, money) are written for people.
	return errs.E(errs.Invalid, "The request body could not be read: %s.", strings.TrimPrefix(err.Error(), "json: "))
}

func describeType(t string) string {
	switch {
	case strings.Contains(t, "int"), strings.Contains(t, "float"), strings.HasSuffix(t, "Pence"), strings.HasSuffix(t, "BasisPoints"):
		return "a number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "struct"), strings.Contains(t, "."):
		return "an object"
	}
	return t
}

func humanBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// PathID returns the named path parameter if it is a well-formed ID, or a
// NotFound error naming what was looked for ("shift").
func PathID(c *gin.Context, param, what string) (string, error) {
	id := c.Param(param)
	if !database.ValidID(id) {
		return "", errs.E(errs.NotFound, "There is no %s with ID %q.", what, truncate(id, 40))
	}
	return id, nil
}

// QueryDate reads an optional date query parameter (2006-01-02).
func QueryDate(c *gin.Context, name string) (civil.Date, error) {
	v := c.Query(name)
	if v == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return civil.Date{}, errs.Fields(errs.FieldError{Field: name, Message: err.Error()})
	}
	return d, nil
}

// Redirect answers a form POST with 303 See Other (post → redirect → get).
func Redirect(c *gin.Context, location string) {
	c.Redirect(http.StatusSeeOther, location)
	c.Abort()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func loggerFrom(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
