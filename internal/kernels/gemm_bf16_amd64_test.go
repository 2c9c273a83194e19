//go:build !purego

package kernels

import (
	"testing"

	"github.com/diffusego/diffusego/internal/cputime"
)

// BenchmarkCheckBF16 times the start-up check of the bf16 kernels, which
// every process on a CPU with AVX512_BF16 runs once.
func BenchmarkCheckBF16(b *testing.B) {
	if bf16Kernel == nil {
		b.Skip("no bf16 kernel here")
	}
	c0 := cputime.Seconds()
	for b.Loop() {
		if !checkBF16(bf16Kernel) {
			b.Fatal("check failed")
		}
	}
	b.ReportMetric((cputime.Seconds()-c0)*1e3/float64(b.N), "cpu-ms/op")
}
