// Package cputime reads the CPU time this process has used: the measure
// of a run's cost, and of a benchmark's speed, on a machine shared with
// other work, where wall time measures the load as much as the code.
package cputime

import (
	"os"
	"strings"
	"time"
)

// Process returns the user plus system CPU time this process has used so
// far, or 0 where the system does not say (Available is false there).
func Process() time.Duration { return process() }

// Seconds is Process in seconds.
func Seconds() float64 { return Process().Seconds() }

// LoadAverage returns the system's one-minute load average as the kernel
// writes it ("3.61"), or "?" where /proc/loadavg cannot be read: the figure
// a table measured on a shared machine states beside its timings.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
