package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
)

// BarItem is one of the (at most five) places in the bottom bar that people
// who are only employees see on their phones instead of the full
// navigation. Tabs are further pages that belong to the same place ("Requests"
// holds swaps and the inbox): the bar marks the item current on any of them,
// and the page shows the tabs at its top.
type BarItem struct {
	Label  string
	Path   string
	Action auth.Action
	Tabs   []NavItem // optional; the first is usually Path itself
	// Count, when set, is how many things wait for p there ("Requests":
	// swap offers to answer and unread messages). It is asked on every
	// page from the database (no process-local cache: several servers
	// share one database); a failure is logged and shows no badge.
	Count func(c *gin.Context, p auth.Principal) (int, error)
}

// BarLink is a bar item or tab as a page shows it.
type BarLink struct {
	Label   string
	Path    string
	Current bool
	// Count is the unread badge (0: none); layout.html shows it as a badge
	// with "Requests, 2 unread" for screen readers (CountText).
	Count int
}

// CountText is the count in words for screen readers: ", 2 unread".
func (b BarLink) CountText() string {
	if b.Count <= 0 {
		return ""
	}
	return ", " + strconv.Itoa(b.Count) + " unread"
}

// CountBadge is the count as the badge shows it ("9+" above nine).
func (b BarLink) CountBadge() string {
	if b.Count > 9 {
		return "9+"
	}
	return strconv.Itoa(b.Count)
}

// MaxBarItems is how many places a bottom bar holds: five is what a 360 px
// screen fits with labels people can read and 44 px targets.
const MaxBarItems = 5

// MePath is the page listing everything not on the bar.
const MePath = "/me"

// SetPhoneBar sets the bottom bar. The last item should be "Me" (MePath),
// which lists the rest of the navigation. It panics with more than
// MaxBarItems items (a wiring mistake, found at start-up).
func (s *Shell) SetPhoneBar(items ...BarItem) {
	if len(items) > MaxBarItems {
		panic("web: a phone bar holds at most five items")
	}
	s.bar = items
}

// UsesPhoneBar reports whether p sees the bottom bar: people whose only
// role is employee. Anyone holding another role (supervisors, finance,
// support workers, admins) keeps the full navigation.
func UsesPhoneBar(p auth.Principal) bool {
	return len(p.Roles) > 0 && !slices.ContainsFunc(p.Roles, func(r auth.Role) bool { return r != auth.Employee })
}

// barFor returns the bar and the current item's tabs for p on path.
func (s *Shell) barFor(c *gin.Context, p auth.Principal, path string) (bar, tabs []BarLink) {
	if len(s.bar) == 0 || !UsesPhoneBar(p) {
		return nil, nil
	}
	for _, b := range s.bar {
		if !auth.Can(p, b.Action) {
			continue
		}
		current := path == b.Path || (b.Path != "/" && strings.HasPrefix(path, b.Path+"/") && b.Path != MePath)
		var ts []BarLink
		for _, t := range b.Tabs {
			if !auth.Can(p, t.Action) {
				continue
			}
			if t.Path == path {
				current = true
			}
			ts = append(ts, BarLink{Label: t.Label, Path: t.Path, Current: t.Path == path})
		}
		if b.Path == MePath && !current && path != "/" && s.onMePage(p, path) {
			current = true
		}
		if current && len(ts) > 1 {
			tabs = ts
		}
		link := BarLink{Label: b.Label, Path: b.Path, Current: current}
		if b.Count != nil && c != nil {
			n, err := b.Count(c, p)
			if err != nil {
				loggerFrom(c).WarnContext(c.Request.Context(), "phone bar count", "item", b.Label, "error", err.Error())
			}
			link.Count = n
		}
		bar = append(bar, link)
	}
	return bar, tabs
}

// onBar reports whether path is a bar item or one of its tabs.
func (s *Shell) onBar(path string) bool {
	for _, b := range s.bar {
		if b.Path == path {
			return true
		}
		for _, t := range b.Tabs {
			if t.Path == path {
				return true
			}
		}
	}
	return false
}

// HideFromMe keeps navigation paths off the Me page: pages that people
// with the bar reach another way (the supervisors' timesheets page, which
// sends employees to My hours, a Clock tab).
func (s *Shell) HideFromMe(paths ...string) { s.meHidden = append(s.meHidden, paths...) }

// onMePage reports whether path is one the Me page lists for p.
func (s *Shell) onMePage(p auth.Principal, path string) bool {
	for _, n := range s.meItems(p) {
		if n.Path == path {
			return true
		}
	}
	return false
}

// meItems is the navigation p may follow that is not on the bar.
func (s *Shell) meItems(p auth.Principal) []NavItem {
	var out []NavItem
	for _, n := range s.nav {
		if n.Path == "/" || s.onBar(n.Path) || slices.Contains(s.meHidden, n.Path) || !auth.Can(p, n.Action) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// MePage serves MePath: everything p may reach that is not on the bar.
// Register it with auth.SignedIn.
func (s *Shell) MePage(c *gin.Context) {
	p := MustPrincipal(c)
	s.Renderer.HTML(c, http.StatusOK, "me/index", map[string]any{"Items": s.meItems(p)})
}
