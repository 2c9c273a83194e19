package baseline

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// plane returns n points mean + a·u + b·v in 10 dimensions, with random a, b.
func plane(n int, rng *tensor.RNG) *tensor.Tensor {
	x := tensor.New(n, 10)
	for r := range n {
		a, b := 2*rng.Normal(), rng.Normal()
		for j := range 10 {
			u, v := math.Sin(float64(j)), math.Cos(float64(3*j))
			x.Data[r*10+j] = float32(0.3 + a*u + b*v)
		}
	}
	return x
}

func TestPCAOfPlaneDataIsExactWithTwoComponents(t *testing.T) {
	rng := tensor.NewRNG(5)
	train, test := plane(60, rng), plane(20, rng)
	p, err := FitPCA(train, 2)
	if err != nil {
		t.Fatal(err)
	}
	errs, _ := p.ReconstructionError(test)
	for i, e := range errs {
		if e > 1e-10 {
			t.Errorf("k=2 reconstruction error of in-plane point %d = %.3g, want ≈ 0", i, e)
		}
	}
	p1, _ := FitPCA(train, 1)
	errs1, _ := p1.ReconstructionError(test)
	if errs1[0] < 1e-3 {
		t.Errorf("k=1 error %.3g: want clearly > 0 for 2-D data", errs1[0])
	}
	// a point moved off the plane by δ·e0 has error ≥ 0 and ≤ δ²/D
	off := test.Clone()
	off.Data[0] += 1
	e, _ := p.ReconstructionError(off)
	if e[0] < 0.05 || e[0] > 0.1+1e-6 {
		t.Errorf("off-plane error %.4f, want in (0.05, 0.1]", e[0])
	}
	// components are orthonormal and sorted by variance
	for a := range 2 {
		for b := range 2 {
			dot := 0.0
			for j := range 10 {
				dot += float64(p.Components[a*10+j] * p.Components[b*10+j])
			}
			if want := map[bool]float64{true: 1, false: 0}[a == b]; math.Abs(dot-want) > 1e-5 {
				t.Errorf("component %d·%d = %.6f, want %g", a, b, dot, want)
			}
		}
	}
	if p.Variances[0] < p.Variances[1] {
		t.Errorf("variances %v not decreasing", p.Variances)
	}
}

func TestPCAErrors(t *testing.T) {
	x := tensor.New(5, 4)
	if _, err := FitPCA(x, 5); err == nil {
		t.Error("k > D: no error")
	}
	p, _ := FitPCA(tensor.NewRNG(1).Randn(5, 4), 2)
	if _, err := p.ReconstructionError(tensor.New(3, 5)); err == nil {
		t.Error("wrong feature count: no error")
	}
}
