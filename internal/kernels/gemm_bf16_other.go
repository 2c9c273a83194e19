//go:build !amd64 || purego

package kernels

import "fmt"

// bf16Kernel is nil: this build has no bf16 kernel, and SetPrecision
// refuses BF16.
var bf16Kernel *microKernel

// pairsB is the pure-Go rounding of B panels into bf16 pairs.
var pairsB = pairsBGeneric

// bf16Usable says why BF16 products cannot run in this build.
func bf16Usable() error {
	return fmt.Errorf("%w: this build has none (the purego tag, or not amd64)", ErrNoBF16)
}

// bf16Paths lists the bf16 Gemm paths this build can run, for tests: the
// packed driver with the Go bf16 micro-kernel.
func bf16Paths() []gemmPath { return []gemmPath{{"bf16-go", gemmBF16Go}} }
