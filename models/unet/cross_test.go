package unet

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestCrossBlockGrad(t *testing.T) {
	for _, s := range [][]int{{2, 4, 3, 2}, {1, 6, 2, 3}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			rng := tensor.NewRNG(1)
			b := NewCrossBlock("c", s[1], 5, 2, 2, rng)
			ctx := gradcheck.Rand([]int{s[0], 3, 5}, 2)
			var ps []*autograd.Var
			for _, p := range b.Params() {
				ps = append(ps, p.V)
			}
			f := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var { return b.Forward(g, xs[0], xs[1]) }
			gradcheck.CheckN(t, f, []*tensor.Tensor{gradcheck.Rand(s, 3), ctx}, gradcheck.Tol{Rel: 1e-3}, ps...)
		})
	}
}

// textConfig is a 8×8×4 latent U-Net with a context of width 6.
func textConfig() Config {
	return Config{ImageSize: 8, InChannels: 4, OutChannels: 4, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{4}, Heads: 2, Groups: 4, ContextDim: 6}
}

func TestForwardText(t *testing.T) {
	m, err := New(textConfig(), tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Up[1].Cross) != 2 || len(m.Down[1].Cross) != 1 || m.MidCross == nil || len(m.Down[0].Cross) != 0 {
		t.Fatalf("cross blocks: down %d %d, up %d, mid %v; want 0 1, 2, present", len(m.Down[0].Cross), len(m.Down[1].Cross), len(m.Up[1].Cross), m.MidCross != nil)
	}
	rng := tensor.NewRNG(2)
	x := autograd.NewVar(rng.Randn(2, 4, 8, 8))
	run := func(ctx *tensor.Tensor) []float32 {
		text := &Text{Context: autograd.NewVar(ctx), Pooled: autograd.NewVar(tensor.New(2, 6))}
		return m.ForwardText(autograd.NoGrad(), x, []float64{3, 500}, nil, text).Data()
	}
	c1 := rng.Randn(2, 5, 6)
	c2 := c1.Clone()
	for i := 30; i < 60; i++ { // change the second image's context only
		c2.Data[i] += 1
	}
	a, b := run(c1), run(c2)
	per := len(a) / 2
	for i := range per {
		if a[i] != b[i] {
			t.Fatal("image 0 changed with image 1's context")
		}
	}
	differs := false
	for i := per; i < len(a); i++ {
		differs = differs || a[i] != b[i]
	}
	if !differs {
		t.Error("image 1 did not change with its context")
	}
}

func TestForwardTextRefuses(t *testing.T) {
	m, _ := New(textConfig(), tensor.NewRNG(1))
	x := autograd.NewVar(tensor.New(1, 4, 8, 8))
	var err error
	func() {
		defer tensor.Recover(&err)
		m.Forward(autograd.NoGrad(), x, []float64{1}, nil)
	}()
	if err == nil {
		t.Error("text model without a context: no error")
	}
	plain := textConfig()
	plain.ContextDim = 0
	p, _ := New(plain, tensor.NewRNG(1))
	err = nil
	func() {
		defer tensor.Recover(&err)
		p.ForwardText(autograd.NoGrad(), x, []float64{1}, nil, &Text{Context: autograd.NewVar(tensor.New(1, 2, 6)), Pooled: autograd.NewVar(tensor.New(1, 6))})
	}()
	if err == nil {
		t.Error("plain model given a context: no error")
	}
	bad := textConfig()
	bad.ContextDim = -1
	if bad.Validate() == nil {
		t.Error("context_dim -1 accepted")
	}
}
