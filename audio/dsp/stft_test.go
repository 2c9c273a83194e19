package dsp

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func randomSignal(n int, seed uint64) []float64 {
	rng := tensor.NewRNG(seed)
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.Normal()
	}
	return x
}

func TestSTFTPerfectReconstruction(t *testing.T) {
	for _, tc := range []struct{ n, hop, length int }{
		{256, 64, 8000}, {256, 128, 1001}, {255, 100, 777}, {64, 32, 65}, {16, 1, 40}, {8, 4, 3},
	} {
		t.Run(fmt.Sprintf("n%d_hop%d_len%d", tc.n, tc.hop, tc.length), func(t *testing.T) {
			s, err := NewSTFT(tc.n, tc.hop)
			if err != nil {
				t.Fatal(err)
			}
			x := randomSignal(tc.length, 1)
			X := s.Forward(x)
			if len(X) != tc.length/tc.hop+1 || len(X[0]) != tc.n/2+1 {
				t.Fatalf("STFT shape (%d, %d), want (%d, %d)", len(X), len(X[0]), tc.length/tc.hop+1, tc.n/2+1)
			}
			y := s.Inverse(X, len(x))
			worst := 0.0
			for i := range x {
				worst = max(worst, math.Abs(x[i]-y[i]))
			}
			if worst > 1e-12 {
				t.Errorf("reconstruction error %.3g, want ≤ 1e-12", worst)
			}
		})
	}
}

func TestSTFTSinePeak(t *testing.T) {
	// A 1 kHz sine at 8 kHz falls on bin 1000·256/8000 = 32, whose value
	// is (amplitude/2)·Σw = 0.5·128 = 64 for a periodic Hann window.
	s, _ := NewSTFT(256, 64)
	x := make([]float64, 2000)
	for i := range x {
		x[i] = math.Cos(2 * math.Pi * 1000 * float64(i) / 8000)
	}
	X := s.Forward(x)
	row := X[len(X)/2]
	best := 0
	for k := range row {
		if cmplx.Abs(row[k]) > cmplx.Abs(row[best]) {
			best = k
		}
	}
	if best != 32 || math.Abs(cmplx.Abs(row[32])-64) > 1e-9 {
		t.Errorf("peak at bin %d with |X| = %.6f, want bin 32 with 64", best, cmplx.Abs(row[best]))
	}
}

func TestNewSTFTRefuses(t *testing.T) {
	for _, c := range [][2]int{{256, 129}, {1, 1}, {256, 0}} {
		if _, err := NewSTFT(c[0], c[1]); err == nil {
			t.Errorf("NewSTFT(%d, %d) succeeded, want an error", c[0], c[1])
		}
	}
}

func TestGriffinLimConverges(t *testing.T) {
	// A chirp, 0.25 s at 8 kHz: the spectral convergence must fall with
	// iterations (Griffin and Lim 1984) and end well below where it began.
	n := 2000
	x := make([]float64, n)
	for i := range x {
		tt := float64(i) / 8000
		x[i] = math.Sin(2*math.Pi*(300*tt+2000*tt*tt)) + 0.3*math.Sin(2*math.Pi*1700*tt)
	}
	s, _ := NewSTFT(256, 64)
	mag := Magnitude(s.Forward(x))
	_, hist, err := GriffinLim(s, mag, n, 60, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	if first, last := hist[0], hist[len(hist)-1]; !(last < 0.5*first) {
		t.Errorf("spectral convergence %.4f after 1 iteration, %.4f after 60: want at most half", first, last)
	}
	for i := 10; i < len(hist); i += 10 {
		if hist[i] > hist[i-10]+1e-9 {
			t.Errorf("spectral convergence rose from %.5f (iteration %d) to %.5f (iteration %d)", hist[i-10], i-9, hist[i], i+1)
		}
	}
	if _, _, err := GriffinLim(s, mag[:3], n, 5, tensor.NewRNG(1)); err == nil {
		t.Error("GriffinLim with the wrong frame count succeeded")
	}
}
