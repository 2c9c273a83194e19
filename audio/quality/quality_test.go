package quality

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/tensor"
)

func randn(n int, seed uint64) []float64 {
	rng := tensor.NewRNG(seed)
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.Normal()
	}
	return x
}

func scale(x []float64, a float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = a * v
	}
	return y
}

func TestSISDRKnownAnswers(t *testing.T) {
	// Hand-computed: s = (1, −1, 1, −1), ŝ = (2, 0, 0, −2): α = 4/4 = 1,
	// e_t = s, e_r = (1, 1, −1, −1), so SI-SDR = 10·log₁₀(4/4) = 0 dB.
	got, err := SISDR([]float64{2, 0, 0, -2}, []float64{1, -1, 1, -1})
	if err != nil || math.Abs(got) > 1e-12 {
		t.Errorf("hand case: SI-SDR = %v, %v; want 0 dB", got, err)
	}
	ref := randn(4000, 1)
	if got, _ := SISDR(scale(ref, 3), ref); got < 200 {
		t.Errorf("SI-SDR of a scaled copy = %v dB, want +Inf or very large", got)
	}
	// Noise orthogonal to the (zero-mean) reference at a known ratio.
	s := zeroMean(ref)
	w := zeroMean(randn(4000, 2))
	a := dot(w, s) / dot(s, s)
	for i := range w {
		w[i] -= a * s[i]
	}
	for _, ratio := range []float64{-5, 0, 7.5, 30} {
		n := scale(w, math.Sqrt(dot(s, s)/dot(w, w)/math.Pow(10, ratio/10)))
		est := make([]float64, len(s))
		for i := range est {
			est[i] = s[i] + n[i]
		}
		got, _ := SISDR(est, s)
		if math.Abs(got-ratio) > 1e-9 {
			t.Errorf("orthogonal noise at %g dB: SI-SDR = %.12f", ratio, got)
		}
		// Scale invariance, and a DC offset does not count.
		shifted := scale(est, 0.2)
		for i := range shifted {
			shifted[i] += 0.7
		}
		if g2, _ := SISDR(shifted, s); math.Abs(g2-got) > 1e-9 {
			t.Errorf("SI-SDR changed from %.9f to %.9f under scaling and offset", got, g2)
		}
		// Improvement over a noisy input at 0 dB.
		n0 := scale(w, math.Sqrt(dot(s, s)/dot(w, w)))
		noisy := make([]float64, len(s))
		for i := range noisy {
			noisy[i] = s[i] + n0[i]
		}
		if gain, _ := SISDRi(est, noisy, s); math.Abs(gain-ratio) > 1e-9 {
			t.Errorf("SI-SDRi from 0 dB to %g dB = %.9f", ratio, gain)
		}
	}
	if _, err := SISDR([]float64{1, 2}, []float64{3, 3}); err == nil {
		t.Error("SI-SDR against a constant reference succeeded")
	}
	if _, err := SISDR([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("SI-SDR of unequal lengths succeeded")
	}
}

func TestSegSNRKnownAnswers(t *testing.T) {
	ref := randn(2048, 3)
	for _, tc := range []struct {
		name string
		est  []float64
		want float64
	}{
		{"10% error", scale(ref, 0.9), 20},            // error 0.1·s in every frame
		{"half", scale(ref, 0.5), 20 * math.Log10(2)}, // error 0.5·s
		{"inverted", scale(ref, -1), -20 * math.Log10(2)},
		{"perfect", ref, SegSNRMax},
		{"far off", scale(ref, -30), SegSNRMin},
	} {
		got, err := SegSNR(tc.est, ref, 256, 128)
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: SegSNR = %.9f, %v; want %.9f", tc.name, got, err, tc.want)
		}
	}
	// Two frames, one perfect (35) and one silent reference with error (−10).
	est := []float64{1, 2, 0.5, 0.5}
	ref = []float64{1, 2, 0, 0}
	if got, _ := SegSNR(est, ref, 2, 2); math.Abs(got-12.5) > 1e-12 {
		t.Errorf("perfect + silent frames: SegSNR = %v, want (35 − 10)/2 = 12.5", got)
	}
}

func TestLSDKnownAnswers(t *testing.T) {
	s, _ := dsp.NewSTFT(256, 64)
	ref := randn(4000, 4)
	if got, _ := LSD(ref, ref, s); got != 0 {
		t.Errorf("LSD(x, x) = %v, want 0", got)
	}
	// Doubling the amplitude raises every bin's power by 10·log₁₀ 4 dB.
	if got, _ := LSD(scale(ref, 2), ref, s); math.Abs(got-10*math.Log10(4)) > 1e-6 {
		t.Errorf("LSD(2x, x) = %.9f, want %.9f", got, 10*math.Log10(4))
	}
	// The floor: against a reference that is silent but for one loud frame,
	// noise 100 dB down in silent frames counts as the floor (−80 dB),
	// so an all-zero estimate and that noise score the same.
	loud := make([]float64, 4000)
	copy(loud[2000:2256], ref[:256])
	quiet := make([]float64, 4000)
	for i := range 1000 { // frames 0–17, away from the loud frames 30–36
		quiet[i] = 1e-5 * ref[i]
	}
	copy(quiet[2000:2256], ref[:256])
	zeros := make([]float64, 4000)
	copy(zeros[2000:2256], ref[:256])
	a, _ := LSD(quiet, loud, s)
	b, _ := LSD(zeros, loud, s)
	if math.Abs(a-b) > 1e-9 {
		t.Errorf("LSD with −100 dB noise in silence = %.6f, with exact silence %.6f: want equal (floored)", a, b)
	}
	if _, err := LSD(ref, make([]float64, 4000), s); err == nil {
		t.Error("LSD against a silent reference succeeded")
	}
}
