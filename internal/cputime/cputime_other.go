//go:build !unix

package cputime

import "time"

// Available reports whether Process reads the process's CPU time here.
const Available = false

func process() time.Duration { return 0 }
