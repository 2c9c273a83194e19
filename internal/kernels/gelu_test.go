package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gelu64 and geluGrad64 are the oracles, in float64 with math.Erfc.
func gelu64(x float64) float64 { return 0.5 * x * math.Erfc(-x/math.Sqrt2) }

func geluGrad64(x float64) float64 {
	return 0.5*math.Erfc(-x/math.Sqrt2) + x*math.Exp(-0.5*x*x)/math.Sqrt(2*math.Pi)
}

// geluGradScale is Φ(x) + |x|·φ(x), the size of GELU'(x)'s two terms:
// GELU' = Φ + x·φ cancels for x < 0 (to 0.0137 at x = −0.75), so its
// float32 error is relative to the terms, not to their sum.
func geluGradScale(x float64) float64 {
	return 0.5*math.Erfc(-x/math.Sqrt2) + math.Abs(x)*math.Exp(-0.5*x*x)/math.Sqrt(2*math.Pi)
}

// geluErr is got's error against want: in float32 ulps of want for
// |x| ≤ 4 (the range activations live in), and elsewhere in units of
// 2e−7·|want| + 1e−37 (the documented bound: the exponential's argument,
// near −x²/2, carries float32 rounding). NaN matches NaN only.
func geluErr(x, got float32, want float64) float64 {
	if math.IsNaN(want) || math.IsNaN(float64(got)) {
		if math.IsNaN(want) && math.IsNaN(float64(got)) {
			return 0
		}
		return math.Inf(1)
	}
	if math.Abs(float64(x)) <= 4 {
		return ulpErr(got, want)
	}
	if math.IsInf(want, 0) && float64(got) == want {
		return 0
	}
	return math.Abs(float64(got)-want) / (2e-7*math.Abs(want) + 1e-37)
}

// geluMaxULP bounds geluErr: 8 float32 ulps for |x| ≤ 4, 1.6e−6 relative
// beyond (measured worst: 6.76, both paths).
const geluMaxULP = 8

// checkGELU runs both passes of p on x and checks them against the
// oracles; it returns the worst forward error.
func checkGELU(t *testing.T, p geluPath, x []float32, where string) float64 {
	t.Helper()
	y := make([]float32, len(x))
	p.fwd(y, x)
	worst := 0.0
	for i, v := range x {
		e := geluErr(v, y[i], gelu64(float64(v)))
		worst = max(worst, e)
		if e > geluMaxULP {
			t.Fatalf("%s %s: GELU(%v) = %v, want %v (error %.1f)", p.name, where, v, y[i], gelu64(float64(v)), e)
		}
	}
	dy, dx := make([]float32, len(x)), make([]float32, len(x))
	r := rand.New(rand.NewPCG(uint64(len(x)), 9))
	for i := range dy {
		dy[i], dx[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
	}
	before := append([]float32(nil), dx...)
	p.bwd(dx, dy, x)
	for i, v := range x {
		want := float64(before[i]) + float64(dy[i])*geluGrad64(float64(v))
		// a few float32 ulps of each term
		if d := math.Abs(float64(dx[i]) - want); d > 5e-7*(math.Abs(float64(before[i]))+math.Abs(float64(dy[i]))*geluGradScale(float64(v)))+1e-30 {
			t.Fatalf("%s %s: x = %v: dx = %v, want %v", p.name, where, v, dx[i], want)
		}
	}
	return worst
}

// TestGELUPaths checks every path against float64 math for every length
// 0..257 at every start offset 0..15 (tails and misaligned starts), then
// on a dense sweep of [−20, 20].
func TestGELUPaths(t *testing.T) {
	for _, p := range geluPaths() {
		t.Run(p.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			buf := make([]float32, 257+16)
			worst := 0.0
			for n := 0; n <= 257; n++ {
				for off := 0; off < 16; off++ {
					for i := range buf {
						buf[i] = float32(r.NormFloat64() * 3)
					}
					worst = max(worst, checkGELU(t, p, buf[off:off+n], fmt.Sprintf("n=%d off=%d", n, off)))
				}
			}
			var sweep []float32
			for v := float32(-20); v <= 20; v += 1.0 / 1024 {
				sweep = append(sweep, v)
			}
			worst = max(worst, checkGELU(t, p, sweep, "sweep"))
			t.Logf("worst forward error %.2f", worst)
		})
	}
}

