package metrics

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestPSNRHandCases(t *testing.T) {
	ref := tensor.Full(0, 2, 1, 4, 4)
	x := tensor.Full(0.25, 2, 1, 4, 4) // MSE 1/16 → 10·log10(4·16)
	cases := []struct {
		name      string
		x, ref    *tensor.Tensor
		dataRange float64
		want      float64
	}{
		{"offset 0.25 in [-1,1]", x, ref, 2, 10 * math.Log10(64)},
		{"offset 0.25 in [0,1]", x, ref, 1, 10 * math.Log10(16)},
		{"identical", ref, ref, 2, math.Inf(1)},
	}
	for _, c := range cases {
		got, err := PSNR(c.x, c.ref, c.dataRange)
		if err != nil {
			t.Fatal(err)
		}
		if !(got == c.want || math.Abs(got-c.want) < 1e-9) {
			t.Errorf("%s: PSNR = %.9f, want %.9f", c.name, got, c.want)
		}
	}
}

func TestPSNRPerImage(t *testing.T) {
	ref := tensor.Full(0, 2, 1, 2, 2)
	x := tensor.FromData([]float32{0.2, 0.2, 0.2, 0.2, 0, 0, 0, 0.02}, 2, 1, 2, 2)
	got, err := PSNRPerImage(x, ref, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{10 * math.Log10(4/0.04), 10 * math.Log10(4/(0.0004/4))}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-5 { // 0.2 and 0.02 are float32
			t.Errorf("PSNRPerImage[%d] = %.6f, want %.6f", i, got[i], want[i])
		}
	}
}

func TestPSNRGolden(t *testing.T) {
	for _, c := range readGolden(t).Image {
		got, err := PSNR(tensor.FromData(c.X, c.Shape...), tensor.FromData(c.Ref, c.Shape...), c.Range)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.PSNR) > 1e-9 {
			t.Errorf("%s: PSNR = %.12f, numpy %.12f", c.Name, got, c.PSNR)
		}
	}
}

func TestPSNRErrors(t *testing.T) {
	a, b := tensor.New(2, 3), tensor.New(3, 2)
	if _, err := PSNR(a, b, 2); err == nil {
		t.Error("PSNR of (2, 3) and (3, 2): no error")
	}
	if _, err := PSNR(a, a.Clone(), 0); err == nil {
		t.Error("PSNR with data range 0: no error")
	}
	if _, err := PSNR(tensor.New(0), tensor.New(0), 2); err == nil {
		t.Error("PSNR of empty tensors: no error")
	}
}

func ExamplePSNR() {
	ref := tensor.Full(0, 1, 1, 8, 8)
	x := tensor.Full(0.02, 1, 1, 8, 8) // off by 0.02 in [-1, 1]
	db, _ := PSNR(x, ref, 2)
	fmt.Printf("%.1f dB\n", db)
	// Output: 40.0 dB
}
