package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// actMaxULP is the largest error allowed against float64 math, in float32
// ulps of the exact result. Two exceptions, both far below anything a
// network sees: for x < −88.7 both activations must return exactly ±0 (the
// exact values are below 3e−37), and results whose exact value is below the
// smallest normal float32 (σ(x) for x < −87.3) may be off by up to 2^−126.
const actMaxULP = 5 // measured worst: 3.97 (SiLU), 2.42 (Sigmoid)

// ulpErr is |got − want| in ulps of want rounded to float32 (0 when both
// are NaN, +Inf when only one is).
func ulpErr(got float32, want float64) float64 {
	if math.IsNaN(want) || math.IsNaN(float64(got)) {
		if math.IsNaN(want) && math.IsNaN(float64(got)) {
			return 0
		}
		return math.Inf(1)
	}
	d := math.Abs(float64(got) - want)
	if math.Abs(want) < 0x1p-126 && d <= 0x1p-126 {
		return 0
	}
	w := float32(want)
	ulp := float64(math.Nextafter32(float32(math.Abs(float64(w))), math.MaxFloat32)) - math.Abs(float64(w))
	return d / ulp
}

// sigmoid64 and silu64 are the oracles, in float64.
func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func silu64(x float64) float64 { return x * sigmoid64(x) }

// actCase is one activation and its oracle.
type actCase struct {
	name   string
	fn     func(actPath) actFunc
	oracle func(float64) float64
}

var actCases = []actCase{
	{"SiLU", func(p actPath) actFunc { return p.silu }, silu64},
	{"Sigmoid", func(p actPath) actFunc { return p.sigmoid }, sigmoid64},
}

// checkAct runs f on x into y and compares every element with the oracle,
// returning the worst error in ulps.
func checkAct(t *testing.T, c actCase, f actFunc, x []float32, what string) float64 {
	t.Helper()
	y := make([]float32, len(x))
	for i := range y {
		y[i] = float32(math.NaN()) // each element must be written
	}
	f(y, x)
	worst := 0.0
	for i, v := range x {
		want := c.oracle(float64(v))
		if v < sigCut {
			if y[i] != 0 || math.Abs(want) > 3e-37 {
				t.Fatalf("%s: %s(%g) = %g, want 0 (exact %g)", what, c.name, v, y[i], want)
			}
			continue
		}
		e := ulpErr(y[i], want)
		if e > actMaxULP {
			t.Fatalf("%s: %s(%g) = %g, want %g (%.1f ulps)", what, c.name, v, y[i], want, e)
		}
		worst = max(worst, e)
	}
	return worst
}

// TestActPaths checks every path against float64 math for every length
// 0..257 at every start offset 0..15 (so tails and misaligned starts are
// covered), then on a dense sweep of [−100, 100].
func TestActPaths(t *testing.T) {
	for _, p := range actPaths() {
		for _, c := range actCases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				f := c.fn(p)
				r := rand.New(rand.NewPCG(3, 4))
				buf := make([]float32, 257+16)
				worst := 0.0
				for n := 0; n <= 257; n++ {
					for off := 0; off < 16; off++ {
						for i := range buf {
							buf[i] = float32(r.NormFloat64() * 8)
						}
						worst = max(worst, checkAct(t, c, f, buf[off:off+n], fmt.Sprintf("n=%d off=%d", n, off)))
					}
				}
				var sweep []float32
				for v := float32(-100); v <= 100; v += 1.0 / 512 {
					sweep = append(sweep, v)
				}
				worst = max(worst, checkAct(t, c, f, sweep, "sweep"))
				t.Logf("worst error %.2f ulps", worst)
			})
		}
	}
}

// TestActSpecialValues checks saturation, zero and NaN on every path, at a
// position in the vector body and in the tail.
func TestActSpecialValues(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	specials := []float32{-1000, 1000, -88.7, -88, 88, 88.7, -87.3, 87.3, 0, float32(math.Copysign(0, -1)), nan, -inf, inf,
		math.MaxFloat32, -math.MaxFloat32, 1e-30, -1e-30, 20, -20, 16.6, -16.6}
	for _, p := range actPaths() {
		for _, c := range actCases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				f := c.fn(p)
				for _, v := range specials {
					for _, at := range []int{0, 5, 8, 11} { // vector lanes, then tail
						x := make([]float32, 12)
						x[at] = v
						y := make([]float32, 12)
						f(y, x)
						want := c.oracle(float64(v))
						switch {
						case v == inf && c.name == "Sigmoid":
							want = 1
						case v == inf:
							want = math.Inf(1)
						case v == -inf && c.name == "Sigmoid":
							want = 0
						case v == -inf:
							want = math.NaN() // −∞·σ(−∞) = −∞·0
						case v < sigCut:
							want = 0 // flushed, see actMaxULP
						}
						if e := ulpErr(y[at], want); e > actMaxULP {
							t.Errorf("%s(%g) at %d = %g, want %g", c.name, v, at, y[at], want)
						}
					}
				}
				y := make([]float32, 9)
				f(y, []float32{-1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000})
				for i, v := range y {
					if v != 0 {
						t.Errorf("%s(-1000) at %d = %g, want 0", c.name, i, v)
					}
				}
				f(y, []float32{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000})
				for i, v := range y {
					if want := map[string]float32{"SiLU": 1000, "Sigmoid": 1}[c.name]; v != want {
						t.Errorf("%s(1000) at %d = %g, want %g", c.name, i, v, want)
					}
				}
			})
		}
	}
}

// TestActInPlace checks that y and x may be the same slice.
func TestActInPlace(t *testing.T) {
	for _, p := range actPaths() {
		for _, c := range actCases {
			x := []float32{-3, -1, -0.5, 0, 0.5, 1, 3, 7, -7, 2.5, 11}
			want := make([]float32, len(x))
			c.fn(p)(want, x)
			c.fn(p)(x, x)
			for i := range x {
				if x[i] != want[i] {
					t.Errorf("%s/%s in place: [%d] = %g, want %g", p.name, c.name, i, x[i], want[i])
				}
			}
		}
	}
}

// BenchmarkSiLU reports elements per second of each path on a 64 Ki-float
// vector (256 KiB, about L2-sized), single-threaded.
func BenchmarkSiLU(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 1 << 16
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 4)
	}
	for _, p := range actPaths() {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.silu(y, x)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
