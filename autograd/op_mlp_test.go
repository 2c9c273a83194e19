package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestMLPGrad(t *testing.T) {
	for _, s := range [][]int{{3, 5}, {2, 3, 4}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			in := s[len(s)-1]
			xs := []*tensor.Tensor{gradcheck.Rand(s, 21), gradcheck.Rand([]int{6, in}, 22), gradcheck.Rand([]int{6}, 23),
				gradcheck.Rand([]int{3, 6}, 24), gradcheck.Rand([]int{3}, 25)}
			gradcheck.CheckN(t, func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var {
				return g.MLP(v[0], v[1], v[2], v[3], v[4])
			}, xs, gradcheck.Tol{})
		})
	}
}

// TestMLPMatchesOps: the fused op gives Linear(LinearGELU)'s value bit for
// bit and all five gradients within 1e-6 of their largest magnitude, on
// recording, pooled and no-grad graphs, for products of several tiles and
// GEMM slices, with a hidden width a multiple of 16 and not; and only the
// gradients asked for. Time budget: about 0.3 s of CPU.
func TestMLPMatchesOps(t *testing.T) {
	for _, hid := range []int{1040, 1030} {
		rng := tensor.NewRNG(7)
		x0, w10, b10 := rng.Randn(2, 70, 300), rng.Randn(hid, 300), rng.Randn(hid)
		w20, b20 := rng.Randn(40, hid), rng.Randn(40)
		up := rng.Randn(2, 70, 40)
		run := func(g *autograd.Graph, fused bool, frozen int) [][]float32 {
			v := []*autograd.Var{autograd.NewParam(x0.Clone()), autograd.NewParam(w10.Clone()), autograd.NewParam(b10.Clone()),
				autograd.NewParam(w20.Clone()), autograd.NewParam(b20.Clone())}
			if frozen >= 0 {
				v[frozen] = autograd.NewVar(v[frozen].Value)
			}
			var y *autograd.Var
			if fused {
				y = g.MLP(v[0], v[1], v[2], v[3], v[4])
			} else {
				y = g.Linear(g.LinearGELU(v[0], v[1], v[2]), v[3], v[4])
			}
			res := [][]float32{append([]float32(nil), y.Data()...)}
			if g.Recording() {
				if err := g.BackwardWith(y, up); err != nil {
					t.Fatal(err)
				}
				for i, p := range v {
					switch {
					case i == frozen && p.Grad != nil:
						t.Fatalf("input %d does not need a gradient and got one", i)
					case i == frozen:
						res = append(res, nil)
					default:
						res = append(res, p.Grad.Data)
					}
				}
			}
			return res
		}
		want := run(autograd.New(), false, -1)
		for _, frozen := range []int{-1, 0, 1, 3} {
			graphs := map[string]*autograd.Graph{"pooled": autograd.NewPooled()}
			if frozen < 0 {
				graphs = map[string]*autograd.Graph{"recording": autograd.New(), "pooled": autograd.NewPooled(),
					"no-grad": autograd.NoGrad(), "no-grad pooled": autograd.NoGradPooled()}
			}
			for name, g := range graphs {
				got := run(g, true, frozen)
				for i := range want[0] {
					if got[0][i] != want[0][i] {
						t.Fatalf("hidden %d, %s value[%d]: fused %v, Linear(LinearGELU) %v", hid, name, i, got[0][i], want[0][i])
					}
				}
				for k, what := range []string{"value", "dx", "dw1", "db1", "dw2", "db2"}[:len(got)] {
					if k == 0 || k == frozen+1 {
						continue
					}
					var scale float64
					for _, v := range want[k] {
						scale = math.Max(scale, math.Abs(float64(v)))
					}
					for i := range want[k] {
						if math.Abs(float64(got[k][i]-want[k][i])) > 1e-6*scale {
							t.Fatalf("hidden %d, frozen %d, %s %s[%d]: fused %v, Linear(LinearGELU) %v", hid, frozen, name, what, i, got[k][i], want[k][i])
						}
					}
				}
			}
		}
	}
	x0, w0 := tensor.New(2, 3), tensor.New(4, 3)
	var err error
	func() {
		defer tensor.Recover(&err)
		v := autograd.NewVar
		autograd.NoGrad().MLP(v(x0), v(w0), v(tensor.New(4)), v(tensor.New(2, 5)), v(tensor.New(2)))
	}()
	if err == nil {
		t.Error("w2 (2, 5) after a hidden layer of 4: no error")
	}
}
