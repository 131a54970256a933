package outcomes

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
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

// recordForm declares the employment record form (web.Form); a ticked box
// posts "on".
func recordForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "referral_source", Label: "Referred by", Kind: web.KindSelect},
		web.Field{Name: "postcode_district", Label: "Postcode district", Kind: web.KindText},
		web.Field{Name: "flags_consent", Label: "Consent", Kind: web.KindText},
		web.Field{Name: "long_term_unemployed", Label: "Long-term unemployed", Kind: web.KindText},
		web.Field{Name: "disabled", Label: "Disabled", Kind: web.KindText},
		web.Field{Name: "leaving_date", Label: "Leaving date", Kind: web.KindDate},
		web.Field{Name: "leaving_category", Label: "Why they left", Kind: web.KindSelect},
		web.Field{Name: "moved_on_to", Label: "Moved on to", Kind: web.KindText},
		web.Field{Name: "moved_on_consent", Label: "Their agreement", Kind: web.KindText},
	)
}

func (h *Handler) recordPage(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.showRecord(c, http.StatusOK, id, nil)
}

// showRecord shows an employment record; f is the form as posted (nil:
// the record as stored).
func (h *Handler) showRecord(c *gin.Context, status int, id string, f *web.Form) {
	rec, err := h.svc.EmploymentRecord(c.Request.Context(), web.MustPrincipal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = recordForm().Set("referral_source", rec.ReferralSource).Set("postcode_district", rec.PostcodeDistrict).
			Set("leaving_category", rec.LeavingCategory).Set("moved_on_to", rec.MovedOnTo)
		if !rec.LeavingDate.IsZero() {
			f.Set("leaving_date", rec.LeavingDate.String())
		}
		for k, on := range map[string]bool{"flags_consent": rec.FlagsConsent, "long_term_unemployed": rec.LongTermUnemployed,
			"disabled": rec.Disabled, "moved_on_consent": rec.MovedOnConsent} {
			if on {
				f.Set(k, "on")
			}
		}
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
	web.FormPage(c, status, "outcomes/record", gin.H{"ID": id, "Name": name, "Rec": rec, "Categories": cats, "Referrals": refs, "Form": f})
}

func (h *Handler) recordSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "employee")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := recordForm().Posted(c)
	on := func(k string) bool { return f.Value(k) == "on" }
	in := people.EmploymentInput{
		LeavingCategory: f.Value("leaving_category"), MovedOnTo: f.Value("moved_on_to"),
		MovedOnConsent: on("moved_on_consent"), ReferralSource: f.Value("referral_source"),
		LongTermUnemployed: on("long_term_unemployed"), Disabled: on("disabled"),
		FlagsConsent: on("flags_consent"), PostcodeDistrict: f.Value("postcode_district"),
	}
	in.LeavingDate = f.Date("leaving_date")
	if in.MovedOnTo != "" && !in.MovedOnConsent {
		f.Error("moved_on_to", `Moved on to can only be kept if the employee agrees: tick "They agree this is kept"`)
	}
	if !f.OK() {
		h.showRecord(c, f.Status(), id, f)
		return
	}
	if _, err := h.svc.SetEmploymentRecord(c.Request.Context(), web.MustPrincipal(c), id, in); err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showRecord(c, f.Status(), id, f)
		return
	}
	web.Success(c, "Employment record saved.")
	web.Redirect(c, "/outcomes/records/"+id)
}
