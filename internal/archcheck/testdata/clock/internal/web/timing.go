package web

import "time"

func elapsed(f func()) time.Duration {
	start := time.Now() // wall clock: real elapsed time, for metrics
	f()
	return time.Since(start) // fixture: a wall clock read without the marker
}
