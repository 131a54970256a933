package people

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/web"
)

// Handler serves sign-in, the home page, the account page and people
// administration, as JSON and as pages.
type Handler struct {
	svc    *Service
	shell  *web.Shell
	secure bool
}

// NewHandler builds the handler.
func NewHandler(svc *Service, shell *web.Shell, secureCookies bool) *Handler {
	return &Handler{svc: svc, shell: shell, secure: secureCookies}
}

// Routes registers the API and the pages.
func (h *Handler) Routes(api, root web.Routes) {
	api.POST("/auth/login", auth.Public, web.JSON(h.apiLogin))
	api.POST("/auth/logout", auth.SignedIn, web.NoBody(h.apiLogout))
	api.GET("/me", auth.SignedIn, web.NoBody(h.apiMe))
	api.PUT("/me/password", auth.SignedIn, web.JSON(h.apiChangePassword))
	api.GET("/people", auth.PeopleManage, web.NoBody(h.apiList))
	api.POST("/people", auth.PeopleManage, web.JSON(h.apiCreate).Created())
	api.GET("/people/:id", auth.PeopleManage, web.NoBody(h.apiGet))
	api.PATCH("/people/:id", auth.PeopleManage, web.JSON(h.apiUpdate))
	api.GET("/employees", auth.EmployeesList, web.NoBody(h.apiEmployees))

	root.GET("/login", auth.Public, h.loginPage)
	root.POST("/login", auth.Public, h.loginSubmit)
	root.POST("/logout", auth.SignedIn, h.logoutSubmit)
	root.GET("/", auth.SignedIn, h.homePage)
	root.GET("/account", auth.SignedIn, h.accountPage)
	root.POST("/account/password", auth.SignedIn, h.passwordSubmit)
	root.GET("/admin/people", auth.PeopleManage, h.peoplePage)
	root.POST("/admin/people", auth.PeopleManage, h.createSubmit)
	root.GET("/admin/people/:id", auth.PeopleManage, h.personPage)
	root.POST("/admin/people/:id", auth.PeopleManage, h.updateSubmit)

	h.shell.AddNav(
		web.NavItem{Label: "Home", Path: "/", Action: auth.SignedIn, Order: 0},
		web.NavItem{Label: "People", Path: "/admin/people", Action: auth.PeopleManage, Order: 90},
		web.NavItem{Label: "Account", Path: "/account", Action: auth.SignedIn, Order: 100},
	)
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      Person    `json:"user"`
}

func (h *Handler) apiLogin(c *gin.Context, req loginRequest) (loginResponse, error) {
	sess, p, err := h.svc.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		return loginResponse{}, err
	}
	web.SetSessionCookie(c, sess.Token, sess.Lifetime, h.secure)
	return loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, User: p}, nil
}

func (h *Handler) apiLogout(c *gin.Context) (web.NoContent, error) {
	if err := h.svc.Logout(c.Request.Context(), web.SessionToken(c)); err != nil {
		return web.NoContent{}, err
	}
	web.ClearSessionCookie(c, h.secure)
	return web.NoContent{}, nil
}

