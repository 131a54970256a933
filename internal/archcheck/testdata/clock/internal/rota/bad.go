package rota

import "time"

func late(start time.Time) bool { return time.Now().After(start) } // fixture: an unmarked wall clock read
