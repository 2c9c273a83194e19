//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the AVX2 micro-kernel can run here.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// gemmDispatch picks the AVX2+FMA packed paths (parallel, serial) when the
// CPU has it (AVX-512 CPUs have it too) and the pure-Go loop otherwise.
func gemmDispatch() (gemm, serial gemmFunc) {
	if hasAVX2FMA && !genericForced {
		return gemmAVX2, gemmAVX2Serial
	}
	return gemmGeneric, gemmGeneric
}

// gemmPaths lists every Gemm path this machine can run, for tests.
func gemmPaths() []gemmPath {
	p := []gemmPath{{"generic", gemmGeneric}, {"packed-go", gemmPackedGo}, {"packed-go-serial", gemmPackedGoSerial}}
	if hasAVX2FMA {
		p = append(p, gemmPath{"avx2", gemmAVX2}, gemmPath{"avx2-serial", gemmAVX2Serial})
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
