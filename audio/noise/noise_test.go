package noise

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
	"gonum.org/v1/gonum/dsp/fourier"
)

func TestMixHitsTheSNR(t *testing.T) {
	rng := tensor.NewRNG(1)
	clean := White(8000, rng)
	for i := range clean {
		clean[i] *= 0.1 * math.Sin(float64(i)/300) // not white, not unit
	}
	for _, kind := range []struct {
		name  string
		noise []float64
	}{{"white", White(9000, rng)}, {"pink", Pink(8000, rng)}} {
		for _, snr := range []float64{-5, 0, 5, 10, 20.5} {
			noisy, scaled, err := Mix(clean, kind.noise, snr)
			if err != nil {
				t.Fatal(err)
			}
			if got := SNR(clean, scaled); math.Abs(got-snr) > 1e-6 {
				t.Errorf("%s at %g dB: measured %.9f dB", kind.name, snr, got)
			}
			// The noise as added is noisy − clean.
			diff := make([]float64, len(clean))
			for i := range diff {
				diff[i] = noisy[i] - clean[i]
			}
			if got := SNR(clean, diff); math.Abs(got-snr) > 1e-6 {
				t.Errorf("%s at %g dB: SNR of noisy − clean is %.9f dB", kind.name, snr, got)
			}
		}
	}
	if _, _, err := Mix(clean, White(10, rng), 0); err == nil {
		t.Error("Mix with short noise succeeded")
	}
	if _, _, err := Mix(make([]float64, 10), White(10, rng), 0); err == nil {
		t.Error("Mix with silent speech succeeded")
	}
}

// slope fits log10(PSD) against log10(f) over bins lo..hi of the averaged
// periodogram of x (segments of n samples).
func slope(x []float64, n, lo, hi int) float64 {
	fft := fourier.NewFFT(n)
	psd := make([]float64, n/2+1)
	for s := 0; s+n <= len(x); s += n {
		for k, c := range fft.Coefficients(nil, x[s:s+n]) {
			psd[k] += real(c)*real(c) + imag(c)*imag(c)
		}
	}
	var sx, sy, sxx, sxy, m float64
	for k := lo; k <= hi; k++ {
		lx, ly := math.Log10(float64(k)), math.Log10(psd[k])
		sx, sy, sxx, sxy, m = sx+lx, sy+ly, sxx+lx*lx, sxy+lx*ly, m+1
	}
	return (m*sxy - sx*sy) / (m*sxx - sx*sx)
}

func TestPinkSlope(t *testing.T) {
	// One long pink signal, averaged over 64 periodograms of 1024: the
	// log–log slope of its PSD is −1; white noise's is 0.
	rng := tensor.NewRNG(2)
	pink := Pink(1<<16, rng)
	if s := slope(pink, 1024, 4, 400); math.Abs(s+1) > 0.1 {
		t.Errorf("pink noise PSD slope %.3f, want -1 ± 0.1", s)
	}
	if s := slope(White(1<<16, rng), 1024, 4, 400); math.Abs(s) > 0.1 {
		t.Errorf("white noise PSD slope %.3f, want 0 ± 0.1", s)
	}
	if r := rms(pink); math.Abs(r-1) > 1e-12 {
		t.Errorf("pink RMS %v, want 1", r)
	}
}

func TestBabble(t *testing.T) {
	a := []float64{1, -1, 1, -1}
	b := []float64{0, 2, 0}
	x, err := Babble([][]float64{a, b}, 4)
	if err != nil {
		t.Fatal(err)
	}
	// a/1 + b/√(4/3) padded, then unit RMS.
	sb := math.Sqrt(4.0 / 3)
	want := []float64{1, -1 + 2/sb, 1, -1}
	r := rms(want)
	for i := range want {
		if math.Abs(x[i]-want[i]/r) > 1e-12 {
			t.Errorf("babble[%d] = %v, want %v", i, x[i], want[i]/r)
		}
	}
	if _, err := Babble([][]float64{{0, 0}}, 2); err == nil {
		t.Error("babble of a silent talker succeeded")
	}
}

func TestConcat(t *testing.T) {
	got, err := Concat([][]float64{{1, 2, 3}, {4}, {5, 6}}, 2, 3)
	if err != nil || len(got) != 3 || got[0] != 3 || got[1] != 4 || got[2] != 5 {
		t.Errorf("Concat = %v, %v; want [3 4 5]", got, err)
	}
	if _, err := Concat([][]float64{{1, 2}}, 1, 2); err == nil {
		t.Error("Concat past the end succeeded")
	}
}
