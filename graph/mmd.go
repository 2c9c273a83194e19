package graph

import (
	"fmt"
	"math"
)

// Kernel is a positive-definite kernel between two vectors, here histograms
// or orbit-count vectors; a shorter vector is padded with zeros to the
// other's length, as GraphRNN's and GDSS's process_tensor does.
type Kernel func(x, y []float64) float64

// GaussianEMD returns the kernel k(x, y) = exp(−W(x, y)² / (2σ²)), where
// W is the earth mover's distance between the histograms x and y with
// ground distance |i − j| / scale between bins i and j (GraphRNN's and
// GDSS's gaussian_emd with distance_scaling = scale). For histograms of
// equal mass W is Σ_i |X_i − Y_i| / scale, X and Y being the cumulative
// sums, which is what pyemd's transport problem comes to in one dimension.
func GaussianEMD(sigma, scale float64) Kernel {
	return func(x, y []float64) float64 {
		n := max(len(x), len(y))
		var cx, cy, w float64
		for i := 0; i < n; i++ {
			cx += at(x, i)
			cy += at(y, i)
			w += math.Abs(cx - cy)
		}
		w /= scale
		return math.Exp(-w * w / (2 * sigma * sigma))
	}
}

// GaussianTV returns the kernel k(x, y) = exp(−TV(x, y)² / (2σ²)) with the
// total variation TV = Σ_i |x_i − y_i| / 2 (gaussian_tv of GDSS and of
// GRAN, Liao et al. 2019).
func GaussianTV(sigma float64) Kernel {
	return func(x, y []float64) float64 {
		n := max(len(x), len(y))
		tv := 0.0
		for i := 0; i < n; i++ {
			tv += math.Abs(at(x, i) - at(y, i))
		}
		tv /= 2
		return math.Exp(-tv * tv / (2 * sigma * sigma))
	}
}

// Gaussian returns the kernel k(x, y) = exp(−‖x − y‖² / (2σ²)) (gaussian of
// GraphRNN and GDSS, which their orbit MMD uses).
func Gaussian(sigma float64) Kernel {
	return func(x, y []float64) float64 {
		n := max(len(x), len(y))
		d2 := 0.0
		for i := 0; i < n; i++ {
			d := at(x, i) - at(y, i)
			d2 += d * d
		}
		return math.Exp(-d2 / (2 * sigma * sigma))
	}
}

func at(x []float64, i int) float64 {
	if i < len(x) {
		return x[i]
	}
	return 0
}

// MMD2 returns the squared maximum mean discrepancy between the samples x
// and y under k (Gretton et al. 2012), in the biased form that GraphRNN and
// GDSS compute (compute_mmd): the means over all pairs, self-pairs
// included,
//
//	MMD² = mean_{i,j} k(x_i, x_j) + mean_{i,j} k(y_i, y_j) − 2 mean_{i,j} k(x_i, y_j).
//
// It is 0 when x and y are the same multiset, and ≥ 0 for a
// positive-definite kernel. Both samples must be non-empty.
func MMD2(x, y [][]float64, k Kernel) (float64, error) {
	if len(x) == 0 || len(y) == 0 {
		return 0, fmt.Errorf("graph: MMD of %d and %d vectors: want both samples non-empty", len(x), len(y))
	}
	return meanKernel(x, x, k) + meanKernel(y, y, k) - 2*meanKernel(x, y, k), nil
}

func meanKernel(x, y [][]float64, k Kernel) float64 {
	s := 0.0
	for _, a := range x {
		for _, b := range y {
			s += k(a, b)
		}
	}
	return s / float64(len(x)*len(y))
}

// normalize returns h divided by its sum (a probability mass function), or
// h itself when the sum is 0.
func normalize(h []float64) []float64 {
	s := 0.0
	for _, v := range h {
		s += v
	}
	if s == 0 {
		return h
	}
	p := make([]float64, len(h))
	for i, v := range h {
		p[i] = v / s
	}
	return p
}
