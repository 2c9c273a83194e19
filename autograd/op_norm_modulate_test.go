package autograd_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/tensor"
)

func TestNormModulateGrad(t *testing.T) {
	xs := []*tensor.Tensor{gradcheck.Rand([]int{2, 3, 5}, 31), gradcheck.Rand([]int{2, 5}, 32), gradcheck.Rand([]int{2, 5}, 33)}
	gradcheck.CheckN(t, func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var {
		return g.NormModulate(v[0], v[1], v[2], 1e-6)
	}, xs, gradcheck.Tol{})
}

// TestNormModulateMatchesOps: the fused op gives the bits of
// Modulate(LayerNorm(x)), value and all three gradients, on recording,
// pooled and no-grad graphs, with D a multiple of the vector width and
// not, and rows of one sequence split across chunks; and only the
// gradients asked for.
func TestNormModulateMatchesOps(t *testing.T) {
	for _, d := range []int{64, 21} {
		rng := tensor.NewRNG(11)
		x0, s0, k0 := rng.Randn(3, 70, d), rng.Randn(3, d), rng.Randn(3, d)
		up := rng.Randn(3, 70, d)
		run := func(g *autograd.Graph, fused bool, frozen int) [][]float32 {
			v := []*autograd.Var{autograd.NewParam(x0.Clone()), autograd.NewParam(s0.Clone()), autograd.NewParam(k0.Clone())}
			if frozen >= 0 {
				v[frozen] = autograd.NewVar(v[frozen].Value)
			}
			var y *autograd.Var
			if fused {
				y = g.NormModulate(v[0], v[1], v[2], 1e-6)
			} else {
				y = g.Modulate(g.LayerNorm(v[0], nil, nil, 1e-6), v[1], v[2])
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
		for _, frozen := range []int{-1, 0, 2} {
			graphs := map[string]*autograd.Graph{"pooled": autograd.NewPooled()}
			if frozen < 0 {
				graphs = map[string]*autograd.Graph{"recording": autograd.New(), "pooled": autograd.NewPooled(),
					"no-grad": autograd.NoGrad(), "no-grad pooled": autograd.NoGradPooled()}
			}
			for name, g := range graphs {
				got := run(g, true, frozen)
				for k, what := range []string{"value", "dx", "dshift", "dscale"}[:len(got)] {
					if k > 0 && k == frozen+1 {
						continue
					}
					for i := range want[k] {
						if math.Float32bits(got[k][i]) != math.Float32bits(want[k][i]) {
							t.Fatalf("D %d, frozen %d, %s %s[%d]: fused %v, Modulate(LayerNorm) %v", d, frozen, name, what, i, got[k][i], want[k][i])
						}
					}
				}
			}
		}
	}
	var err error
	func() {
		defer tensor.Recover(&err)
		v := autograd.NewVar
		autograd.NoGrad().NormModulate(v(tensor.New(2, 3, 4)), v(tensor.New(2, 4)), v(tensor.New(3, 4)), 1e-6)
	}()
	if err == nil {
		t.Error("scale (3, 4) for 2 sequences: no error")
	}
}

// BenchmarkNormModulate times NormModulate against Modulate(LayerNorm)
// forward and backward at bench-text's batch-32 shape (32, 256, 256) on
// pooled graphs, in ms of process CPU time per pass (run it with
// GOMAXPROCS=1 to compare on one core).
func BenchmarkNormModulate(b *testing.B) {
	rng := tensor.NewRNG(1)
	x0, s0, k0, up := rng.Randn(32, 256, 256), rng.Randn(32, 256), rng.Randn(32, 256), rng.Randn(32, 256, 256)
	for _, fused := range []bool{false, true} {
		b.Run(map[bool]string{false: "unfused", true: "fused"}[fused], func(b *testing.B) {
			x, s, k := autograd.NewParam(x0), autograd.NewParam(s0), autograd.NewParam(k0)
			cpu0 := cputime.Process()
			for b.Loop() {
				x.Grad, s.Grad, k.Grad = nil, nil, nil
				g := autograd.NewPooled()
				var y *autograd.Var
				if fused {
					y = g.NormModulate(x, s, k, 1e-6)
				} else {
					y = g.Modulate(g.LayerNorm(x, nil, nil, 1e-6), s, k)
				}
				if err := g.BackwardWith(y, up); err != nil {
					b.Fatal(err)
				}
				g.Release(nil)
			}
			b.ReportMetric((cputime.Process()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}
