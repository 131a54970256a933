//go:build !linux

package app_test

import "time"

// processCPU and postgresCPU are measured on Linux only.
func processCPU() time.Duration  { return 0 }
func postgresCPU() time.Duration { return 0 }
