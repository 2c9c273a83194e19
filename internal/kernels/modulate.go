package kernels

// The element-wise kernels of adaptive LayerNorm modulation and gated
// residuals (autograd's Modulate and GatedAdd: DiT's adaLN, Peebles & Xie
// 2023): products and sums along a row, each product rounded before its
// sum (no fused multiply-add), so every path gives the bits of the Go
// loops below. On amd64 with AVX2 they run 8 floats (4 float64 sums) per
// iteration in assembly (modulate_amd64.s); elsewhere, and with the purego
// build tag, the Go loops.

// MulAdd sets y[i] = x[i]·a[i] + b[i] for every i < len(x), the product
// rounded to float32 before the sum. len(y), len(a) and len(b) must be ≥
// len(x); y may be x, a or b.
func MulAdd(y, x, a, b []float32) {
	n := len(x)
	modImpl.mulAdd(y[:n], x, a[:n], b[:n])
}

// MulAddTo adds x[i]·a[i] into y[i] for every i < len(x), the product
// rounded to float32 before the sum. len(y) and len(a) must be ≥ len(x).
func MulAddTo(y, x, a []float32) {
	n := len(x)
	modImpl.mulAddTo(y[:n], x, a[:n])
}

// SumProdTo adds float64(x[i]) into s[i] and float64(x[i])·float64(z[i])
// (exact in float64) into p[i] for every i < len(x): one row's share of a
// shift's and a scale's gradient summed over positions. s may be nil, then
// only p is summed. len(s), len(p) and len(z) must be ≥ len(x).
func SumProdTo(s, p []float64, x, z []float32) {
	n := len(x)
	if s == nil {
		modImpl.prodTo(p[:n], x, z[:n])
		return
	}
	modImpl.sumProdTo(s[:n], p[:n], x, z[:n])
}

// modKernels is one implementation of the modulation kernels, with the
// lengths already checked: every slice as long as x.
type modKernels struct {
	name      string
	mulAdd    func(y, x, a, b []float32)
	mulAddTo  func(y, x, a []float32)
	sumProdTo func(s, p []float64, x, z []float32)
	prodTo    func(p []float64, x, z []float32)
}

// modGeneric is the Go loops: the definition every path equals.
var modGeneric = modKernels{name: "generic", mulAdd: mulAddGo, mulAddTo: mulAddToGo, sumProdTo: sumProdToGo, prodTo: prodToGo}

// modImpl is the implementation the exported functions call
// (modulate_amd64.go, modulate_other.go).
var modImpl = modDispatch()

func mulAddGo(y, x, a, b []float32) {
	for i, v := range x {
		y[i] = v*a[i] + b[i]
	}
}

func mulAddToGo(y, x, a []float32) {
	for i, v := range x {
		y[i] += v * a[i]
	}
}

func sumProdToGo(s, p []float64, x, z []float32) {
	for i, v := range x {
		s[i] += float64(v)
		p[i] += float64(v) * float64(z[i])
	}
}

func prodToGo(p []float64, x, z []float32) {
	for i, v := range x {
		p[i] += float64(v) * float64(z[i])
	}
}
