// Package oracle holds exact optimal denoisers for known data distributions,
// used to test samplers without a trained model.
//
// Data are batches x: (N, D). Noise follows the variance-exploding convention
// x = x0 + σ·ε, ε ~ N(0, I) (Karras et al. 2022), and each oracle returns the
// minimum-mean-squared-error denoiser E[x0 | x] in closed form:
//
//	g := oracle.NewDiagGaussian([]float64{1, -1}, []float64{0.25, 4})
//	x0, _ := g.Denoise(x, 2.5) // x: (N, 2)
//
// A sampler driven by an oracle should reproduce the data distribution up to
// its discretisation error and the sampling noise of the batch. Each oracle
// also gives the exact log-density of the noised data, log p_σ(x)
// (LogDensity, in nats), against which likelihood estimators are checked,
// and draws data points (Sample).
//
// For discrete diffusion, Sequences is a tabulated distribution over short
// token sequences with the exact denoiser of masked (absorbing-state)
// diffusion: the posterior marginals of every position given the unmasked
// tokens, as log-probabilities.
package oracle

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Gaussian is data x0 ~ N(Mean, Cov) in D dimensions. Its exact denoiser is
// E[x0 | x] = μ + Σ(Σ + σ²I)⁻¹(x − μ) (Gaussian conditioning; Karras et
// al. 2022, appendix B.3 uses the same closed form).
type Gaussian struct {
	Mean []float64   // μ: (D)
	Cov  [][]float64 // Σ: (D, D), symmetric positive semi-definite
}

// NewDiagGaussian returns N(mean, diag(variance)).
func NewDiagGaussian(mean, variance []float64) *Gaussian {
	cov := make([][]float64, len(mean))
	for i := range cov {
		cov[i] = make([]float64, len(mean))
		cov[i][i] = variance[i]
	}
	return &Gaussian{Mean: mean, Cov: cov}
}

// Denoise returns E[x0 | x] for x: (N, D) at noise level sigma.
func (g *Gaussian) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	dim := len(g.Mean)
	if x.Rank() != 2 || x.Dim(1) != dim {
		return nil, fmt.Errorf("oracle: gaussian: x: want (N, %d), got %s", dim, tensor.FormatShape(x.Shape))
	}
	// gain = Σ(Σ+σ²I)⁻¹ = I − σ²(Σ+σ²I)⁻¹
	a := make([][]float64, dim)
	for i := range a {
		a[i] = append([]float64(nil), g.Cov[i]...)
		a[i][i] += sigma * sigma
	}
	inv, err := invert(a)
	if err != nil {
		return nil, fmt.Errorf("oracle: gaussian at sigma %g: %w", sigma, err)
	}
	gain := make([][]float64, dim)
	for i := range gain {
		gain[i] = make([]float64, dim)
		for j := range gain[i] {
			gain[i][j] = -sigma * sigma * inv[i][j]
		}
		gain[i][i]++
	}
	out := tensor.New(x.Shape...)
	c := make([]float64, dim)
	for n := range x.Dim(0) {
		row := x.Data[n*dim : (n+1)*dim]
		for j := range c {
			c[j] = float64(row[j]) - g.Mean[j]
		}
		for i := range dim {
			v := g.Mean[i]
			for j := range dim {
				v += gain[i][j] * c[j]
			}
			out.Data[n*dim+i] = float32(v)
		}
	}
	return out, nil
}

// invert returns a⁻¹ by Gauss–Jordan elimination with partial pivoting; a
// is overwritten.
func invert(a [][]float64) ([][]float64, error) {
	n := len(a)
	inv := make([][]float64, n)
	for i := range inv {
		inv[i] = make([]float64, n)
		inv[i][i] = 1
	}
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if a[p][col] == 0 {
			return nil, fmt.Errorf("singular covariance")
		}
		a[col], a[p] = a[p], a[col]
		inv[col], inv[p] = inv[p], inv[col]
		s := 1 / a[col][col]
		for j := range n {
			a[col][j] *= s
			inv[col][j] *= s
		}
		for r := range n {
			if r == col || a[r][col] == 0 {
				continue
			}
			f := a[r][col]
			for j := range n {
				a[r][j] -= f * a[col][j]
				inv[r][j] -= f * inv[col][j]
			}
		}
	}
	return inv, nil
}
