package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestSinusoidalEmbedding(t *testing.T) {
	ts := []float64{0, 17, 500, 999}
	e := nn.SinusoidalEmbedding(ts, 32)
	if !tensor.SameShape(e.Shape, []int{4, 32}) {
		t.Fatalf("shape %v, want (4, 32)", e.Shape)
	}
	for n, tn := range ts {
		for i := range 16 {
			f := math.Exp(-math.Log(10000) * float64(i) / 16) // divisor 16, not 15
			if got, want := float64(e.At(n, i)), math.Sin(tn*f); math.Abs(got-want) > 2e-4 {
				t.Errorf("t=%v sin feature %d = %.6f, want %.6f", tn, i, got, want)
			}
			if got, want := float64(e.At(n, 16+i)), math.Cos(tn*f); math.Abs(got-want) > 2e-4 {
				t.Errorf("t=%v cos feature %d = %.6f, want %.6f", tn, i, got, want)
			}
		}
	}
	// t = 0: all sines 0, all cosines 1
	for i := range 16 {
		if e.At(0, i) != 0 || e.At(0, 16+i) != 1 {
			t.Fatalf("t=0 row = %v, want sixteen 0s then sixteen 1s", e.Data[:32])
		}
	}
}

func TestSinusoidalEmbeddingFloat32(t *testing.T) {
	// t·f is rounded to float32 as in PyTorch: at t = 999, f_1 = 10000^(−1/16)
	e := nn.SinusoidalEmbedding([]float64{999}, 32)
	f := float32(math.Exp(float64(float32(-math.Log(10000)) * 1 / 16)))
	want := float32(math.Sin(float64(float32(999) * f)))
	if e.At(0, 1) != want {
		t.Errorf("sin(999·f_1) = %v, want %v (float32 argument)", e.At(0, 1), want)
	}
}
