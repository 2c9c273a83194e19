package enhance

import (
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/tensor"
)

func TestEvaluate(t *testing.T) {
	clean := vowel()
	var cases []Case
	for i := range 3 {
		rng := tensor.NewRNG(uint64(i))
		cases = append(cases, Case{Clean: clean, Voice: "v", Digit: i, Noise: map[string][]float64{
			White: noise.White(len(clean), rng), Babble: noise.Pink(len(clean), rng), // pink stands in for babble
		}})
	}
	entries := []Entry{{"input", Passthrough{}, false}, {"wiener", Wiener{}, false}, {"wiener oracle", Wiener{}, true}}
	tab, err := Evaluate(cases, 8000, []string{White, Babble}, []float64{0, 10}, entries)
	if err != nil {
		t.Fatal(err)
	}
	for k := range tab.Kinds {
		for s, snr := range tab.SNRs {
			for i := range cases {
				if got := tab.Input[k][s][i]; math.Abs(got-snr) > 0.5 {
					t.Errorf("input SI-SDR %.3f dB at SNR %g dB, want within 0.5 dB", got, snr)
				}
				if got := tab.Scores[k][s][0].SISDRi[i]; got != 0 {
					t.Errorf("passthrough SI-SDRi = %v, want 0", got)
				}
				if got := tab.Scores[k][s][2].SISDRi[i]; got < 3 {
					t.Errorf("%s %g dB: oracle Wiener SI-SDRi = %.2f, want ≥ 3", tab.Kinds[k], snr, got)
				}
			}
		}
	}
	var b strings.Builder
	tab.Markdown(&b)
	for _, want := range []string{"| wiener oracle |", "babble 10 dB", "**log-spectral distance"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if _, err := Evaluate(cases, 8000, []string{"pink"}, []float64{0}, entries); err == nil {
		t.Error("Evaluate with a noise kind the cases lack succeeded")
	}
}

func TestMeanSE(t *testing.T) {
	// Mean 2, sample standard deviation 1, standard error 1/√3.
	if got := MeanSE([]float64{1, 2, 3}); got != "2.00 ± 0.58" {
		t.Errorf("MeanSE(1, 2, 3) = %q, want \"2.00 ± 0.58\"", got)
	}
}
