package kernels

import "math"

// AdamStep holds the scalars of one AdamW update, rounded to float32
// as PyTorch rounds them (optim.Adam computes them in float64).
type AdamStep struct {
	Decay    float32 // p is first scaled by Decay = 1 − lr·wd (1: no decoupled decay)
	W1       float32 // 1 − β1, the weight of the gradient in the first moment; |W1| < 0.5
	B2, W2   float32 // β2 and 1 − β2
	BC2Sqrt  float32 // √(1 − β2ᵗ)
	Eps      float32 // ε
	StepSize float32 // lr / (1 − β1ᵗ)
}

// AdamW applies one AdamW update to parameters p with gradients g and
// moments m and v (all of one length), element by element:
//
//	p ← p·Decay;  m ← m + W1·(g − m);  v ← v·B2 + (W2·g)·g
//	p ← p + (−StepSize)·(m / (√v / BC2Sqrt + Eps))
//
// with every operation rounded to float32 in that order (no fused
// multiply-adds), so every path gives the same bits as the Go loop. On
// amd64 with AVX2 it runs 8 lanes at a time (adam_amd64.s).
func AdamW(p, g, m, v []float32, s AdamStep) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	adamImpl(p, g, m, v, s)
}

// adamGeneric is AdamW's defining loop.
func adamGeneric(p, g, m, v []float32, s AdamStep) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for j, pj := range p {
		gj := g[j]
		pj *= s.Decay
		mj := m[j] + s.W1*(gj-m[j])
		vj := v[j] * s.B2
		vj += s.W2 * gj * gj
		denom := float32(math.Sqrt(float64(vj)))/s.BC2Sqrt + s.Eps
		p[j] = pj + -s.StepSize*(mj/denom)
		m[j], v[j] = mj, vj
	}
}

// adamPath names one AdamW implementation, so that tests can run each.
type adamPath struct {
	name string
	fn   func(p, g, m, v []float32, s AdamStep)
}
