//go:build !purego

package kernels

// siluAVX2 and sigmoidAVX2 are siluGeneric and sigmoidGeneric in assembly
// (act_amd64.s) for n a multiple of 8: 8 lanes per iteration, the same
// clamp, polynomial and flush as expf and sigmoidf (with fused
// multiply-adds, so the last bit may differ from the Go loops').
//
//go:noescape
func siluAVX2(y, x *float32, n int)

//go:noescape
func sigmoidAVX2(y, x *float32, n int)

// siluVec runs the assembly over whole groups of 8 and over the tail padded
// to 8 in a scratch array, so that every element gets the assembly's bits
// wherever it lies in x.
func siluVec(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		siluAVX2(&y[0], &x[0], n)
	}
	if n < len(x) {
		var t [8]float32
		copy(t[:], x[n:])
		siluAVX2(&t[0], &t[0], 8)
		copy(y[n:], t[:])
	}
}

// sigmoidVec runs the assembly over whole groups of 8 and over the tail
// padded to 8, as siluVec.
func sigmoidVec(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		sigmoidAVX2(&y[0], &x[0], n)
	}
	if n < len(x) {
		var t [8]float32
		copy(t[:], x[n:])
		sigmoidAVX2(&t[0], &t[0], 8)
		copy(y[n:], t[:])
	}
}

// actDispatch picks the AVX-512 kernels when the CPU has AVX-512F (and
// DIFFUSEGO_KERNELS does not ask for avx2 or generic), else the AVX2+FMA
// ones when it has those, and the Go loops otherwise.
func actDispatch() (silu, sigmoid actFunc) {
	if hasAVX512 && !genericForced && !avx2Forced {
		return siluVec512, sigmoidVec512
	}
	if hasAVX2FMA && !genericForced {
		return siluVec, sigmoidVec
	}
	return siluGeneric, sigmoidGeneric
}

// actPaths lists every SiLU/Sigmoid path this machine can run, for tests.
func actPaths() []actPath {
	p := []actPath{{"generic", siluGeneric, sigmoidGeneric}}
	if hasAVX2FMA {
		p = append(p, actPath{"avx2", siluVec, sigmoidVec})
	}
	if hasAVX512 {
		p = append(p, actPath{"avx512", siluVec512, sigmoidVec512})
	}
	return p
}
