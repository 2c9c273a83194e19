package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/diffusego/diffusego/tensor"
)

// Stats is a Gaussian fitted to a set of feature vectors: the mean and
// the covariance, estimated with the n−1 denominator (numpy.cov's
// default, as pytorch-fid uses). Real-data statistics can be computed once
// and reused across evaluations.
type Stats struct {
	N    int           // number of vectors the statistics came from
	Mean []float64     // (D)
	Cov  *mat.SymDense // (D, D)
}

// NewStats fits Stats to feats: (N, D), one vector per row, N ≥ 2.
func NewStats(feats *tensor.Tensor) (Stats, error) {
	n, d, err := rows("NewStats", feats, 2)
	if err != nil {
		return Stats{}, err
	}
	mean := make([]float64, d)
	for i := range n {
		for j, v := range feats.Data[i*d : (i+1)*d] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	centred := mat.NewDense(n, d, nil) // (N, D)
	for i := range n {
		for j, v := range feats.Data[i*d : (i+1)*d] {
			centred.Set(i, j, float64(v)-mean[j])
		}
	}
	cov := mat.NewSymDense(d, nil)
	cov.SymOuterK(1/float64(n-1), centred.T()) // Xcᵀ·Xc / (N−1)
	return Stats{N: n, Mean: mean, Cov: cov}, nil
}

// FrechetDistance is the Fréchet (2-Wasserstein) distance between Gaussians
// fitted to x: (N, D) and y: (M, D),
//
//	‖μx − μy‖² + tr Σx + tr Σy − 2·tr (Σx^½ Σy Σx^½)^½
//
// (Dowson and Landau 1982; FID of Heusel et al. 2017 when the features
// are Inception's). It is biased upward at small N: compare scores only
// at equal sample counts, and beside Floor.
func FrechetDistance(x, y *tensor.Tensor) (float64, error) {
	sx, err := NewStats(x)
	if err != nil {
		return 0, err
	}
	sy, err := NewStats(y)
	if err != nil {
		return 0, err
	}
	return FrechetStats(sx, sy)
}

// FrechetStats is FrechetDistance between two fitted Gaussians. The trace
// term uses that Σa^½ Σb Σa^½ is symmetric positive semi-definite and
// shares its eigenvalues with Σa·Σb, so tr (Σa Σb)^½ is the sum of the
// square roots of its eigenvalues from a symmetric eigendecomposition;
// eigenvalues that rounding makes slightly negative count as zero.
func FrechetStats(a, b Stats) (float64, error) {
	if a.Cov == nil || b.Cov == nil || len(a.Mean) != len(b.Mean) || a.Cov.SymmetricDim() != len(a.Mean) || b.Cov.SymmetricDim() != len(b.Mean) {
		return 0, fmt.Errorf("metrics: FrechetStats: feature sizes differ or statistics are incomplete (means %d and %d)", len(a.Mean), len(b.Mean))
	}
	d := len(a.Mean)
	var dist float64
	for j := range d {
		diff := a.Mean[j] - b.Mean[j]
		dist += diff * diff
	}
	for j := range d {
		dist += a.Cov.At(j, j) + b.Cov.At(j, j)
	}
	rootA, err := sqrtPSD(a.Cov)
	if err != nil {
		return 0, err
	}
	var tmp, prod mat.Dense
	tmp.Mul(rootA, b.Cov)
	prod.Mul(&tmp, rootA) // Σa^½ Σb Σa^½
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (prod.At(i, j)+prod.At(j, i))/2) // remove rounding asymmetry
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return 0, fmt.Errorf("metrics: FrechetStats: eigendecomposition of a %d×%d matrix did not converge", d, d)
	}
	var trRoot float64
	for _, l := range eig.Values(nil) {
		trRoot += math.Sqrt(max(l, 0))
	}
	return dist - 2*trRoot, nil
}

// sqrtPSD is the symmetric square root V·diag(√λ)·Vᵀ of a positive
// semi-definite matrix, with negative rounding-noise eigenvalues set to 0.
func sqrtPSD(s *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, fmt.Errorf("metrics: eigendecomposition of a %d×%d covariance did not converge", s.SymmetricDim(), s.SymmetricDim())
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	scaled := mat.DenseCopyOf(&vecs)
	for j, l := range vals {
		r := math.Sqrt(max(l, 0))
		for i := range len(vals) {
			scaled.Set(i, j, scaled.At(i, j)*r)
		}
	}
	var root mat.Dense
	root.Mul(scaled, vecs.T())
	return &root, nil
}

// rows checks that feats is (N, D) with N ≥ minN, D ≥ 1 and finite values,
// and returns N and D.
func rows(op string, feats *tensor.Tensor, minN int) (n, d int, err error) {
	if feats == nil || feats.Rank() != 2 {
		shape := "nil"
		if feats != nil {
			shape = tensor.FormatShape(feats.Shape)
		}
		return 0, 0, fmt.Errorf("metrics: %s: features %s, want (N, D)", op, shape)
	}
	n, d = feats.Dim(0), feats.Dim(1)
	if n < minN || d < 1 {
		return 0, 0, fmt.Errorf("metrics: %s: features %s, want at least %d rows and 1 column", op, tensor.FormatShape(feats.Shape), minN)
	}
	if !feats.AllFinite() {
		return 0, 0, fmt.Errorf("metrics: %s: features %s hold NaN or Inf", op, tensor.FormatShape(feats.Shape))
	}
	return n, d, nil
}
