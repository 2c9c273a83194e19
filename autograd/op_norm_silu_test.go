package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
)

func TestGroupNormSiLUGrad(t *testing.T) {
	for _, c := range []struct {
		shape  []int
		groups int
	}{
		{[]int{2, 6, 5, 3}, 2},
		{[]int{1, 4, 1, 7}, 4}, // one channel per group
		{[]int{2, 4, 5}, 1},    // one spatial axis, one group
		{[]int{4, 32, 4, 4}, 8},
	} {
		for _, affine := range []bool{false, true} {
			t.Run(fmt.Sprint(c.shape, c.groups, affine), func(t *testing.T) {
				w, b := affineParams(c.shape[1], affine)
				var ps []*autograd.Var
				if affine {
					ps = []*autograd.Var{w, b}
				}
				gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
					return g.GroupNormSiLU(x, c.groups, w, b, 1e-5)
				}, gradcheck.Rand(c.shape, 5), gradcheck.Tol{}, ps...)
			})
		}
	}
}

// TestGroupNormSiLUMatchesUnfused checks the fused op against SiLU of
// GroupNorm: the same output bits, and gradients within rounding.
func TestGroupNormSiLUMatchesUnfused(t *testing.T) {
	shape := []int{3, 8, 5, 7}
	x0 := gradcheck.Rand(shape, 21)
	dy := gradcheck.Rand(shape, 22)
	run := func(fused bool) (y, dx, dw, db []float32) {
		x := autograd.NewParam(x0.Clone())
		w, b := affineParams(8, true)
		g := autograd.New()
		var out *autograd.Var
		if fused {
			out = g.GroupNormSiLU(x, 4, w, b, 1e-5)
		} else {
			out = g.SiLU(g.GroupNorm(x, 4, w, b, 1e-5))
		}
		if err := g.BackwardWith(out, dy); err != nil {
			t.Fatal(err)
		}
		return out.Data(), x.Grad.Data, w.Grad.Data, b.Grad.Data
	}
	y1, dx1, dw1, db1 := run(true)
	y0, dx0, dw0, db0 := run(false)
	for i := range y0 {
		if y1[i] != y0[i] {
			t.Fatalf("GroupNormSiLU output[%d] = %v, SiLU(GroupNorm) = %v", i, y1[i], y0[i])
		}
	}
	for _, p := range []struct {
		name      string
		got, want []float32
	}{{"dx", dx1, dx0}, {"dweight", dw1, dw0}, {"dbias", db1, db0}} {
		for i := range p.want {
			if d := p.got[i] - p.want[i]; d > 1e-5 || d < -1e-5 {
				t.Errorf("GroupNormSiLU %s[%d] = %v, unfused %v", p.name, i, p.got[i], p.want[i])
			}
		}
	}
}

// TestGroupNormSiLUDeterministic runs forward and backward three times on
// a shape whose blocks are split across workers: the output and every
// gradient must have the same bits each time.
func TestGroupNormSiLUDeterministic(t *testing.T) {
	shape := []int{4, 16, 12, 12}
	x0 := gradcheck.Rand(shape, 31)
	dy := gradcheck.Rand(shape, 32)
	run := func() [][]float32 {
		x := autograd.NewParam(x0.Clone())
		w, b := affineParams(16, true)
		g := autograd.NewPooled()
		out := g.GroupNormSiLU(x, 8, w, b, 1e-5)
		y := append([]float32(nil), out.Data()...)
		if err := g.BackwardWith(out, dy); err != nil {
			t.Fatal(err)
		}
		return [][]float32{y, x.Grad.Data, w.Grad.Data, b.Grad.Data}
	}
	want := run()
	for r := range 2 {
		for k, got := range run() {
			for i := range want[k] {
				if math.Float32bits(got[i]) != math.Float32bits(want[k][i]) {
					t.Fatalf("run %d: result %d (y, dx, dw, db) [%d] = %v, first run %v", r+1, k, i, got[i], want[k][i])
				}
			}
		}
	}
}
