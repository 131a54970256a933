package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/app/apptest"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

// What a person must never read on a page: a date written the way a
// database stores it, a rule's severity tag, or a field's key.
var (
	isoDate  = regexp.MustCompile(`\b\d{4}-\d{2}(-\d{2})?\b`)
	sevTag   = regexp.MustCompile(`\[(hard|soft)\]`)
	fieldKey = regexp.MustCompile(`\b[a-z]+(_[a-z]+)+\b`)
)

// TestPagesSpeakPlainWords crawls every page each role reaches from its
// home page (two links deep, same site, pages only) and reads each page's
// visible text — not attribute values, not the values in form fields,
// which a date input must hold in ISO form — for ISO dates, "[hard]" and
// snake_case field keys.
func TestPagesSpeakPlainWords(t *testing.T) {
	srv := apptest.New(t, dbtest.SQLite(t, app.Migrations()...), apptest.Options{})
	for _, email := range roleLogins {
		c := srv.SignIn(t, email)
		seen := map[string]bool{}
		queue := []string{"/"}
		for depth := 0; depth < 2 && len(queue) > 0; depth++ {
			var next []string
			for _, p := range queue {
				if seen[p] {
					continue
				}
				seen[p] = true
				res, doc := c.Page(p)
				if res.StatusCode != http.StatusOK || doc == nil {
					continue
				}
				checkPlainWords(t, email, p, doc)
				doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
					href, _ := a.Attr("href")
					if u, err := url.Parse(href); err == nil && pageLink(u) && !seen[href] && !slices.Contains(next, href) {
						next = append(next, href)
					}
				})
			}
			queue = next
		}
		if len(seen) < 4 {
			t.Errorf("%s: only %d pages crawled", email, len(seen))
		}
	}
}

// pageLink is a link to one of our HTML pages (not an export, feed, API
// call or sign-out).
func pageLink(u *url.URL) bool {
	p := u.Path
	if u.Host != "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/calendar/") ||
		strings.HasPrefix(p, "/static/") || p == "/logout" {
		return false
	}
	for _, ext := range []string{".pdf", ".csv", ".ics", ".zip", ".json", ".webmanifest", ".js", ".png", ".svg"} {
		if strings.HasSuffix(p, ext) {
			return false
		}
	}
	return true
}

func checkPlainWords(t *testing.T, who, page string, doc *goquery.Document) {
	t.Helper()
	body := doc.Find("body").Clone()
	body.Find("script, style, noscript, code, pre, textarea, input, select, [data-raw]").Remove()
	text := strings.Join(strings.Fields(body.Text()), " ")
	for _, re := range []*regexp.Regexp{isoDate, sevTag, fieldKey} {
		for _, m := range re.FindAllStringIndex(text, 5) {
			lo, hi := max(0, m[0]-40), min(len(text), m[1]+40)
			t.Errorf("%s on %s: %q in %q", who, page, text[m[0]:m[1]], text[lo:hi])
		}
	}
}