func (h *Handler) apiMe(c *gin.Context) (Person, error) {
	return h.svc.Get(c.Request.Context(), web.MustPrincipal(c).ID)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (h *Handler) apiChangePassword(c *gin.Context, req passwordRequest) (web.NoContent, error) {
	return web.NoContent{}, h.svc.ChangePassword(c.Request.Context(), web.MustPrincipal(c).ID, req.CurrentPassword, req.NewPassword, web.SessionToken(c))
}

func (h *Handler) apiList(c *gin.Context) (web.List[Person], error) {
	f := Filter{Role: auth.Role(c.Query("role")), ActiveOnly: c.Query("active") == "true"}
	if f.Role != "" && !f.Role.Valid() {
		return web.List[Person]{}, errs.Fields(errs.FieldError{Field: "role", Message: "is not a role"})
	}
	ps, err := h.svc.List(c.Request.Context(), f)
	return web.Items(ps), err
}

type createResponse struct {
	Person
	TemporaryPassword string `json:"temporary_password,omitempty"`
}

func (h *Handler) apiCreate(c *gin.Context, req NewPerson) (createResponse, error) {
	temp := ""
	if req.Password == "" {
		temp = TemporaryPassword()
		req.Password = temp
	}
	p, err := h.svc.Create(c.Request.Context(), req)
	return createResponse{Person: p, TemporaryPassword: temp}, err
}

func (h *Handler) apiGet(c *gin.Context) (Person, error) {
	id, err := web.PathID(c, "id", "person")
	if err != nil {
		return Person{}, err
	}
	return h.svc.Get(c.Request.Context(), id)
}

func (h *Handler) apiUpdate(c *gin.Context, req Update) (Person, error) {
	id, err := web.PathID(c, "id", "person")
	if err != nil {
		return Person{}, err
	}
	if id == web.MustPrincipal(c).ID && req.Active != nil && !*req.Active {
		return Person{}, errs.E(errs.RuleViolation, "You cannot deactivate your own account.")
	}
	return h.svc.Update(c.Request.Context(), id, req)
}

// DirectoryEntry is what colleagues may know of an employee.
type DirectoryEntry struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	WorksNumber  string `json:"works_number"`
	ContractType string `json:"contract_type"`
}

func (h *Handler) apiEmployees(c *gin.Context) (web.List[DirectoryEntry], error) {
	ps, err := h.svc.Employees(c.Request.Context())
	if err != nil {
		return web.List[DirectoryEntry]{}, err
	}
	out := make([]DirectoryEntry, 0, len(ps))
	for _, p := range ps {
		e := DirectoryEntry{ID: p.ID, Name: p.Name}
		if p.Employee != nil {
			e.WorksNumber, e.ContractType = p.Employee.WorksNumber, p.Employee.ContractType
		}
		out = append(out, e)
	}
	return web.Items(out), nil
}

// Pages.

// loginForm declares the sign-in form (web.Form). The password is never
// shown again.
func loginForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "email", Label: "Email", Kind: web.KindEmail},
		web.Field{Name: "password", Label: "Password", Kind: web.KindPassword},
	)
}

// signInNotRecognised is all a failed sign-in says: never whether the email
// has an account.
const signInNotRecognised = "Email or password not recognised. Check them and try again."

func (h *Handler) loginPage(c *gin.Context) {
	if _, ok := web.PrincipalOf(c); ok {
		web.Redirect(c, safeNext(c.Query("next")))
		return
	}
	web.FormPage(c, http.StatusOK, "people/login", gin.H{"Next": safeNext(c.Query("next")), "Form": loginForm()})
}

func (h *Handler) loginSubmit(c *gin.Context) {
	f := loginForm().Posted(c)
	next := safeNext(f.Value("next"))
	again := func(status int) {
		web.FormPage(c, status, "people/login", gin.H{"Next": next, "Form": f})
	}
	f.Required("email")
	if f.Values.Get("password") == "" {
		f.Error("password", "Enter your password")
	}
	if !f.OK() {
		again(f.Status())
		return
	}
	sess, _, err := h.svc.Login(c.Request.Context(), f.Value("email"), f.Values.Get("password"), c.ClientIP())
	if err != nil {
		code := errs.CodeOf(err)
		switch code {
		case errs.Internal:
			web.Fail(c, err)
			return
		case errs.Unauthenticated:
			f.Error("password", signInNotRecognised)
		default: // too many attempts, or nothing typed
			_, msg, _ := errs.Public(err)
			f.Error("password", msg)
		}
		again(errs.Status(code))
		return
	}
	web.SetSessionCookie(c, sess.Token, sess.Lifetime, h.secure)
	web.Redirect(c, next)
}

// safeNext keeps post-sign-in redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	return next
}

func (h *Handler) logoutSubmit(c *gin.Context) {
	if err := h.svc.Logout(c.Request.Context(), web.SessionToken(c)); err != nil {
		web.Fail(c, err)
		return
	}
	web.ClearSessionCookie(c, h.secure)
	web.SetFlash(c, "info", "You have signed out.")
	web.Redirect(c, "/login")
}

