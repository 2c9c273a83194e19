package noise

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
	"gonum.org/v1/gonum/dsp/fourier"
)

// White returns n samples of white Gaussian noise, N(0, 1).
func White(n int, rng *tensor.RNG) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.Normal()
	}
	return x
}

// Pink returns n samples of pink (1/f) noise with unit RMS, made by
// filtering white Gaussian noise in the frequency domain: bin k of its FFT
// is scaled by 1/√k, so the power spectral density falls as 1/f (a slope
// of −1 on log–log axes, −3 dB per octave); the DC bin is zeroed.
func Pink(n int, rng *tensor.RNG) []float64 {
	if n < 2 {
		return make([]float64, n)
	}
	fft := fourier.NewFFT(n)
	X := fft.Coefficients(nil, White(n, rng))
	X[0] = 0
	for k := 1; k < len(X); k++ {
		X[k] *= complex(1/math.Sqrt(float64(k)), 0)
	}
	x := fft.Sequence(nil, X)
	scale := 1 / rms(x)
	for i := range x {
		x[i] *= scale
	}
	return x
}

// Babble returns n samples of babble: the sum of the talkers' speech,
// each scaled to unit RMS first so that no talker dominates, then the sum
// scaled to unit RMS. Talkers shorter than n are zero-padded and longer
// ones cut. Callers pick speech by other speakers than the target's; for
// babble without gaps, each talker should be continuous speech, such as
// Concat of utterances trimmed of their silence.
func Babble(talkers [][]float64, n int) ([]float64, error) {
	if len(talkers) == 0 {
		return nil, fmt.Errorf("noise: babble: no talkers")
	}
	x := make([]float64, n)
	for i, t := range talkers {
		t = t[:min(len(t), n)]
		r := rms(t)
		if r == 0 {
			return nil, fmt.Errorf("noise: babble: talker %d is silent", i)
		}
		for j, v := range t {
			x[j] += v / r
		}
	}
	r := rms(x)
	if r == 0 {
		return nil, fmt.Errorf("noise: babble: the talkers cancel out")
	}
	for j := range x {
		x[j] /= r
	}
	return x, nil
}

func rms(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(max(1, len(x))))
}

func energy(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s
}

// SNR is 10·log₁₀(Σ s² / Σ n²) in dB.
func SNR(s, n []float64) float64 { return 10 * math.Log10(energy(s)/energy(n)) }

// Mix adds noise to clean at snrDB: it scales noise (its first len(clean)
// samples) by g = √(Σs² / (Σn²·10^(snrDB/10))) and returns clean + g·n and
// the scaled noise g·n, so that SNR(clean, scaled) = snrDB. clean and noise
// must not be silent, and noise must be at least as long as clean.
func Mix(clean, noise []float64, snrDB float64) (noisy, scaled []float64, err error) {
	if len(noise) < len(clean) {
		return nil, nil, fmt.Errorf("noise: mix: %d noise samples for %d clean ones: want at least as many", len(noise), len(clean))
	}
	if math.IsNaN(snrDB) || math.IsInf(snrDB, 0) {
		return nil, nil, fmt.Errorf("noise: mix: SNR %v dB: want a finite value", snrDB)
	}
	noise = noise[:len(clean)]
	es, en := energy(clean), energy(noise)
	if es == 0 || en == 0 {
		return nil, nil, fmt.Errorf("noise: mix: the clean signal or the noise is silent (energy %g, %g)", es, en)
	}
	g := math.Sqrt(es / (en * math.Pow(10, snrDB/10)))
	noisy, scaled = make([]float64, len(clean)), make([]float64, len(clean))
	for i, v := range noise {
		scaled[i] = g * v
		noisy[i] = clean[i] + scaled[i]
	}
	return noisy, scaled, nil
}

// Concat joins utterances end to end and returns n samples of the result
// starting at sample offset (a random offset keeps talkers out of step).
// They must hold at least offset + n samples together.
func Concat(utterances [][]float64, offset, n int) ([]float64, error) {
	total := 0
	for _, u := range utterances {
		total += len(u)
	}
	if offset < 0 || n < 0 || total < offset+n {
		return nil, fmt.Errorf("noise: concat: %d samples from offset %d: the utterances hold %d", n, offset, total)
	}
	x := make([]float64, 0, offset+n)
	for _, u := range utterances {
		x = append(x, u...)
		if len(x) >= offset+n {
			break
		}
	}
	return x[offset : offset+n], nil
}
