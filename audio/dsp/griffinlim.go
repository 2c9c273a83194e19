package dsp

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/diffusego/diffusego/tensor"
)

// GriffinLim recovers a signal of n samples whose STFT magnitude is close
// to mag (frames, bins) by the iteration of Griffin and Lim (1984): start
// from random phases (drawn from rng), then iters times take the inverse
// STFT of mag·e^{jφ} and replace φ by the phase of its STFT. It returns the
// signal and the spectral convergence after each iteration (history[i]
// after i+1 iterations). Griffin and Lim (1984) prove that the distance
// between the magnitude-constrained spectrogram and the STFT of its inverse
// never increases; the spectral convergence follows it closely and falls
// with iterations in practice.
func GriffinLim(s *STFT, mag [][]float64, n, iters int, rng *tensor.RNG) ([]float64, []float64, error) {
	if len(mag) != s.Frames(n) {
		return nil, nil, fmt.Errorf("dsp: griffin-lim: %d frames for %d samples, want %d", len(mag), n, s.Frames(n))
	}
	if iters < 1 {
		return nil, nil, fmt.Errorf("dsp: griffin-lim: %d iterations: want ≥ 1", iters)
	}
	X := make([][]complex128, len(mag))
	for t, row := range mag {
		if len(row) != s.Bins() {
			return nil, nil, fmt.Errorf("dsp: griffin-lim: frame %d has %d bins, want %d", t, len(row), s.Bins())
		}
		X[t] = make([]complex128, len(row))
		for k, a := range row {
			X[t][k] = cmplx.Rect(a, 2*math.Pi*rng.Uniform())
		}
	}
	var x []float64
	history := make([]float64, 0, iters)
	for range iters {
		x = s.Inverse(X, n)
		Y := s.Forward(x)
		history = append(history, SpectralConvergence(mag, Y))
		for t, row := range Y {
			for k, v := range row {
				ph := complex(1, 0)
				if a := cmplx.Abs(v); a > 0 {
					ph = v / complex(a, 0)
				}
				X[t][k] = complex(mag[t][k], 0) * ph
			}
		}
	}
	return x, history, nil
}

// SpectralConvergence is ‖|Y| − mag‖_F / ‖mag‖_F, how far the magnitudes of
// Y are from the target magnitudes (0 is a perfect match).
func SpectralConvergence(mag [][]float64, Y [][]complex128) float64 {
	num, den := 0.0, 0.0
	for t, row := range mag {
		for k, a := range row {
			d := cmplx.Abs(Y[t][k]) - a
			num += d * d
			den += a * a
		}
	}
	return math.Sqrt(num / den)
}
