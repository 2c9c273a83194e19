package dsp

import (
	"fmt"
	"math"
)

// Slaney mel scale constants: 200/3 Hz per mel below 1 kHz (so 1 kHz is
// mel 15), then 27 mels per factor 6.4 in frequency.
const (
	melLinearHz  = 200.0 / 3
	melBreakHz   = 1000.0
	melBreak     = melBreakHz / melLinearHz // 15
	melLogStep   = 0.06875177742094912      // ln(6.4)/27
	melMinLogVal = 1e-300
)

// HzToMel converts a frequency to Slaney's mel scale.
func HzToMel(f float64) float64 {
	if f < melBreakHz {
		return f / melLinearHz
	}
	return melBreak + math.Log(f/melBreakHz)/melLogStep
}

// MelToHz inverts HzToMel.
func MelToHz(m float64) float64 {
	if m < melBreak {
		return m * melLinearHz
	}
	return melBreakHz * math.Exp(melLogStep*(m-melBreak))
}

// Mel is a bank of triangular filters: Weights[m][k] weighs FFT bin k in
// band m.
type Mel struct {
	Weights [][]float64 // (bands, N/2+1)
	Centers []float64   // centre frequency of each band, Hz
}

// NewMel returns bands Slaney filters for an nFFT-point FFT at rate Hz,
// spanning fmin to fmax Hz (fmax ≤ rate/2): band m rises from mel point m
// to m+1 and falls to m+2, with bands+2 points evenly spaced in mel, and is
// scaled by 2/(f_{m+2} − f_m) so that each filter has unit area in Hz.
func NewMel(bands, nFFT, rate int, fmin, fmax float64) (*Mel, error) {
	if bands < 1 || nFFT < 2 || rate <= 0 || fmin < 0 || fmax <= fmin || fmax > float64(rate)/2 {
		return nil, fmt.Errorf("dsp: mel %d bands, %d-point FFT, %d Hz, %g–%g Hz: want bands ≥ 1 and 0 ≤ fmin < fmax ≤ rate/2",
			bands, nFFT, rate, fmin, fmax)
	}
	lo, hi := HzToMel(fmin), HzToMel(fmax)
	pts := make([]float64, bands+2)
	for i := range pts {
		pts[i] = MelToHz(lo + (hi-lo)*float64(i)/float64(bands+1))
	}
	bins := nFFT/2 + 1
	m := &Mel{Weights: make([][]float64, bands), Centers: pts[1 : bands+1]}
	for b := range bands {
		f0, f1, f2 := pts[b], pts[b+1], pts[b+2]
		w := make([]float64, bins)
		for k := range w {
			f := float64(k) * float64(rate) / float64(nFFT)
			up, down := (f-f0)/(f1-f0), (f2-f)/(f2-f1)
			w[k] = max(0, min(up, down)) * 2 / (f2 - f0)
		}
		m.Weights[b] = w
	}
	return m, nil
}

// Apply maps a spectrogram S (frames, bins), magnitude or power, to
// (frames, bands): out[t][m] = Σₖ Weights[m][k]·S[t][k].
func (m *Mel) Apply(S [][]float64) [][]float64 {
	out := make([][]float64, len(S))
	for t, row := range S {
		out[t] = make([]float64, len(m.Weights))
		for b, w := range m.Weights {
			s := 0.0
			for k, v := range row[:min(len(row), len(w))] {
				s += w[k] * v
			}
			out[t][b] = s
		}
	}
	return out
}

// LogMel returns ln(max(floor, Apply(S))), the log-mel spectrogram used as
// a vocoder's conditioning (DiffWave uses magnitudes and floor 1e-5).
func (m *Mel) LogMel(S [][]float64, floor float64) [][]float64 {
	out := m.Apply(S)
	for _, row := range out {
		for b, v := range row {
			row[b] = math.Log(max(floor, v, melMinLogVal))
		}
	}
	return out
}
