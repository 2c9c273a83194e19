package kernels

import "math"

// Row kernels of softmax attention (autograd's Attention and Softmax): a
// row's maximum, and the softmax's backward on one row of unnormalised
// weights. On amd64 with AVX2 they run 8 floats per iteration in assembly
// (attnrow_amd64.s), with the Go loops' results; elsewhere, and with the
// purego build tag, the Go loops.

// RowMax returns the largest element of x, ignoring NaNs; −Inf when x is
// empty or all NaN. Which of +0 and −0 it returns when both are the
// largest depends on the path.
func RowMax(x []float32) float32 { return rowMaxImpl(x) }

// SoftmaxGradRow sets ds[i] = (inv·e[i])·(ds[i] − d) for every i <
// len(ds), each operation rounded to float32 in that order: the softmax's
// backward for the weights p = inv·e, with dp in ds and d = Σ p·dp.
// len(e) must be ≥ len(ds).
func SoftmaxGradRow(ds, e []float32, d, inv float32) {
	softmaxGradRowImpl(ds, e[:len(ds)], d, inv)
}

// rowMaxGo is RowMax's Go loop: four running maxima.
func rowMaxGo(x []float32) float32 {
	m0 := float32(math.Inf(-1))
	m1, m2, m3 := m0, m0, m0
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		if v[0] > m0 {
			m0 = v[0]
		}
		if v[1] > m1 {
			m1 = v[1]
		}
		if v[2] > m2 {
			m2 = v[2]
		}
		if v[3] > m3 {
			m3 = v[3]
		}
	}
	for _, v := range x[i:] {
		if v > m0 {
			m0 = v
		}
	}
	for _, v := range [3]float32{m1, m2, m3} {
		if v > m0 {
			m0 = v
		}
	}
	return m0
}

// softmaxGradRowGo is SoftmaxGradRow's Go loop.
func softmaxGradRowGo(ds, e []float32, d, inv float32) {
	for j, v := range ds {
		ds[j] = inv * e[j] * (v - d)
	}
}

// rowMaxImpl and softmaxGradRowImpl are the paths RowMax and
// SoftmaxGradRow take (attnrow_amd64.go, attnrow_other.go).
var rowMaxImpl, softmaxGradRowImpl = attnRowDispatch()

// attnRowPath names one implementation of both row kernels, for tests.
type attnRowPath struct {
	name        string
	rowMax      func([]float32) float32
	softmaxGrad func(ds, e []float32, d, inv float32)
}
