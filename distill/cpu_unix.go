//go:build unix

package distill

import (
	"syscall"
	"time"
)

// ProcessCPU returns the user and system CPU time this process has used
// (getrusage), the measure of a run's cost on a shared machine; nil where
// the system has no such call.
var ProcessCPU func() time.Duration = func() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
