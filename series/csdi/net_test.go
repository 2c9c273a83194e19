package csdi

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// tinyConfig is a network small enough for finite differences.
func tinyConfig(k, l, cov int, uncond bool) Config {
	cols := make([]string, k)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d", i)
	}
	c := DefaultConfig(cols, cov, l)
	c.Channels, c.Layers, c.Heads, c.TimeEmb, c.FeatureEmb, c.StepEmb, c.Steps = 4, 2, 2, 4, 3, 4, 10
	c.Unconditional = uncond
	return c
}

// tinyInput is a batch of b windows with random values and a mask.
func tinyInput(c Config, b int, rng *tensor.RNG) Input {
	n := b * c.K() * c.Window
	in := Input{B: b, Noisy: make([]float32, n), T: make([]int, b)}
	if !c.Unconditional {
		in.Cond, in.Mask = make([]float32, n), make([]float32, n)
	}
	for i := range n {
		in.Noisy[i] = float32(rng.Normal())
		if in.Mask != nil && rng.Uniform() < 0.5 {
			in.Mask[i], in.Cond[i], in.Noisy[i] = 1, float32(rng.Normal()), 0
		}
	}
	for i := range in.T {
		in.T[i] = rng.Intn(c.Steps)
	}
	if c.Season > 0 {
		in.Season = make([]float32, b*c.Window*2*c.Season)
		for i := range in.Season {
			in.Season[i] = float32(rng.Normal())
		}
	}
	if c.Covariates > 0 {
		in.Cov = make([]float32, b*c.Window*c.Covariates)
		for i := range in.Cov {
			in.Cov[i] = float32(rng.Intn(2))
		}
	}
	return in
}

// TestNetGrad checks every parameter's gradient by central differences:
// conditional with covariates, the interpolated input and season features
// together; conditional with one column (no feature attention) and none of
// them; unconditional. Three nets rather than one per option keep it to a
// few seconds.
func TestNetGrad(t *testing.T) {
	features := tinyConfig(2, 3, 2, false) // covariates, the interpolated input and season features in one net
	features.Interp, features.Season = true, 1
	for _, c := range []Config{features, tinyConfig(1, 4, 0, false), tinyConfig(2, 3, 0, true)} {
		t.Run(fmt.Sprintf("k=%d,l=%d,cov=%d,uncond=%v,interp=%v,season=%d", c.K(), c.Window, c.Covariates, c.Unconditional, c.Interp, c.Season), func(t *testing.T) {
			rng := tensor.NewRNG(3)
			net, err := NewNet(c, rng)
			if err != nil {
				t.Fatal(err)
			}
			rng.FillNormal(net.Out2.Weight.V.Value, 0, 0.5) // Out2 starts at zero, which would hide every other gradient
			in := tinyInput(c, 2, rng)
			var ps []*autograd.Var
			for _, p := range net.Params() {
				ps = append(ps, p.V)
			}
			f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Mul(net.Forward(g, in), x) }
			gradcheck.Check(t, f, gradcheck.Rand([]int{2, c.K(), c.Window}, 4), gradcheck.Tol{Rel: 2e-2, Abs: 3e-3, MaxPerTensor: 4}, ps...)
		})
	}
}

// TestNetStartsAtZero: the output projection starts at zero, so ε̂ = 0
// for any input before training (CSDI's initialisation).
func TestNetStartsAtZero(t *testing.T) {
	c := tinyConfig(2, 4, 0, false)
	net, err := NewNet(c, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	y := net.Forward(autograd.NoGrad(), tinyInput(c, 3, tensor.NewRNG(2)))
	for i, v := range y.Value.Data {
		if v != 0 {
			t.Fatalf("ε̂[%d] = %v before training, want 0", i, v)
		}
	}
}

// TestNetMixes: with the condition fixed, changing a noisy cell of
// one window does not change another window's output (windows of a batch
// are independent), and changing a column of one row changes other rows
// and columns of the same window (attention across time and features).
func TestNetMixes(t *testing.T) {
	c := tinyConfig(2, 4, 0, false)
	rng := tensor.NewRNG(5)
	net, err := NewNet(c, rng)
	if err != nil {
		t.Fatal(err)
	}
	rng.FillNormal(net.Out2.Weight.V.Value, 0, 0.5)
	in := tinyInput(c, 2, rng)
	base := append([]float32(nil), net.Forward(autograd.NoGrad(), in).Value.Data...)
	in.Noisy[0] += 1 // window 0, column 0, row 0
	in.Mask[0], in.Cond[0] = 0, 0
	got := net.Forward(autograd.NoGrad(), in).Value.Data
	n := c.K() * c.Window
	for i := n; i < 2*n; i++ {
		if got[i] != base[i] {
			t.Fatalf("window 1 cell %d changed (%v → %v) when only window 0 changed", i-n, base[i], got[i])
		}
	}
	other := c.Window + c.Window - 1 // window 0, column 1, last row
	if got[other] == base[other] {
		t.Errorf("window 0, column 1, last row did not change when column 0, row 0 changed: no mixing across time and features")
	}
}
