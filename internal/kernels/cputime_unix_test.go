//go:build unix

package kernels

import "syscall"

// cpuSeconds is the CPU time (user + system) this process has used so
// far, for benchmarks that report throughput per CPU-second: on a machine
// shared with other work, wall time measures the load as much as the code.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
