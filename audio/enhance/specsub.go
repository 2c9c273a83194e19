package enhance

import (
	"fmt"
	"math"
	"math/cmplx"
)

// SpectralSubtraction is power spectral subtraction (Boll 1979) with
// Berouti et al.'s (1979) over-subtraction factor α and spectral floor β:
// with noisy power |Y|² and noise PSD λ in each bin,
//
//	|Ŝ|² = max(|Y|² − α·λ, β·λ),
//
// and Ŝ takes the phase of Y. Over-subtraction (α > 1) removes more of the
// noise peaks; the floor masks the "musical noise" the subtraction leaves.
type SpectralSubtraction struct {
	Alpha       float64 // over-subtraction factor; 0 means 2
	Beta        float64 // spectral floor, relative to the noise PSD; 0 means 0.01
	NoiseFrames int     // frames for the noise estimate when none is given; 0 means DefaultNoiseFrames
}

func (m SpectralSubtraction) params() (alpha, beta float64, frames int) {
	alpha, beta, frames = m.Alpha, m.Beta, m.NoiseFrames
	if alpha == 0 {
		alpha = 2
	}
	if beta == 0 {
		beta = 0.01
	}
	if frames == 0 {
		frames = DefaultNoiseFrames
	}
	return
}

// Name implements Method.
func (m SpectralSubtraction) Name() string {
	a, b, _ := m.params()
	return fmt.Sprintf("spectral subtraction (α=%g, β=%g)", a, b)
}

// Denoise implements Method.
func (m SpectralSubtraction) Denoise(noisy []float64, rate int, noise []float64) ([]float64, error) {
	if err := checkInput(noisy, rate, noise); err != nil {
		return nil, err
	}
	alpha, beta, frames := m.params()
	s := stft()
	Y := s.Forward(noisy)
	lambda, err := noisePSD(s, Y, noise, frames)
	if err != nil {
		return nil, err
	}
	for _, row := range Y {
		for k, y := range row {
			p := real(y)*real(y) + imag(y)*imag(y)
			q := max(p-alpha*lambda[k], beta*lambda[k])
			if p > 0 {
				row[k] = y * complex(math.Sqrt(q/p), 0)
			} else {
				row[k] = cmplx.Rect(math.Sqrt(q), 0)
			}
		}
	}
	return s.Inverse(Y, len(noisy)), nil
}
