package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestLinearGELUGrad(t *testing.T) {
	for _, s := range [][]int{{3, 5}, {2, 3, 4}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			in := s[len(s)-1]
			xs := []*tensor.Tensor{gradcheck.Rand(s, 11), gradcheck.Rand([]int{6, in}, 12), gradcheck.Rand([]int{6}, 13)}
			gradcheck.CheckN(t, func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var {
				return g.LinearGELU(v[0], v[1], v[2])
			}, xs, gradcheck.Tol{})
		})
	}
}

// TestLinearGELUMatchesOps: the fused op gives GELU(Linear)'s value and
// all three gradients within 1e-6 of their largest magnitude, on
// recording, pooled and no-grad graphs, for a product of several tiles and
// GEMM slices, with Out a multiple of 16 and not. (Not bit for bit: GELU's
// vector and Go paths differ by a few ulps, kernels' TestGELUPathsAgree,
// and which elements take the Go tail depends on where the unfused op's
// chunks and the fused op's tiles end.)
func TestLinearGELUMatchesOps(t *testing.T) {
	for _, out := range []int{1040, 1030} {
		rng := tensor.NewRNG(5)
		x0, w0, b0 := rng.Randn(3, 70, 300), rng.Randn(out, 300), rng.Randn(out)
		up := rng.Randn(3, 70, out)
		run := func(g *autograd.Graph, fused bool) [][]float32 {
			x, w, b := autograd.NewParam(x0.Clone()), autograd.NewParam(w0.Clone()), autograd.NewParam(b0.Clone())
			var y *autograd.Var
			if fused {
				y = g.LinearGELU(x, w, b)
			} else {
				y = g.GELU(g.Linear(x, w, b))
			}
			res := [][]float32{append([]float32(nil), y.Data()...)}
			if g.Recording() {
				if err := g.BackwardWith(y, up); err != nil {
					t.Fatal(err)
				}
				res = append(res, x.Grad.Data, w.Grad.Data, b.Grad.Data)
			}
			return res
		}
		want := run(autograd.New(), false)
		for name, g := range map[string]*autograd.Graph{"recording": autograd.New(), "pooled": autograd.NewPooled(),
			"no-grad": autograd.NoGrad(), "no-grad pooled": autograd.NoGradPooled()} {
			got := run(g, true)
			for k, what := range []string{"value", "dx", "dw", "db"}[:len(got)] {
				var scale float64
				for _, v := range want[k] {
					scale = math.Max(scale, math.Abs(float64(v)))
				}
				for i := range want[k] {
					if math.Abs(float64(got[k][i]-want[k][i])) > 1e-6*scale {
						t.Fatalf("Out %d, %s %s[%d]: fused %v, GELU(Linear) %v", out, name, what, i, got[k][i], want[k][i])
					}
				}
			}
		}
	}
	x0, w0 := tensor.New(2, 3), tensor.New(4, 3)
	var err error
	func() {
		defer tensor.Recover(&err)
		autograd.NoGrad().LinearGELU(autograd.NewVar(x0), autograd.NewVar(w0), nil)
	}()
	if err == nil {
		t.Error("no bias: no error")
	}
}
