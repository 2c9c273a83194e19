package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamPaths checks every AdamW path against the defining loop, bit for
// bit, on every length 0..40 and a long one, with and without decay, on
// moments that start at zero (the first step) and at random values.
func TestAdamPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	steps := []AdamStep{
		{Decay: 1, W1: 0.1, B2: 0.999, W2: float32(1 - 0.999), BC2Sqrt: float32(math.Sqrt(1 - 0.999)), Eps: 1e-8, StepSize: 1e-3 / 0.1},
		{Decay: 1 - 1e-3*0.01, W1: 0.1, B2: 0.99, W2: 0.01, BC2Sqrt: 0.3, Eps: 1e-6, StepSize: 2e-4},
		{Decay: 1, W1: 0.1, B2: 0.999, W2: 0.001, BC2Sqrt: 0.5, Eps: 1e-8, StepSize: 0},
	}
	for _, p := range adamPaths() {
		for si, s := range steps {
			for _, n := range append([]int{1000}, func() []int {
				var ns []int
				for n := range 41 {
					ns = append(ns, n)
				}
				return ns
			}()...) {
				for _, fresh := range []bool{true, false} {
					pw, g := randSlice(r, n), randSlice(r, n)
					m, v := make([]float32, n), make([]float32, n)
					if !fresh {
						m = randSlice(r, n)
						for i := range v {
							v[i] = float32(r.Float64())
						}
					}
					if n > 3 {
						pw[3] = float32(math.Copysign(0, -1))
					}
					wp, wm, wv := append([]float32(nil), pw...), append([]float32(nil), m...), append([]float32(nil), v...)
					adamGeneric(wp, g, wm, wv, s)
					p.fn(pw, g, m, v, s)
					for i := range n {
						if math.Float32bits(pw[i]) != math.Float32bits(wp[i]) || m[i] != wm[i] || v[i] != wv[i] {
							t.Fatalf("%s step %d n %d fresh %v: element %d: p %v m %v v %v, want %v %v %v",
								p.name, si, n, fresh, i, pw[i], m[i], v[i], wp[i], wm[i], wv[i])
						}
					}
				}
			}
		}
	}
}

func BenchmarkAdamW(b *testing.B) {
	s := AdamStep{Decay: 1, W1: 0.1, B2: 0.999, W2: 0.001, BC2Sqrt: 0.5, Eps: 1e-8, StepSize: 1e-3}
	for _, p := range adamPaths() {
		b.Run(p.name, func(b *testing.B) {
			n := 1 << 16
			pw, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			b.SetBytes(int64(24 * n))
			for b.Loop() {
				p.fn(pw, g, m, v, s)
			}
		})
	}
}