func (h *Handler) homePage(c *gin.Context) {
	sections, err := h.shell.HomeSections(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "home/index", gin.H{"Sections": sections})
}

// passwordForm declares the "Change your password" form; no password is
// ever shown again.
func passwordForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "current_password", Label: "Current password", Kind: web.KindPassword},
		web.Field{Name: "new_password", Label: "New password", Kind: web.KindPassword},
		web.Field{Name: "confirm_password", Label: "New password again", Kind: web.KindPassword},
	)
}

func (h *Handler) accountPage(c *gin.Context) {
	h.showAccount(c, http.StatusOK, passwordForm())
}

func (h *Handler) showAccount(c *gin.Context, status int, f *web.Form) {
	p, err := h.svc.Get(c.Request.Context(), web.MustPrincipal(c).ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.FormPage(c, status, "people/account", gin.H{"Person": p, "Form": f})
}

func (h *Handler) passwordSubmit(c *gin.Context) {
	p := web.MustPrincipal(c)
	f := passwordForm().Posted(c)
	cur, next := f.Values.Get("current_password"), f.Values.Get("new_password")
	if cur == "" {
		f.Error("current_password", "Enter your current password")
	}
	switch {
	case next == "":
		f.Error("new_password", "Enter a new password")
	case auth.CheckStrength(next) != nil:
		f.Error("new_password", fmt.Sprintf("New password must be at least %d characters (and at most 72 bytes)", auth.MinPasswordLength))
	case next != f.Values.Get("confirm_password"):
		f.Error("confirm_password", "The new passwords do not match: type the same new password twice")
	}
	if !f.OK() {
		h.showAccount(c, f.Status(), f)
		return
	}
	if err := h.svc.ChangePassword(c.Request.Context(), p.ID, cur, next, web.SessionToken(c)); err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showAccount(c, f.Status(), f)
		return
	}
	web.Success(c, "Your password has been changed. Other devices have been signed out.")
	web.Redirect(c, "/account")
}

// addPersonForm declares the "Add a person" form (web.Form).
func addPersonForm() *web.Form {
	return web.NewForm(
		web.Field{Name: "name", Label: "Full name", Kind: web.KindText},
		web.Field{Name: "email", Label: "Email", Kind: web.KindEmail},
		web.Field{Name: "roles", Label: "Roles", Kind: web.KindChoice},
		web.Field{Name: "works_number", Label: "Works number", Kind: web.KindText, Keys: []string{"employee.works_number", "employee"}},
		web.Field{Name: "start_date", Label: "Start date", Kind: web.KindDate, Keys: []string{"employee.start_date"}},
		web.Field{Name: "date_of_birth", Label: "Date of birth", Kind: web.KindDate, Keys: []string{"employee.date_of_birth"}},
		web.Field{Name: "contract_type", Label: "Contract", Kind: web.KindSelect, Keys: []string{"employee.contract_type"}},
	)
}

func (h *Handler) peoplePage(c *gin.Context) {
	h.showPeople(c, http.StatusOK, addPersonForm().Set("contract_type", ZeroHours))
}

func (h *Handler) showPeople(c *gin.Context, status int, f *web.Form) {
	ps, err := h.svc.List(c.Request.Context(), Filter{})
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.FormPage(c, status, "people/list", gin.H{"People": ps, "Roles": auth.Roles, "Form": f})
}

func (h *Handler) createSubmit(c *gin.Context) {
	f := addPersonForm().Posted(c)
	n := NewPerson{Name: f.Value("name"), Email: f.Value("email")}
	for _, r := range f.Values["roles"] {
		n.Roles = append(n.Roles, auth.Role(r))
	}
	f.Required("name")
	f.Required("email")
	if len(n.Roles) == 0 {
		f.Error("roles", "Select at least one role")
	}
	employee := f.Is("roles", string(auth.Employee))
	if f.Value("works_number") != "" || f.Value("start_date") != "" || employee {
		n.Employee = &Employee{WorksNumber: f.Value("works_number"), ContractType: f.Value("contract_type")}
		if employee {
			f.Required("works_number")
			if f.Required("start_date") {
				n.Employee.StartDate = f.Date("start_date")
			}
		} else {
			f.Error("roles", "Select Employee to record employment details, or leave them empty")
		}
		n.Employee.DateOfBirth = f.Date("date_of_birth")
	}
	if !f.OK() {
		h.showPeople(c, f.Status(), f)
		return
	}
	temp := TemporaryPassword()
	n.Password = temp
	p, err := h.svc.Create(c.Request.Context(), n)
	if err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showPeople(c, f.Status(), f)
		return
	}
	web.Success(c, p.Name+" can now sign in as "+p.Email+" with the temporary password "+temp+" — give it to them privately; they can change it under Account.")
	web.Redirect(c, "/admin/people/"+p.ID)
}

