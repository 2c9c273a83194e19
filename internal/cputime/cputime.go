// Package cputime reads the CPU time this process has used: the measure
// of a run's cost, and of a benchmark's speed, on a machine shared with
// other work, where wall time measures the load as much as the code.
package cputime

import "time"

// Process returns the user plus system CPU time this process has used so
// far, or 0 where the system does not say (Available is false there).
func Process() time.Duration { return process() }

// Seconds is Process in seconds.
func Seconds() float64 { return Process().Seconds() }
