package oracle

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Mixture is data x0 ~ Σ_k W_k·N(Means_k, Stds_k²·I), an isotropic Gaussian
// mixture in D dimensions. Its exact denoiser weights each component's
// Gaussian denoiser by the posterior responsibility
//
//	r_k(x) ∝ W_k·N(x; μ_k, (s_k² + σ²)I),
//	E[x0 | x] = Σ_k r_k(x)·(μ_k + s_k²/(s_k² + σ²)·(x − μ_k)).
type Mixture struct {
	Weights []float64   // W_k, summing to 1
	Means   [][]float64 // μ_k: (K, D)
	Stds    []float64   // s_k
}

// Denoise returns E[x0 | x] for x: (N, D) at noise level sigma. The
// responsibilities are computed with log-sum-exp in float64.
func (m *Mixture) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	k := len(m.Weights)
	if k == 0 || len(m.Means) != k || len(m.Stds) != k {
		return nil, fmt.Errorf("oracle: mixture: want as many weights, means and stds, got %d, %d, %d", k, len(m.Means), len(m.Stds))
	}
	dim := len(m.Means[0])
	if x.Rank() != 2 || x.Dim(1) != dim {
		return nil, fmt.Errorf("oracle: mixture: x: want (N, %d), got %s", dim, tensor.FormatShape(x.Shape))
	}
	out := tensor.New(x.Shape...)
	logr := make([]float64, k)
	for n := range x.Dim(0) {
		row := x.Data[n*dim : (n+1)*dim]
		r := m.Responsibilities(row, sigma, logr)
		for i := range dim {
			v := 0.0
			for c := range k {
				s2 := m.Stds[c] * m.Stds[c]
				v += r[c] * (m.Means[c][i] + s2/(s2+sigma*sigma)*(float64(row[i])-m.Means[c][i]))
			}
			out.Data[n*dim+i] = float32(v)
		}
	}
	return out, nil
}

// Responsibilities returns r_k(x) = p(k | x) for one point x: (D) at noise
// level sigma, writing into buf (len K) when it is big enough.
func (m *Mixture) Responsibilities(x []float32, sigma float64, buf []float64) []float64 {
	k := len(m.Weights)
	if len(buf) < k {
		buf = make([]float64, k)
	}
	buf = buf[:k]
	best := math.Inf(-1)
	for c := range k {
		v := m.Stds[c]*m.Stds[c] + sigma*sigma
		d2 := 0.0
		for i, xi := range x {
			e := float64(xi) - m.Means[c][i]
			d2 += e * e
		}
		buf[c] = math.Log(m.Weights[c]) - 0.5*d2/v - 0.5*float64(len(x))*math.Log(v)
		best = max(best, buf[c])
	}
	sum := 0.0
	for c := range buf {
		buf[c] = math.Exp(buf[c] - best)
		sum += buf[c]
	}
	for c := range buf {
		buf[c] /= sum
	}
	return buf
}
