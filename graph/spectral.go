package graph

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Spectrum returns the eigenvalues, in increasing order, of g's normalised
// Laplacian L = D^{−1/2} (D − A) D^{−1/2} (Chung 1997), with the row and
// column of an isolated node left zero as networkx's
// normalized_laplacian_matrix leaves them; they lie in [0, 2]. Edge types
// are ignored.
func Spectrum(g *Graph) []float64 {
	n := g.n
	if n == 0 {
		return nil
	}
	inv := make([]float64, n) // D^{−1/2}, 0 for isolated nodes
	for i := range inv {
		if d := g.Degree(i); d > 0 {
			inv[i] = 1 / math.Sqrt(float64(d))
		}
	}
	l := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		if inv[i] > 0 {
			l.SetSym(i, i, 1)
		}
		for j := i + 1; j < n; j++ {
			if g.Has(i, j) {
				l.SetSym(i, j, -inv[i]*inv[j])
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(l, false) {
		return nil // gonum's symmetric eigensolver does not fail on finite input
	}
	return eig.Values(nil)
}

// SpectralBins is the number of bins of the spectral histogram on
// [−1e−5, 2] that GDSS's spectral MMD uses.
const SpectralBins = 200

// SpectralHistogram counts the eigenvalues of g's normalised Laplacian in
// SpectralBins equal bins on [−1e−5, 2], as GDSS's spectral_worker does
// with numpy.histogram. An eigenvalue that rounding puts just above 2 (a
// bipartite component has the eigenvalue 2 exactly) is counted in the last
// bin, where numpy would drop it: which side of 2 it lands on is the
// eigensolver's rounding, not the graph.
func SpectralHistogram(g *Graph) []float64 {
	const lo, hi = -1e-5, 2.0
	h := make([]float64, SpectralBins)
	step := (hi - lo) / SpectralBins
	edge := func(k int) float64 {
		if k == SpectralBins {
			return hi
		}
		return float64(k)*step + lo
	}
	for _, v := range Spectrum(g) {
		v = min(max(v, lo), hi)
		k := int((v - lo) / (hi - lo) * SpectralBins)
		if k == SpectralBins {
			k--
		}
		if v < edge(k) {
			k--
		} else if k != SpectralBins-1 && v >= edge(k+1) {
			k++
		}
		h[k]++
	}
	return h
}
