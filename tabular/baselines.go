package tabular

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Generator draws n synthetic rows with the schema of the data it was fitted
// on.
type Generator interface {
	Sample(n int, seed uint64) (*Frame, error)
}

// Independent is the per-column baseline: each cell is drawn from its
// column's empirical marginal (missing cells included), independently of the
// other columns, so it keeps every marginal and no dependence.
type Independent struct{ Train *Frame }

// Sample draws n rows.
func (b Independent) Sample(n int, seed uint64) (*Frame, error) {
	rng := tensor.NewRNG(seed)
	f := &Frame{Schema: b.Train.Schema, Cols: make([][]float64, len(b.Train.Cols))}
	for j, col := range b.Train.Cols {
		f.Cols[j] = make([]float64, n)
		for i := range n {
			f.Cols[j][i] = col[rng.Intn(len(col))]
		}
	}
	return f, nil
}

// Copula is the Gaussian copula baseline (e.g. Patki et al. 2016, SDV): every
// feature is mapped to a normal score — numbers by their quantile transform,
// a class k by a random point of its slice (Φ⁻¹(F(k−1)), Φ⁻¹(F(k))) of the
// class CDF — the scores' correlation matrix is estimated, and samples are
// drawn from that Gaussian and mapped back through the inverse marginals.
type Copula struct {
	tr   *Transformer
	cdf  [][]float64 // per categorical feature: cumulative class frequencies
	chol *mat.Cholesky
	dim  int
}

// NewCopula fits a Gaussian copula to f; it always uses quantile scaling.
func NewCopula(f *Frame, seed uint64) (*Copula, error) {
	tr, err := Fit(f, ScaleQuantile)
	if err != nil {
		return nil, err
	}
	e := tr.Encode(f)
	n := len(e.Num)
	c := &Copula{tr: tr, dim: len(tr.Num) + len(tr.Cat)}
	for k, ft := range tr.Cat {
		cdf := make([]float64, ft.K)
		for _, row := range e.Cat {
			cdf[row[k]]++
		}
		for i := range cdf {
			if i > 0 {
				cdf[i] += cdf[i-1]
			}
		}
		for i := range cdf {
			cdf[i] /= float64(n)
		}
		c.cdf = append(c.cdf, cdf)
	}
	rng := tensor.NewRNG(seed)
	z := mat.NewDense(n, c.dim, nil)
	for i := range n {
		for k, v := range e.Num[i] {
			z.Set(i, k, v)
		}
		for k, cls := range e.Cat[i] {
			lo := 0.0
			if cls > 0 {
				lo = c.cdf[k][cls-1]
			}
			u := lo + rng.Uniform()*(c.cdf[k][cls]-lo)
			z.Set(i, len(tr.Num)+k, distuv.UnitNormal.Quantile(min(max(u, 1e-6), 1-1e-6)))
		}
	}
	cov := mat.NewSymDense(c.dim, nil)
	for a := range c.dim {
		for b := a; b < c.dim; b++ {
			s := 0.0
			for i := range n {
				s += z.At(i, a) * z.At(i, b)
			}
			cov.SetSym(a, b, s/float64(n))
		}
	}
	// Normalise to a correlation matrix and shrink slightly so it stays
	// positive definite when features are (near) collinear.
	d := make([]float64, c.dim)
	for a := range c.dim {
		d[a] = math.Sqrt(max(cov.At(a, a), 1e-12))
	}
	for a := range c.dim {
		for b := a; b < c.dim; b++ {
			r := cov.At(a, b) / (d[a] * d[b])
			if a == b {
				r = 1
			} else {
				r *= 0.999
			}
			cov.SetSym(a, b, r)
		}
	}
	c.chol = &mat.Cholesky{}
	if !c.chol.Factorize(cov) {
		return nil, fmt.Errorf("tabular: copula: correlation matrix is not positive definite")
	}
	return c, nil
}

// Sample draws n rows.
func (c *Copula) Sample(n int, seed uint64) (*Frame, error) {
	rng := tensor.NewRNG(seed)
	var l mat.TriDense
	c.chol.LTo(&l)
	e := &Encoded{Num: make([][]float64, n), Cat: make([][]int, n)}
	g := mat.NewVecDense(c.dim, nil)
	x := mat.NewVecDense(c.dim, nil)
	nn := len(c.tr.Num)
	for i := range n {
		for a := range c.dim {
			g.SetVec(a, rng.Normal())
		}
		x.MulVec(&l, g)
		e.Num[i] = make([]float64, nn)
		for k := range nn {
			e.Num[i][k] = x.AtVec(k)
		}
		e.Cat[i] = make([]int, len(c.tr.Cat))
		for k := range c.tr.Cat {
			u := distuv.UnitNormal.CDF(x.AtVec(nn + k))
			cls := 0
			for cls < len(c.cdf[k])-1 && u >= c.cdf[k][cls] {
				cls++
			}
			e.Cat[i][k] = cls
		}
	}
	return c.tr.Decode(e)
}
