package metrics

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestSSIMOfItselfIsOne(t *testing.T) {
	x := tensor.NewRNG(1).Rand(-1, 1, 2, 3, 17, 12)
	got, err := SSIM(x, x.Clone(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-1) > 1e-12 {
		t.Errorf("SSIM(x, x) = %.15f, want 1", got)
	}
}

func TestSSIMSymmetric(t *testing.T) {
	rng := tensor.NewRNG(2)
	x, y := rng.Rand(-1, 1, 1, 2, 14, 15), rng.Rand(-1, 1, 1, 2, 14, 15)
	xy, _ := SSIM(x, y, 2)
	yx, _ := SSIM(y, x, 2)
	if xy != yx {
		t.Errorf("SSIM(x, y) = %.17g, SSIM(y, x) = %.17g: want equal", xy, yx)
	}
	if xy > 0.2 {
		t.Errorf("SSIM of independent noise = %.4f, want near 0", xy)
	}
}

// TestSSIMConstantImages: with no variance the SSIM map is the luminance
// term everywhere, (2ab + C1)/(a² + b² + C1).
func TestSSIMConstantImages(t *testing.T) {
	cases := []struct{ a, b, dataRange float64 }{
		{0.5, -0.5, 2}, {0.2, 0.3, 1}, {100, 120, 255}, {0, 0, 2},
	}
	for _, c := range cases {
		x := tensor.Full(float32(c.a), 11, 11)
		y := tensor.Full(float32(c.b), 11, 11)
		got, err := SSIM(x, y, c.dataRange)
		if err != nil {
			t.Fatal(err)
		}
		a, b := float64(float32(c.a)), float64(float32(c.b))
		c1 := (SSIMK1 * c.dataRange) * (SSIMK1 * c.dataRange)
		want := (2*a*b + c1) / (a*a + b*b + c1)
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("SSIM(const %v, const %v, L=%v) = %.12f, want %.12f", c.a, c.b, c.dataRange, got, want)
		}
	}
}

// TestSSIMNegatedImage: for x and −x with zero-mean windows, the structure
// term is (C2 − 2σ²)/(2σ² + C2), close to −1 for strong texture.
func TestSSIMNegatedImage(t *testing.T) {
	x := tensor.New(1, 1, 11, 11)
	for i := range x.Data { // a checkerboard: every window has mean ≈ 0
		if (i/11+i%11)%2 == 0 {
			x.Data[i] = 1
		} else {
			x.Data[i] = -1
		}
	}
	neg := x.Clone()
	for i := range neg.Data {
		neg.Data[i] = -neg.Data[i]
	}
	got, _ := SSIM(x, neg, 2)
	if got > -0.99 {
		t.Errorf("SSIM(checkerboard, −checkerboard) = %.6f, want ≈ −1", got)
	}
}

func TestSSIMGolden(t *testing.T) {
	for _, c := range readGolden(t).Image {
		got, err := SSIMPerImage(tensor.FromData(c.X, c.Shape...), tensor.FromData(c.Ref, c.Shape...), c.Range)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range c.SSIMPerImage {
			if math.Abs(got[i]-want) > 1e-10 {
				t.Errorf("%s: SSIM of image %d = %.12f, numpy %.12f", c.Name, i, got[i], want)
			}
		}
	}
}

func TestSSIMShapes(t *testing.T) {
	x := tensor.NewRNG(3).Rand(-1, 1, 2, 13, 13)
	y := tensor.NewRNG(4).Rand(-1, 1, 2, 13, 13)
	three, err := SSIM(x, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	four, _ := SSIM(x.Reshape(1, 2, 13, 13), y.Reshape(1, 2, 13, 13), 2)
	if three != four {
		t.Errorf("SSIM of (C, H, W) = %v, of (1, C, H, W) = %v: want equal", three, four)
	}
	for _, shape := range [][]int{{1, 1, 10, 20}, {5}, {1, 1, 1, 12, 12}} {
		a := tensor.New(shape...)
		if _, err := SSIM(a, a.Clone(), 2); err == nil {
			t.Errorf("SSIM of %s: no error", tensor.FormatShape(shape))
		}
	}
}

func TestGaussianWindow(t *testing.T) {
	w := gaussianWindow(11, 1.5)
	var sum float64
	for _, v := range w {
		sum += v
	}
	if math.Abs(sum-1) > 1e-15 || w[0] != w[10] || w[5] <= w[4] {
		t.Errorf("gaussianWindow(11, 1.5) = %v: want normalised, symmetric, peaked", w)
	}
	// Centre tap of the normalised 11-tap Gaussian, σ = 1.5, from numpy.
	if math.Abs(w[5]-0.266011724862) > 1e-11 {
		t.Errorf("centre tap %.9f, want 0.266011724862 (numpy)", w[5])
	}
}

func BenchmarkSSIM28(b *testing.B) {
	rng := tensor.NewRNG(1)
	x, y := rng.Rand(-1, 1, 64, 1, 28, 28), rng.Rand(-1, 1, 64, 1, 28, 28)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SSIM(x, y, 2); err != nil {
			b.Fatal(err)
		}
	}
}
