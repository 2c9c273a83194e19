package dsp

import (
	"math"
	"testing"
)

func TestSlaneyMelScale(t *testing.T) {
	for _, tc := range []struct{ hz, mel float64 }{
		{0, 0}, {200.0 / 3, 1}, {500, 7.5}, {1000, 15}, {6400, 42}, {1000 * 6.4 * 6.4, 69},
	} {
		if got := HzToMel(tc.hz); math.Abs(got-tc.mel) > 1e-9 {
			t.Errorf("HzToMel(%g) = %.9f, want %g", tc.hz, got, tc.mel)
		}
		if got := MelToHz(tc.mel); math.Abs(got-tc.hz) > 1e-6*max(1, tc.hz) {
			t.Errorf("MelToHz(%g) = %.6f, want %g", tc.mel, got, tc.hz)
		}
	}
}

func TestMelFilters(t *testing.T) {
	const nFFT, rate = 1024, 8000
	m, err := NewMel(40, nFFT, rate, 0, 4000)
	if err != nil {
		t.Fatal(err)
	}
	binHz := float64(rate) / nFFT
	for b, w := range m.Weights {
		// Slaney normalisation: unit area in Hz (to the bin spacing; the
		// narrowest filters span only a few bins, so allow 5%).
		area := 0.0
		for _, v := range w {
			area += v * binHz
		}
		if math.Abs(area-1) > 0.05 {
			t.Errorf("band %d (centre %.0f Hz): area %.4f, want 1", b, m.Centers[b], area)
		}
	}
	// A sine at a band's centre excites that band the most (in the
	// unnormalised sense: compare filter responses divided by peak weight).
	s, _ := NewSTFT(nFFT, nFFT/4)
	for _, b := range []int{5, 20, 35} {
		f := m.Centers[b]
		x := make([]float64, 4096)
		for i := range x {
			x[i] = math.Sin(2 * math.Pi * f * float64(i) / rate)
		}
		mel := m.Apply(Power(s.Forward(x)))
		row := mel[len(mel)/2]
		best := 0
		for j := range row {
			peak := 0.0
			for _, v := range m.Weights[j] {
				peak = max(peak, v)
			}
			if row[j]/peak > row[best]/maxOf(m.Weights[best]) {
				best = j
			}
		}
		if best != b {
			t.Errorf("a %.1f Hz sine excites band %d most, want %d", f, best, b)
		}
	}
	if _, err := NewMel(40, nFFT, rate, 0, 5000); err == nil {
		t.Error("NewMel above the Nyquist frequency succeeded")
	}
}

func maxOf(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

func TestLogMelFloor(t *testing.T) {
	m, _ := NewMel(4, 16, 8000, 0, 4000)
	out := m.LogMel([][]float64{make([]float64, 9)}, 1e-5)
	for _, v := range out[0] {
		if math.Abs(v-math.Log(1e-5)) > 1e-12 {
			t.Errorf("log-mel of silence = %v, want ln(1e-5)", v)
		}
	}
}
