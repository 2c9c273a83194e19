package dsp

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// STFT is a short-time Fourier transform with N-sample periodic Hann
// frames every Hop samples (centred frames, see the package comment).
type STFT struct {
	N, Hop int
	window []float64
}

// NewSTFT returns an STFT with frame (and FFT) length n and hop hop. It
// needs n ≥ 2 and 1 ≤ hop ≤ n/2, the range in which the Hann windows
// overlap everywhere and the inverse is exact.
func NewSTFT(n, hop int) (*STFT, error) {
	if n < 2 || hop < 1 || hop > n/2 {
		return nil, fmt.Errorf("dsp: stft n=%d hop=%d: want n ≥ 2 and 1 ≤ hop ≤ n/2", n, hop)
	}
	return &STFT{N: n, Hop: hop, window: Hann(n)}, nil
}

// Hann is the periodic Hann window w[i] = sin²(πi/n) = ½ − ½cos(2πi/n).
func Hann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	return w
}

// Bins is the number of frequency bins, N/2 + 1.
func (s *STFT) Bins() int { return s.N/2 + 1 }

// Frames is the number of frames of a signal of n samples: n/Hop + 1.
func (s *STFT) Frames(n int) int { return n/s.Hop + 1 }

// Forward returns X[t][k] = Σᵢ w[i]·x[t·Hop − N/2 + i]·e^{−2πjik/N}, for
// t < Frames(len(x)) and k < Bins(), with x zero outside its range.
func (s *STFT) Forward(x []float64) [][]complex128 {
	fft := fourier.NewFFT(s.N)
	frames := s.Frames(len(x))
	out := make([][]complex128, frames)
	buf := make([]float64, s.N)
	for t := range out {
		start := t*s.Hop - s.N/2
		for i := range buf {
			buf[i] = 0
			if k := start + i; k >= 0 && k < len(x) {
				buf[i] = s.window[i] * x[k]
			}
		}
		out[t] = fft.Coefficients(nil, buf)
	}
	return out
}

// Inverse returns the signal of length n whose STFT is closest to X in the
// least-squares sense (Griffin and Lim 1984, eq. 6): the inverse FFT of
// each frame, windowed again and overlap-added, divided by Σ w² at each
// sample. For X = Forward(x) it returns x (to rounding) when len(x) = n.
func (s *STFT) Inverse(X [][]complex128, n int) []float64 {
	fft := fourier.NewFFT(s.N)
	y := make([]float64, n)
	norm := make([]float64, n)
	buf := make([]float64, s.N)
	for t, frame := range X {
		fft.Sequence(buf, frame) // unnormalised: N·x
		start := t*s.Hop - s.N/2
		for i, v := range buf {
			if k := start + i; k >= 0 && k < n {
				y[k] += s.window[i] * v / float64(s.N)
				norm[k] += s.window[i] * s.window[i]
			}
		}
	}
	for k := range y {
		if norm[k] > 1e-10 {
			y[k] /= norm[k]
		}
	}
	return y
}

// Magnitude returns |X| element-wise.
func Magnitude(X [][]complex128) [][]float64 {
	out := make([][]float64, len(X))
	for t, row := range X {
		out[t] = make([]float64, len(row))
		for k, v := range row {
			out[t][k] = cmplx.Abs(v)
		}
	}
	return out
}

// Power returns |X|² element-wise.
func Power(X [][]complex128) [][]float64 {
	out := make([][]float64, len(X))
	for t, row := range X {
		out[t] = make([]float64, len(row))
		for k, v := range row {
			out[t][k] = real(v)*real(v) + imag(v)*imag(v)
		}
	}
	return out
}
