package diffusion

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// CondDenoiser is a class-conditional denoiser in the samplers' σ view
// x = x0 + σ·ε (see sampler.Denoiser): DenoiseLabels predicts x0 for
// x: (N, …) at noise level sigma given one class label per item. The label
// NullLabel() means "no class" and gives the unconditional prediction; a
// model learns it through label dropout during training (DropLabels).
type CondDenoiser interface {
	DenoiseLabels(x *tensor.Tensor, sigma float64, labels []int) (*tensor.Tensor, error)
	NullLabel() int
}

// DropLabels returns a copy of y in which each label is replaced by null
// with probability p, drawing one uniform number per item from rng. This is
// the conditioning dropout that trains the unconditional model of
// classifier-free guidance (Ho & Salimans 2022, Alg. 1, p_uncond). A nil y
// gives nil.
func DropLabels(y []int, p float64, null int, rng *tensor.RNG) []int {
	if y == nil {
		return nil
	}
	out := make([]int, len(y))
	for i, c := range y {
		out[i] = c
		if rng.Uniform() < p {
			out[i] = null
		}
	}
	return out
}

// Guided is classifier-free guidance (Ho & Salimans 2022) as a
// sampler.Denoiser: with the conditional prediction x0_c (labels Labels)
// and the unconditional one x0_u (the null label) it returns
//
//	x0 = x0_u + w·(x0_c − x0_u),  w = Scale.
//
// In this convention w = 1 is the plain conditional model, w = 0 the
// unconditional one and w > 1 pushes samples towards the class. Ho &
// Salimans write ε̃ = (1+w')·ε_c − w'·ε_u, so their w' is Scale − 1; the
// combination is the same in x0, ε or v, since each is affine in the others
// at a fixed x and σ. Both predictions come from one call on a doubled
// batch, so a Guided step costs one denoiser call of size 2N (one of size N
// when Scale is exactly 1, the conditional model alone, or exactly 0, the
// unconditional one alone).
type Guided struct {
	D      CondDenoiser
	Labels []int   // one class per batch item
	Scale  float64 // guidance weight w; 1 is conditional sampling
}

// Denoise returns the guided x0 for x: (N, …) at noise level sigma.
func (g Guided) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	if x.Rank() == 0 {
		return nil, fmt.Errorf("guided: x: want (N, …), got a scalar")
	}
	n := x.Dim(0)
	if len(g.Labels) != n {
		return nil, fmt.Errorf("guided: %d labels for a batch of %d", len(g.Labels), n)
	}
	if g.Scale == 1 {
		return g.D.DenoiseLabels(x, sigma, g.Labels)
	}
	if g.Scale == 0 {
		null := make([]int, n)
		for i := range null {
			null[i] = g.D.NullLabel()
		}
		return g.D.DenoiseLabels(x, sigma, null)
	}
	// Stack [x; x] with labels [Labels; null…]: (2N, …).
	shape := append([]int{2 * n}, x.Shape[1:]...)
	xx := tensor.New(shape...)
	copy(xx.Data, x.Data)
	copy(xx.Data[len(x.Data):], x.Data)
	labels := make([]int, 2*n)
	copy(labels, g.Labels)
	null := g.D.NullLabel()
	for i := n; i < 2*n; i++ {
		labels[i] = null
	}
	both, err := g.D.DenoiseLabels(xx, sigma, labels)
	if err != nil {
		return nil, fmt.Errorf("guided: %w", err)
	}
	if !tensor.SameShape(both.Shape, xx.Shape) {
		return nil, fmt.Errorf("guided: denoiser returned %s for input %s",
			tensor.FormatShape(both.Shape), tensor.FormatShape(xx.Shape))
	}
	return Combine(both.Data[:len(x.Data)], both.Data[len(x.Data):], g.Scale, x.Shape), nil
}

// Combine returns x0_u + w·(x0_c − x0_u) elementwise, computed in float64,
// as a tensor of the given shape. cond and uncond must have equal lengths
// matching shape.
func Combine(cond, uncond []float32, w float64, shape []int) *tensor.Tensor {
	out := tensor.New(shape...)
	if len(cond) != len(out.Data) || len(uncond) != len(out.Data) {
		tensor.Shapef("diffusion.Combine", [][]int{{len(cond)}, {len(uncond)}, shape}, "lengths differ")
	}
	for i := range out.Data {
		u := float64(uncond[i])
		out.Data[i] = float32(u + w*(float64(cond[i])-u))
	}
	return out
}
