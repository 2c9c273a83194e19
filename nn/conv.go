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
	return c.ForwardNormSiLUAddCat(g, norm, []*autograd.Var{x}, shift, res)
}

// ForwardNormSiLUAddCat is ForwardNormSiLUAdd of the concatenation of xs
// along the channels, as a U-Net decoder's ResBlock reads its input and
// skip, with the same bits; where the norm is applied inside the
// convolution the concatenation is never made (autograd's
// GroupNormSiLUConv2dAddCat).
func (c *Conv2d) ForwardNormSiLUAddCat(g *autograd.Graph, norm *GroupNorm, xs []*autograd.Var, shift, res *autograd.Var) *autograd.Var {
	if c.Groups != 1 {
		x := xs[0]
		if len(xs) > 1 {
			x = g.Concat(1, xs...)
		}
		a := norm.ForwardSiLU(g, x)
		out := c.ForwardAdd(g, a, shift, res)
		g.Evict(a)
		if len(xs) > 1 {
			g.Evict(x) // made again from xs in backward
		}
		return out
	}
	return g.GroupNormSiLUConv2dAddCat(xs, norm.Groups, norm.Weight.V, norm.Bias.V, norm.Eps,
		c.Weight.V, paramVar(c.Bias), c.Stride, c.Padding, shift, res)
}

// ForwardCat is Forward of the concatenation of xs (N, C_k, H, W) along
// the channels, without making it: the convolution splits along its
// input channels,
//
//	conv(concat(x_0, x_1, …), W) + b = (conv(x_0, W_0) + b) + conv(x_1, W_1) + …,
//
// W_k the weight's slice of x_k's channels, each term added to the sum
// so far by the next convolution's residual (autograd's Conv2dAdd), and
// backward adds each term's input gradient straight into x_k's. The sum
// is rounded term by term, so the result differs from Forward of the
// concatenation in the last bits. A grouped convolution makes the
// concatenation.
func (c *Conv2d) ForwardCat(g *autograd.Graph, xs []*autograd.Var) *autograd.Var {
	if len(xs) == 1 {
		return c.Forward(g, xs[0])
	}
	if c.Groups != 1 {
		x := g.Concat(1, xs...)
		out := c.Forward(g, x)
		g.Evict(x)
		return out
	}
	shapes, cin := [][]int{c.Weight.V.Shape()}, 0
	for _, x := range xs {
		shapes = append(shapes, x.Shape())
		if len(x.Shape()) == 4 {
			cin += x.Shape()[1]
		}
	}
	if cin != c.Weight.V.Shape()[1] {
		tensor.Shapef("Conv2d.ForwardCat", shapes, "parts of %d channels in all, weight wants (N, %d, H, W) parts", cin, c.Weight.V.Shape()[1])
	}
	var out *autograd.Var
	c0 := 0
	for _, x := range xs {
		ck := x.Shape()[1]
		w := g.Slice(c.Weight.V, 1, c0, c0+ck) // (Cout, C_k, kH, kW)
		if out == nil {
			out = g.Conv2dAdd(x, w, paramVar(c.Bias), c.Stride, c.Padding, 1, nil, nil)
		} else {
			out = g.Conv2dAdd(x, w, nil, c.Stride, c.Padding, 1, nil, out)
		}
		c0 += ck
	}
	return out
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
