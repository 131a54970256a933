package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

// decodeTarget has the shapes request bodies have: strings, optional
// strings, lists, nested objects, maps, dates and numbers.
type decodeTarget struct {
	Name   string            `json:"name"`
	Notes  *string           `json:"notes"`
	Tags   []string          `json:"tags"`
	Meta   map[string]string `json:"meta"`
	Date   civil.Date        `json:"date"`
	Count  int               `json:"count"`
	Items  []decodeItem      `json:"items"`
	Nested *decodeTarget     `json:"nested"`
	Any    any               `json:"any"`
}

type decodeItem struct {
	Reason string `json:"reason"`
	N      int    `json:"n"`
}

func TestDecodeRefusesBadText(t *testing.T) {
	long := strings.Repeat("é", MaxTextChars+1)
	many := "[" + strings.TrimSuffix(strings.Repeat(`"x",`, MaxListItems+1), ",") + "]"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"NUL escape", `{"name":"a\u0000b"}`, "NUL"},
		{"NUL escape in a key", `{"na\u0000me":"x"}`, "NUL"},
		{"NUL escape deep in a list", `{"items":[{"reason":"ok"},{"reason":"\u0000"}]}`, "NUL"},
		{"NUL escape in any", `{"any":{"k":["\u0000"]}}`, "NUL"},
		{"raw NUL byte", "{\"name\":\"a\x00b\"}", "NUL"},
		{"raw invalid byte", "{\"name\":\"a\xffb\"}", "invalid UTF-8"},
		{"raw invalid byte in a key", "{\"n\xffame\":\"x\"}", "invalid UTF-8"},
		{"overlong encoding", "{\"name\":\"\xc0\xaf\"}", "invalid UTF-8"},
		{"lone high surrogate", `{"name":"\ud800"}`, "invalid UTF-8"},
		{"lone low surrogate", `{"name":"\udc00x"}`, "invalid UTF-8"},
		{"high then not low", `{"name":"\ud800\u0041"}`, "invalid UTF-8"},
		{"too long", `{"name":"` + long + `"}`, "longer than 10,000 characters"},
		{"too long deep", `{"nested":{"items":[{"reason":"` + long + `"}]}}`, "reason: is longer than 10,000"},
		{"too many", `{"tags":` + many + `}`, "tags: has more than 1,000 items"},
		{"too many in any", `{"any":` + many + `}`, "more than 1,000 items"},
		{"year 9999", `{"date":"9999-12-31"}`, "outside the years"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dst decodeTarget
			err := Decode([]byte(tc.body), &dst)
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			if _, msg, _ := errs.Public(err); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not say %q", msg, tc.want)
			}
		})
	}
}

func TestDecodeAcceptsGoodText(t *testing.T) {
	full := strings.Repeat("é", MaxTextChars)
	many := "[" + strings.TrimSuffix(strings.Repeat(`"x",`, MaxListItems), ",") + "]"
	for _, body := range []string{
		`{"name":"Zoë \ud83d\ude00 😀 \\u0000 is text"}`,
		`{"name":"` + full + `"}`,
		`{"tags":` + many + `}`,
		`{"tags":[],"items":[],"meta":{}}`,
		`{"name":"\"quoted\" \\ back\\slash \/ \b\f\n\r\t"}`,
		`{"name":"\ufffd"}`,
	} {
		var dst decodeTarget
		if err := Decode([]byte(body), &dst); err != nil {
			t.Errorf("%.60s: %v", body, err)
		}
	}
}

