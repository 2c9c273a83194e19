package enhance

import (
	"fmt"
	"math"
)

// Wiener is a Wiener filter driven by the decision-directed estimate of
// the a priori SNR (Ephraim and Malah 1984, eq. 51; as a Wiener gain,
// Scalart and Filho 1996). In frame l and bin k, with a posteriori SNR
// γ = |Y|²/λ,
//
//	ξ(l) = a·|Ŝ(l−1)|²/λ + (1 − a)·max(γ(l) − 1, 0),  ξ ≥ ξ_min,
//	G = ξ/(1 + ξ),  Ŝ(l) = G·Y(l),
//
// with |Ŝ(−1)|² = 0. The smoothing a trades noise reduction against
// speech distortion; ξ_min limits musical noise (Cappé 1994).
type Wiener struct {
	A           float64 // decision-directed smoothing a; 0 means 0.98
	XiMinDB     float64 // floor of ξ in dB; 0 means −25
	NoiseFrames int     // frames for the noise estimate when none is given; 0 means DefaultNoiseFrames
}

func (m Wiener) params() (a, xiMin float64, frames int) {
	a, frames = m.A, m.NoiseFrames
	if a == 0 {
		a = 0.98
	}
	db := m.XiMinDB
	if db == 0 {
		db = -25
	}
	if frames == 0 {
		frames = DefaultNoiseFrames
	}
	return a, math.Pow(10, db/10), frames
}

// Name implements Method.
func (m Wiener) Name() string {
	a, xi, _ := m.params()
	return fmt.Sprintf("Wiener, decision-directed (a=%g, ξmin=%.0f dB)", a, 10*math.Log10(xi))
}

// Denoise implements Method.
func (m Wiener) Denoise(noisy []float64, rate int, noise []float64) ([]float64, error) {
	if err := checkInput(noisy, rate, noise); err != nil {
		return nil, err
	}
	a, xiMin, frames := m.params()
	s := stft()
	Y := s.Forward(noisy)
	lambda, err := noisePSD(s, Y, noise, frames)
	if err != nil {
		return nil, err
	}
	prev := make([]float64, s.Bins()) // |Ŝ(l−1)|²
	for _, row := range Y {
		for k, y := range row {
			lam := max(lambda[k], 1e-20)
			p := real(y)*real(y) + imag(y)*imag(y)
			gamma := p / lam
			xi := max(xiMin, a*prev[k]/lam+(1-a)*max(gamma-1, 0))
			g := xi / (1 + xi)
			row[k] = y * complex(g, 0)
			prev[k] = g * g * p
		}
	}
	return s.Inverse(Y, len(noisy)), nil
}
