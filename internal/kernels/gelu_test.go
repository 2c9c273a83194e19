package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gelu64 and geluGrad64 are the oracles, in float64 with math.Erf.
func gelu64(x float64) float64 { return 0.5 * x * math.Erfc(-x/math.Sqrt2) }

func geluGrad64(x float64) float64 {
	return 0.5*math.Erfc(-x/math.Sqrt2) + x*math.Exp(-0.5*x*x)/math.Sqrt(2*math.Pi)
}

// geluInputs is a dense grid over [−12, 12], random normal values, and the
// special cases.
func geluInputs() []float32 {
	var xs []float32
	for x := -12.0; x <= 12; x += 1.0 / 1024 {
		xs = append(xs, float32(x))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		xs = append(xs, float32(3*r.NormFloat64()))
	}
	return append(xs, 0, 1e-30, -1e-30, 1e-4, -1e-4, 40, -40)
}

// TestGELU: within 1 float32 ulp of x·Φ(x), or 2^−126 where the exact
// value is that small; the special values as documented.
func TestGELU(t *testing.T) {
	xs := geluInputs()
	y := make([]float32, len(xs))
	GELU(y, xs)
	worst := 0.0
	for i, x := range xs {
		want := gelu64(float64(x))
		e := ulpErr(y[i], want)
		if math.Abs(want) < 1e-30 && math.Abs(float64(y[i])-want) < 1e-30 {
			e = 0
		}
		worst = math.Max(worst, e)
		if e > 1 {
			t.Errorf("GELU(%v) = %v, want %v (%.1f ulps)", x, y[i], want, e)
		}
	}
	t.Logf("worst error %.2f ulps", worst)
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	GELU(special, special)
	if !math.IsNaN(float64(special[0])) || !math.IsInf(float64(special[1]), 1) || !math.IsNaN(float64(special[2])) {
		t.Errorf("GELU(NaN, +Inf, −Inf) = %v, want NaN, +Inf, NaN", special)
	}
	GELU(y[:0], xs[:0]) // empty: nothing to do
}

// TestGELUGrad: dx += dy·GELU'(x) within 1e−6 relative (plus 1e−7
// absolute) of the float64 derivative, adding to what dx held.
func TestGELUGrad(t *testing.T) {
	xs := geluInputs()
	y := make([]float32, len(xs))
	GELU(y, xs)
	dy, dx := make([]float32, len(xs)), make([]float32, len(xs))
	r := rand.New(rand.NewPCG(3, 4))
	for i := range dy {
		dy[i], dx[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
	}
	before := append([]float32(nil), dx...)
	GELUGrad(dx, dy, xs, y)
	for i, x := range xs {
		want := float64(before[i]) + float64(dy[i])*geluGrad64(float64(x))
		if d := math.Abs(float64(dx[i]) - want); d > 1e-7+1e-6*(math.Abs(want)+math.Abs(float64(before[i]))) {
			t.Fatalf("x = %v: dx = %v, want %v", x, dx[i], want)
		}
	}
}

func BenchmarkGELU(b *testing.B) {
	x := geluInputs()[:16384]
	y, dx := make([]float32, len(x)), make([]float32, len(x))
	b.Run("forward", func(b *testing.B) {
		for b.Loop() {
			GELU(y, x)
		}
		b.ReportMetric(float64(b.N*len(x))/b.Elapsed().Seconds()/1e6, "Melem/s")
	})
	b.Run("backward", func(b *testing.B) {
		for b.Loop() {
			GELUGrad(dx, y, x, y)
		}
		b.ReportMetric(float64(b.N*len(x))/b.Elapsed().Seconds()/1e6, "Melem/s")
	})
}
