//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// addToAVX2 is addToGeneric in assembly (add_amd64.s) for any n ≥ 0:
// 32 lanes per iteration, then 8, then one at a time.
//
//go:noescape
func addToAVX2(dst, src *float32, n int)

// addToVec checks nothing the slice expression has not, then runs the
// assembly.
func addToVec(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	addToAVX2(&dst[0], &src[0], len(src))
}

// hasAVX2 reports whether the AVX2 element-wise kernels can run here.
var hasAVX2 = cpu.X86.HasAVX2

// addDispatch picks the AVX2 kernel when the CPU has it.
func addDispatch() addFunc {
	if hasAVX2 && !genericForced {
		return addToVec
	}
	return addToGeneric
}

// addPaths lists every AddTo path this machine can run, for tests.
func addPaths() []addPath {
	p := []addPath{{"generic", addToGeneric}}
	if hasAVX2 {
		p = append(p, addPath{"avx2", addToVec})
	}
	return p
}

// addScalarsAVX2 is addScalarsGeneric in assembly (add_amd64.s) for any
// n ≥ 0: 32 lanes per iteration, then 8, then one at a time.
//
//go:noescape
func addScalarsAVX2(dst, src *float32, n int, b, sh float32)

// addScalarsVec runs the assembly on slices of equal length.
func addScalarsVec(dst, src []float32, b, sh float32) {
	if len(dst) == 0 {
		return
	}
	src = src[:len(dst)]
	addScalarsAVX2(&dst[0], &src[0], len(dst), b, sh)
}

// addScalarsDispatch picks the AVX2 kernel when the CPU has it.
func addScalarsDispatch() addScalarsFunc {
	if hasAVX2 && !genericForced {
		return addScalarsVec
	}
	return addScalarsGeneric
}

// addScalarsPaths lists every AddScalars path this machine can run, for
// tests.
func addScalarsPaths() []addScalarsPath {
	p := []addScalarsPath{{"generic", addScalarsGeneric}}
	if hasAVX2 {
		p = append(p, addScalarsPath{"avx2", addScalarsVec})
	}
	return p
}
