package noise

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// Training.Draw mixes at an SNR inside its range, the same stream gives the
// same noisy clip, and every kind is drawn.
func TestTrainingDraw(t *testing.T) {
	const L = 800
	clean := make([]float64, L)
	for i := range clean {
		clean[i] = math.Sin(float64(i) * 0.05)
	}
	tr := Training{MinSNR: -5, MaxSNR: 20}
	for v, voice := range []string{"a", "b", "c"} {
		for k := range 3 {
			u := make([]float64, 300)
			for i := range u {
				u[i] = math.Cos(float64(i*(v+1)+k) * 0.3)
			}
			tr.Speech = append(tr.Speech, u)
			tr.Voices = append(tr.Voices, voice)
		}
	}
	snrs := map[bool]int{}
	for i := range 60 {
		noisy, err := tr.Draw(clean, "a", tensor.NewRNG(uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		nz := make([]float64, L)
		for j := range nz {
			nz[j] = noisy[j] - clean[j]
		}
		snr := SNR(clean, nz)
		if snr < tr.MinSNR-1e-6 || snr > tr.MaxSNR+1e-6 {
			t.Fatalf("draw %d: SNR %.4f dB outside [%g, %g]", i, snr, tr.MinSNR, tr.MaxSNR)
		}
		snrs[snr > 7.5]++
		again, err := tr.Draw(clean, "a", tensor.NewRNG(uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		for j := range noisy {
			if noisy[j] != again[j] {
				t.Fatalf("draw %d: the same stream gave a different clip at %d", i, j)
			}
		}
	}
	if snrs[true] == 0 || snrs[false] == 0 {
		t.Errorf("60 draws all on one side of the SNR range's middle: %v", snrs)
	}
}
