package kernels

import "math"

// GELU sets y[i] = x[i]·Φ(x[i]) for every i < len(x), the exact GELU
// (Hendrycks & Gimpel 2016) with Φ the standard normal CDF,
// Φ(x) = erfc(−x/√2)/2, in float64 (math.Erfc) and rounded once to
// float32. len(y) must be ≥ len(x); y and x may be the same slice. NaN
// gives NaN, +Inf gives +Inf and −Inf gives NaN (−∞·0), as the formula.
func GELU(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(float64(v) * normCDF(float64(v)))
	}
}

// GELUGrad adds dy[i]·GELU'(x[i]) into dx[i] for every i < len(dy), where
// GELU'(x) = Φ(x) + x·φ(x) and φ(x) = exp(−x²/2)/√(2π). y must hold
// GELU(x): Φ(x) is taken as y/x (exact to float32 rounding), so each
// element costs one exp instead of an erfc and an exp; near x = 0, and
// where x·Φ(x) underflowed to 0, Φ is computed. len(dx), len(x), len(y)
// must be ≥ len(dy).
func GELUGrad(dx, dy, x, y []float32) {
	n := len(dy)
	dx, x, y = dx[:n], x[:n], y[:n]
	const invSqrt2Pi = 0.3989422804014327 // 1/√(2π)
	for i, g := range dy {
		xi := float64(x[i])
		var cdf float64
		if math.Abs(xi) > 1e-3 && y[i] != 0 {
			cdf = float64(y[i]) / xi
		} else {
			cdf = normCDF(xi)
		}
		dx[i] += g * float32(cdf+xi*invSqrt2Pi*math.Exp(-0.5*xi*xi))
	}
}

// normCDF is Φ(x) = erfc(−x/√2)/2.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
