package rota

import "time"

var testStart = time.Now()