// rolesForm declares the "Roles" form of a person's page.
func rolesForm() *web.Form {
	return web.NewForm(web.Field{Name: "roles", Label: "Roles", Kind: web.KindChoice, Keys: []string{"employee"}})
}

func (h *Handler) personPage(c *gin.Context) {
	id, err := web.PathID(c, "id", "person")
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.showPerson(c, http.StatusOK, id, nil)
}

// showPerson shows a person's page; f is the roles form (nil: their roles
// as stored).
func (h *Handler) showPerson(c *gin.Context, status int, id string, f *web.Form) {
	p, err := h.svc.Get(c.Request.Context(), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = rolesForm()
		for _, r := range p.Roles {
			f.Values.Add("roles", string(r))
		}
	}
	web.FormPage(c, status, "people/person", gin.H{"Person": p, "Roles": auth.Roles, "Form": f})
}

func (h *Handler) updateSubmit(c *gin.Context) {
	id, err := web.PathID(c, "id", "person")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if c.PostForm("do") == "roles" {
		h.rolesSubmit(c, id)
		return
	}
	ctx := c.Request.Context()
	var msg string
	switch c.PostForm("do") {
	case "deactivate", "activate":
		active := c.PostForm("do") == "activate"
		if !active && id == web.MustPrincipal(c).ID {
			err = errs.E(errs.RuleViolation, "You cannot deactivate your own account.")
			break
		}
		_, err = h.svc.Update(ctx, id, Update{Active: &active})
		msg = map[bool]string{true: "Account reactivated.", false: "Account deactivated: they are signed out everywhere and cannot sign in."}[active]
	case "reset_password":
		temp := TemporaryPassword()
		err = h.svc.SetPassword(ctx, id, temp)
		msg = "New temporary password: " + temp + " — give it to them privately."
	default:
		err = errs.E(errs.Invalid, "Unknown action.")
	}
	if err != nil {
		_, m, _ := errs.Public(err)
		web.Problem(c, m)
	} else {
		web.Success(c, msg)
	}
	web.Redirect(c, "/admin/people/"+id)
}

// rolesSubmit saves a person's roles; on an error their page is shown again
// with the roles as ticked.
func (h *Handler) rolesSubmit(c *gin.Context, id string) {
	f := rolesForm().Posted(c)
	roles := []auth.Role{}
	for _, r := range f.Values["roles"] {
		if !auth.Role(r).Valid() {
			f.Error("roles", "Select roles from the list")
			break
		}
		roles = append(roles, auth.Role(r))
	}
	if len(f.Values["roles"]) == 0 {
		f.Error("roles", "Select at least one role")
	}
	if f.OK() && f.Is("roles", string(auth.Employee)) {
		p, err := h.svc.Get(c.Request.Context(), id)
		if err != nil {
			web.Fail(c, err)
			return
		}
		if p.Employee == nil {
			f.Error("roles", "Employee can only be given to someone with employment details (a works number and a start date)")
		}
	}
	if !f.OK() {
		h.showPerson(c, f.Status(), id, f)
		return
	}
	if _, err := h.svc.Update(c.Request.Context(), id, Update{Roles: &roles}); err != nil {
		if !f.FromError(err) {
			web.Fail(c, err)
			return
		}
		h.showPerson(c, f.Status(), id, f)
		return
	}
	web.Success(c, "Roles updated.")
	web.Redirect(c, "/admin/people/"+id)
}
