//go:build !purego

package kernels

// siluAVX2 and sigmoidAVX2 are siluGeneric and sigmoidGeneric in assembly
// (act_amd64.s) for n a multiple of 8: 8 lanes per iteration, the same
// clamp, polynomial and flush as expf and sigmoidf.
//
//go:noescape
func siluAVX2(y, x *float32, n int)

//go:noescape
func sigmoidAVX2(y, x *float32, n int)

// siluVec runs the assembly over whole groups of 8 and Go over the tail.
func siluVec(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		siluAVX2(&y[0], &x[0], n)
	}
	siluGeneric(y[n:], x[n:])
}

// sigmoidVec runs the assembly over whole groups of 8 and Go over the tail.
func sigmoidVec(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		sigmoidAVX2(&y[0], &x[0], n)
	}
	sigmoidGeneric(y[n:], x[n:])
}

// actDispatch picks the AVX2+FMA kernels when the CPU has them and the Go
// loops otherwise.
func actDispatch() (silu, sigmoid actFunc) {
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
	return p
}
