package schedule

import "math"

// KarrasSigmas returns the n noise levels of Karras et al. (2022, eq. 5),
//
//	σ_i = (σ_max^(1/ρ) + i/(n−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ,  i = 0 … n−1,
//
// descending from sigmaMax to sigmaMin, followed by σ_n = 0: n+1 values in
// all. ρ = 7 in the paper. With n = 1 it returns [sigmaMax, 0]; with n < 1, nil.
func KarrasSigmas(n int, sigmaMin, sigmaMax, rho float64) []float64 {
	if n < 1 {
		return nil
	}
	out := make([]float64, n+1)
	if n == 1 {
		out[0] = sigmaMax
		return out
	}
	lo, hi := math.Pow(sigmaMin, 1/rho), math.Pow(sigmaMax, 1/rho)
	for i := range n {
		out[i] = math.Pow(hi+float64(i)/float64(n-1)*(lo-hi), rho)
	}
	out[0], out[n-1] = sigmaMax, sigmaMin // exact ends despite pow rounding
	return out
}
