package web

import (
	"context"
	"testing"

	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/errs"
	"github.com/goodshift/goodshift/templates"
)

type noSessions struct{}

func (noSessions) Authenticate(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, errs.E(errs.Unauthenticated, "no")
}

func newTestShell(t testing.TB, opts ...func(*Options)) *Shell {
	t.Helper()
	o := Options{Templates: templates.FS, Authenticator: noSessions{}, SecretKey: make([]byte, 32)}
	for _, f := range opts {
		f(&o)
	}
	s, err := NewShell(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
