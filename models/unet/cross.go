package unet

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// CrossBlock attends from a feature map to a text context, with a
// residual (the cross-attention of latent diffusion's spatial transformer,
// Rombach et al. 2022, without its self-attention and MLP, which the
// AttnBlock before it and the ResBlocks provide):
//
//	h = norm(x) as (N, HW, C)
//	out = x + CrossAttention(h, context) as (N, C, H, W)
type CrossBlock struct {
	Norm *nn.GroupNorm      // GroupNorm(groups, C)
	Attn *nn.CrossAttention // C queries, ContextDim keys and values
}

// NewCrossBlock makes a CrossBlock over c channels reading a context of
// width ctxDim; its parameters are named name.norm.* and name.attn.*.
func NewCrossBlock(name string, c, ctxDim, heads, groups int, rng *tensor.RNG) *CrossBlock {
	return &CrossBlock{
		Norm: nn.NewGroupNorm(nn.Join(name, "norm"), groups, c),
		Attn: nn.NewCrossAttention(nn.Join(name, "attn"), c, ctxDim, heads, rng),
	}
}

// Forward maps x: (N, C, H, W) and context (N, S, ContextDim) to (N, C,
// H, W).
func (b *CrossBlock) Forward(g *autograd.Graph, x, context *autograd.Var) *autograd.Var {
	s := x.Shape()
	n, c, hh, ww := s[0], s[1], s[2], s[3]
	h := g.Transpose(g.Reshape(b.Norm.Forward(g, x), n, c, hh*ww), 1, 2) // (N, HW, C)
	o := b.Attn.Forward(g, h, context)                                   // (N, HW, C)
	return g.Add(x, g.Reshape(g.Transpose(o, 1, 2), n, c, hh, ww))
}

// Params lists norm then attn.
func (b *CrossBlock) Params() []*nn.Param { return nn.Collect(b.Norm, b.Attn) }
