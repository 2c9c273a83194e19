package restore

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// InpaintOptions controls Inpaint. The zero value is RePaint's setting
// scaled down: 50 ancestral steps, jumps of 10 steps, 10 resamplings.
type InpaintOptions struct {
	Sampler     sampler.Sampler // nil means sampler.DDPM{}, RePaint's ancestral sampler
	Steps       int             // reverse steps of the base schedule; 0 means 50
	JumpLength  int             // j: steps undone by each jump; 0 means 10
	Resamplings int             // U: passes over each jump section (1 = plain replacement); 0 means 10
	SigmaMax    float64         // starting noise level; 0 means 80
	SigmaMin    float64         // smallest non-zero level; 0 means 0.002
	Rho         float64         // Karras ρ; 0 means 7
	Seed        uint64
	// Progress, when set, is told after every move of the RePaint plan
	// (reverse steps and jumps back): the moves done and their total. It
	// does not change the result.
	Progress func(step, total int)
}

func (o InpaintOptions) withDefaults() InpaintOptions {
	if o.Sampler == nil {
		o.Sampler = sampler.DDPM{}
	}
	if o.Steps == 0 {
		o.Steps = 50
	}
	if o.JumpLength == 0 {
		o.JumpLength = 10
	}
	if o.Resamplings == 0 {
		o.Resamplings = 10
	}
	if o.SigmaMax == 0 {
		o.SigmaMax = 80
	}
	if o.SigmaMin == 0 {
		o.SigmaMin = 0.002
	}
	if o.Rho == 0 {
		o.Rho = 7
	}
	return o
}

// RePaintPlan returns the sequence of schedule indices that RePaint visits
// (Lugmayr et al. 2022, Algorithm 1 and the get_schedule_jump of its code):
// starting at 0 (the noisiest level) it moves one index at a time towards
// steps (σ = 0); on reaching a multiple of jump below steps it jumps back
// jump indices, re-noising, and does so resamplings−1 times per multiple.
// There are steps + (resamplings−1)·jump·⌊(steps−1)/jump⌋ forward moves.
func RePaintPlan(steps, jump, resamplings int) []int {
	left := map[int]int{}
	for i := jump; i < steps; i += jump {
		left[i] = resamplings - 1
	}
	plan := []int{0}
	for i := 0; i < steps; {
		i++
		plan = append(plan, i)
		if left[i] > 0 {
			left[i]--
			for range jump {
				i--
				plan = append(plan, i)
			}
		}
	}
	return plan
}

// Inpaint fills the unknown pixels of x: (N, C, H, W) by RePaint (Lugmayr
// et al. 2022): it samples from σ_max on the Karras schedule, and after
// every reverse step to σ' it replaces the known region by the original
// forward-noised to σ', x0 + σ'·z, so the generated region is pulled
// towards agreement with the known one. Resampling jumps re-noise the
// merged state from σ_{i+j} back to σ_i, x + √(σ_i² − σ_{i+j}²)·z, one
// level at a time, and denoise it again, which harmonises the two regions.
// The known pixels of the result are copied from x, bit for bit.
func Inpaint(ctx context.Context, d sampler.Denoiser, x *tensor.Tensor, m *Mask, opt InpaintOptions) (out *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if err := m.check("inpaint", x); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	if opt.Steps < 1 || opt.JumpLength < 1 || opt.Resamplings < 1 || !(opt.SigmaMax > opt.SigmaMin) {
		return nil, fmt.Errorf("restore: inpaint: steps %d, jump %d, resamplings %d, sigma %g…%g: want counts ≥ 1 and sigmaMax > sigmaMin",
			opt.Steps, opt.JumpLength, opt.Resamplings, opt.SigmaMin, opt.SigmaMax)
	}
	sigmas := Sigmas(opt.Steps, opt.SigmaMin, opt.SigmaMax, opt.Rho)
	rng := tensor.NewRNG(opt.Seed)
	hw := m.H * m.W
	merge := func(cur *tensor.Tensor, sigma float64) { // known region ← x0 + σ·z
		for i := range cur.Data {
			if m.Known[i%hw] {
				cur.Data[i] = float32(float64(x.Data[i]) + sigma*rng.Normal())
			}
		}
	}
	cur := sampler.InitialNoise(rng, opt.SigmaMax, 1, x.Shape...)
	merge(cur, sigmas[0])
	plan := RePaintPlan(len(sigmas)-1, opt.JumpLength, opt.Resamplings)
	reset, _ := opt.Sampler.(sampler.Resetter)
	if reset != nil {
		reset.Reset()
	}
	for k := 1; k < len(plan); k++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("restore: inpaint: move %d of %d: %w", k, len(plan)-1, err)
		}
		from, to := plan[k-1], plan[k]
		if to > from { // reverse step σ_from → σ_to
			cur, err = opt.Sampler.Step(d, cur, sigmas, from, rng)
			if err != nil {
				return nil, fmt.Errorf("restore: inpaint: %w", err)
			}
			merge(cur, sigmas[to])
			if opt.Progress != nil {
				opt.Progress(k, len(plan)-1)
			}
			continue
		}
		// jump back one level: q(x_σ_to | x_σ_from) adds variance σ_to² − σ_from²
		std := math.Sqrt(sigmas[to]*sigmas[to] - sigmas[from]*sigmas[from])
		for i := range cur.Data {
			cur.Data[i] = float32(float64(cur.Data[i]) + std*rng.Normal())
		}
		if reset != nil {
			reset.Reset() // a multistep history is stale after a jump
		}
		if opt.Progress != nil {
			opt.Progress(k, len(plan)-1)
		}
	}
	for i := range cur.Data {
		if m.Known[i%hw] {
			cur.Data[i] = x.Data[i]
		}
	}
	return cur, nil
}

// Seam compares gradients at the edge of a mask with those inside it.
type Seam struct {
	Boundary float64 // mean |difference| of neighbouring pixel pairs with one known and one unknown pixel
	Inside   float64 // mean |difference| of neighbouring pairs with both pixels unknown
}

// Ratio returns Boundary/Inside: about 1 for a seamless fill, well above 1
// where the fill does not join the known pixels; NaN when Inside is 0.
func (s Seam) Ratio() float64 {
	if s.Inside == 0 {
		return math.NaN()
	}
	return s.Boundary / s.Inside
}

// SeamScore measures x: (N, C, H, W) across the edge of m over the
// 4-neighbour pairs of every channel and image.
func SeamScore(x *tensor.Tensor, m *Mask) (Seam, error) {
	if err := m.check("seam", x); err != nil {
		return Seam{}, err
	}
	h, w := m.H, m.W
	var sb, si float64
	var nb, ni int
	for p := range x.Dim(0) * x.Dim(1) {
		plane := x.Data[p*h*w : (p+1)*h*w]
		pair := func(a, b int) {
			ka, kb := m.Known[a], m.Known[b]
			d := math.Abs(float64(plane[a] - plane[b]))
			switch {
			case ka != kb:
				sb += d
				nb++
			case !ka:
				si += d
				ni++
			}
		}
		for i := range h {
			for j := range w {
				if j+1 < w {
					pair(i*w+j, i*w+j+1)
				}
				if i+1 < h {
					pair(i*w+j, (i+1)*w+j)
				}
			}
		}
	}
	var s Seam
	if nb > 0 {
		s.Boundary = sb / float64(nb)
	}
	if ni > 0 {
		s.Inside = si / float64(ni)
	}
	return s, nil
}
