package outcomes

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/web"
)

// Directory names people (people.Service satisfies it).
type Directory interface {
	List(ctx context.Context, f people.Filter) ([]people.Person, error)
}

// RecordLine is one employee on the records list.
type RecordLine struct {
	ID, Name, WorksNumber string
	Start, Leaving        civil.Date
	Category              string
}

// RecordsFor lists the employees whose records by may keep: everyone for
// an admin, the caseload for a support worker.
func (s *Service) RecordsFor(ctx context.Context, by auth.Principal) ([]RecordLine, error) {
	if s.c.Directory == nil {
		return nil, nil
	}
	ps, err := s.c.Directory.List(ctx, people.Filter{Role: auth.Employee})
	if err != nil {
		return nil, err
	}
	recs, err := s.c.Records.EmploymentRecords(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]people.EmploymentRecord{}
	for _, r := range recs {
		byID[r.EmployeeID] = r
	}
	var out []RecordLine
	for _, p := range ps {
		if p.Employee == nil || s.reach(ctx, by, p.ID) != nil {
			continue
		}
		r := byID[p.ID]
		out = append(out, RecordLine{ID: p.ID, Name: p.Name, WorksNumber: p.Employee.WorksNumber, Start: r.StartDate,
			Leaving: r.LeavingDate, Category: people.LeavingLabel(r.LeavingCategory)})
	}
	return out, nil
}

func (h *Handler) recordPages(root web.Routes) {
	root.GET("/outcomes/records", auth.EmploymentRecordWrite, h.recordsPage)
	root.GET("/outcomes/records/:id", auth.EmploymentRecordWrite, h.recordPage)
	root.POST("/outcomes/records/:id", auth.EmploymentRecordWrite, h.recordSubmit)
	h.shell.AddNav(web.NavItem{Label: "Employment records", Path: "/outcomes/records", Action: auth.EmploymentRecordWrite, Order: 81})
}

func (h *Handler) recordsPage(c *gin.Context) {
	lines, err := h.svc.RecordsFor(c.Request.Context(), web.MustPrincipal(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "outcomes/records", gin.H{"Lines": lines})
}

type option struct{ Value, Label string }

func (h *Handler) recordPage(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	rec, err := h.svc.EmploymentRecord(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	name := ""
	if lines, err := h.svc.RecordsFor(c.Request.Context(), web.MustPrincipal(c)); err == nil {
		for _, l := range lines {
			if l.ID == id {
				name = l.Name
			}
		}
	}
	var cats, refs []option
	for _, v := range people.LeavingCategories {
		cats = append(cats, option{v, people.LeavingLabel(v)})
	}
	for _, v := range people.ReferralSources {
		refs = append(refs, option{v, people.ReferralLabel(v)})
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "outcomes/record", gin.H{"ID": id, "Name": name, "Rec": rec, "Categories": cats, "Referrals": refs})
}

var recordFieldLabels = map[string]string{
	"leaving_date": "Leaving date", "leaving_category": "Why they left", "moved_on_to": "Moved on to",
	"referral_source": "Referred by", "flags_consent": "Consent", "postcode_district": "Postcode district",
}

func (h *Handler) recordSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	back := "/outcomes/records/" + id
	in := people.EmploymentInput{
		LeavingCategory: c.PostForm("leaving_category"), MovedOnTo: c.PostForm("moved_on_to"),
		MovedOnConsent: c.PostForm("moved_on_consent") == "on", ReferralSource: c.PostForm("referral_source"),
		LongTermUnemployed: c.PostForm("long_term_unemployed") == "on", Disabled: c.PostForm("disabled") == "on",
		FlagsConsent: c.PostForm("flags_consent") == "on", PostcodeDistrict: c.PostForm("postcode_district"),
	}
	if v := strings.TrimSpace(c.PostForm("leaving_date")); v != "" {
		if in.LeavingDate, err = civil.Parse(v); err != nil {
			web.Problem(c, "Leaving date: give a date like 2026-11-20.")
			web.Redirect(c, back)
			return
		}
	}
	if _, err := h.svc.SetEmploymentRecord(c.Request.Context(), web.MustPrincipal(c), id, in); err != nil {
		code, msg, details := errs.Public(err)
		if code == errs.Internal || code == errs.NotFound {
			web.Fail(c, err)
			return
		}
		if fs, ok := details.([]errs.FieldError); ok {
			var parts []string
			for _, f := range fs {
				parts = append(parts, recordFieldLabels[f.Field]+" "+f.Message)
			}
			msg = strings.Join(parts, ". ") + "."
		}
		web.Problem(c, msg)
		web.Redirect(c, back)
		return
	}
	web.Success(c, "Employment record saved.")
	web.Redirect(c, back)
}
