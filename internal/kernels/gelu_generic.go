package kernels

import "math"

// Constants of GELU: the Chebyshev erfc of Numerical Recipes (§6.2),
// erfc(z) = t·exp(−z² + c0 + t·(c1 + t·(c2 + … + t·c9))), t = 1/(1 + z/2);
// and the cut beyond which Φ(−|x|) < 1e−38 is flushed to 0.
const (
	erfC0      = -1.26551223
	erfC1      = 1.00002368
	erfC2      = 0.37409196
	erfC3      = 0.09678418
	erfC4      = -0.18628806
	erfC5      = 0.27886807
	erfC6      = -1.13520398
	erfC7      = 1.48851587
	erfC8      = -0.82215223
	erfC9      = 0.17087277
	invSqrt2   = 0.70710678118654752
	invSqrt2Pi = 0.39894228040143268 // 1/√(2π)
	geluCut    = 13                  // Φ(−13) ≈ 6e−39
)

// expf2 is e^(s+q) in float32 for an argument given in two parts (s
// holding the large, q the small): expf of act_generic.go, except that the
// reduced argument r = s − n·ln2Hi + q − n·ln2Lo is formed from the parts,
// so that the rounding of s + q (up to 4e−6 near −80) does not reach the
// result. The caller keeps s + q within [expLo, 0].
func expf2(s, q float32) float32 {
	n := float32(math.RoundToEven(float64((s + q) * log2e)))
	r := s - n*ln2Hi // exact: n·ln2Hi has 16 bits, and s is near it
	r += q
	r -= n * ln2Lo
	z := r * r
	p := ((((expP0*r+expP1)*r+expP2)*r+expP3)*r+expP4)*r + expP5
	e := p*z + r + 1
	return math.Float32frombits(math.Float32bits(e) + uint32(int32(n))<<23)
}

// square returns hi + lo = x² exactly: hi the float32 product, lo its
// rounding error.
func square(x float32) (hi, lo float32) {
	hi = x * x
	return hi, float32(float64(x)*float64(x) - float64(hi)) // x² is exact in float64
}

// normCDFf is Φ(x) in float32, the algorithm gelu_amd64.s runs 8 lanes at
// a time: r = erfc(|x|/√2)/2 = Φ(−|x|) = t·e^(P(t) − x²/2)/2, with x²
// split exactly in two parts for the exponential, and r = 0 where
// |x| > 13; Φ = r for x < 0 (sign bit set, so −0 too), 1 − r otherwise.
func normCDFf(x float32) float32 {
	ax := float32(math.Abs(float64(x)))
	var r float32
	if !(ax > geluCut) { // NaN too: it propagates
		a := ax * invSqrt2
		t := 1 / (1 + 0.5*a)
		p := float32(erfC9)
		p = p*t + erfC8
		p = p*t + erfC7
		p = p*t + erfC6
		p = p*t + erfC5
		p = p*t + erfC4
		p = p*t + erfC3
		p = p*t + erfC2
		p = p*t + erfC1
		p = p*t + erfC0
		hi, lo := square(x)
		r = 0.5 * t * expf2(-0.5*hi, p-0.5*lo)
	}
	if math.Signbit(float64(x)) {
		return r
	}
	return 1 - r
}

// geluGeneric is GELU in Go.
func geluGeneric(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v * normCDFf(v)
	}
}

// geluGradGeneric is GELUGrad in Go.
func geluGradGeneric(dx, dy, x []float32) {
	dx, x = dx[:len(dy)], x[:len(dy)]
	for i, g := range dy {
		v := x[i]
		var xpdf float32 // x·φ(x), flushed where |x| > 13
		if !(float32(math.Abs(float64(v))) > geluCut) {
			hi, lo := square(v)
			xpdf = v * (invSqrt2Pi * expf2(-0.5*hi, -0.5*lo))
		}
		dx[i] += g * (normCDFf(v) + xpdf)
	}
}
