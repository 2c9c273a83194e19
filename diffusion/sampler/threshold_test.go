package sampler

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// identity is a Denoiser that returns x itself, so a wrapper's effect is
// seen on hand-made x0.
type identity struct{}

func (identity) Denoise(x *tensor.Tensor, _ float64) (*tensor.Tensor, error) { return x.Clone(), nil }

func TestThresholded(t *testing.T) {
	x := tensor.FromData([]float32{-5, 0.5, 5, 0}, 2, 2)
	x0, err := Thresholded{D: gauss}.Denoise(x, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-1, 0.5, 1, 0}
	for i := range want {
		if x0.Data[i] != want[i] {
			t.Errorf("Thresholded at sigma 0: x0[%d] = %v, want %v", i, x0.Data[i], want[i])
		}
	}
}

func TestAbsQuantile(t *testing.T) {
	cases := []struct {
		name string
		v    []float32
		q    float64
		want float64 // numpy.percentile(abs(v), 100·q)
	}{
		{"max", []float32{1, -2, 3}, 1, 3},
		{"min", []float32{1, -2, 3}, 0, 1},
		{"median-even", []float32{-4, 2, 1, 0.5}, 0.5, 1.5},
		{"interpolated", []float32{1, 2, 3, 4, 5}, 0.995, 4.98},
		{"one", []float32{-7}, 0.3, 7},
		{"empty", nil, 0.5, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AbsQuantile(c.v, c.q, nil); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("AbsQuantile(%v, %g) = %g, want %g", c.v, c.q, got, c.want)
			}
		})
	}
}

func TestDynamicThresholded(t *testing.T) {
	cases := []struct {
		name string
		p    float64
		x0   []float32 // one item of 4 elements
		want []float32
	}{
		{"inside-range-untouched", 0, []float32{0.5, -0.2, 0.9, 0.1}, []float32{0.5, -0.2, 0.9, 0.1}},
		{"p1-divides-by-max", 1, []float32{-4, 2, 1, 0.5}, []float32{-1, 0.5, 0.25, 0.125}},
		// s = quantile 0.5 of (0.5, 1, 2, 4) = 1.5: clip to ±1.5, then ÷1.5
		{"median-clips-then-scales", 0.5, []float32{-4, 2, 1, 0.5}, []float32{-1, 1, 2.0 / 3, 1.0 / 3}},
		// s < 1 is raised to 1: plain identity on data inside [−1, 1]
		{"s-at-least-one", 0.5, []float32{0.1, -0.3, 0.2, 0.4}, []float32{0.1, -0.3, 0.2, 0.4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Two items: the case, and a saturated item that must not affect it.
			x := tensor.FromData(append(append([]float32{}, c.x0...), 100, 100, -100, 100), 2, 4)
			got, err := DynamicThresholded{D: identity{}, P: c.p}.Denoise(x, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range c.want {
				if math.Abs(float64(got.Data[i]-w)) > 1e-6 {
					t.Errorf("x0[0, %d] = %v, want %v", i, got.Data[i], w)
				}
			}
			for i := 4; i < 8; i++ {
				if a := math.Abs(float64(got.Data[i])); a != 1 {
					t.Errorf("saturated item: |x0[1, %d]| = %v, want 1", i-4, a)
				}
			}
		})
	}
}

func TestDynamicThresholdedRejectsP(t *testing.T) {
	for _, p := range []float64{-0.5, 1.5, math.NaN()} {
		if _, err := (DynamicThresholded{D: identity{}, P: p}).Denoise(tensor.New(1, 3), 1); err == nil {
			t.Errorf("P = %g accepted", p)
		}
	}
}
