package sampler

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// PFODE integrates the probability-flow ODE dx/dσ = (x − x0)/σ (Song et
// al. 2021, eq. 13, in the σ form of Karras et al. 2022, eq. 4) with the
// adaptive Dormand–Prince RK5(4) solver between consecutive levels of the
// grid. It integrates in s = log σ, where the ODE reads dx/ds = x − x0 and
// the solution varies on a scale of one unit of s, so the whole range
// σ_max → σ_min is a single call: sigmas = {80, 0.002, 0} is the usual grid
// (Song et al. stop at ε = 10⁻⁵ in t and then denoise). A step to σ' = 0
// returns the denoiser's x0 at σ (one evaluation).
//
// One step size is shared by the batch (the denoiser takes one σ), so the
// error control looks at the whole batch: a sample depends on its
// batchmates only through the accepted step sizes. It is deterministic: the
// same input gives the same bits. Use a pointer: NFE counts the denoiser
// calls since Run's Reset.
type PFODE struct {
	RTol, ATol float64 // error tolerances; zero values mean 1e-5 each
	NFE        int     // denoiser evaluations since the last Reset
}

// Reset zeroes the evaluation counter.
func (p *PFODE) Reset() { p.NFE = 0 }

// Step moves x from sigmas[i] to sigmas[i+1].
func (p *PFODE) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, _ *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	if next == 0 {
		p.NFE++
		x0, err := denoise("pf-ode", d, x, sigma, i)
		if err != nil {
			return nil, err
		}
		return x0.Clone(), nil
	}
	if !(sigma > 0 && next > 0) {
		return nil, fmt.Errorf("pf-ode step %d: sigmas %g → %g: want positive levels, or 0 last", i, sigma, next)
	}
	y := make([]float64, x.Len())
	for j, v := range x.Data {
		y[j] = float64(v)
	}
	xs := tensor.New(x.Shape...)
	f := func(s float64, y, dy []float64) error {
		for j, v := range y {
			xs.Data[j] = float32(v)
		}
		x0, err := denoise("pf-ode", d, xs, math.Exp(s), i)
		if err != nil {
			return err
		}
		for j, v := range y {
			dy[j] = v - float64(x0.Data[j]) // dx/d log σ = x − x0
		}
		return nil
	}
	st, err := DormandPrince{RTol: p.RTol, ATol: p.ATol}.Solve(f, math.Log(sigma), math.Log(next), y)
	p.NFE += st.NFE
	if err != nil {
		return nil, fmt.Errorf("pf-ode step %d (sigma %.4g → %.4g): %w", i, sigma, next, err)
	}
	out := tensor.New(x.Shape...)
	for j, v := range y {
		out.Data[j] = float32(v)
	}
	return out, nil
}
