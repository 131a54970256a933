package web

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
)

// Form is the one mechanism behind every HTML form: it holds what was posted
// and, in order, what is wrong with it, so that a page can be shown again
// with every value kept and each message by its field.
//
// A handler declares the form's fields (input name, plain-English label,
// kind), reads the post with Posted, checks values (Date, Error), passes a
// service's error to FromError, and on any error re-renders the same page
// with FormPage. Templates put {{template "form-summary" .Data.Form}} above
// the form, {{template "field-error" (field .Data.Form "x")}} by each field, and
// <input {{.Data.Form.Input "x"}}> for inputs (see templates/partials/_form.html
// and docs/phone.md, "Forms").
//
// Messages are whole sentences a person can act on ("Start date must be a
// date like 24 December 2026"); a service's field key is never shown.
type Form struct {
	Values url.Values
	Errors []FieldMessage
	fields []Field
	status int
	prefix string // put before every element id (IDPrefix)
}

// Field is one input of a form.
type Field struct {
	Name  string   // the input's name and id
	Label string   // how messages name it, sentence case: "Weekly hours"
	Kind  string   // one of the Kind constants; decides the input type
	Keys  []string // other keys a service uses for this field ("max_weekly_minutes")
}

// Kinds of field.
const (
	KindText   = "text"
	KindDate   = "date"   // <input type="date">, read with Form.Date
	KindTime   = "time"   // <input type="time">
	KindNumber = "number" // <input type="number">
	KindMoney  = "money"  // text with a decimal keypad: "12.50"
	KindEmail  = "email"
	KindChoice = "choice" // radios or checkboxes; errors link to the first, id name-0
	KindSelect = "select" // a <select {{.Data.Form.Attrs "x"}}>
	KindLong   = "long"   // a textarea
	// KindPassword is <input type="password">; what was typed is never
	// shown again, not even on an error.
	KindPassword = "password"
)

// FieldMessage is one problem: which field (its id; "" for the form as a
// whole) and the sentence to show.
type FieldMessage struct {
	Field   string
	Message string
}

// NewForm declares a form's fields. Values are empty; use Set to fill them
// for a first showing.
func NewForm(fields ...Field) *Form {
	return &Form{Values: url.Values{}, fields: fields}
}

// IDPrefix puts prefix before every element id of the form, for a page
// holding several forms with the same input names (one per shift, say):
// ids stay unique while names stay what the handler reads.
func (f *Form) IDPrefix(prefix string) *Form { f.prefix = prefix; return f }

// Posted reads the submitted values of the request into the form.
func (f *Form) Posted(c *gin.Context) *Form {
	if err := c.Request.ParseForm(); err == nil {
		for k, v := range c.Request.PostForm {
			f.Values[k] = append([]string(nil), v...)
		}
	}
	return f
}

// Set puts a value in, for showing a form the first time.
func (f *Form) Set(name, value string) *Form { f.Values.Set(name, value); return f }

