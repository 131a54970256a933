package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/errs"
)

// Bounds every request is held to, whatever the field. A field may say less
// (a name, a reason) in its own validation; none may say more.
const (
	// MaxTextChars is the longest string accepted anywhere in a JSON body or
	// a form field, in characters.
	MaxTextChars = 10_000
	// MaxListItems is the longest JSON list accepted anywhere in a body.
	MaxListItems = 1_000
)

// ValidText reports whether s is text Goodshift will store: valid UTF-8 and
// no NUL character. Both databases must agree on what is stored, and
// PostgreSQL refuses NUL in text while SQLite keeps it.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func validTextBytes(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}

// textError is the one answer to text that is not valid UTF-8 or holds NUL.
func textError(where string) error {
	return errs.E(errs.Invalid, "Text must not contain NUL characters or invalid UTF-8 (%s does). Remove them and try again.", where)
}

// guardText refuses, before anything reads the request or touches the
// database, any request whose address, query string, headers or body hold a
// NUL character or bytes that are not UTF-8. It reads the body into memory
// (it is capped by limitBody) so handlers and the JSON decoder see exactly
// the bytes that were checked.
func guardText() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := checkRequestText(c.Request); err != nil {
			Fail(c, err)
			return
		}
		c.Next()
	}
}

func checkRequestText(r *http.Request) error {
	if !ValidText(r.URL.Path) || !ValidText(r.URL.RawPath) {
		return textError("the address")
	}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return errs.E(errs.Invalid, "The query string is not valid: %s.", plainQueryError(err))
		}
		for k, vs := range q {
			if !ValidText(k) {
				return textError("a query parameter name")
			}
			for _, v := range vs {
				if !ValidText(v) {
					return textError(fmt.Sprintf("the query parameter %q", truncate(k, 40)))
				}
				if utf8.RuneCountInString(v) > MaxTextChars {
					return errs.E(errs.Invalid, "The query parameter %q is longer than %s characters.", truncate(k, 40), thousands(MaxTextChars))
				}
			}
		}
	}
	for name, vs := range r.Header {
		for _, v := range vs {
			if !ValidText(v) {
				return textError(fmt.Sprintf("the %s header", name))
			}
		}
	}
	body, err := bufferBody(r)
	if err != nil || len(body) == 0 {
		return err
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return errs.E(errs.Invalid, "The form could not be read: %s.", plainQueryError(err))
		}
		return checkForm(form)
	case mt == "multipart/form-data":
		return checkMultipart(body, params["boundary"])
	case isJSONType(mt):
		if err := CheckJSONText(body); err != nil {
			return err
		}
		if json.Valid(body) { // a malformed body is the decoder's to explain
			return checkJSONBounds(body)
		}
		return nil
	}
	if !validTextBytes(body) {
		return textError("the request body")
	}
	return nil
}

func plainQueryError(err error) string {
	var esc url.EscapeError
	if errors.As(err, &esc) {
		return fmt.Sprintf("%q is not a valid %%-escape", truncate(string(esc), 10))
	}
	if strings.Contains(err.Error(), "semicolon") {
		return "separate parameters with &, not ;"
	}
	return "it is not name=value pairs separated by &"
}

func checkForm(form url.Values) error {
	for k, vs := range form {
		if !ValidText(k) {
			return textError("a form field name")
		}
		for _, v := range vs {
			if !ValidText(v) {
				return textError(fmt.Sprintf("the form field %q", truncate(k, 40)))
			}
			if utf8.RuneCountInString(v) > MaxTextChars {
				return errs.E(errs.Invalid, "The form field %q is longer than %s characters; shorten it.", truncate(k, 40), thousands(MaxTextChars))
			}
		}
	}
	return nil
}

// checkMultipart checks every part of a multipart form as text: Goodshift
// takes no file uploads, so every part is a form field.
func checkMultipart(body []byte, boundary string) error {
	if boundary == "" {
		return errs.E(errs.Invalid, "The form could not be read: its Content-Type has no boundary.")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errs.E(errs.Invalid, "The form could not be read: it is not a valid multipart form.")
		}
		name, file := p.FormName(), p.FileName()
		if !ValidText(name) || !ValidText(file) {
			return textError("a form field name")
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return errs.E(errs.Invalid, "The form could not be read: it is not a valid multipart form.")
		}
		if !validTextBytes(v) {
			return textError(fmt.Sprintf("the form field %q", truncate(name, 40)))
		}
		if utf8.RuneCount(v) > MaxTextChars {
			return errs.E(errs.Invalid, "The form field %q is longer than %s characters; shorten it.", truncate(name, 40), thousands(MaxTextChars))
		}
	}
}

func isJSONType(mt string) bool {
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// bufferBody reads the whole (already size-capped) body and replaces it with
// an in-memory copy, setting ContentLength to what was read.
func bufferBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		r.ContentLength = 0
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, errs.E(errs.Invalid, "The request body is larger than %s; send less.", humanBytes(maxErr.Limit))
		}
		return nil, errs.E(errs.Invalid, "The request body could not be read.")
	}
	r.ContentLength = int64(len(b))
	if len(b) == 0 {
		r.Body = http.NoBody
		return nil, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b, nil
}

