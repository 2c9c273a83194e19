package sampler

import (
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// DPMPP2M is DPM-Solver++(2M) of Lu et al. (2022, Alg. 2), the multistep
// second-order solver in data (x0) prediction, as k-diffusion's
// sample_dpmpp_2m. With t = −log σ and h = t' − t, a step is
//
//	x' = (σ'/σ)·x − (e^{−h} − 1)·D,
//
// where D = x0 on the first step and the last step (to σ' = 0, where x' = x0),
// and otherwise D = (1 + 1/(2r))·x0 − 1/(2r)·x0_prev with r = h_prev/h.
// It keeps the previous x0 between steps; Run calls Reset before a sample.
// Use a pointer (&DPMPP2M{}) so that the history persists.
type DPMPP2M struct {
	prev *tensor.Tensor // x0 predicted at the previous step; nil before the first
}

// Reset forgets the previous prediction.
func (s *DPMPP2M) Reset() { s.prev = nil }

// Step moves x from sigmas[i] to sigmas[i+1]. Steps must be taken in order
// i = 0, 1, … after a Reset.
func (s *DPMPP2M) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, _ *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	x0, err := denoise("dpm++2m", d, x, sigma, i)
	if err != nil {
		return nil, err
	}
	prev := s.prev
	s.prev = x0
	if next == 0 {
		return x0.Clone(), nil
	}
	h := math.Log(sigma) - math.Log(next) // t' − t
	dx0 := x0
	if prev != nil && i > 0 {
		hPrev := math.Log(sigmas[i-1]) - math.Log(sigma)
		r := hPrev / h
		dx0 = lin(1+1/(2*r), x0, -1/(2*r), prev)
	}
	return lin(next/sigma, x, -math.Expm1(-h), dx0), nil
}
