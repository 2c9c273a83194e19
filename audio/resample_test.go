package audio

import (
	"math"
	"strings"
	"testing"
)

func sine(freq float64, rate, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.5 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
	}
	return x
}

// peakFreq estimates a sine's frequency in x at rate Hz as the maximum of
// the Hann-windowed DTFT magnitude near guess (ternary search over ±2 Hz,
// inside the main lobe of a window longer than 0.5 s, where it is unimodal).
func peakFreq(x []float64, rate int, guess float64) float64 {
	mag := func(f float64) float64 {
		w := 2 * math.Pi * f / float64(rate)
		var re, im float64
		for i, v := range x {
			h := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(len(x)))
			re += h * v * math.Cos(w*float64(i))
			im -= h * v * math.Sin(w*float64(i))
		}
		return re*re + im*im
	}
	lo, hi := guess-2, guess+2
	for hi-lo > 1e-4 {
		a, b := lo+(hi-lo)/3, hi-(hi-lo)/3
		if mag(a) < mag(b) {
			lo = a
		} else {
			hi = b
		}
	}
	return (lo + hi) / 2
}

func rms(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

func TestResampleKeepsFrequency(t *testing.T) {
	for _, tc := range []struct {
		from, to int
		freq     float64
	}{
		{22050, 8000, 1000},
		{22050, 8000, 3000},
		{44100, 16000, 440},
		{8000, 22050, 1234.5},
		{16000, 8001, 2000}, // 8001 phases: the per-sample path
	} {
		x := sine(tc.freq, tc.from, tc.from) // 1 s
		y, err := Resample(x, tc.from, tc.to)
		if err != nil {
			t.Fatal(err)
		}
		if len(y) != tc.to {
			t.Errorf("%d → %d Hz: %d samples, want %d", tc.from, tc.to, len(y), tc.to)
		}
		mid := y[len(y)/10 : len(y)*9/10] // away from the zero-padded ends
		if f := peakFreq(mid, tc.to, tc.freq+1); math.Abs(f-tc.freq) > 0.01 {
			t.Errorf("%d → %d Hz: a %g Hz sine comes out at %.4f Hz", tc.from, tc.to, tc.freq, f)
		}
		if a := rms(mid) * math.Sqrt2; math.Abs(a-0.5) > 0.005 {
			t.Errorf("%d → %d Hz: %g Hz amplitude %.4f, want 0.5 (passband)", tc.from, tc.to, tc.freq, a)
		}
	}
}

func TestResampleBoundsAliasing(t *testing.T) {
	// Sines above the output's Nyquist frequency (4 kHz) must be removed,
	// not folded back: at least 60 dB down from the input.
	for _, freq := range []float64{4200, 5000, 7000, 10000} {
		x := sine(freq, 22050, 22050)
		y, err := Resample(x, 22050, 8000)
		if err != nil {
			t.Fatal(err)
		}
		mid := y[800:7200]
		if db := 20 * math.Log10(rms(mid)/rms(x)); db > -60 {
			t.Errorf("a %g Hz sine leaks through at %.1f dB, want ≤ -60 dB", freq, db)
		}
	}
}

func TestResampleRefusesBadRates(t *testing.T) {
	if _, err := Resample([]float64{1}, 0, 8000); err == nil {
		t.Error("Resample from 0 Hz succeeded")
	}
}

func TestConform(t *testing.T) {
	st := New(16000, 2, 1600)
	copy(st.Data[0], sine(500, 16000, 1600))
	copy(st.Data[1], sine(500, 16000, 1600))
	got, note, err := Conform(st, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Channels() != 1 || got.Rate != 8000 || got.Len() != 800 {
		t.Fatalf("got %d ch %d Hz %d samples, want 1 ch 8000 Hz 800", got.Channels(), got.Rate, got.Len())
	}
	for _, want := range []string{"downmixed 2 channels → 1 (mean)", "resampled 16000 Hz → 8000 Hz"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	same, note, err := Conform(got, 8000, 1)
	if err != nil || note != "" || &same.Data[0][0] == &got.Data[0][0] {
		t.Errorf("no-op Conform: note %q, err %v; want an empty note and a copy", note, err)
	}
	up, note, err := Conform(got, 8000, 2)
	if err != nil || up.Channels() != 2 || !strings.Contains(note, "copied 1 channel → 2") {
		t.Errorf("mono → stereo: %v, note %q", err, note)
	}
	if _, _, err := Conform(New(8000, 5, 10), 8000, 2); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("5 → 2 channels: err %v, want refused", err)
	}
	if _, _, err := Conform(New(48000, 1, 2), 8000, 1); err == nil {
		t.Error("2 samples at 48 kHz → 8 kHz (no samples left) was not refused")
	}
}
