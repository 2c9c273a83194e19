//go:build !unix

package distill

import "time"

// ProcessCPU is nil where the system has no getrusage: the run then
// counts wall-clock time.
var ProcessCPU func() time.Duration
