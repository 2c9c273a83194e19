package oracle

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// LogDensity returns log p_σ(x) for each row of x: (N, D), where
// p_σ = N(μ, Σ + σ²I) is the data convolved with the noise at level sigma
// (sigma = 0 is the data density itself, which needs Σ positive definite).
// The values are in nats, computed in float64 through a Cholesky factor.
func (g *Gaussian) LogDensity(x *tensor.Tensor, sigma float64) ([]float64, error) {
	dim := len(g.Mean)
	if x.Rank() != 2 || x.Dim(1) != dim {
		return nil, fmt.Errorf("oracle: gaussian: x: want (N, %d), got %s", dim, tensor.FormatShape(x.Shape))
	}
	a := make([][]float64, dim)
	for i := range a {
		a[i] = append([]float64(nil), g.Cov[i]...)
		a[i][i] += sigma * sigma
	}
	l, err := cholesky(a)
	if err != nil {
		return nil, fmt.Errorf("oracle: gaussian at sigma %g: %w", sigma, err)
	}
	logDet := 0.0
	for i := range dim {
		logDet += 2 * math.Log(l[i][i])
	}
	out := make([]float64, x.Dim(0))
	z := make([]float64, dim)
	for n := range out {
		row := x.Data[n*dim : (n+1)*dim]
		// solve L·z = x − μ; the Mahalanobis distance is ‖z‖²
		m := 0.0
		for i := range dim {
			v := float64(row[i]) - g.Mean[i]
			for j := range i {
				v -= l[i][j] * z[j]
			}
			z[i] = v / l[i][i]
			m += z[i] * z[i]
		}
		out[n] = -0.5 * (m + logDet + float64(dim)*math.Log(2*math.Pi))
	}
	return out, nil
}

// Sample draws n points x0: (n, D) from N(μ, Σ), as μ + L·z with Σ = L·Lᵀ.
func (g *Gaussian) Sample(rng *tensor.RNG, n int) (*tensor.Tensor, error) {
	dim := len(g.Mean)
	a := make([][]float64, dim)
	for i := range a {
		a[i] = append([]float64(nil), g.Cov[i]...)
	}
	l, err := cholesky(a)
	if err != nil {
		return nil, fmt.Errorf("oracle: gaussian: %w", err)
	}
	out := tensor.New(n, dim)
	z := make([]float64, dim)
	for r := range n {
		for i := range z {
			z[i] = rng.Normal()
		}
		for i := range dim {
			v := g.Mean[i]
			for j := range i + 1 {
				v += l[i][j] * z[j]
			}
			out.Data[r*dim+i] = float32(v)
		}
	}
	return out, nil
}

// LogDensity returns log p_σ(x) for each row of x: (N, D), where
// p_σ = Σ_k W_k·N(μ_k, (s_k² + σ²)I), in nats (log-sum-exp in float64).
func (m *Mixture) LogDensity(x *tensor.Tensor, sigma float64) ([]float64, error) {
	k := len(m.Weights)
	if k == 0 || len(m.Means) != k || len(m.Stds) != k {
		return nil, fmt.Errorf("oracle: mixture: want as many weights, means and stds, got %d, %d, %d", k, len(m.Means), len(m.Stds))
	}
	dim := len(m.Means[0])
	if x.Rank() != 2 || x.Dim(1) != dim {
		return nil, fmt.Errorf("oracle: mixture: x: want (N, %d), got %s", dim, tensor.FormatShape(x.Shape))
	}
	out := make([]float64, x.Dim(0))
	terms := make([]float64, k)
	for n := range out {
		row := x.Data[n*dim : (n+1)*dim]
		best := math.Inf(-1)
		for c := range k {
			v := m.Stds[c]*m.Stds[c] + sigma*sigma
			d2 := 0.0
			for i, xi := range row {
				e := float64(xi) - m.Means[c][i]
				d2 += e * e
			}
			terms[c] = math.Log(m.Weights[c]) - 0.5*d2/v - 0.5*float64(dim)*math.Log(2*math.Pi*v)
			best = max(best, terms[c])
		}
		sum := 0.0
		for _, t := range terms {
			sum += math.Exp(t - best)
		}
		out[n] = best + math.Log(sum)
	}
	return out, nil
}

// Sample draws n points x0: (n, D) from the mixture: a component by its
// weight, then a point from that component.
func (m *Mixture) Sample(rng *tensor.RNG, n int) *tensor.Tensor {
	dim := len(m.Means[0])
	out := tensor.New(n, dim)
	for r := range n {
		u, c := rng.Uniform(), 0
		for c < len(m.Weights)-1 && u >= m.Weights[c] {
			u -= m.Weights[c]
			c++
		}
		for i := range dim {
			out.Data[r*dim+i] = float32(m.Means[c][i] + m.Stds[c]*rng.Normal())
		}
	}
	return out
}

// cholesky returns the lower-triangular L with a = L·Lᵀ.
func cholesky(a [][]float64) ([][]float64, error) {
	n := len(a)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
	}
	for i := range n {
		for j := range i + 1 {
			s := a[i][j]
			for k := range j {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				if !(s > 0) {
					return nil, fmt.Errorf("covariance not positive definite (pivot %d is %g)", i, s)
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	return l, nil
}
