package nn_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// TestMLP: nn.MLP gives fc2(GELU(fc1(x)))'s value bit for bit, with
// biases (the fused op) and without (the layers one after the other).
func TestMLP(t *testing.T) {
	for _, bias := range []bool{true, false} {
		rng := tensor.NewRNG(3)
		fc1, fc2 := nn.NewLinear("fc1", 12, 48, bias, rng), nn.NewLinear("fc2", 48, 12, bias, rng)
		x := autograd.NewVar(rng.Randn(2, 5, 12))
		g := autograd.NoGrad()
		got := nn.MLP(g, fc1, fc2, x).Data()
		want := fc2.Forward(g, nn.GELU{}.Forward(g, fc1.Forward(g, x))).Data()
		if len(got) != len(want) {
			t.Fatalf("bias %v: %d values, want %d", bias, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("bias %v: value[%d] = %v, want %v", bias, i, got[i], want[i])
			}
		}
	}
}
