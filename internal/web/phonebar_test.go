package web

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/goodshift/goodshift/internal/auth"
)

func TestUsesPhoneBar(t *testing.T) {
	for _, c := range []struct {
		roles []auth.Role
		want  bool
	}{
		{[]auth.Role{auth.Employee}, true},
		{[]auth.Role{auth.Employee, auth.Supervisor}, false},
		{[]auth.Role{auth.Supervisor}, false},
		{[]auth.Role{auth.Finance}, false},
		{nil, false},
	} {
		if got := UsesPhoneBar(auth.Principal{Roles: c.roles}); got != c.want {
			t.Errorf("%v: %v, want %v", c.roles, got, c.want)
		}
	}
}

func TestPhoneBarHoldsAtMostFive(t *testing.T) {
	s := &Shell{}
	defer func() {
		if recover() == nil {
			t.Error("a sixth bar item was accepted")
		}
	}()
	s.SetPhoneBar(make([]BarItem, MaxBarItems+1)...)
}

func TestBarMarksTheCurrentPlace(t *testing.T) {
	s := &Shell{nav: []NavItem{
		{Label: "Home", Path: "/", Action: auth.SignedIn},
		{Label: "My week", Path: "/rota/week", Action: auth.ShiftsMine},
		{Label: "Availability", Path: "/rota/availability", Action: auth.ShiftsMine},
		{Label: "People", Path: "/admin/people", Action: auth.PeopleManage},
	}}
	s.SetPhoneBar(
		BarItem{Label: "Week", Path: "/rota/week", Action: auth.ShiftsMine},
		BarItem{Label: "Requests", Path: "/rota/inbox", Action: auth.ShiftsMine, Tabs: []NavItem{
			{Label: "Swaps", Path: "/rota/inbox", Action: auth.ShiftsMine},
			{Label: "Inbox", Path: "/inbox", Action: auth.SignedIn},
		}},
		BarItem{Label: "Me", Path: MePath, Action: auth.SignedIn},
	)
	emp := auth.Principal{ID: "sam", Roles: []auth.Role{auth.Employee}}
	current := func(path string) (string, int) {
		bar, tabs := s.barFor(nil, emp, path)
		cur := ""
		for _, b := range bar {
			if b.Current {
				cur += b.Label
			}
		}
		return cur, len(tabs)
	}
	for path, want := range map[string]string{"/rota/week": "Week", "/inbox": "Requests", "/rota/inbox": "Requests", "/rota/availability": "Me", "/me": "Me", "/": ""} {
		if got, _ := current(path); got != want {
			t.Errorf("%s: current %q, want %q", path, got, want)
		}
	}
	if _, n := current("/inbox"); n != 2 {
		t.Errorf("Requests shows %d tabs", n)
	}
	if _, n := current("/rota/week"); n != 0 {
		t.Errorf("Week shows %d tabs", n)
	}
	me := s.meItems(emp)
	if len(me) != 1 || me[0].Path != "/rota/availability" {
		t.Errorf("Me lists %v (not Home, not the bar's places, not what the person may not open)", me)
	}
	if bar, _ := s.barFor(nil, auth.Principal{ID: "dana", Roles: []auth.Role{auth.Supervisor}}, "/"); bar != nil {
		t.Error("a supervisor gets the bar")
	}
}

func TestBarCountIsAskedPerRequest(t *testing.T) {
	asked := 0
	s := &Shell{}
	s.SetPhoneBar(
		BarItem{Label: "Week", Path: "/rota/week", Action: auth.ShiftsMine},
		BarItem{Label: "Requests", Path: "/rota/inbox", Action: auth.ShiftsMine, Count: func(_ *gin.Context, p auth.Principal) (int, error) {
			asked++
			return asked * 2, nil
		}},
	)
	emp := auth.Principal{ID: "sam", Roles: []auth.Role{auth.Employee}}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/rota/week", nil)
	for want := 2; want <= 4; want += 2 {
		bar, _ := s.barFor(c, emp, "/rota/week")
		if bar[0].Count != 0 || bar[1].Count != want || bar[1].CountText() != ", "+strconv.Itoa(want)+" unread" {
			t.Errorf("bar %+v, want Requests %d", bar, want)
		}
	}
	if (BarLink{Count: 12}).CountBadge() != "9+" || (BarLink{}).CountText() != "" {
		t.Error("badge words")
	}
}
