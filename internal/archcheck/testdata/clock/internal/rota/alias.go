package rota

import t "time"

func age(then t.Time) t.Duration { return t.Since(then) }
