package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// TestNormModulate: nn.NormModulate gives Modulate(LayerNorm(x))'s bits
// without affine parameters (the fused op) and with them (the layers).
func TestNormModulate(t *testing.T) {
	for _, affine := range []bool{false, true} {
		rng := tensor.NewRNG(4)
		opts := []nn.LayerNormOption{nn.WithEps(1e-6)}
		if !affine {
			opts = append(opts, nn.WithoutAffine())
		}
		ln := nn.NewLayerNorm("ln", 20, opts...)
		x, s, k := autograd.NewVar(rng.Randn(2, 7, 20)), autograd.NewVar(rng.Randn(2, 20)), autograd.NewVar(rng.Randn(2, 20))
		g := autograd.NoGrad()
		got := nn.NormModulate(g, ln, x, s, k).Data()
		want := nn.Modulate(g, ln.Forward(g, x), s, k).Data()
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("affine %v: value[%d] = %v, want %v", affine, i, got[i], want[i])
			}
		}
	}
}
