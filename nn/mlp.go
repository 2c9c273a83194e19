package nn

import "github.com/diffusego/diffusego/autograd"

// MLP is fc2(GELU(fc1(x))), a transformer's feed-forward block. With
// biases on both layers it is one op (autograd's MLP: the GELU's
// derivative applied inside the backward product, the hidden layer's
// gradient never stored); otherwise fc1.ForwardGELU then fc2.Forward. The
// layers must chain: fc1.Out == fc2.In.
func MLP(g *autograd.Graph, fc1, fc2 *Linear, x *autograd.Var) *autograd.Var {
	if fc1.Bias == nil || fc2.Bias == nil {
		return fc2.Forward(g, fc1.ForwardGELU(g, x))
	}
	return g.MLP(x, fc1.Weight.V, fc1.Bias.V, fc2.Weight.V, fc2.Bias.V)
}