// TestGELUPathsAgree: the assembly and Go paths give nearly the same bits
// (they differ only in fused multiply-adds), for every length 0..257 at
// every offset 0..15 (the backward pass with dy = x, so measured in ulps of
// |x|·(Φ + |x|·φ)).
func TestGELUPathsAgree(t *testing.T) {
	paths := geluPaths()
	if len(paths) < 2 {
		t.Skip("one GELU path on this machine")
	}
	r := rand.New(rand.NewPCG(5, 6))
	buf := make([]float32, 257+16)
	worst := 0.0
	for n := 0; n <= 257; n++ {
		for off := 0; off < 16; off++ {
			for i := range buf {
				buf[i] = float32(r.NormFloat64() * 4)
			}
			x := buf[off : off+n]
			ya, yb := make([]float32, n), make([]float32, n)
			paths[0].fwd(ya, x)
			paths[1].fwd(yb, x)
			da, db := make([]float32, n), make([]float32, n)
			paths[0].bwd(da, x, x)
			paths[1].bwd(db, x, x)
			for i := range x {
				// forward in ulps, backward in ulps of the terms' size
				scale := geluGradScale(float64(x[i])) * math.Abs(float64(x[i]))
				ulp := float64(math.Nextafter32(float32(scale), math.MaxFloat32)) - float64(float32(scale))
				e := max(ulpErr(yb[i], float64(ya[i])), math.Abs(float64(db[i]-da[i]))/ulp)
				worst = max(worst, e)
				if e > 8 {
					t.Fatalf("n=%d off=%d x=%v: %s %v / %v, %s %v / %v", n, off, x[i], paths[0].name, ya[i], da[i], paths[1].name, yb[i], db[i])
				}
			}
		}
	}
	t.Logf("worst difference %.2f ulps", worst)
}

// TestGELUSpecialValues checks infinities, NaN, zeros and the flushed
// tails on every path, in the vector body and in the tail.
func TestGELUSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	cases := []struct{ x, y, d float32 }{
		{inf, inf, 1}, {-inf, nan, 0}, {nan, nan, nan}, {0, 0, 0.5}, {negZero, negZero, 0.5},
		{-1000, negZero, 0}, {1000, 1000, 1}, {-14, negZero, 0}, {14, 14, 1},
	}
	for _, p := range geluPaths() {
		for _, c := range cases {
			for _, at := range []int{0, 5, 8, 11} { // vector lanes, then tail
				x, y, dy, dx := make([]float32, 12), make([]float32, 12), make([]float32, 12), make([]float32, 12)
				x[at], dy[at] = c.x, 1
				p.fwd(y, x)
				p.bwd(dx, dy, x)
				same := func(a, b float32) bool {
					return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
				}
				if !same(y[at], c.y) || !same(dx[at], c.d) {
					t.Errorf("%s at %d: GELU(%v) = %v, GELU' = %v; want %v, %v", p.name, at, c.x, y[at], dx[at], c.y, c.d)
				}
			}
		}
	}
}

// TestGELUInPlace checks that y and x may be the same slice.
func TestGELUInPlace(t *testing.T) {
	for _, p := range geluPaths() {
		x := []float32{-3, -1, -0.5, 0, 0.5, 1, 3, 7, -7, 2.5, 11}
		want := make([]float32, len(x))
		p.fwd(want, x)
		p.fwd(x, x)
		for i := range x {
			if x[i] != want[i] {
				t.Errorf("%s in place: [%d] = %g, want %g", p.name, i, x[i], want[i])
			}
		}
	}
}

// BenchmarkGELU reports elements per second of each path, forward and
// backward, on a 64 Ki-float vector, single-threaded.
func BenchmarkGELU(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 1 << 16
	x, y, dx := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 3)
	}
	for _, p := range geluPaths() {
		b.Run(p.name+"/forward", func(b *testing.B) {
			for b.Loop() {
				p.fwd(y, x)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
		b.Run(p.name+"/backward", func(b *testing.B) {
			for b.Loop() {
				p.bwd(dx, y, x)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
