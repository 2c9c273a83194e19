package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestMultiHeadAttentionSelfGrad(t *testing.T) {
	a := nn.NewMultiHeadAttention("attn", 6, 2, tensor.NewRNG(1))
	self := func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return a.Forward(g, x, nil) }
	gradcheck.Check(t, self, gradcheck.Rand([]int{2, 5, 6}, 2), gradcheck.Tol{}, vars(a.Params())...)
}

func TestMultiHeadAttentionCrossGrad(t *testing.T) {
	a := nn.NewMultiHeadAttention("attn", 6, 3, tensor.NewRNG(1))
	cross := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var { return a.Forward(g, xs[0], xs[1]) }
	xs := []*tensor.Tensor{gradcheck.Rand([]int{2, 3, 6}, 2), gradcheck.Rand([]int{2, 4, 6}, 3)}
	gradcheck.CheckN(t, cross, xs, gradcheck.Tol{}, vars(a.Params())...)
}

// TestMultiHeadAttentionOracle compares with a direct loop over batch,
// head, query and key in float64.
func TestMultiHeadAttentionOracle(t *testing.T) {
	const b, tq, s, d, h = 2, 3, 4, 8, 2
	dh := d / h
	a := nn.NewMultiHeadAttention("attn", d, h, tensor.NewRNG(5))
	x, c := gradcheck.Rand([]int{b, tq, d}, 6), gradcheck.Rand([]int{b, s, d}, 7)
	g := autograd.NoGrad()
	got := a.Forward(g, autograd.NewVar(x), autograd.NewVar(c))
	q := a.Q.Forward(g, autograd.NewVar(x)).Value
	k := a.K.Forward(g, autograd.NewVar(c)).Value
	v := a.V.Forward(g, autograd.NewVar(c)).Value
	o := tensor.New(b, tq, d)
	for n := range b {
		for hh := range h {
			for i := range tq {
				w := make([]float64, s)
				var max, sum float64 = math.Inf(-1), 0
				for j := range s {
					for e := range dh {
						w[j] += float64(q.At(n, i, hh*dh+e)) * float64(k.At(n, j, hh*dh+e))
					}
					w[j] /= math.Sqrt(float64(dh))
					max = math.Max(max, w[j])
				}
				for j := range s {
					w[j] = math.Exp(w[j] - max)
					sum += w[j]
				}
				for e := range dh {
					var acc float64
					for j := range s {
						acc += w[j] / sum * float64(v.At(n, j, hh*dh+e))
					}
					o.Set(float32(acc), n, i, hh*dh+e)
				}
			}
		}
	}
	want := a.Out.Forward(g, autograd.NewVar(o)).Value
	for i := range want.Data {
		if math.Abs(float64(got.Data()[i]-want.Data[i])) > 1e-5 {
			t.Fatalf("out[%d] = %.6f, want %.6f", i, got.Data()[i], want.Data[i])
		}
	}
}

func TestMultiHeadAttentionParams(t *testing.T) {
	a := nn.NewMultiHeadAttention("blocks.1.attn", 16, 4, tensor.NewRNG(1))
	var names []string
	var shapes [][]int
	for _, p := range []string{"q", "k", "v", "out"} {
		names = append(names, "blocks.1.attn."+p+".weight", "blocks.1.attn."+p+".bias")
		shapes = append(shapes, []int{16, 16}, []int{16})
	}
	wantParams(t, a.Params(), names, shapes)
	for _, p := range a.Params() {
		wantUniform(t, p, 1/math.Sqrt(16))
	}
}
