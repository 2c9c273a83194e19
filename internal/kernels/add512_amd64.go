//go:build !purego

package kernels

// addToAVX512 is addToGeneric in assembly (add512_amd64.s) for any n ≥ 0:
// 64 lanes per iteration, then 16, then the rest under a mask.
//
//go:noescape
func addToAVX512(dst, src *float32, n int)

// addTo512 checks nothing the slice expression has not, then runs the
// assembly.
func addTo512(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	addToAVX512(&dst[0], &src[0], len(src))
}

// addScalarsAVX512 is addScalarsGeneric in assembly (add512_amd64.s) for
// any n ≥ 0: 64 lanes per iteration, then 16, then the rest under a mask.
//
//go:noescape
func addScalarsAVX512(dst, src *float32, n int, b, sh float32)

// addScalars512 runs the assembly on slices of equal length.
func addScalars512(dst, src []float32, b, sh float32) {
	if len(dst) == 0 {
		return
	}
	src = src[:len(dst)]
	addScalarsAVX512(&dst[0], &src[0], len(dst), b, sh)
}
