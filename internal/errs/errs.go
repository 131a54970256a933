// Package errs is Goodshift's one error model: every error that may reach a
// client carries a Code, and one table maps codes to HTTP statuses.
//
// Domain packages return *Error values (or wrap them); the web layer renders
// them as {"error":{"code","message","details"}}. Anything that is not an
// *Error is treated as internal: logged with the request ID and shown to the
// client as a generic message.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error for clients. Codes are stable strings that API
// clients may switch on.
type Code string

const (
	Invalid         Code = "invalid"         // 400: malformed or unacceptable input
	Unauthenticated Code = "unauthenticated" // 401: not signed in, or a bad token
	Forbidden       Code = "forbidden"       // 403: signed in, but not allowed
	NotFound        Code = "not_found"       // 404: missing, or hidden from this role
	Conflict        Code = "conflict"        // 409: someone else got there first
	RuleViolation   Code = "rule_violation"  // 422: a business rule says no
	RateLimited     Code = "rate_limited"    // 429: too many attempts
	Unavailable     Code = "unavailable"     // 503: a dependency is down
	Internal        Code = "internal"        // 500: our fault; details are logged only
)

var statuses = map[Code]int{
	Invalid:         http.StatusBadRequest,
	Unauthenticated: http.StatusUnauthorized,
	Forbidden:       http.StatusForbidden,
	NotFound:        http.StatusNotFound,
	Conflict:        http.StatusConflict,
	RuleViolation:   http.StatusUnprocessableEntity,
	RateLimited:     http.StatusTooManyRequests,
	Unavailable:     http.StatusServiceUnavailable,
	Internal:        http.StatusInternalServerError,
}

// Status is the HTTP status for a code; unknown codes are internal errors.
func Status(c Code) int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is an error a client may see. Message is written for a person to act
// on; Details is optional structured data (for example a list of rule
// violations); Err is an underlying cause that is logged but never shown.
type Error struct {
	Code    Code
	Message string
	Details any
	Err     error
}

// E builds an error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap attaches a cause to a client-facing error. The cause is logged, not shown.
func Wrap(code Code, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// WithDetails returns a copy of e carrying details.
func (e *Error) WithDetails(d any) *Error {
	c := *e
	c.Details = d
	return &c
}

func (e *Error) Error() string {
	if e.Err != nil {
		return string(e.Code) + ": " + e.Message + ": " + e.Err.Error()
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, sentinel) match on code and message, so sentinel
// values such as rota.ErrTaken can be compared after WithDetails copies them.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == e.Message
}

// CodeOf reports the code of err, or Internal when err carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Public returns what a client may see of err: its code, message and details.
// Internal errors get a generic message.
func Public(err error) (Code, string, any) {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Code, e.Message, e.Details
	}
	return Internal, "Something went wrong on our side. It has been logged; please try again.", nil
}

// Violation is one rule that says no, in words a person can act on. Domain
// packages put []Violation in Details of a RuleViolation error.
type Violation struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"` // "hard" blocks; "soft" needs an override with a reason
	Message  string `json:"message"`
}

// FieldError describes one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Fields builds an Invalid error listing each bad field.
func Fields(fields ...FieldError) *Error {
	msg := "Please correct the highlighted fields."
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: Invalid, Message: msg, Details: fields}
}
