package metrics

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// SlicedWasserstein returns the sliced Wasserstein-1 distance between the
// point sets a: (N, D) and b: (M, D) (Rabin et al. 2011; Bonneel et al.
// 2015): the mean over `directions` random unit vectors θ, drawn uniformly
// from the sphere S^{D−1} with rng, of the exact 1-D Wasserstein-1
// distance between the projections a·θ and b·θ,
//
//	SW₁(a, b) = E_θ W₁(θ♯a, θ♯b),  W₁(μ, ν) = ∫ |F_μ(t) − F_ν(t)| dt,
//
// computed by sorting (O((N+M)·log(N+M)) per direction); N and M may
// differ. It is in the data's units: translating b by a vector c gives
// |c|·E|cos∠(θ, c)|, which is (2/π)·|c| in two dimensions. The same rng
// seed gives the same directions, so sets compared under one seed share
// them. The sums are in float64.
func SlicedWasserstein(a, b *tensor.Tensor, directions int, rng *tensor.RNG) (float64, error) {
	if a.Rank() != 2 || b.Rank() != 2 {
		return 0, fmt.Errorf("sliced wasserstein: want point sets (N, D), got %s and %s",
			tensor.FormatShape(a.Shape), tensor.FormatShape(b.Shape))
	}
	d := a.Dim(1)
	if b.Dim(1) != d {
		return 0, fmt.Errorf("sliced wasserstein: dimensions differ: %s and %s",
			tensor.FormatShape(a.Shape), tensor.FormatShape(b.Shape))
	}
	if a.Dim(0) == 0 || b.Dim(0) == 0 || d == 0 {
		return 0, fmt.Errorf("sliced wasserstein: empty point set: %s and %s",
			tensor.FormatShape(a.Shape), tensor.FormatShape(b.Shape))
	}
	if directions < 1 {
		return 0, fmt.Errorf("sliced wasserstein: want at least 1 direction, got %d", directions)
	}
	theta := make([]float64, d)
	pa := make([]float64, a.Dim(0))
	pb := make([]float64, b.Dim(0))
	var sum float64
	for range directions {
		randomDirection(theta, rng)
		project(pa, a, theta)
		project(pb, b, theta)
		sum += Wasserstein1D(pa, pb)
	}
	return sum / float64(directions), nil
}

// randomDirection fills theta with a uniform unit vector: a normalised
// standard normal draw (redrawn in the near-impossible case of norm 0).
func randomDirection(theta []float64, rng *tensor.RNG) {
	for {
		var n2 float64
		for i := range theta {
			theta[i] = rng.Normal()
			n2 += theta[i] * theta[i]
		}
		if n2 > 1e-300 {
			inv := 1 / math.Sqrt(n2)
			for i := range theta {
				theta[i] *= inv
			}
			return
		}
	}
}

// project sets p[i] = x[i]·θ for the rows of x: (N, D).
func project(p []float64, x *tensor.Tensor, theta []float64) {
	d := len(theta)
	for i := range p {
		row := x.Data[i*d : (i+1)*d]
		var s float64
		for j, v := range row {
			s += float64(v) * theta[j]
		}
		p[i] = s
	}
}

// Wasserstein1D returns the Wasserstein-1 distance between the empirical
// distributions of u and v (equal weights within each, any lengths ≥ 1):
// ∫ |F_u(t) − F_v(t)| dt, the area between the two step CDFs, as
// scipy.stats.wasserstein_distance. It sorts u and v in place. For equal
// lengths it equals the mean of |u₍ᵢ₎ − v₍ᵢ₎| over the sorted pairs.
func Wasserstein1D(u, v []float64) float64 {
	slices.Sort(u)
	slices.Sort(v)
	nu, nv := float64(len(u)), float64(len(v))
	var (
		i, j  int     // next unvisited element of u and v
		prev  float64 // last breakpoint
		total float64
	)
	// Walk the merged breakpoints; between two of them both CDFs are flat.
	for i < len(u) || j < len(v) {
		var t float64
		if j >= len(v) || (i < len(u) && u[i] <= v[j]) {
			t = u[i]
		} else {
			t = v[j]
		}
		if i > 0 || j > 0 {
			total += math.Abs(float64(i)/nu-float64(j)/nv) * (t - prev)
		}
		for i < len(u) && u[i] == t {
			i++
		}
		for j < len(v) && v[j] == t {
			j++
		}
		prev = t
	}
	return total
}
