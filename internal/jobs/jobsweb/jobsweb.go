// Package jobsweb is the failed-jobs page and API: finance and admins see
// the jobs whose last attempt failed, in plain words, and can retry them.
//
// A job's arguments are never shown: what a job is about is said by a
// Describe function the app provides (an email's recipient, an invoice's
// number), which must not repeat what a job carries (an email's subject or
// text, a reminder's wording).
package jobsweb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/internal/jobs"
	"github.com/goodshift/goodshift/internal/web"
)

// Describe says in plain words what one job is about ("Email to Sam
// Okafor"), from its kind and stored arguments.
type Describe func(ctx context.Context, kind string, args []byte) string

// Listed is how many failed jobs the page and the API show (newest first).
const Listed = 200

// Handler serves the failed-jobs page and API.
type Handler struct {
	q        *jobs.Queue
	shell    *web.Shell
	describe Describe
}

// NewHandler builds the handler; describe may be nil (jobs are then named
// by kind only).
func NewHandler(q *jobs.Queue, shell *web.Shell, describe Describe) *Handler {
	if describe == nil {
		describe = func(_ context.Context, kind string, _ []byte) string { return KindName(kind) }
	}
	return &Handler{q: q, shell: shell, describe: describe}
}

// Routes registers the page and the API for finance and admins.
func (h *Handler) Routes(api, root web.Routes) {
	api.GET("/jobs/failed", auth.JobsManage, web.NoBody(h.list))
	api.POST("/jobs/:id/retry", auth.JobsManage, web.NoBody(h.retry))
	root.GET("/jobs", auth.JobsManage, h.page)
	root.POST("/jobs/:id/retry", auth.JobsManage, h.pageRetry)
	h.shell.AddNav(web.NavItem{Label: "Failed jobs", Path: "/jobs", Action: auth.JobsManage, Order: 95})
}

// Job is one failed job as finance and admins see it.
type Job struct {
	ID          int64      `json:"id"`
	What        string     `json:"what"`   // what it is about, in words
	Status      string     `json:"status"` // gave up / will try again, in words
	GaveUp      bool       `json:"gave_up"`
	Attempts    int        `json:"attempts"`
	MaxAttempts int        `json:"max_attempts"`
	FailedAt    time.Time  `json:"failed_at"`
	NextTry     *time.Time `json:"next_try,omitempty"`
	Error       string     `json:"error"`
}

func (h *Handler) view(ctx context.Context, f jobs.FailedJob) Job {
	j := Job{ID: f.ID, What: h.describe(ctx, f.Kind, f.Args), GaveUp: f.GaveUp, Attempts: f.Attempts,
		MaxAttempts: f.MaxAttempts, FailedAt: f.FailedAt.UTC(), NextTry: f.NextTry, Error: clip(f.Error, 300)}
	if j.Error == "" {
		j.Error = "No error was recorded."
	}
	if f.GaveUp {
		j.Status = fmt.Sprintf("Gave up after %s. Nothing will try it again unless you retry it.", attempts(f.Attempts))
	} else {
		j.Status = fmt.Sprintf("Failed %s; it will try again by itself", attempts(f.Attempts))
		if f.NextTry != nil {
			j.Status += " at " + f.NextTry.In(civil.London).Format("15:04 on Mon 2 Jan")
		}
		j.Status += fmt.Sprintf(" (up to %d attempts in all).", f.MaxAttempts)
	}
	return j
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "?")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func (h *Handler) failed(ctx context.Context) ([]Job, error) {
	fs, err := h.q.Failed(ctx, Listed)
	if err != nil {
		return nil, err
	}
	out := make([]Job, len(fs))
	for i, f := range fs {
		out[i] = h.view(ctx, f)
	}
	return out, nil
}

func (h *Handler) list(c *gin.Context) (web.List[Job], error) {
	js, err := h.failed(c.Request.Context())
	return web.Items(js), err
}

func jobID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "There is no failed job %q.", clip(c.Param("id"), 40))
	}
	return id, nil
}

func (h *Handler) doRetry(c *gin.Context) (Job, error) {
	id, err := jobID(c)
	if err != nil {
		return Job{}, err
	}
	f, err := h.q.Retry(c.Request.Context(), id)
	if errors.Is(err, jobs.ErrNotFailed) {
		return Job{}, errs.E(errs.NotFound, "There is no failed job %d: it may have been retried already.", id)
	}
	if err != nil {
		return Job{}, err
	}
	return h.view(c.Request.Context(), f), nil
}

// retried is the answer to a retry.
type retried struct {
	Job     Job    `json:"job"`
	Message string `json:"message"`
}

func (h *Handler) retry(c *gin.Context) (retried, error) {
	j, err := h.doRetry(c)
	if err != nil {
		return retried{}, err
	}
	return retried{Job: j, Message: "It will run again in a moment."}, nil
}

type pageData struct {
	Jobs []Job
}

func (h *Handler) page(c *gin.Context) {
	js, err := h.failed(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.shell.Renderer.HTML(c, http.StatusOK, "jobs/failed", pageData{Jobs: js})
}

func (h *Handler) pageRetry(c *gin.Context) {
	j, err := h.doRetry(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Success(c, j.What+": it will run again in a moment.")
	web.Redirect(c, "/jobs")
}

// KindName is a job kind in words, for kinds the app's Describe does not
// know.
func KindName(kind string) string {
	switch kind {
	case "email":
		return "An email"
	case "invoice-send":
		return "Emailing an invoice to its client"
	case "shift-reminder":
		return "A reminder of tomorrow's shift"
	case "task":
		return "A scheduled task"
	case "stripe-sync":
		return "Putting an invoice into Stripe"
	}
	return "A job of the kind “" + clip(kind, 40) + "”"
}
