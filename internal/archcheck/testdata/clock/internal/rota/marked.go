package rota

import "time"

// A marker does not make a wall-clock read right in a domain package.
func deadline() time.Time { return time.Now().Add(time.Hour) } // wall clock: not allowed here

var clock = time.Now
