//go:build !purego

package kernels

// sum16AVX2 is sum16Generic in assembly (sum_amd64.s): blocks ≥ 1 blocks
// of 16 floats, widened to float64, four lanes per register.
//
//go:noescape
func sum16AVX2(x *float32, blocks int, acc *[16]float64)

// sum16 runs the AVX2 kernel when the CPU has it, the Go loop otherwise;
// a direct call, so that acc stays on the caller's stack.
func sum16Impl(x []float32, acc *[16]float64) {
	if hasAVX2 && !genericForced {
		sum16AVX2(&x[0], len(x)/16, acc)
		return
	}
	sum16Generic(x, acc)
}

// sumPaths lists every sum16 path this machine can run, for tests.
func sumPaths() []sumPath {
	p := []sumPath{{"generic", sum16Generic}}
	if hasAVX2 {
		p = append(p, sumPath{"avx2", func(x []float32, acc *[16]float64) { sum16AVX2(&x[0], len(x)/16, acc) }})
	}
	return p
}
