package metrics

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestWasserstein1DKnownAnswers(t *testing.T) {
	cases := []struct {
		name string
		u, v []float64
		want float64
	}{
		{"same", []float64{3, 1, 2}, []float64{2, 3, 1}, 0},
		{"point vs two", []float64{0}, []float64{1, 3}, 2},                // ½·1 + ½·3
		{"unequal sizes", []float64{0, 1}, []float64{0, 0.5, 1}, 1.0 / 6}, // ½·|½−⅓| + ½·|½−⅔|
		{"shift", []float64{0, 1, 5}, []float64{2.5, 3.5, 7.5}, 2.5},
		{"ties", []float64{1, 1, 1, 1}, []float64{1, 1, 3, 3}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, swap := range []bool{false, true} {
				u, v := append([]float64(nil), c.u...), append([]float64(nil), c.v...)
				if swap {
					u, v = v, u
				}
				if got := Wasserstein1D(u, v); math.Abs(got-c.want) > 1e-12 {
					t.Errorf("W1(%v, %v) = %v, want %v", c.u, c.v, got, c.want)
				}
			}
		})
	}
}

// TestWasserstein1DEqualSizesIsSortedPairing checks the CDF walk against
// the pairing formula mean |u₍ᵢ₎ − v₍ᵢ₎| on random sets.
func TestWasserstein1DEqualSizesIsSortedPairing(t *testing.T) {
	rng := tensor.NewRNG(5)
	u, v := make([]float64, 301), make([]float64, 301)
	for i := range u {
		u[i], v[i] = rng.Normal(), 2*rng.Normal()+0.3
	}
	got := Wasserstein1D(u, v) // sorts u and v
	var want float64
	for i := range u {
		want += math.Abs(u[i]-v[i]) / float64(len(u))
	}
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("W1 = %.15f, sorted pairing gives %.15f", got, want)
	}
}

// TestSlicedWassersteinShift: translating a set by c changes every
// projection by c·cos∠(θ, c) exactly, so SW₁ = |c|·E|cos| = (2/π)·|c| in
// 2-D, up to the Monte Carlo error of the directions: |cos| has sd ≈ 0.31,
// so with 4000 directions the estimate is within 3 sd ≈ 0.015·|c|.
func TestSlicedWassersteinShift(t *testing.T) {
	rng := tensor.NewRNG(1)
	a := rng.Randn(500, 2)
	b := a.Clone()
	c := [2]float32{0.6, -0.8} // |c| = 1
	for i := range 500 {
		b.Data[2*i] += 3 * c[0]
		b.Data[2*i+1] += 3 * c[1]
	}
	got, err := SlicedWasserstein(a, b, 4000, tensor.NewRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * 2 / math.Pi; math.Abs(got-want) > 3*0.015 {
		t.Errorf("SW1 of a 3-unit shift = %.4f, want (2/π)·3 = %.4f ± 0.045", got, want)
	}
	self, err := SlicedWasserstein(a, a, 50, tensor.NewRNG(2))
	if err != nil || self != 0 {
		t.Errorf("SW1(a, a) = %v, %v; want 0, nil", self, err)
	}
}

// TestSlicedWassersteinOneDimension: in 1-D every direction is ±1, so SW₁
// is the exact W₁.
func TestSlicedWassersteinOneDimension(t *testing.T) {
	a := tensor.FromData([]float32{0}, 1, 1)
	b := tensor.FromData([]float32{1, 3}, 2, 1)
	got, err := SlicedWasserstein(a, b, 7, tensor.NewRNG(1))
	if err != nil || math.Abs(got-2) > 1e-12 {
		t.Errorf("SW1 in 1-D = %v, %v; want 2, nil", got, err)
	}
}

// TestSlicedWassersteinScaleAndSeed: SW₁(k·a, k·b) = k·SW₁(a, b) with the
// same directions, and the same seed gives the same bits.
func TestSlicedWassersteinScaleAndSeed(t *testing.T) {
	rng := tensor.NewRNG(9)
	a, b := rng.Randn(200, 3), rng.Rand(-1, 1, 150, 3)
	d1, _ := SlicedWasserstein(a, b, 100, tensor.NewRNG(4))
	d2, _ := SlicedWasserstein(a, b, 100, tensor.NewRNG(4))
	if d1 != d2 {
		t.Errorf("same seed: %v then %v", d1, d2)
	}
	ka, kb := a.Clone(), b.Clone()
	for i := range ka.Data {
		ka.Data[i] *= 4
	}
	for i := range kb.Data {
		kb.Data[i] *= 4
	}
	d4, _ := SlicedWasserstein(ka, kb, 100, tensor.NewRNG(4))
	if math.Abs(d4-4*d1) > 1e-5*d4 {
		t.Errorf("SW1(4a, 4b) = %v, want 4·SW1(a, b) = %v", d4, 4*d1)
	}
}

func TestSlicedWassersteinErrors(t *testing.T) {
	rng := tensor.NewRNG(1)
	cases := map[string][2]*tensor.Tensor{
		"dims differ": {tensor.New(3, 2), tensor.New(3, 3)},
		"rank 1":      {tensor.New(3), tensor.New(3)},
		"empty":       {tensor.New(0, 2), tensor.New(3, 2)},
	}
	for name, c := range cases {
		if _, err := SlicedWasserstein(c[0], c[1], 10, rng); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := SlicedWasserstein(tensor.New(2, 2), tensor.New(2, 2), 0, rng); err == nil {
		t.Error("0 directions: no error")
	}
}

func BenchmarkSlicedWasserstein(b *testing.B) {
	rng := tensor.NewRNG(1)
	x, y := rng.Randn(2000, 2), rng.Randn(2000, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SlicedWasserstein(x, y, 128, tensor.NewRNG(2)); err != nil {
			b.Fatal(err)
		}
	}
}
