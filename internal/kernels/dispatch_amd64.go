//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the AVX2 micro-kernel can run here.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// gemmDispatch picks the AVX2+FMA packed path when the CPU has it (AVX-512
// CPUs have it too) and the pure-Go loop otherwise.
func gemmDispatch() gemmFunc {
	if hasAVX2FMA {
		return gemmAVX2
	}
	return gemmGeneric
}

// gemmPaths lists every Gemm path this machine can run, for tests.
func gemmPaths() []gemmPath {
	p := []gemmPath{{"generic", gemmGeneric}, {"packed-go", gemmPackedGo}}
	if hasAVX2FMA {
		p = append(p, gemmPath{"avx2", gemmAVX2})
	}
	return p
}

// microKernels lists the micro-kernels this machine can run, for benchmarks.
func microKernels() []microKernelPath {
	p := []microKernelPath{{"go", kernelGo}}
	if hasAVX2FMA {
		p = append(p, microKernelPath{"avx2", kernelAVX2})
	}
	return p
}
