package main

import "time"

func main() {
	run(time.Now) // wall clock: the composition root hands the real clock to the application
}

func run(now func() time.Time) { _ = now() }
