package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// attendUnfused is attention as separate ops, the definition Attention
// must equal: softmax(q·kᵀ/√dh [causal])·v per head, heads joined.
func attendUnfused(g *autograd.Graph, q, k, v *autograd.Var, causal bool) *autograd.Var {
	qs := q.Value.Shape
	b, h, t, dh := qs[0], qs[1], qs[2], qs[3]
	w := g.MatMulT(g.Scale(q, float32(1/math.Sqrt(float64(dh)))), k)
	if causal {
		w = g.CausalSoftmax(w)
	} else {
		w = g.Softmax(w, -1)
	}
	return g.Reshape(g.Permute(g.MatMul(w, v), 0, 2, 1, 3), b, t, h*dh)
}

// splitQKV splits a fused projection (B, L, 3D) into q, k, v (B, H, L, D/H).
func splitQKV(g *autograd.Graph, x *autograd.Var, heads int) (q, k, v *autograd.Var) {
	xs := x.Value.Shape
	d := xs[2] / 3
	y := g.Permute(g.Reshape(x, xs[0], xs[1], 3, heads, d/heads), 2, 0, 3, 1, 4)
	return g.Index(y, 0), g.Index(y, 1), g.Index(y, 2)
}

// attnClose fails unless got and want agree within tol relative to want's
// largest magnitude.
func attnClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	var scale float64
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= tol*math.Max(scale, 1e-30)) {
			t.Fatalf("%s: element %d = %v, want %v (scale %.3g)", what, i, got[i], want[i], scale)
		}
	}
}

// TestAttentionMatchesOps checks values and all three gradients against
// the unfused ops, on recording, pooled and no-grad graphs, with and
// without the causal mask and with T ≠ S.
func TestAttentionMatchesOps(t *testing.T) {
	for _, c := range []struct {
		b, h, t, s, dh int
		causal         bool
	}{
		{2, 3, 5, 5, 4, false}, {2, 3, 5, 5, 4, true}, {1, 2, 3, 7, 8, false}, {1, 2, 3, 7, 8, true},
		{2, 1, 33, 40, 17, false}, {1, 1, 1, 1, 1, false},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			rng := tensor.NewRNG(3)
			xs := []*tensor.Tensor{rng.Randn(c.b, c.h, c.t, c.dh), rng.Randn(c.b, c.h, c.s, c.dh), rng.Randn(c.b, c.h, c.s, c.dh)}
			up := rng.Randn(c.b, c.t, c.h*c.dh)
			run := func(g *autograd.Graph, fused bool) (out []float32, grads [3][]float32) {
				in := make([]*autograd.Var, 3)
				for i, x := range xs {
					in[i] = autograd.NewParam(x.Clone())
				}
				var y *autograd.Var
				if fused {
					y = g.Attention(in[0], in[1], in[2], c.causal)
				} else {
					y = attendUnfused(g, in[0], in[1], in[2], c.causal)
				}
				out = append([]float32(nil), y.Data()...)
				if g.Recording() {
					if err := g.BackwardWith(y, up); err != nil {
						t.Fatal(err)
					}
					for i, v := range in {
						grads[i] = v.Grad.Data
					}
				}
				return out, grads
			}
			want, wantG := run(autograd.New(), false)
			for _, g := range []struct {
				name string
				g    *autograd.Graph
			}{{"recording", autograd.New()}, {"pooled", autograd.NewPooled()}, {"no-grad", autograd.NoGrad()}, {"no-grad pooled", autograd.NoGradPooled()}} {
				got, gotG := run(g.g, true)
				attnClose(t, g.name+" output", got, want, 2e-6)
				if g.g.Recording() {
					for i, name := range []string{"dq", "dk", "dv"} {
						attnClose(t, g.name+" "+name, gotG[i], wantG[i], 1e-5)
					}
				}
			}
		})
	}
}

// TestAttentionQKVMatchesSplit checks that AttentionQKV equals splitting
// the projection into heads and calling Attention, values and gradient.
func TestAttentionQKVMatchesSplit(t *testing.T) {
	for _, causal := range []bool{false, true} {
		const b, l, d, heads = 2, 9, 12, 3
		x := tensor.NewRNG(8).Randn(b, l, 3*d)
		up := tensor.NewRNG(9).Randn(b, l, d)
		run := func(fused bool) ([]float32, []float32) {
			g, in := autograd.NewPooled(), autograd.NewParam(x.Clone())
			var y *autograd.Var
			if fused {
				y = g.AttentionQKV(in, heads, causal)
			} else {
				q, k, v := splitQKV(g, in, heads)
				y = g.Attention(q, k, v, causal)
			}
			out := append([]float32(nil), y.Data()...)
			if err := g.BackwardWith(y, up); err != nil {
				t.Fatal(err)
			}
			return out, in.Grad.Data
		}
		want, wantG := run(false)
		got, gotG := run(true)
		attnClose(t, fmt.Sprintf("causal %v: output", causal), got, want, 1e-6)
		attnClose(t, fmt.Sprintf("causal %v: gradient", causal), gotG, wantG, 1e-6)
	}
}

func TestAttentionGrad(t *testing.T) {
	for _, causal := range []bool{false, true} {
		t.Run(fmt.Sprint("causal=", causal), func(t *testing.T) {
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return g.Attention(xs[0], xs[1], xs[2], causal)
			}, []*tensor.Tensor{gradcheck.Rand([]int{2, 2, 3, 4}, 61), gradcheck.Rand([]int{2, 2, 5, 4}, 62),
				gradcheck.Rand([]int{2, 2, 5, 4}, 63)}, gradcheck.Tol{})
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.AttentionQKV(x, 2, causal)
			}, gradcheck.Rand([]int{2, 4, 12}, 64), gradcheck.Tol{})
		})
	}
}

// TestAttentionShapeErrors checks that bad shapes are reported, not
// computed.
func TestAttentionShapeErrors(t *testing.T) {
	g := autograd.NoGrad()
	v := func(shape ...int) *autograd.Var { return autograd.NewVar(tensor.New(shape...)) }
	for name, f := range map[string]func(){
		"q rank 3":        func() { g.Attention(v(2, 3, 4), v(2, 1, 3, 4), v(2, 1, 3, 4), false) },
		"dh differs":      func() { g.Attention(v(1, 1, 3, 4), v(1, 1, 3, 5), v(1, 1, 3, 5), false) },
		"v differs":       func() { g.Attention(v(1, 1, 3, 4), v(1, 1, 3, 4), v(1, 1, 2, 4), false) },
		"heads differ":    func() { g.Attention(v(1, 2, 3, 4), v(1, 1, 3, 4), v(1, 1, 3, 4), false) },
		"causal S < T":    func() { g.Attention(v(1, 1, 4, 2), v(1, 1, 3, 2), v(1, 1, 3, 2), true) },
		"qkv not 3·heads": func() { g.AttentionQKV(v(1, 3, 10), 2, false) },
		"qkv rank 2":      func() { g.AttentionQKV(v(3, 12), 2, false) },
		"qkv zero heads":  func() { g.AttentionQKV(v(1, 3, 12), 0, false) },
	} {
		var err error
		func() { defer tensor.Recover(&err); f() }()
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
