package unet_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// twoStepResBlock is ResBlock.Forward as it was before its convolutions
// read their pre-activations through ForwardNormSiLUAdd: each
// SiLU(GroupNorm(·)) written, convolved and evicted.
func twoStepResBlock(r *unet.ResBlock, g *autograd.Graph, x, e *autograd.Var) *autograd.Var {
	tb := r.Temb.Forward(g, e)
	a := r.Norm1.ForwardSiLU(g, x)
	h := r.Conv1.ForwardAdd(g, a, tb, nil)
	g.Evict(a)
	a = r.Norm2.ForwardSiLU(g, h)
	skip := x
	if r.Skip != nil {
		skip = r.Skip.Forward(g, x)
	}
	out := r.Conv2.ForwardAdd(g, a, nil, skip)
	g.Evict(a)
	return out
}

// TestResBlockMatchesTwoSteps: a ResBlock gives the output and every
// gradient of the two-step code it replaced, to the bit, without and with
// recording, plain and pooled, at shapes whose 3×3 convolutions fuse the
// norm where the machine runs F(4×4, 3×3) (and do not where it does not),
// with a skip convolution and without. Time budget: a few batch-2 passes
// at 14×14, well under a second.
func TestResBlockMatchesTwoSteps(t *testing.T) {
	for _, c := range []struct{ cin, cout, hw int }{{64, 32, 14}, {32, 32, 12}} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			rng := tensor.NewRNG(8)
			r := unet.NewResBlock("res", c.cin, c.cout, 16, 8, 0, rng)
			for _, p := range r.Params() { // norms away from the identity, non-zero biases
				for i := range p.V.Value.Data {
					p.V.Value.Data[i] += float32(0.2 * rng.Normal())
				}
			}
			x := rng.Randn(2, c.cin, c.hw, c.hw)
			e := rng.Randn(2, 16)
			graphs := map[string]func() *autograd.Graph{"nograd": autograd.NoGrad, "plain": autograd.New, "pooled": autograd.NewPooled}
			for name, mk := range graphs {
				var results [2][][]float32
				for k := range 2 {
					nn.ZeroGrad(r.Params())
					g := mk()
					xv, ev := autograd.NewParam(x.Clone()), autograd.NewParam(e.Clone())
					var out *autograd.Var
					if k == 0 {
						out = r.Forward(g, xv, ev, nil)
					} else {
						out = twoStepResBlock(r, g, xv, ev)
					}
					results[k] = append(results[k], append([]float32(nil), out.Data()...))
					if !g.Recording() {
						continue
					}
					if err := g.Backward(g.Sum(g.Mul(out, out), nil, false)); err != nil {
						t.Fatal(err)
					}
					results[k] = append(results[k], append([]float32(nil), xv.Grad.Data...), append([]float32(nil), ev.Grad.Data...))
					for _, p := range r.Params() {
						results[k] = append(results[k], append([]float32(nil), p.V.Grad.Data...))
					}
				}
				for j := range results[1] {
					for i, v := range results[1][j] {
						if math.Float32bits(results[0][j][i]) != math.Float32bits(v) {
							t.Fatalf("%s: tensor %d (output, then gradients of x, e, parameters)[%d] = %v, two steps %v",
								name, j, i, results[0][j][i], v)
						}
					}
				}
			}
		})
	}
}
