package noise

import (
	"math"
	"slices"
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

// NewTrainingSet keeps the clips that trim leaves speech in as babble
// talkers, with their voices; Mix returns the clip itself and a noisy
// version of it; fewer than two talkers, or a voice count that is not the
// clip count, is refused.
func TestTrainingSet(t *testing.T) {
	const L = 400
	x := tensor.New(3, 1, L)
	for i := range L {
		x.Data[i] = float32(math.Sin(float64(i) * 0.1))
		x.Data[2*L+i] = float32(math.Cos(float64(i) * 0.2))
	}
	nonzero := func(c []float64) []float64 {
		for _, v := range c {
			if v != 0 {
				return c
			}
		}
		return nil
	}
	set, err := NewTrainingSet(x, []string{"a", "b", "c"}, 0, 10, nonzero)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Speech) != 2 || !slices.Equal(set.Voices, []string{"a", "c"}) {
		t.Fatalf("talkers of voices %v, want the two non-silent clips a and c", set.Voices)
	}
	clean, noisy, err := set.Mix(2, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	for j := range L {
		if clean[j] != float64(x.Data[2*L+j]) {
			t.Fatalf("Mix(2): clean sample %d is %g, want the clip's %g", j, clean[j], x.Data[2*L+j])
		}
	}
	if snr := SNR(clean, diff(noisy, clean)); snr < -1e-6 || snr > 10+1e-6 {
		t.Errorf("Mix(2): SNR %.3f dB outside [0, 10]", snr)
	}
	if _, err := NewTrainingSet(x, []string{"a", "b", "c"}, 0, 10, func([]float64) []float64 { return nil }); err == nil {
		t.Error("no talkers: want an error")
	}
	if _, err := NewTrainingSet(x, []string{"a"}, 0, 10, nonzero); err == nil {
		t.Error("one voice for three clips: want an error")
	}
}

func diff(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// Indices lists the clips; Pairs gives each item of a batch its clip and the noisy version that Mix
// draws from the item's own stream, both scaled to put the noisy peak at
// the level asked: the same clip twice in a batch gets two noises, an
// item's pair does not depend on the rest of its batch, and the same call
// gives the same bits.
func TestTrainingSetPairs(t *testing.T) {
	const L, peak = 400, 0.9
	x := tensor.New(3, 1, L)
	for c := range 3 {
		for j := range L {
			x.Data[c*L+j] = float32(0.2 * math.Sin(float64(j)*0.1*float64(c+1)))
		}
	}
	set, err := NewTrainingSet(x, []string{"a", "b", "c"}, 0, 10, func(c []float64) []float64 { return c })
	if err != nil {
		t.Fatal(err)
	}
	if all := set.Indices(); !slices.Equal(all.Shape, []int{3, 1}) || !slices.Equal(all.Data, []float32{0, 1, 2}) {
		t.Errorf("Indices() = %v %v, want (3, 1) holding 0, 1, 2", all.Shape, all.Data)
	}
	idx := tensor.FromData([]float32{2, 0, 2}, 3, 1)
	rng := tensor.NewRNG(5)
	clean, noisy, err := set.Pairs(idx, rng, peak)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		c0, n0, err := set.Mix(int(idx.Data[i]), rng.Split(1<<20).Split(uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		m := 0.0
		for _, v := range n0 {
			m = max(m, math.Abs(v))
		}
		got := 0.0
		for j := range L {
			got = max(got, math.Abs(noisy[i][j]))
			if clean[i][j] != c0[j]*(peak/m) || noisy[i][j] != n0[j]*(peak/m) {
				t.Fatalf("item %d, sample %d: (%g, %g), want Mix's (%g, %g) scaled by %g", i, j, clean[i][j], noisy[i][j], c0[j], n0[j], peak/m)
			}
		}
		if math.Abs(got-peak) > 1e-12 {
			t.Errorf("item %d: noisy peak %g, want %g", i, got, peak)
		}
	}
	if slices.Equal(noisy[0], noisy[2]) {
		t.Error("clip 2 twice in a batch got the same noise")
	}
	_, alone, err := set.Pairs(tensor.FromData([]float32{2}, 1, 1), rng, peak)
	if err != nil || !slices.Equal(alone[0], noisy[0]) {
		t.Errorf("item 0 drawn alone differs from item 0 of its batch (%v)", err)
	}
	_, again, _ := set.Pairs(idx, rng, peak)
	for i := range again {
		if !slices.Equal(again[i], noisy[i]) {
			t.Errorf("item %d: the same call gave other bits", i)
		}
	}
}
