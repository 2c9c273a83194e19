package restore

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestDownsampleAreaAverage(t *testing.T) {
	x := tensor.FromData([]float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16}, 1, 1, 4, 4)
	y, err := Downsample(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{3.5, 5.5, 11.5, 13.5}
	for i, w := range want {
		if y.Data[i] != w {
			t.Errorf("Downsample x2 [%d] = %v, want %v", i, y.Data[i], w)
		}
	}
	y4, _ := Downsample(x, 4)
	if y4.Data[0] != 8.5 {
		t.Errorf("Downsample x4 = %v, want 8.5", y4.Data[0])
	}
	if _, err := Downsample(tensor.New(1, 1, 28, 28), 3); err == nil {
		t.Error("28 by 3: no error")
	}
}

func TestSuperResPair(t *testing.T) {
	x := tensor.NewRNG(1).Rand(-1, 1, 2, 3, 28, 28)
	for _, f := range []int{2, 4} {
		for _, method := range []string{"nearest", "bicubic"} {
			low, cond, err := SuperResPair(x, f, method)
			if err != nil {
				t.Fatal(err)
			}
			if !tensor.SameShape(low.Shape, []int{2, 3, 28 / f, 28 / f}) || !tensor.SameShape(cond.Shape, x.Shape) {
				t.Fatalf("x%d %s: shapes %v, %v", f, method, low.Shape, cond.Shape)
			}
			// the condition carries the low-resolution image: shrinking it again gives low back
			back, _ := Downsample(cond, f)
			tol := map[string]float64{"nearest": 1e-12, "bicubic": 0.2}[method]
			if e := mse(back, low); e > tol {
				t.Errorf("x%d %s: Downsample(cond) differs from low by MSE %.3g", f, method, e)
			}
		}
	}
	if _, _, err := SuperResPair(x, 2, "lanczos"); err == nil {
		t.Error("unknown method: no error")
	}
}

func TestConcatChannels(t *testing.T) {
	a := tensor.FromData([]float32{1, 2, 3, 4}, 2, 1, 1, 2)
	b := tensor.FromData([]float32{5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 1, 2)
	c, err := ConcatChannels(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}
	for i, w := range want {
		if c.Data[i] != w {
			t.Fatalf("ConcatChannels = %v, want %v", c.Data, want)
		}
	}
	if _, err := ConcatChannels(a, tensor.New(2, 1, 2, 2)); err == nil {
		t.Error("different sizes: no error")
	}
}
