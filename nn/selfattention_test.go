package nn_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestSelfAttentionGrad(t *testing.T) {
	for _, c := range []struct{ causal, rotary bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		t.Run(fmt.Sprintf("causal=%v,rotary=%v", c.causal, c.rotary), func(t *testing.T) {
			a := nn.NewSelfAttention("attn_qkv", "attn_out", 8, 2, tensor.NewRNG(1))
			a.Causal, a.Rotary = c.causal, c.rotary
			gradcheck.Check(t, a.Forward, gradcheck.Rand([]int{2, 5, 8}, 2), gradcheck.Tol{}, vars(a.Params())...)
		})
	}
}

// TestSelfAttentionMatchesMultiHead gives MultiHeadAttention the fused
// projection's three row blocks as q, k and v (its own test checks it
// against a direct loop): the outputs agree.
func TestSelfAttentionMatchesMultiHead(t *testing.T) {
	const d, h = 8, 2
	a := nn.NewSelfAttention("attn_qkv", "attn_out", d, h, tensor.NewRNG(3))
	m := nn.NewMultiHeadAttention("mha", d, h, tensor.NewRNG(4))
	for i, l := range []*nn.Linear{m.Q, m.K, m.V} {
		copy(l.Weight.V.Data(), a.QKV.Weight.V.Data()[i*d*d:(i+1)*d*d])
		copy(l.Bias.V.Data(), a.QKV.Bias.V.Data()[i*d:(i+1)*d])
	}
	m.Out.Weight.V.Value.CopyFrom(a.Out.Weight.V.Value)
	m.Out.Bias.V.Value.CopyFrom(a.Out.Bias.V.Value)
	x := autograd.NewVar(gradcheck.Rand([]int{3, 6, d}, 5))
	g := autograd.NoGrad()
	got, want := a.Forward(g, x).Data(), m.Forward(g, x, nil).Data()
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("element %d: fused %v, separate %v", i, got[i], want[i])
		}
	}
	wantParams(t, a.Params(), []string{"attn_qkv.weight", "attn_qkv.bias", "attn_out.weight", "attn_out.bias"},
		[][]int{{3 * d, d}, {3 * d}, {d, d}, {d}})
}

// TestSelfAttentionCausal: with the causal mask, changing positions after
// i leaves the output at positions ≤ i unchanged (and changes later ones).
func TestSelfAttentionCausal(t *testing.T) {
	const l, d = 6, 8
	for _, rotary := range []bool{false, true} {
		a := nn.NewSelfAttention("qkv", "out", d, 2, tensor.NewRNG(7))
		a.Causal, a.Rotary = true, rotary
		x := gradcheck.Rand([]int{1, l, d}, 8)
		y1 := a.Forward(autograd.NoGrad(), autograd.NewVar(x)).Data()
		x2 := x.Clone()
		for j := 4 * d; j < l*d; j++ { // positions 4 and 5
			x2.Data[j] += 1
		}
		y2 := a.Forward(autograd.NoGrad(), autograd.NewVar(x2)).Data()
		for j := range y1 {
			if changed := y1[j] != y2[j]; changed != (j >= 4*d) {
				t.Fatalf("rotary %v: position %d feature %d changed = %v", rotary, j/d, j%d, changed)
			}
		}
	}
}
