package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestRotaryGrad(t *testing.T) {
	cases := []struct {
		shape []int
		start int
	}{
		{[]int{2, 3, 5, 4}, 0}, // (B, H, L, dh)
		{[]int{7, 6}, 3},
		{[]int{1, 2}, 0},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.shape, c.start), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.Rotary(x, 100, c.start)
			}, gradcheck.Rand(c.shape, 41), gradcheck.Tol{})
		})
	}
}

// TestRotaryValues checks the half-split convention on a hand-made case and
// the property RoPE exists for: the dot product of a rotated query at
// position m and a rotated key at position n depends only on m − n.
func TestRotaryValues(t *testing.T) {
	g := autograd.NoGrad()
	// D = 4, base 10000: θ_0 = 1, θ_1 = 10000^(−1/2) = 0.01. Position 2.
	x := tensor.FromData([]float32{0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, 3, 4)
	y := g.Rotary(autograd.NewVar(x), 10000, 0).Data()[8:]
	c0, s0, c1, s1 := math.Cos(2), math.Sin(2), math.Cos(0.02), math.Sin(0.02)
	want := []float64{1*c0 - 3*s0, 2*c1 - 4*s1, 3*c0 + 1*s0, 4*c1 + 2*s1} // planes (0, 2) and (1, 3)
	for i, w := range want {
		if math.Abs(float64(y[i])-w) > 1e-6 {
			t.Errorf("position 2, feature %d: got %.7f, want %.7f", i, y[i], w)
		}
	}
	const l, d = 9, 8
	rng := tensor.NewRNG(3)
	q, k := rng.Randn(1, d), rng.Randn(1, d)
	rep := func(v *tensor.Tensor) *tensor.Tensor { // the same vector at every position
		out := tensor.New(l, d)
		for p := range l {
			copy(out.Data[p*d:], v.Data)
		}
		return out
	}
	for _, start := range []int{0, 5} {
		qr := g.Rotary(autograd.NewVar(rep(q)), 10000, start).Data()
		kr := g.Rotary(autograd.NewVar(rep(k)), 10000, start).Data()
		dot := func(m, n int) float64 {
			var s float64
			for i := range d {
				s += float64(qr[m*d+i]) * float64(kr[n*d+i])
			}
			return s
		}
		for _, mn := range [][4]int{{3, 1, 7, 5}, {0, 4, 4, 8}, {2, 2, 6, 6}} {
			if a, b := dot(mn[0], mn[1]), dot(mn[2], mn[3]); math.Abs(a-b) > 1e-5 {
				t.Errorf("start %d: q%d·k%d = %.6f, q%d·k%d = %.6f: want equal (same offset)", start, mn[0], mn[1], a, mn[2], mn[3], b)
			}
		}
	}
}