// TestGuardText: the middleware refuses bad text wherever it comes from,
// before the handler (and so the database) sees it.
func TestGuardText(t *testing.T) {
	form := func(v url.Values) (string, string) { return "application/x-www-form-urlencoded", v.Encode() }
	multi := func(field, value string) (string, string) {
		var b bytes.Buffer
		fmt.Fprintf(&b, "--X\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n--X--\r\n", field, value)
		return "multipart/form-data; boundary=X", b.String()
	}
	for _, tc := range []struct {
		name        string
		target      string
		header      http.Header
		contentType string
		body        string
	}{
		{name: "path NUL", target: "/x/a%00b"},
		{name: "path invalid", target: "/x/a%FFb"},
		{name: "query NUL", target: "/x?from=a%00"},
		{name: "query invalid", target: "/x?from=%FF"},
		{name: "query name invalid", target: "/x?%FF=1"},
		{name: "query bad escape", target: "/x?from=%zz"},
		{name: "header invalid", target: "/x", header: http.Header{"Authorization": {"Bearer \xff"}}},
		{name: "json NUL escape", target: "/x", contentType: "application/json", body: `{"a":"\u0000"}`},
		{name: "json raw invalid", target: "/x", contentType: "application/json; charset=utf-8", body: "{\"a\":\"\xff\"}"},
		{name: "text body NUL", target: "/x", contentType: "text/plain", body: "a\x00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGuard(t, tc.target, tc.header, tc.contentType, tc.body)
		})
	}
	for name, f := range map[string]func() (string, string){
		"form NUL":          func() (string, string) { return form(url.Values{"name": {"a\x00"}}) },
		"form invalid":      func() (string, string) { return form(url.Values{"name": {"a\xff"}}) },
		"form key invalid":  func() (string, string) { return form(url.Values{"na\xffme": {"a"}}) },
		"form too long":     func() (string, string) { return form(url.Values{"name": {strings.Repeat("a", MaxTextChars+1)}}) },
		"multipart NUL":     func() (string, string) { return multi("name", "a\x00") },
		"multipart invalid": func() (string, string) { return multi("name", "a\xff") },
	} {
		t.Run(name, func(t *testing.T) {
			ct, body := f()
			checkGuard(t, "/x", nil, ct, body)
		})
	}
}

func checkGuard(t *testing.T, target string, header http.Header, contentType, body string) {
	t.Helper()
	shell := newTestShell(t)
	reached := false
	shell.Root().POST("/x", auth.Public, func(c *gin.Context) { reached = true })
	shell.Root().POST("/x/:id", auth.Public, func(c *gin.Context) { reached = true })
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	shell.Engine.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || reached {
		t.Fatalf("status %d, handler reached %v: %s", rec.Code, reached, rec.Body)
	}
}

// FuzzDecodeJSON: whatever the body, Decode never panics, refuses with an
// invalid-input error (never anything a client would see as a 500), and
// what it accepts is text both databases store alike: valid UTF-8, no NUL,
// no U+FFFD the client did not send, within the length bounds.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"Sam","tags":["a","b"],"meta":{"k":"v"},"date":"2026-11-30","count":3}`,
		`{"name":"a\u0000b"}`, "{\"name\":\"\xff\"}", `{"name":"\ud800"}`, `{"name":"\ud83d\ude00"}`,
		`{"items":[{"reason":"x","n":1}],"nested":{"name":"y"}}`, `{"any":[1,"two",{"three":[3]}]}`,
		`{"name":"\\u0000"}`, `{"name":"\ufffd"}`, `{}`, `[]`, `null`, `{"name":1}`, `{"x":1}`, `{} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var dst decodeTarget
		err := Decode(raw, &dst)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("error is not invalid input: %v", err)
			}
			return
		}
		if !json.Valid(bytes.TrimSpace(raw)) || !utf8.Valid(raw) {
			t.Fatalf("accepted a body that is not valid JSON in UTF-8: %q", raw)
		}
		sentReplacement := bytes.Contains(raw, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`))
		walkStrings(reflect.ValueOf(dst), func(s string) {
			if !ValidText(s) {
				t.Fatalf("accepted text with NUL or invalid UTF-8: %q", s)
			}
			if strings.ContainsRune(s, utf8.RuneError) && !sentReplacement {
				t.Fatalf("U+FFFD appeared that the client did not send: %q from %q", s, raw)
			}
			if utf8.RuneCountInString(s) > MaxTextChars {
				t.Fatalf("accepted a string of %d characters", utf8.RuneCountInString(s))
			}
		}, func(n int) {
			if n > MaxListItems {
				t.Fatalf("accepted a list of %d items", n)
			}
		})
	})
}

// walkStrings calls str for every string (and map key) in v and list for
// every slice's length.
func walkStrings(v reflect.Value, str func(string), list func(int)) {
	switch v.Kind() {
	case reflect.String:
		str(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), str, list)
		}
	case reflect.Slice:
		list(v.Len())
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), str, list)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(k, str, list)
			walkStrings(v.MapIndex(k), str, list)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), str, list)
			}
		}
	}
}
