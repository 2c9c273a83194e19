package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestCrossAttentionGrad(t *testing.T) {
	a := nn.NewCrossAttention("xattn", 6, 5, 3, tensor.NewRNG(1))
	f := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var { return a.Forward(g, xs[0], xs[1]) }
	xs := []*tensor.Tensor{gradcheck.Rand([]int{2, 3, 6}, 2), gradcheck.Rand([]int{2, 4, 5}, 3)}
	gradcheck.CheckN(t, f, xs, gradcheck.Tol{}, vars(a.Params())...)
	wantParams(t, a.Params(), []string{"xattn.q.weight", "xattn.q.bias", "xattn.kv.weight", "xattn.kv.bias", "xattn.out.weight", "xattn.out.bias"},
		[][]int{{6, 6}, {6}, {12, 5}, {12}, {6, 6}, {6}})
}

// TestCrossAttentionMatchesMultiHead: with the context as wide as x, the
// fused kv projection's halves as k and v give MultiHeadAttention's output.
func TestCrossAttentionMatchesMultiHead(t *testing.T) {
	const d, h = 8, 4
	a := nn.NewCrossAttention("xattn", d, d, h, tensor.NewRNG(3))
	m := nn.NewMultiHeadAttention("mha", d, h, tensor.NewRNG(4))
	m.Q.Weight.V.Value.CopyFrom(a.Q.Weight.V.Value)
	m.Q.Bias.V.Value.CopyFrom(a.Q.Bias.V.Value)
	for i, l := range []*nn.Linear{m.K, m.V} {
		copy(l.Weight.V.Data(), a.KV.Weight.V.Data()[i*d*d:(i+1)*d*d])
		copy(l.Bias.V.Data(), a.KV.Bias.V.Data()[i*d:(i+1)*d])
	}
	m.Out.Weight.V.Value.CopyFrom(a.Out.Weight.V.Value)
	m.Out.Bias.V.Value.CopyFrom(a.Out.Bias.V.Value)
	x, c := autograd.NewVar(gradcheck.Rand([]int{2, 3, d}, 5)), autograd.NewVar(gradcheck.Rand([]int{2, 7, d}, 6))
	g := autograd.NoGrad()
	got, want := a.Forward(g, x, c).Data(), m.Forward(g, x, c).Data()
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("element %d: fused %v, separate %v", i, got[i], want[i])
		}
	}
}
