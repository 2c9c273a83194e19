// Package stattest holds the goodness-of-fit statistics the samplers'
// tests check their draws with against a known distribution: Pearson's
// χ² statistic and an upper quantile of the χ² distribution.
package stattest

import "math"

// ChiSquare is Pearson's statistic Σ (counts_k − n·p_k)²/(n·p_k) of the
// counts of n draws against the probabilities p (over the same cells),
// with its degrees of freedom: the cells of positive probability, less
// one. Cells of probability zero are left out.
func ChiSquare(counts []int, p []float64) (chi2 float64, dof int) {
	n := 0
	for _, c := range counts {
		n += c
	}
	for k, pk := range p {
		if pk == 0 {
			continue
		}
		e := float64(n) * pk
		d := float64(counts[k]) - e
		chi2 += d * d / e
		dof++
	}
	return chi2, dof - 1
}

// ChiSquareQuantile is the upper quantile of χ²(dof) at a standard normal
// quantile z, by the Wilson–Hilferty cube-root approximation (Wilson and
// Hilferty 1931): χ² ≈ k·(1 − 2/(9k) + z·√(2/(9k)))³, accurate within
// 1% for dof ≥ 10 at the quantiles tests use (0.6% at χ²(10), 0.999).
func ChiSquareQuantile(dof int, z float64) float64 {
	k := float64(dof)
	a := 2 / (9 * k)
	return k * math.Pow(1-a+z*math.Sqrt(a), 3)
}
