package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// GroupNorm normalises x: (N, C, *spatial) over each group of C/Groups
// channels and all spatial positions, with the biased variance and
// Eps = 1e-5, then applies a per-channel affine map (Wu & He 2018; as
// PyTorch's nn.GroupNorm). Weight starts at 1 and bias at 0.
type GroupNorm struct {
	Groups, Channels int
	Eps              float64
	Weight           *Param // (C)
	Bias             *Param // (C)
}

// NewGroupNorm makes a GroupNorm whose parameters are named name.weight
// and name.bias; groups must divide channels.
func NewGroupNorm(name string, groups, channels int) *GroupNorm {
	if groups < 1 || channels%groups != 0 {
		tensor.Shapef("NewGroupNorm", [][]int{{channels}}, "%d groups do not divide %d channels", groups, channels)
	}
	return &GroupNorm{Groups: groups, Channels: channels, Eps: 1e-5,
		Weight: NewParam(Join(name, "weight"), tensor.Full(1, channels)),
		Bias:   NewParam(Join(name, "bias"), tensor.New(channels))}
}

// Forward normalises x: (N, C, *spatial); the output has x's shape.
func (n *GroupNorm) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return g.GroupNorm(x, n.Groups, n.Weight.V, n.Bias.V, n.Eps)
}

// ForwardSiLU is SiLU(Forward(x)) in one fused pass (autograd's
// GroupNormSiLU), the usual pre-activation of a ResBlock.
func (n *GroupNorm) ForwardSiLU(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return g.GroupNormSiLU(x, n.Groups, n.Weight.V, n.Bias.V, n.Eps)
}

// Params lists weight, then bias.
func (n *GroupNorm) Params() []*Param { return params(n.Weight, n.Bias) }

// LayerNorm normalises the last axis of x (Ba et al. 2016; PyTorch's
// nn.LayerNorm with one normalised dimension), biased variance, Eps = 1e-5
// unless WithEps says otherwise, then a per-feature affine map. Weight
// starts at 1 and bias at 0. Built WithoutAffine it has no parameters
// (PyTorch's elementwise_affine=False), as in adaLN blocks, where the
// conditioning supplies the scale and shift.
type LayerNorm struct {
	Dim    int
	Eps    float64
	Weight *Param // (Dim); nil without affine parameters
	Bias   *Param // (Dim); nil without affine parameters
}

// LayerNormOption changes how NewLayerNorm builds a LayerNorm.
type LayerNormOption func(*layerNormOptions)

type layerNormOptions struct {
	eps      float64
	noAffine bool
}

// WithEps sets the LayerNorm's ε (default 1e-5, PyTorch's).
func WithEps(eps float64) LayerNormOption {
	return func(o *layerNormOptions) { o.eps = eps }
}

// WithoutAffine builds a LayerNorm with no weight and bias: y = x̂.
func WithoutAffine() LayerNormOption {
	return func(o *layerNormOptions) { o.noAffine = true }
}

// NewLayerNorm makes a LayerNorm over dim features whose parameters are
// named name.weight and name.bias (none WithoutAffine).
func NewLayerNorm(name string, dim int, opts ...LayerNormOption) *LayerNorm {
	o := layerNormOptions{eps: 1e-5}
	for _, opt := range opts {
		opt(&o)
	}
	n := &LayerNorm{Dim: dim, Eps: o.eps}
	if !o.noAffine {
		n.Weight = NewParam(Join(name, "weight"), tensor.Full(1, dim))
		n.Bias = NewParam(Join(name, "bias"), tensor.New(dim))
	}
	return n
}

// Forward normalises x: (…, Dim); the output has x's shape.
func (n *LayerNorm) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	var w, b *autograd.Var
	if n.Weight != nil {
		w = n.Weight.V
	}
	if n.Bias != nil {
		b = n.Bias.V
	}
	return g.LayerNorm(x, w, b, n.Eps)
}

// Params lists weight, then bias (nothing without affine parameters).
func (n *LayerNorm) Params() []*Param { return params(n.Weight, n.Bias) }
