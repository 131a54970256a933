package web

import (
	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
)

// PagePanel is a panel one package adds to another package's page, without
// either importing the other: payroll's permitted-work week on the rota's
// My week. Load runs for each render of Page for people allowed Action; a
// nil result shows nothing. The page shows it with
//
//	{{with index .Panels "permitted"}}{{template "payroll/permitted_panel" .}}{{end}}
type PagePanel struct {
	Page   string // the page template, "rota/week"
	Name   string
	Action auth.Action
	Load   func(c *gin.Context, p auth.Principal) (any, error)
}

// AddPagePanel adds a panel to a page.
func (s *Shell) AddPagePanel(p PagePanel) { s.panels = append(s.panels, p) }

// panelsFor loads the panels of page for p; nil when there are none.
func (s *Shell) panelsFor(c *gin.Context, page string, p auth.Principal) (map[string]any, error) {
	var out map[string]any
	for _, pp := range s.panels {
		if pp.Page != page || !auth.Can(p, pp.Action) {
			continue
		}
		v, err := pp.Load(c, p)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[pp.Name] = v
	}
	return out, nil
}
