//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the AVX2 micro-kernel can run here;
// hasAVX512 whether the AVX-512 one can (the operating system saving ZMM
// state included: x/sys/cpu checks it).
var (
	hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512  = cpu.X86.HasAVX512F && hasAVX2FMA
)

// gemmDispatch picks the AVX-512 packed paths (parallel, serial) when the
// CPU has AVX-512F, else the AVX2+FMA ones when it has those, and the
// packed driver with the pure-Go micro-kernel otherwise.
func gemmDispatch() (gemm, serial gemmFunc) {
	if hasAVX512 && !genericForced && !avx2Forced {
		return gemmAVX512, gemmAVX512Serial
	}
	if hasAVX2FMA && !genericForced {
		return gemmAVX2, gemmAVX2Serial
	}
	return gemmPackedGo, gemmPackedGoSerial
}

// packedKernelDispatch is the micro-kernel of the path gemmDispatch picks.
func packedKernelDispatch() *microKernel {
	if hasAVX512 && !genericForced && !avx2Forced {
		return avx512Kernel
	}
	if hasAVX2FMA && !genericForced {
		return avx2Kernel
	}
	return goKernel
}

// gemmPaths lists every Gemm path this machine can run, for tests.
func gemmPaths() []gemmPath {
	p := []gemmPath{{"packed-go", gemmPackedGo}, {"packed-go-serial", gemmPackedGoSerial}}
	if hasAVX2FMA {
		p = append(p, gemmPath{"avx2", gemmAVX2}, gemmPath{"avx2-serial", gemmAVX2Serial})
	}
	if hasAVX512 {
		p = append(p, gemmPath{"avx512", gemmAVX512}, gemmPath{"avx512-serial", gemmAVX512Serial})
	}
	return p
}

// microKernels lists the micro-kernels this machine can run, for benchmarks.
func microKernels() []microKernelPath {
	p := []microKernelPath{{"go", goKernel}}
	if hasAVX2FMA {
		p = append(p, microKernelPath{"avx2", avx2Kernel})
	}
	if hasAVX512 {
		p = append(p, microKernelPath{"avx512", avx512Kernel})
	}
	return p
}
