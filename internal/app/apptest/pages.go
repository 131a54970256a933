package apptest

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/demo"
)

// SignIn signs in through the sign-in page, as a browser does: it fetches
// the form (getting the CSRF cookie and token), posts it, and keeps the
// session cookie. The client then browses pages and submits forms.
func (s *Server) SignIn(t testing.TB, email string) *Client {
	t.Helper()
	c := s.Anonymous(t)
	c.Page("/login")
	res := c.Submit("/login", url.Values{"email": {email}, "password": {demo.Password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s through the page: status %d: %s", email, res.StatusCode, res.Body)
	}
	return c
}

// Page GETs a page and parses it. The page's CSRF token is remembered for
// the next Submit.
func (c *Client) Page(path string) (Response, *goquery.Document) {
	c.t.Helper()
	res := c.Get(path)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(res.Body))
	if err != nil {
		c.t.Fatalf("parse %s: %v", path, err)
	}
	if tok, ok := doc.Find(`input[name="csrf_token"]`).First().Attr("value"); ok && tok != "" {
		c.csrf = tok
	}
	return res, doc
}

// Submit POSTs a form with the CSRF token from the last page seen.
func (c *Client) Submit(path string, form url.Values) Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if c.csrf != "" && form.Get("csrf_token") == "" {
		form.Set("csrf_token", c.csrf)
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {c.srv.URL}}
	return c.Do(http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

// Follow GETs the Location of a redirect.
func (c *Client) Follow(r Response) (Response, *goquery.Document) {
	c.t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		c.t.Fatalf("status %d has no Location to follow", r.StatusCode)
	}
	return c.Page(loc)
}
