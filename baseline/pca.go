package baseline

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// PCA is a principal-component model of flattened images: the mean and the
// K leading eigenvectors of the sample covariance. Its reconstruction
// error ‖(I − PᵀP)(x − μ)‖²/D is a classical anomaly score: images unlike
// the training data lie off the principal subspace.
type PCA struct {
	Mean       []float32 // μ: (D)
	Components []float32 // P: (K, D), orthonormal rows, by decreasing variance
	Variances  []float64 // eigenvalues of the covariance: (K)
	D, K       int       // features per row and number of components
}

// FitPCA fits k components to x: (N, …), flattened to (N, D). The
// covariance XcᵀXc/(N−1) is formed with the GEMM kernel and diagonalised
// with gonum's symmetric eigensolver, so D should stay in the low
// thousands (784 for Fashion-MNIST takes well under a second).
func FitPCA(x *tensor.Tensor, k int) (*PCA, error) {
	n, d, err := rows("FitPCA", "x", x)
	if err != nil {
		return nil, err
	}
	if k < 1 || k > d || n < 2 {
		return nil, fmt.Errorf("baseline: FitPCA: k %d with N %d, D %d: want 1 ≤ k ≤ D and N ≥ 2", k, n, d)
	}
	mean := make([]float32, d)
	sums := make([]float64, d)
	for r := range n {
		for j, v := range x.Data[r*d : (r+1)*d] {
			sums[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] = float32(sums[j] / float64(n))
	}
	xc := centred(x.Data, mean, n, d)
	cov := make([]float32, d*d)
	kernels.Gemm(true, false, d, d, n, 1/float32(n-1), xc, d, xc, d, 0, cov, d) // Xcᵀ·Xc/(N−1)
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, 0.5*float64(cov[i*d+j]+cov[j*d+i]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return nil, fmt.Errorf("baseline: FitPCA: eigendecomposition of the %d×%d covariance did not converge", d, d)
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	p := &PCA{Mean: mean, Components: make([]float32, k*d), Variances: make([]float64, k), D: d, K: k}
	for c := range k {
		col := d - 1 - c
		p.Variances[c] = vals[col]
		for j := range d {
			p.Components[c*d+j] = float32(vecs.At(j, col))
		}
	}
	return p, nil
}

// centred returns the rows of data minus mean: (n, d).
func centred(data, mean []float32, n, d int) []float32 {
	xc := make([]float32, n*d)
	parallel.For(n, 64, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			for j := range d {
				xc[r*d+j] = data[r*d+j] - mean[j]
			}
		}
	})
	return xc
}

// ReconstructionError returns, for each row of x: (N, …) with D features,
// the mean squared error of its projection onto the principal subspace,
// ‖xc − PᵀP·xc‖²/D with xc = x − μ.
func (p *PCA) ReconstructionError(x *tensor.Tensor) ([]float64, error) {
	n, d, err := rows("PCA.ReconstructionError", "x", x)
	if err != nil {
		return nil, err
	}
	if d != p.D {
		return nil, fmt.Errorf("baseline: PCA.ReconstructionError: x has %d features per row, the model %d", d, p.D)
	}
	xc := centred(x.Data, p.Mean, n, d)
	z := make([]float32, n*p.K)
	kernels.Gemm(false, true, n, p.K, d, 1, xc, d, p.Components, d, 0, z, p.K)   // Z = Xc·Pᵀ
	kernels.Gemm(false, false, n, d, p.K, -1, z, p.K, p.Components, d, 1, xc, d) // Xc −= Z·P
	out := make([]float64, n)
	for r := range n {
		s := 0.0
		for _, v := range xc[r*d : (r+1)*d] {
			s += float64(v) * float64(v)
		}
		out[r] = s / float64(d)
	}
	return out, nil
}
