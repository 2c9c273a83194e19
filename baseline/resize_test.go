package baseline

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestResizeHandValues(t *testing.T) {
	cases := []struct {
		name string
		fn   func(*tensor.Tensor, int, int) (*tensor.Tensor, error)
		in   []float32
		want []float64
	}{
		{"nearest", ResizeNearest, []float32{0, 1, 2}, []float64{0, 0, 1, 1, 2, 2}},
		{"bilinear", ResizeBilinear, []float32{0, 1}, []float64{0, 0.25, 0.75, 1}},
		// Keys a = −0.5 weights of a unit impulse at x = 2, sampled at x = j/2 − 1/4:
		// W(1.75) = −0.0234375, W(1.25) = −0.0703125, W(0.75) = 0.2265625, W(0.25) = 0.8671875
		{"bicubic", ResizeBicubic, []float32{0, 0, 1, 0, 0, 0},
			[]float64{0, -0.0234375, -0.0703125, 0.2265625, 0.8671875, 0.8671875, 0.2265625, -0.0703125, -0.0234375, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := tensor.FromData(c.in, 1, 1, 1, len(c.in))
			y, err := c.fn(x, 1, len(c.want))
			if err != nil {
				t.Fatal(err)
			}
			for j, want := range c.want {
				if got := float64(y.Data[j]); math.Abs(got-want) > 1e-7 {
					t.Errorf("%s x2 of %v at %d = %.7f, want %.7f", c.name, c.in, j, got, want)
				}
			}
		})
	}
}

func TestResizeReproducesRamps(t *testing.T) {
	// bicubic and bilinear reproduce linear functions wherever no tap is clamped
	x := ramp(12, 12, 0.04, -0.07, 0.1)
	for name, fn := range map[string]func(*tensor.Tensor, int, int) (*tensor.Tensor, error){"bilinear": ResizeBilinear, "bicubic": ResizeBicubic} {
		y, _ := fn(x, 24, 24)
		for i := 4; i < 20; i++ {
			for j := 4; j < 20; j++ {
				si, sj := (float64(i)+0.5)/2-0.5, (float64(j)+0.5)/2-0.5
				want := 0.04*si - 0.07*sj + 0.1
				if got := float64(y.Data[i*24+j]); math.Abs(got-want) > 1e-6 {
					t.Fatalf("%s ramp at (%d,%d) = %.7f, want %.7f", name, i, j, got, want)
				}
			}
		}
	}
}

func TestResizeConstantAndShape(t *testing.T) {
	x := tensor.Full(0.7, 2, 3, 5, 7)
	for _, size := range [][2]int{{10, 14}, {20, 28}, {3, 4}, {5, 7}} {
		for name, fn := range map[string]func(*tensor.Tensor, int, int) (*tensor.Tensor, error){"nearest": ResizeNearest, "bilinear": ResizeBilinear, "bicubic": ResizeBicubic} {
			t.Run(fmt.Sprint(name, size), func(t *testing.T) {
				y, err := fn(x, size[0], size[1])
				if err != nil {
					t.Fatal(err)
				}
				if want := []int{2, 3, size[0], size[1]}; !tensor.SameShape(y.Shape, want) {
					t.Fatalf("shape %v, want %v", y.Shape, want)
				}
				for _, v := range y.Data {
					if math.Abs(float64(v)-0.7) > 1e-6 {
						t.Fatalf("resized constant = %v, want 0.7", v)
					}
				}
			})
		}
	}
	if _, err := ResizeBicubic(x, 0, 3); err == nil {
		t.Error("ResizeBicubic to 0×3: no error")
	}
}
