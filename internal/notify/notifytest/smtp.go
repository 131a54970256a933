// Package notifytest is a fake SMTP server on 127.0.0.1 for tests: it
// accepts mail (or refuses the first few, to exercise retries) and keeps
// every message it accepted.
package notifytest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// SMTP is a running fake server.
type SMTP struct {
	Port int

	mu       sync.Mutex
	refuse   int      // refuse this many more messages at end of DATA (451)
	refused  int      // how many were refused
	accepted []string // raw messages accepted
	changed  chan struct{}
}

// StartSMTP listens on 127.0.0.1 until the test ends. The first refuse
// messages are answered "451 try again later" after their data.
func StartSMTP(t testing.TB, refuse int) *SMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTP{Port: ln.Addr().(*net.TCPAddr).Port, refuse: refuse, changed: make(chan struct{})}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

// Messages are the messages accepted so far.
func (s *SMTP) Messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.accepted...)
}

// Refused is how many messages were refused.
func (s *SMTP) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Changed is closed (and replaced) whenever a message is accepted or
// refused: wait on it with a deadline instead of sleeping.
func (s *SMTP) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

func (s *SMTP) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(m string) { _, _ = conn.Write([]byte(m + "\r\n")) }
	say("220 fake ESMTP")
	var data strings.Builder
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				s.mu.Lock()
				if s.refuse > 0 {
					s.refuse--
					s.refused++
					say("451 try again later")
				} else {
					s.accepted = append(s.accepted, data.String())
					say("250 queued")
				}
				close(s.changed)
				s.changed = make(chan struct{})
				s.mu.Unlock()
				data.Reset()
				continue
			}
			data.WriteString(strings.TrimPrefix(line, "."))
			continue
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case cmd == "DATA":
			inData = true
			say("354 go ahead")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