// Value is the (first) value of name, trimmed of surrounding space.
func (f *Form) Value(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Is reports whether name has value: for checked radios and selected options.
func (f *Form) Is(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Label is the declared label of name (name itself if undeclared).
func (f *Form) Label(name string) string {
	if fd, ok := f.field(name); ok && fd.Label != "" {
		return fd.Label
	}
	return name
}

// Error records a message against a field; name "" is the form as a whole.
// msg is shown as given: write a whole sentence.
func (f *Form) Error(name, msg string) {
	f.Errors = append(f.Errors, FieldMessage{Field: name, Message: msg})
}

// ErrorOf is the first message for a field, or "".
func (f *Form) ErrorOf(name string) string {
	for _, e := range f.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// OK reports whether nothing is wrong so far.
func (f *Form) OK() bool { return len(f.Errors) == 0 }

// Status is the HTTP status to re-render with: 422 for what a person typed,
// or the status of the service's error (409 for a conflict).
func (f *Form) Status() int {
	if f.status != 0 {
		return f.status
	}
	return http.StatusUnprocessableEntity
}

// Date reads a date field as a person types it (civil.ParsePersonDate). An
// empty field is the zero date and no error; check required fields yourself.
func (f *Form) Date(name string) civil.Date {
	v := f.Value(name)
	if v == "" {
		return civil.Date{}
	}
	d, err := civil.ParsePersonDate(v)
	switch {
	case errors.Is(err, civil.ErrNotPersonDate):
		f.Error(name, f.Label(name)+" must be a date like 24 December 2026")
	case err != nil:
		f.Error(name, f.Label(name)+" must be a real date: "+err.Error())
	}
	return d
}

// Required records "Enter <label>" when name is empty, and reports whether it
// had a value.
func (f *Form) Required(name string) bool {
	if f.Value(name) != "" {
		return true
	}
	if fd, ok := f.field(name); ok && fd.Kind == KindChoice {
		f.Error(name, "Select "+lowerFirst(f.Label(name)))
	} else {
		f.Error(name, "Enter "+lowerFirst(f.Label(name)))
	}
	return false
}

// FromError puts a service's error on the form and reports whether it did:
// field errors (errs.Fields) go by their fields, rule violations and other
// invalid or conflicting input go to the form as a whole. It returns false
// (and records nothing) for errors a form cannot show, such as internal
// ones, not-found or forbidden: pass those to Fail.
func (f *Form) FromError(err error) bool {
	var e *errs.Error
	if err == nil || !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case errs.Invalid, errs.RuleViolation:
		f.status = http.StatusUnprocessableEntity
	case errs.Conflict:
		f.status = http.StatusConflict
	default:
		return false
	}
	switch d := e.Details.(type) {
	case []errs.FieldError:
		for _, fe := range d {
			fd, ok := f.byKey(fe.Field)
			if !ok {
				f.Error("", sentence(fe.Message, ""))
				continue
			}
			f.Error(fd.Name, sentence(strings.TrimPrefix(strings.TrimPrefix(fe.Message, fe.Field+": "), fe.Field+" "), fd.Label))
		}
	case []errs.Violation:
		for _, v := range d {
			f.Error("", sentence(v.Message, ""))
		}
	default:
		f.Error("", sentence(e.Message, ""))
	}
	if len(f.Errors) == 0 {
		f.Error("", "Something in the form is not right. Check it and try again.")
	}
	return true
}

// Summary lists every message with the id to link to: the field's own, or
// the first field's for messages about the form as a whole.
func (f *Form) Summary() []FieldMessage {
	out := make([]FieldMessage, len(f.Errors))
	for i, e := range f.Errors {
		out[i] = FieldMessage{Field: f.ID(e.Field), Message: e.Message}
		if e.Field == "" && len(f.fields) > 0 {
			out[i].Field = f.ID(f.fields[0].Name)
		}
	}
	return out
}

// ID is the element id of a field: its name, or for choices the id of the
// first option (name + "-0"), which templates must give it.
func (f *Form) ID(name string) string {
	if fd, ok := f.field(name); ok && fd.Kind == KindChoice {
		return f.prefix + name + "-0"
	}
	return f.prefix + name
}

// Attrs are the id, name and error attributes of a field's element:
// <textarea {{.Data.Form.Attrs "notes"}}>.
func (f *Form) Attrs(name string) template.HTMLAttr {
	var b strings.Builder
	b.WriteString(`id="` + html.EscapeString(f.ID(name)) + `" name="` + html.EscapeString(name) + `"`)
	if f.ErrorOf(name) != "" {
		b.WriteString(` aria-invalid="true" aria-describedby="` + html.EscapeString(f.ID(name)) + `-error"`)
	}
	return template.HTMLAttr(b.String()) //nolint:gosec // every value is escaped above
}

// Input is Attrs plus type and value for an <input>: <input {{.Data.Form.Input "from"}}>.
// A value that the native input would drop (a date typed as "24/12/2026"
// where the browser has no date picker, letters in a number) is shown in a
// text input instead, so nothing typed is ever lost.
func (f *Form) Input(name string) template.HTMLAttr {
	kind := KindText
	if fd, ok := f.field(name); ok {
		kind = fd.Kind
	}
	v := f.Values.Get(name)
	typ := "text"
	extra := ""
	switch kind {
	case KindDate:
		typ = "date"
		if _, err := civil.Parse(v); v != "" && err != nil {
			typ = "text"
		}
	case KindTime:
		typ = "time"
		if v != "" && !isClock(v) {
			typ = "text"
		}
	case KindNumber, KindMoney:
		extra = ` inputmode="decimal"`
		if _, err := strconv.ParseFloat(v, 64); kind == KindNumber && (v == "" || err == nil) {
			typ = "number"
		}
	case KindEmail:
		typ = "email"
	case KindPassword:
		typ, v = "password", ""
	}
	return f.Attrs(name) + template.HTMLAttr(` type="`+typ+`" value="`+html.EscapeString(v)+`"`+extra) //nolint:gosec // escaped
}

// FormPage shows page again with status (Form.Status, 422 for what a person
// typed), data["Form"] being the form: every value kept, the summary on top.
// It is not a redirect: nothing is lost, and nothing has changed.
func FormPage(c *gin.Context, status int, page string, data gin.H) {
	if r := rendererFrom(c); r != nil {
		r.HTML(c, status, page, data)
		return
	}
	c.String(status, "There is a problem with the form.")
}

// FieldArgs is what the "field-error" partial receives; templates build it
// with {{field .Data.Form "name"}}.
type FieldArgs struct {
	Form *Form
	Name string
}

// ErrorID is the id of the field's error message, for aria-describedby.
func (a FieldArgs) ErrorID() string { return a.Form.ID(a.Name) + "-error" }

// Message is the field's first error, or "".
func (a FieldArgs) Message() string {
	if a.Form == nil {
		return ""
	}
	return a.Form.ErrorOf(a.Name)
}

func fieldArgs(f *Form, name string) FieldArgs { return FieldArgs{Form: f, Name: name} }

func (f *Form) field(name string) (Field, bool) {
	for _, fd := range f.fields {
		if fd.Name == name {
			return fd, true
		}
	}
	return Field{}, false
}

func (f *Form) byKey(key string) (Field, bool) {
	for _, fd := range f.fields {
		if fd.Name == key {
			return fd, true
		}
		for _, k := range fd.Keys {
			if k == key {
				return fd, true
			}
		}
	}
	return Field{}, false
}

// sentence turns a service's message into one a person reads: "must be
// between 0 and 48" becomes "Weekly hours must be between 0 and 48"; a
// message that is already a sentence is kept. Snake_case words (field keys)
// are never passed through.
func sentence(msg, label string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		if label == "" {
			return "Something in the form is not right."
		}
		return "Check " + lowerFirst(label)
	}
	words := strings.Fields(msg)
	for i, w := range words {
		if strings.Contains(strings.Trim(w, `"':,.`), "_") {
			words[i] = strings.ReplaceAll(w, "_", " ")
		}
	}
	msg = strings.Join(words, " ")
	r, _ := utf8.DecodeRuneInString(msg)
	if unicode.IsLower(r) {
		if label != "" {
			return label + " " + msg
		}
		return string(unicode.ToUpper(r)) + msg[utf8.RuneLen(r):]
	}
	return msg
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

func isClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h, m := atoi2(s[:2]), atoi2(s[3:])
	return h >= 0 && h < 24 && m >= 0 && m < 60
}

func atoi2(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
