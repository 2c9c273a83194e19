package diffusion

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// affineCond is a CondDenoiser with known answers: class c predicts
// x0 = x + c·σ, the null class (−1) predicts x0 = x/2. It counts calls and
// the batch sizes it saw.
type affineCond struct {
	calls []int
}

func (a *affineCond) NullLabel() int { return -1 }

func (a *affineCond) DenoiseLabels(x *tensor.Tensor, sigma float64, labels []int) (*tensor.Tensor, error) {
	a.calls = append(a.calls, x.Dim(0))
	out := x.Clone()
	per := len(x.Data) / x.Dim(0)
	for i, c := range labels {
		for j := i * per; j < (i+1)*per; j++ {
			if c == -1 {
				out.Data[j] = x.Data[j] / 2
			} else {
				out.Data[j] = x.Data[j] + float32(float64(c)*sigma)
			}
		}
	}
	return out, nil
}

func TestGuidedCombination(t *testing.T) {
	x := tensor.FromData([]float32{1, -2, 3, 0.5, 4, -1}, 3, 2)
	labels := []int{0, 2, 5}
	const sigma = 0.75
	for _, w := range []float64{0, 1, 3, -0.5} {
		d := &affineCond{}
		got, err := Guided{D: d, Labels: labels, Scale: w}.Denoise(x, sigma)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x.Data {
			xi := float64(x.Data[i])
			cond := xi + float64(labels[i/2])*sigma
			uncond := xi / 2
			want := uncond + w*(cond-uncond)
			if math.Abs(float64(got.Data[i])-want) > 1e-6 {
				t.Errorf("w=%v: x0[%d] = %v, want %v", w, i, got.Data[i], want)
			}
		}
		wantCalls := []int{6} // one doubled batch
		if w == 1 || w == 0 {
			wantCalls = []int{3} // plain conditional or unconditional: one pass
		}
		if len(d.calls) != 1 || d.calls[0] != wantCalls[0] {
			t.Errorf("w=%v: denoiser calls with batch sizes %v, want %v", w, d.calls, wantCalls)
		}
	}
}

func TestGuidedChecksLabels(t *testing.T) {
	x := tensor.New(3, 2)
	if _, err := (Guided{D: &affineCond{}, Labels: []int{1, 2}, Scale: 2}).Denoise(x, 1); err == nil {
		t.Error("Guided with 2 labels for a batch of 3: no error")
	}
}

func TestCombine(t *testing.T) {
	got := Combine([]float32{2, 0}, []float32{1, 4}, 3, []int{2})
	want := []float32{1 + 3*(2-1), 4 + 3*(0-4)} // 4, −8
	for i := range want {
		if got.Data[i] != want[i] {
			t.Errorf("Combine[%d] = %v, want %v", i, got.Data[i], want[i])
		}
	}
}

func TestDropLabels(t *testing.T) {
	y := make([]int, 20000)
	for i := range y {
		y[i] = i % 7
	}
	a := DropLabels(y, 0.2, 7, tensor.NewRNG(3))
	b := DropLabels(y, 0.2, 7, tensor.NewRNG(3))
	dropped := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, label %d: %d vs %d", i, a[i], b[i])
		}
		switch a[i] {
		case 7:
			dropped++
		case y[i]:
		default:
			t.Fatalf("label %d became %d, want %d or the null label 7", i, a[i], y[i])
		}
	}
	// Binomial(20000, 0.2): sd ≈ 57 drops; allow 5 sd.
	if dropped < 4000-285 || dropped > 4000+285 {
		t.Errorf("dropped %d of 20000 labels at p = 0.2, want 4000 ± 285", dropped)
	}
	if DropLabels(nil, 0.5, 7, tensor.NewRNG(1)) != nil {
		t.Error("DropLabels(nil) is not nil")
	}
	if got := DropLabels(y[:10], 0, 7, tensor.NewRNG(1)); got[3] != y[3] {
		t.Error("p = 0 dropped a label")
	}
}
