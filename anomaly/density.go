package anomaly

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Gaussian is a normal density N(μ, Σ) fitted to feature vectors of
// normal data, scored by the squared Mahalanobis distance
// (x − μ)ᵀ Σ⁻¹ (x − μ): the density model of Mahalanobis scoring (Lee et
// al. 2018), here on the features the denoiser gives (Features).
type Gaussian struct {
	Mean      []float64
	Shrinkage float64 // the Ledoit–Wolf weight of the scaled identity in Σ
	chol      mat.Cholesky
}

// FitGaussian fits a Gaussian to rows (n vectors of one length d ≥ 1,
// n ≥ 2). Σ is the Ledoit–Wolf (2004) shrinkage estimate
// (1 − ρ)·S + ρ·(tr S/d)·I with S the sample covariance (divided by n)
// and ρ the estimated optimal weight (at least 10⁻⁶), so Σ is invertible
// even for n ≤ d and no weight is tuned by hand. Non-finite values are refused.
func FitGaussian(rows [][]float64) (*Gaussian, error) {
	n := len(rows)
	if n < 2 {
		return nil, fmt.Errorf("anomaly: fit gaussian: %d vectors, want at least 2", n)
	}
	d := len(rows[0])
	if d == 0 {
		return nil, fmt.Errorf("anomaly: fit gaussian: empty vectors")
	}
	mean := make([]float64, d)
	for i, r := range rows {
		if len(r) != d {
			return nil, fmt.Errorf("anomaly: fit gaussian: vector %d has %d values, vector 0 has %d", i, len(r), d)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("anomaly: fit gaussian: vector %d, value %d is %v: want a finite number", i, j, v)
			}
			mean[j] += v / float64(n)
		}
	}
	xc := mat.NewDense(n, d, nil)
	sumSq2 := 0.0 // Σ_i ‖x_i‖⁴
	for i, r := range rows {
		s := 0.0
		for j, v := range r {
			c := v - mean[j]
			xc.Set(i, j, c)
			s += c * c
		}
		sumSq2 += s * s
	}
	var S mat.SymDense
	S.SymOuterK(1/float64(n), xc.T()) // S = XᵀX/n
	mu, normS := 0.0, 0.0
	for j := range d {
		mu += S.At(j, j) / float64(d)
		for k := range d {
			normS += S.At(j, k) * S.At(j, k)
		}
	}
	// δ = ‖S − μI‖²_F/d, β = (1/n²)·Σ_i ‖x_i x_iᵀ − S‖²_F/d, ρ = min(β, δ)/δ.
	delta := (normS - float64(d)*mu*mu) / float64(d)
	beta := (sumSq2 - float64(n)*normS) / (float64(n) * float64(n)) / float64(d)
	rho := 1.0
	if delta > 0 {
		rho = min(max(beta, 0), delta) / delta
	}
	// With few vectors β can come out ≤ 0 and leave Σ = S singular; a
	// floor of 10⁻⁶ on ρ keeps it invertible and changes nothing else.
	rho = max(rho, 1e-6)
	if mu <= 0 {
		mu = 1 // every vector equal: the identity keeps Σ invertible
		rho = 1
	}
	sigma := mat.NewSymDense(d, nil)
	for j := range d {
		for k := j; k < d; k++ {
			v := (1 - rho) * S.At(j, k)
			if j == k {
				v += rho * mu
			}
			sigma.SetSym(j, k, v)
		}
	}
	g := &Gaussian{Mean: mean, Shrinkage: rho}
	if !g.chol.Factorize(sigma) {
		return nil, fmt.Errorf("anomaly: fit gaussian: the covariance of %d vectors of %d values is not positive definite", n, d)
	}
	return g, nil
}

// Mahalanobis returns (x − μ)ᵀ Σ⁻¹ (x − μ); x must have the length of
// the fitted vectors.
func (g *Gaussian) Mahalanobis(x []float64) (float64, error) {
	if len(x) != len(g.Mean) {
		return 0, fmt.Errorf("anomaly: mahalanobis: vector of %d values, the gaussian has %d", len(x), len(g.Mean))
	}
	diff := mat.NewVecDense(len(x), nil)
	for j, v := range x {
		diff.SetVec(j, v-g.Mean[j])
	}
	var sol mat.VecDense
	if err := g.chol.SolveVecTo(&sol, diff); err != nil {
		return 0, fmt.Errorf("anomaly: mahalanobis: %w", err)
	}
	return mat.Dot(diff, &sol), nil
}
