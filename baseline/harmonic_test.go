package baseline

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// ramp returns (1, 1, h, w) with value a·i + b·j + c at (i, j).
func ramp(h, w int, a, b, c float64) *tensor.Tensor {
	x := tensor.New(1, 1, h, w)
	for i := range h {
		for j := range w {
			x.Data[i*w+j] = float32(a*float64(i) + b*float64(j) + c)
		}
	}
	return x
}

// box returns a mask of an h×w image with the box [i0, i1)×[j0, j1) unknown.
func box(h, w, i0, i1, j0, j1 int) []bool {
	known := make([]bool, h*w)
	for i := range h {
		for j := range w {
			known[i*w+j] = i < i0 || i >= i1 || j < j0 || j >= j1
		}
	}
	return known
}

func TestHarmonicFillOfLinearRampIsExact(t *testing.T) {
	x := ramp(20, 24, 0.03, -0.05, 0.2)
	known := box(20, 24, 5, 15, 4, 20)
	y, err := HarmonicFill(x, known, 1e-9, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if e := math.Sqrt(mse(y, x)); e > 1e-5 {
		t.Errorf("HarmonicFill of a ramp: RMS error %.2g, want < 1e-5", e)
	}
}

func TestHarmonicFillKeepsKnownPixels(t *testing.T) {
	x := noisy(tensor.New(2, 3, 9, 11), 0.5, 4)
	known := box(9, 11, 2, 7, 0, 11) // touches the left and right borders
	for _, fill := range []func(*tensor.Tensor, []bool) (*tensor.Tensor, error){
		MeanFill,
		func(x *tensor.Tensor, k []bool) (*tensor.Tensor, error) { return HarmonicFill(x, k, 1e-6, 2000) },
	} {
		y, err := fill(x, known)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range y.Data {
			if known[i%(9*11)] && v != x.Data[i] {
				t.Fatalf("known pixel %d changed: %v → %v", i, x.Data[i], v)
			}
		}
	}
}

func TestMeanFillValue(t *testing.T) {
	x := tensor.FromData([]float32{1, 2, 3, 4}, 1, 1, 2, 2)
	y, _ := MeanFill(x, []bool{true, true, false, true})
	if want := float32(7.0 / 3); y.Data[2] != want {
		t.Errorf("MeanFill hole = %v, want %v", y.Data[2], want)
	}
}

func TestFillErrorNamesSizes(t *testing.T) {
	_, err := HarmonicFill(tensor.New(1, 1, 4, 5), make([]bool, 16), 1e-6, 10)
	if err == nil || err.Error() != "baseline: HarmonicFill: mask has 16 pixels, want 4×5 = 20" {
		t.Errorf("err = %v", err)
	}
}
