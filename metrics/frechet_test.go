package metrics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/diffusego/diffusego/tensor"
)

// TestFrechetCommutingClosedForm: when Σa = Q·diag(a)·Qᵀ and Σb =
// Q·diag(b)·Qᵀ share eigenvectors, the distance is
// ‖μa − μb‖² + Σᵢ (√aᵢ − √bᵢ)².
func TestFrechetCommutingClosedForm(t *testing.T) {
	const d = 5
	va := []float64{4, 1, 0.25, 2, 0}
	vb := []float64{1, 1, 9, 0.5, 3}
	ma := []float64{0, 1, 2, 3, 4}
	mb := []float64{1, 1, 0, 3, 2}
	var want float64
	for i := range d {
		want += (ma[i]-mb[i])*(ma[i]-mb[i]) + (math.Sqrt(va[i])-math.Sqrt(vb[i]))*(math.Sqrt(va[i])-math.Sqrt(vb[i]))
	}
	var qr mat.QR // a random orthogonal Q
	rng := tensor.NewRNG(7)
	raw := mat.NewDense(d, d, nil)
	for i := range d {
		for j := range d {
			raw.Set(i, j, rng.Normal())
		}
	}
	qr.Factorize(raw)
	var q mat.Dense
	qr.QTo(&q)
	for _, name := range []string{"diagonal", "rotated"} {
		rot := &q
		if name == "diagonal" {
			rot = identity(d)
		}
		a := Stats{Mean: ma, Cov: conjugate(rot, va)}
		b := Stats{Mean: mb, Cov: conjugate(rot, vb)}
		got, err := FrechetStats(a, b)
		if err != nil {
			t.Fatal(err)
		}
		// The zero variance makes an eigenvalue of rounding size ε ≈ 1e-16,
		// whose square root adds up to ~1e-8: the tolerance allows for it.
		if math.Abs(got-want) > 1e-7 {
			t.Errorf("%s: FrechetStats = %.12f, closed form %.12f", name, got, want)
		}
	}
}

func identity(d int) *mat.Dense {
	m := mat.NewDense(d, d, nil)
	for i := range d {
		m.Set(i, i, 1)
	}
	return m
}

// conjugate returns Q·diag(v)·Qᵀ.
func conjugate(q *mat.Dense, v []float64) *mat.SymDense {
	d := len(v)
	s := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			var x float64
			for k := range d {
				x += q.At(i, k) * v[k] * q.At(j, k)
			}
			s.SetSym(i, j, x)
		}
	}
	return s
}

func TestFrechetGolden(t *testing.T) {
	g := readGolden(t).Frechet
	a := tensor.FromData(g.A, len(g.A)/g.D, g.D)
	b := tensor.FromData(g.B, len(g.B)/g.D, g.D)
	got, err := FrechetDistance(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-g.FD) > 1e-9*g.FD {
		t.Errorf("FrechetDistance = %.12f, numpy %.12f", got, g.FD)
	}
	back, _ := FrechetDistance(b, a)
	if math.Abs(back-got) > 1e-9*got {
		t.Errorf("FrechetDistance(b, a) = %.12f, (a, b) = %.12f: want symmetric", back, got)
	}
}

// TestFrechetShift: the same set moved by c has the same covariance, so
// the distance is ‖c‖²; the set against itself is 0.
func TestFrechetShift(t *testing.T) {
	x := tensor.NewRNG(3).Randn(300, 7)
	shifted := x.Clone()
	c := []float32{1, -2, 0, 0.5, 0, 0, 3}
	var want float64
	for _, v := range c {
		want += float64(v) * float64(v)
	}
	for i := range 300 {
		for j, v := range c {
			shifted.Data[i*7+j] += v
		}
	}
	self, err := FrechetDistance(x, x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(self) > 1e-9 {
		t.Errorf("FrechetDistance(x, x) = %.3g, want 0", self)
	}
	got, _ := FrechetDistance(x, shifted)
	if math.Abs(got-want) > 1e-4 { // the float32 shift moves the covariance in the 7th digit
		t.Errorf("FrechetDistance(x, x + c) = %.9f, want ‖c‖² = %.9f", got, want)
	}
}

func TestFrechetErrors(t *testing.T) {
	a := tensor.New(10, 3)
	for _, c := range []struct {
		name string
		x, y *tensor.Tensor
	}{
		{"feature sizes differ", a, tensor.New(10, 4)},
		{"one row", a, tensor.New(1, 3)},
		{"rank 3", a, tensor.New(10, 3, 1)},
		{"nil", a, nil},
		{"NaN", a, tensor.FromData([]float32{0, float32(math.NaN()), 1, 2, 3, 4}, 2, 3)},
	} {
		if _, err := FrechetDistance(c.x, c.y); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func BenchmarkFrechet128(b *testing.B) {
	rng := tensor.NewRNG(1)
	x, y := rng.Randn(2000, 128), rng.Randn(2000, 128)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FrechetDistance(x, y); err != nil {
			b.Fatal(err)
		}
	}
}
