package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Conv2d is PyTorch's 2-D convolution (cross-correlation with zero
// padding) over x: (N, Cin, H, W). Weights and bias start as in PyTorch:
// U(−k, k) with k = 1/√(Cin/Groups·Kernel²).
type Conv2d struct {
	Cin, Cout, Kernel, Stride, Padding int
	// Groups splits the channels into independent groups; it fixes the
	// weight's shape, so set it through NewConv2dGroups.
	Groups int
	Weight *Param // (Cout, Cin/Groups, Kernel, Kernel)
	Bias   *Param // (Cout); nil when built without bias
}

// NewConv2d makes a Conv2d with one group; its parameters are named
// name.weight and name.bias.
func NewConv2d(name string, cin, cout, kernel, stride, padding int, bias bool, rng *tensor.RNG) *Conv2d {
	return NewConv2dGroups(name, cin, cout, kernel, stride, padding, 1, bias, rng)
}

// NewConv2dGroups makes a grouped Conv2d; groups must divide cin and cout.
func NewConv2dGroups(name string, cin, cout, kernel, stride, padding, groups int, bias bool, rng *tensor.RNG) *Conv2d {
	checkGroups("NewConv2d", cin, cout, groups)
	k := tensor.KaimingUniformBound(cin / groups * kernel * kernel)
	c := &Conv2d{Cin: cin, Cout: cout, Kernel: kernel, Stride: stride, Padding: padding, Groups: groups,
		Weight: NewParam(Join(name, "weight"), rng.Rand(-k, k, cout, cin/groups, kernel, kernel))}
	if bias {
		c.Bias = NewParam(Join(name, "bias"), rng.Rand(-k, k, cout))
	}
	return c
}

// Forward maps x: (N, Cin, H, W) to (N, Cout, H', W') with
// H' = (H + 2·Padding − Kernel)/Stride + 1.
func (c *Conv2d) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return g.Conv2d(x, c.Weight.V, paramVar(c.Bias), c.Stride, c.Padding, c.Groups)
}

// ForwardAdd is Forward plus shift (N, Cout) at every position plus res
// (N, Cout, H', W'), either of which may be nil, fused into the
// convolution's output pass (autograd's Conv2dAdd).
func (c *Conv2d) ForwardAdd(g *autograd.Graph, x, shift, res *autograd.Var) *autograd.Var {
	return g.Conv2dAdd(x, c.Weight.V, paramVar(c.Bias), c.Stride, c.Padding, c.Groups, shift, res)
}

// ForwardNormSiLUAdd is ForwardAdd(SiLU(norm(x)), shift, res), a
// ResBlock's convolution of its pre-activation, with the same bits
// (autograd's GroupNormSiLUConv2dAdd), gradients included: where the
// convolution runs through Winograd's F(4×4, 3×3), the norm's map and the
// SiLU are applied inside its input transform and the activation is never
// written. Otherwise the activation is made, read by the convolution, and
// given back to be made again in backward (autograd's Evict).
func (c *Conv2d) ForwardNormSiLUAdd(g *autograd.Graph, norm *GroupNorm, x, shift, res *autograd.Var) *autograd.Var {
	if c.Groups != 1 {
		a := norm.ForwardSiLU(g, x)
		out := c.ForwardAdd(g, a, shift, res)
		g.Evict(a)
		return out
	}
	return g.GroupNormSiLUConv2dAdd(x, norm.Groups, norm.Weight.V, norm.Bias.V, norm.Eps,
		c.Weight.V, paramVar(c.Bias), c.Stride, c.Padding, shift, res)
}

// Params lists weight, then bias.
func (c *Conv2d) Params() []*Param { return params(c.Weight, c.Bias) }

// Conv1d is PyTorch's 1-D convolution over x: (N, Cin, L), initialised
// like Conv2d with k = 1/√(Cin/Groups·Kernel).
type Conv1d struct {
	Cin, Cout, Kernel, Stride, Padding int
	// Groups splits the channels into independent groups; set it through
	// NewConv1dGroups.
	Groups int
	Weight *Param // (Cout, Cin/Groups, Kernel)
	Bias   *Param // (Cout); nil when built without bias
}

// NewConv1d makes a Conv1d with one group; its parameters are named
// name.weight and name.bias.
func NewConv1d(name string, cin, cout, kernel, stride, padding int, bias bool, rng *tensor.RNG) *Conv1d {
	return NewConv1dGroups(name, cin, cout, kernel, stride, padding, 1, bias, rng)
}

// NewConv1dGroups makes a grouped Conv1d; groups must divide cin and cout.
func NewConv1dGroups(name string, cin, cout, kernel, stride, padding, groups int, bias bool, rng *tensor.RNG) *Conv1d {
	checkGroups("NewConv1d", cin, cout, groups)
	k := tensor.KaimingUniformBound(cin / groups * kernel)
	c := &Conv1d{Cin: cin, Cout: cout, Kernel: kernel, Stride: stride, Padding: padding, Groups: groups,
		Weight: NewParam(Join(name, "weight"), rng.Rand(-k, k, cout, cin/groups, kernel))}
	if bias {
		c.Bias = NewParam(Join(name, "bias"), rng.Rand(-k, k, cout))
	}
	return c
}

// Forward maps x: (N, Cin, L) to (N, Cout, L') with
// L' = (L + 2·Padding − Kernel)/Stride + 1.
func (c *Conv1d) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return g.Conv1d(x, c.Weight.V, paramVar(c.Bias), c.Stride, c.Padding, c.Groups)
}

// Params lists weight, then bias.
func (c *Conv1d) Params() []*Param { return params(c.Weight, c.Bias) }

func checkGroups(op string, cin, cout, groups int) {
	if groups < 1 || cin%groups != 0 || cout%groups != 0 {
		tensor.Shapef(op, [][]int{{cin, cout}}, "groups %d must divide in and out channels", groups)
	}
}

// paramVar is p's Var, or nil for a missing optional parameter.
func paramVar(p *Param) *autograd.Var {
	if p == nil {
		return nil
	}
	return p.V
}
