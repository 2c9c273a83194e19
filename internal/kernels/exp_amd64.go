//go:build !purego

package kernels

// expShiftAVX2 is expShiftGeneric in assembly (exp_amd64.s) for n a
// multiple of 8: 8 lanes per iteration, the same clamp, polynomial and
// flush as expFlush, the sum kept in 4 float64 lanes and added at the end
// as (l0 + l2) + (l1 + l3).
//
//go:noescape
func expShiftAVX2(y, x *float32, n int, shift float32) float64

// expShiftVec runs the assembly over whole groups of 8 and Go over the
// tail.
func expShiftVec(y, x []float32, shift float32) float64 {
	y = y[:len(x)]
	n := len(x) &^ 7
	var s float64
	if n > 0 {
		s = expShiftAVX2(&y[0], &x[0], n, shift)
	}
	return s + expShiftGeneric(y[n:], x[n:], shift)
}

// expDispatch picks the AVX2+FMA kernel when the CPU has it and the Go loop
// otherwise.
func expDispatch() expShiftFunc {
	if hasAVX2FMA && !genericForced {
		return expShiftVec
	}
	return expShiftGeneric
}

// expPaths lists every ExpShift path this machine can run, for tests.
func expPaths() []expPath {
	p := []expPath{{"generic", expShiftGeneric}}
	if hasAVX2FMA {
		p = append(p, expPath{"avx2", expShiftVec})
	}
	return p
}
