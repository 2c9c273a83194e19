package nn

import "github.com/diffusego/diffusego/autograd"

// GELU is the exact Gaussian error linear unit x·Φ(x) =
// 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016; PyTorch's nn.GELU()
// default, not the tanh approximation), the activation of transformer
// MLPs. It has no parameters.
type GELU struct{}

// Forward applies GELU element-wise; the output has x's shape.
func (GELU) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.GELU(x) }

// Params is empty.
func (GELU) Params() []*Param { return nil }
