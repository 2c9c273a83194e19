package diffusion

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Conversions between the prediction targets, all from x_t = √ᾱ·x_0 + √(1−ᾱ)·ε
// and v = √ᾱ·ε − √(1−ᾱ)·x_0 (Salimans & Ho 2022, §4). Each takes x_t and one
// prediction of shape (N, …) and one ᾱ per batch item, and panics with a
// *tensor.ShapeError on mismatched shapes. They are exact inverses up to
// float32 rounding, amplified by 1/√ᾱ (EpsToX0) or 1/√(1−ᾱ) (X0ToEps).

// EpsToX0 returns x_0 = (x_t − √(1−ᾱ)·ε)/√ᾱ (Ho et al. 2020, eq. 15).
func EpsToX0(xt, eps *tensor.Tensor, alphaBar []float64) *tensor.Tensor {
	return combine("EpsToX0", xt, eps, alphaBar, func(ab float64) (float64, float64) {
		return 1 / math.Sqrt(ab), -math.Sqrt((1 - ab) / ab)
	})
}

// X0ToEps returns ε = (x_t − √ᾱ·x_0)/√(1−ᾱ).
func X0ToEps(xt, x0 *tensor.Tensor, alphaBar []float64) *tensor.Tensor {
	return combine("X0ToEps", xt, x0, alphaBar, func(ab float64) (float64, float64) {
		return 1 / math.Sqrt(1-ab), -math.Sqrt(ab / (1 - ab))
	})
}

// VTarget returns v = √ᾱ·ε − √(1−ᾱ)·x_0 (Salimans & Ho 2022, §4), the
// regression target of v-prediction.
func VTarget(x0, eps *tensor.Tensor, alphaBar []float64) *tensor.Tensor {
	return combine("VTarget", x0, eps, alphaBar, func(ab float64) (float64, float64) {
		return -math.Sqrt(1 - ab), math.Sqrt(ab)
	})
}

// VToX0 returns x_0 = √ᾱ·x_t − √(1−ᾱ)·v (Salimans & Ho 2022, §4).
func VToX0(xt, v *tensor.Tensor, alphaBar []float64) *tensor.Tensor {
	return combine("VToX0", xt, v, alphaBar, func(ab float64) (float64, float64) {
		return math.Sqrt(ab), -math.Sqrt(1 - ab)
	})
}

// VToEps returns ε = √(1−ᾱ)·x_t + √ᾱ·v.
func VToEps(xt, v *tensor.Tensor, alphaBar []float64) *tensor.Tensor {
	return combine("VToEps", xt, v, alphaBar, func(ab float64) (float64, float64) {
		return math.Sqrt(1 - ab), math.Sqrt(ab)
	})
}

// Target is what a denoising network predicts.
type Target string

// The prediction targets.
const (
	Eps Target = "eps" // the noise ε (Ho et al. 2020)
	X0  Target = "x0"  // the clean sample x_0
	V   Target = "v"   // v = √ᾱ·ε − √(1−ᾱ)·x_0 (Salimans & Ho 2022)
)

// Weighting names a per-step weight of the denoising loss.
type Weighting string

// The loss weightings. Each is a weight w_x0(SNR) on the x_0 error
// ‖x̂_0 − x_0‖²; LossWeights expresses it for the network's target, using
// ‖ε̂ − ε‖² = SNR·‖x̂_0 − x_0‖² and ‖v̂ − v‖² = (SNR+1)·‖x̂_0 − x_0‖²
// (Hang et al. 2023, §3.4), except Uniform, which is 1 in every target's space.
const (
	Uniform Weighting = "uniform" // plain MSE on the target
	SNR     Weighting = "snr"     // w_x0 = SNR: plain ε-MSE (Ho et al. 2020's L_simple)
	MinSNR  Weighting = "min-snr" // w_x0 = min(SNR, γ) (Hang et al. 2023, eq. 8), γ = 5 in the paper
)

// LossWeights returns, for each SNR in snr, the weight to put on the
// per-item MSE between the network's output and target so that the loss
// equals w_x0(SNR)·‖x̂_0 − x_0‖²:
//
//	           eps               x0           v
//	uniform    1                 1            1
//	snr        1                 SNR          SNR/(SNR+1)
//	min-snr    min(SNR,γ)/SNR    min(SNR,γ)   min(SNR,γ)/(SNR+1)
//
// SNR must be > 0 (ᾱ < 1 and > 0) for the eps column to be finite.
// gamma is used only by MinSNR. An unknown weighting or target is an error.
func LossWeights(w Weighting, target Target, gamma float64, snr []float64) ([]float64, error) {
	switch target {
	case Eps, X0, V:
	default:
		return nil, fmt.Errorf("loss weights: unknown target %q: want eps, x0 or v", target)
	}
	var wx0 func(s float64) float64
	switch w {
	case Uniform:
		out := make([]float64, len(snr))
		for i := range out {
			out[i] = 1
		}
		return out, nil
	case SNR:
		wx0 = func(s float64) float64 { return s }
	case MinSNR:
		if !(gamma > 0) {
			return nil, fmt.Errorf("loss weights: min-snr gamma: want > 0, got %g", gamma)
		}
		wx0 = func(s float64) float64 { return min(s, gamma) }
	default:
		return nil, fmt.Errorf("loss weights: unknown weighting %q: want uniform, snr or min-snr", w)
	}
	out := make([]float64, len(snr))
	for i, s := range snr {
		switch target {
		case Eps:
			out[i] = wx0(s) / s
		case X0:
			out[i] = wx0(s)
		case V:
			out[i] = wx0(s) / (s + 1)
		}
	}
	return out, nil
}
