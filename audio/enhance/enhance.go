package enhance

import (
	"fmt"

	"github.com/diffusego/diffusego/audio/dsp"
)

// Method is a denoising baseline.
type Method interface {
	// Name says what the method is, with its settings, for tables.
	Name() string
	// Denoise returns the estimate of the clean signal in noisy (at rate
	// Hz). noise, when not nil, is the noise (a noise-only recording) to
	// build the noise model from; nil asks the method to estimate it.
	Denoise(noisy []float64, rate int, noise []float64) ([]float64, error)
}

// Default STFT of the spectral methods: 256-point frames, 64-sample hop.
const (
	FrameSize = 256
	Hop       = 64
)

// DefaultNoiseFrames is how many frames the spectral methods average for
// their noise PSD when none is given.
const DefaultNoiseFrames = 8

// noisePSD returns the mean power per bin: of the whole noise signal when
// given, else of the first frames of Y that lie wholly inside the signal
// (frames from ⌈(N/2)/Hop⌉ on, so no zero padding lowers the estimate).
func noisePSD(s *dsp.STFT, Y [][]complex128, noise []float64, frames int) ([]float64, error) {
	var P [][]float64
	if noise != nil {
		P = dsp.Power(s.Forward(noise))
		first := (s.N/2 + s.Hop - 1) / s.Hop
		if last := len(P) - first; last > first {
			P = P[first:last] // drop the zero-padded edge frames
		}
	} else {
		first := (s.N/2 + s.Hop - 1) / s.Hop
		if first+frames > len(Y) {
			return nil, fmt.Errorf("enhance: %d frames: too short to estimate the noise from %d frames after the first %d", len(Y), frames, first)
		}
		P = dsp.Power(Y[first : first+frames])
	}
	psd := make([]float64, s.Bins())
	for _, row := range P {
		for k, v := range row {
			psd[k] += v / float64(len(P))
		}
	}
	return psd, nil
}

// stft makes the methods' STFT.
func stft() *dsp.STFT {
	s, _ := dsp.NewSTFT(FrameSize, Hop) // constant sizes that NewSTFT accepts
	return s
}

func checkInput(noisy []float64, rate int, noise []float64) error {
	if len(noisy) == 0 || rate <= 0 {
		return fmt.Errorf("enhance: %d samples at %d Hz: want a non-empty signal and a positive rate", len(noisy), rate)
	}
	if noise != nil && len(noise) < FrameSize {
		return fmt.Errorf("enhance: %d noise samples: want at least %d", len(noise), FrameSize)
	}
	return nil
}