// CheckJSONText checks the raw bytes of a JSON document as text: valid
// UTF-8, no NUL byte, and no escape that decodes to NUL or to half of a
// surrogate pair (encoding/json would silently store U+FFFD for it). It
// does not check the JSON's syntax.
func CheckJSONText(raw []byte) error {
	if !validTextBytes(raw) {
		return textError("the request body")
	}
	inString := false
	for i := 0; i < len(raw); i++ {
		ch := raw[i]
		if !inString {
			if ch == '"' {
				inString = true
			}
			continue
		}
		switch ch {
		case '"':
			inString = false
		case '\\':
			if i+1 >= len(raw) {
				return nil // cut short: the decoder says so
			}
			if raw[i+1] != 'u' {
				i++
				continue
			}
			_, n, ok := unicodeEscape(raw[i:])
			if !ok {
				return textError("the request body")
			}
			i += n - 1
		}
	}
	return nil
}

// unicodeEscape reads \uXXXX (and its low surrogate, if XXXX is a high
// one) at the start of b. ok is false for \u0000 and for an unpaired
// surrogate; a malformed escape is left for the decoder (ok, n = 2).
func unicodeEscape(b []byte) (r rune, n int, ok bool) {
	v, good := hex4(b, 2)
	if !good {
		return 0, 2, true
	}
	switch {
	case v == 0:
		return 0, 6, false
	case v >= 0xDC00 && v <= 0xDFFF:
		return 0, 6, false
	case v >= 0xD800 && v <= 0xDBFF:
		if len(b) < 12 || b[6] != '\\' || b[7] != 'u' {
			return 0, 6, false
		}
		lo, good := hex4(b, 8)
		if !good || lo < 0xDC00 || lo > 0xDFFF {
			return 0, 6, false
		}
		return utf8.RuneError, 12, true
	}
	return rune(v), 6, true
}

func hex4(b []byte, at int) (int, bool) {
	if len(b) < at+4 {
		return 0, false
	}
	v := 0
	for _, c := range b[at : at+4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= int(c - '0')
		case c >= 'a' && c <= 'f':
			v |= int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v |= int(c-'A') + 10
		default:
			return 0, false
		}
	}
	return v, true
}

// checkJSONBounds walks a syntactically valid JSON document and refuses a
// string longer than MaxTextChars characters or a list longer than
// MaxListItems, naming the field it was in.
func checkJSONBounds(raw []byte) error {
	type frame struct {
		array    bool
		items    int
		expecKey bool
		key      string
	}
	var stack []frame
	where := func() string {
		for i := len(stack) - 1; i >= 0; i-- {
			if !stack[i].array && stack[i].key != "" {
				return stack[i].key
			}
		}
		return ""
	}
	startValue := func() {
		if n := len(stack); n > 0 && stack[n-1].array && stack[n-1].items == 0 {
			stack[n-1].items = 1
		}
	}
	for i := 0; i < len(raw); i++ {
		ch := raw[i]
		switch ch {
		case ' ', '\t', '\n', '\r', ':':
			continue
		case '"':
			start := i + 1
			chars := 0
			j := start
			for ; j < len(raw) && raw[j] != '"'; chars++ {
				if raw[j] == '\\' {
					if j+1 < len(raw) && raw[j+1] == 'u' {
						_, n, _ := unicodeEscape(raw[j:])
						j += n
					} else {
						j += 2
					}
					continue
				}
				_, size := utf8.DecodeRune(raw[j:])
				j += size
			}
			s := raw[start:min(j, len(raw))]
			i = j
			n := len(stack)
			if n > 0 && !stack[n-1].array && stack[n-1].expecKey {
				stack[n-1].expecKey = false
				stack[n-1].key = truncate(string(s), 40)
				if chars > MaxTextChars {
					return errs.E(errs.Invalid, "The request body has a field name longer than %s characters.", thousands(MaxTextChars))
				}
				continue
			}
			startValue()
			if chars > MaxTextChars {
				return tooLong(where(), fmt.Sprintf("is longer than %s characters; shorten it", thousands(MaxTextChars)))
			}
		case '{':
			startValue()
			stack = append(stack, frame{expecKey: true})
		case '[':
			startValue()
			stack = append(stack, frame{array: true})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			n := len(stack)
			if n == 0 {
				continue
			}
			if stack[n-1].array {
				stack[n-1].items++
				if stack[n-1].items > MaxListItems {
					return tooLong(where(), fmt.Sprintf("has more than %s items; send at most %s", thousands(MaxListItems), thousands(MaxListItems)))
				}
			} else {
				stack[n-1].expecKey = true
			}
		default:
			startValue()
		}
	}
	return nil
}

func tooLong(field, msg string) error {
	if field == "" {
		return errs.E(errs.Invalid, "The request body %s.", msg)
	}
	return errs.Fields(errs.FieldError{Field: field, Message: msg})
}

// thousands writes n with comma separators: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
