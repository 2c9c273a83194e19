package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// expMaxULP is the largest error ExpShift may make against float64
// math.Exp of the float32 difference, in float32 ulps of the exact value
// (results below 2^−126 must be 0 or within 2^−126, see ulpErr).
const expMaxULP = 2 // Cephes expf: measured worst about 1

// checkExpShift runs f on x and compares every element with math.Exp of
// x[i] − shift rounded to float32, and the sum with the float64 sum of the
// outputs; it returns the worst error in ulps.
func checkExpShift(t *testing.T, f expShiftFunc, x []float32, shift float32, what string) float64 {
	t.Helper()
	y := make([]float32, len(x))
	for i := range y {
		y[i] = float32(math.NaN()) // each element must be written
	}
	s := f(y, x, shift)
	worst, want := 0.0, 0.0
	for i, v := range x {
		d := v - shift
		exact := math.Exp(float64(d))
		if d < expLo {
			if y[i] != 0 {
				t.Fatalf("%s: e^(%g) = %g, want 0 (flushed)", what, d, y[i])
			}
		} else if e := ulpErr(y[i], exact); e > expMaxULP {
			t.Fatalf("%s: e^(%g) = %g, want %g (%.1f ulps)", what, d, y[i], exact, e)
		} else {
			worst = max(worst, e)
		}
		want += float64(y[i])
	}
	if math.Abs(s-want) > 1e-12*math.Abs(want) {
		t.Fatalf("%s: sum %g, want %g", what, s, want)
	}
	return worst
}

// TestExpShiftPaths checks every path against float64 math for every length
// 0..257 at every start offset 0..15, with shifts as softmax uses them
// (the maximum) and others, then on a dense sweep of [−100, 88.7].
func TestExpShiftPaths(t *testing.T) {
	for _, p := range expPaths() {
		t.Run(p.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 6))
			buf := make([]float32, 257+16)
			worst := 0.0
			for n := 0; n <= 257; n++ {
				for off := 0; off < 16; off++ {
					for i := range buf {
						buf[i] = float32(r.NormFloat64() * 20)
					}
					x := buf[off : off+n]
					shift := float32(r.NormFloat64() * 5)
					if n > 0 && off%2 == 0 {
						shift = x[0]
						for _, v := range x {
							shift = max(shift, v)
						}
					}
					worst = max(worst, checkExpShift(t, p.fn, x, shift, fmt.Sprintf("n=%d off=%d", n, off)))
				}
			}
			var sweep []float32
			for v := float32(-100); v <= expHi; v += 1.0 / 256 {
				sweep = append(sweep, v)
			}
			worst = max(worst, checkExpShift(t, p.fn, sweep, 0, "sweep"))
			t.Logf("worst error %.2f ulps", worst)
		})
	}
}

// TestExpShiftSpecialValues checks −Inf, large negative, zero, NaN and
// +Inf differences (saturating at e^88.7), in the vector body and in the
// tail.
func TestExpShiftSpecialValues(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	cases := []struct {
		x, shift float32
		want     float32 // NaN: want NaN
	}{
		{0, 0, 1}, {float32(math.Copysign(0, -1)), 0, 1}, {-inf, 0, 0}, {-inf, 5, 0}, {-1000, 0, 0},
		{-88, 0, 0}, {-87.4, 0, 0}, {3, 3, 1}, {nan, 0, nan}, {0, nan, nan}, {-inf, -inf, nan},
		{inf, inf, nan}, {inf, 0, float32(math.Exp(float64(float32(expHi))))}, {100, 0, float32(math.Exp(float64(float32(expHi))))}, {1, 0, math.E},
	}
	for _, p := range expPaths() {
		for _, c := range cases {
			for _, at := range []int{0, 5, 8, 11} { // vector lanes, then tail
				x := make([]float32, 12)
				for i := range x {
					x[i] = c.shift - 1 // e^(−1) elsewhere
				}
				x[at] = c.x
				y := make([]float32, 12)
				s := p.fn(y, x, c.shift)
				got := y[at]
				if c.want != c.want {
					if got == got || s == s {
						t.Errorf("%s: ExpShift(%g, shift %g) at %d = %g, sum %g, want NaN and a NaN sum", p.name, c.x, c.shift, at, got, s)
					}
					continue
				}
				if e := ulpErr(got, float64(c.want)); e > expMaxULP {
					t.Errorf("%s: ExpShift(%g, shift %g) at %d = %g, want %g", p.name, c.x, c.shift, at, got, c.want)
				}
			}
		}
	}
}

// TestExpShiftInPlace checks that y and x may be the same slice.
func TestExpShiftInPlace(t *testing.T) {
	for _, p := range expPaths() {
		x := []float32{-3, -1, -0.5, 0, 0.5, 1, 3, 7, -7, 2.5, 11}
		want := make([]float32, len(x))
		ws := p.fn(want, x, 2)
		gs := p.fn(x, x, 2)
		for i := range x {
			if x[i] != want[i] {
				t.Errorf("%s in place: [%d] = %g, want %g", p.name, i, x[i], want[i])
			}
		}
		if gs != ws {
			t.Errorf("%s in place: sum %g, want %g", p.name, gs, ws)
		}
	}
}

// BenchmarkExpShift reports elements per second of each path on softmax
// rows of 49 and 196 (the attention sizes of bench-unet), single-threaded,
// 16·49 (16·196) rows per op, against the float64 math.Exp loop softmax
// used before.
func BenchmarkExpShift(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{49, 196} {
		rows := 16 * n
		x, y := make([]float32, rows*n), make([]float32, rows*n)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 4)
		}
		run := func(b *testing.B, f expShiftFunc) {
			b.ReportAllocs()
			for b.Loop() {
				for i := 0; i < rows; i++ {
					f(y[i*n:(i+1)*n], x[i*n:(i+1)*n], 4)
				}
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		}
		for _, p := range expPaths() {
			b.Run(fmt.Sprintf("n=%d/%s", n, p.name), func(b *testing.B) { run(b, p.fn) })
		}
		b.Run(fmt.Sprintf("n=%d/math.Exp", n), func(b *testing.B) {
			run(b, func(y, x []float32, shift float32) float64 {
				var s float64
				for i, v := range x {
					e := math.Exp(float64(v - shift))
					y[i] = float32(e)
					s += e
				}
				return s
			})
		})
	}
}
