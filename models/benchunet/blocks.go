package benchunet

import (
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// groups is the GroupNorm group count everywhere in bench-unet.
const groups = 8

// ResBlock is the spec's ResBlock(c_in, c_out), nn.ResBlock with
// GroupNorm(8, ·) and a 128-wide embedding:
//
//	h = conv1(SiLU(norm1(x))) + temb(SiLU(emb))[:, :, None, None]
//	out = skip(x) + conv2(dropout(SiLU(norm2(h))))
//
// with skip a 1×1 convolution when c_in ≠ c_out and the identity otherwise.
type ResBlock = nn.ResBlock

// NewResBlock makes a ResBlock whose parameters are named name.norm1.weight …
func NewResBlock(name string, cin, cout, embDim int, dropout float64, rng *tensor.RNG) *ResBlock {
	return nn.NewResBlock(name, cin, cout, embDim, groups, dropout, rng)
}

// AttnBlock is the spec's single-head self-attention over the H·W
// positions of a feature map, with a residual:
//
//	q, k, v = split(qkv(norm(x)))        each (N, C, HW), channels [q | k | v]
//	A = softmax(qᵀk / √C)                (N, HW_query, HW_key), over keys
//	o[n, c, i] = Σ_j v[n, c, j] A[n, i, j]
//	out = x + proj(o)
type AttnBlock struct {
	Norm *nn.GroupNorm // GroupNorm(8, C)
	QKV  *nn.Conv2d    // 1×1, C → 3C
	Proj *nn.Conv2d    // 1×1, C → C
}

// NewAttnBlock makes an AttnBlock whose parameters are named
// name.norm.weight, name.qkv.weight, name.proj.weight and their biases.
func NewAttnBlock(name string, c int, rng *tensor.RNG) *AttnBlock {
	return &AttnBlock{
		Norm: nn.NewGroupNorm(nn.Join(name, "norm"), groups, c),
		QKV:  nn.NewConv2d(nn.Join(name, "qkv"), c, 3*c, 1, 1, 0, true, rng),
		Proj: nn.NewConv2d(nn.Join(name, "proj"), c, c, 1, 1, 0, true, rng),
	}
}

// Forward maps x: (N, C, H, W) to the same shape.
func (a *AttnBlock) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	s := x.Shape()
	n, c, hh, ww := s[0], s[1], s[2], s[3]
	p := hh * ww // positions, p = h·W + w
	nx := a.Norm.Forward(g, x)
	qkv := g.Reshape(a.QKV.Forward(g, nx), n, 3, c, p)
	g.Evict(nx)
	q := g.Reshape(g.Slice(qkv, 1, 0, 1), n, c, p) // (N, C, HW)
	k := g.Reshape(g.Slice(qkv, 1, 1, 2), n, c, p)
	v := g.Reshape(g.Slice(qkv, 1, 2, 3), n, c, p)
	w := g.MatMulTrans(q, k, true, false) // qᵀk: (N, HW_query, HW_key)
	w = g.Softmax(g.Scale(w, float32(1/math.Sqrt(float64(c)))), -1)
	o := g.MatMulTrans(v, w, false, true) // v·Aᵀ: (N, C, HW_query)
	return g.Add(x, a.Proj.Forward(g, g.Reshape(o, n, c, hh, ww)))
}

// Params lists norm, qkv, proj.
func (a *AttnBlock) Params() []*nn.Param { return nn.Collect(a.Norm, a.QKV, a.Proj) }

// Downsample halves the resolution with a 3×3 convolution of stride 2
// (28 → 14 → 7), named name.conv.
type Downsample struct {
	Conv *nn.Conv2d // 3×3, C → C, stride 2, padding 1
}

// NewDownsample makes a Downsample over c channels.
func NewDownsample(name string, c int, rng *tensor.RNG) *Downsample {
	return &Downsample{Conv: nn.NewConv2d(nn.Join(name, "conv"), c, c, 3, 2, 1, true, rng)}
}

// Forward maps (N, C, H, W) to (N, C, ⌈H/2⌉, ⌈W/2⌉).
func (d *Downsample) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return d.Conv.Forward(g, x)
}

// Params lists the convolution's weight and bias.
func (d *Downsample) Params() []*nn.Param { return d.Conv.Params() }

// Upsample doubles the resolution: nearest-neighbour ×2, then a 3×3
// convolution (7 → 14 → 28), named name.conv.
type Upsample struct {
	Conv *nn.Conv2d // 3×3, C → C, padding 1
}

// NewUpsample makes an Upsample over c channels.
func NewUpsample(name string, c int, rng *tensor.RNG) *Upsample {
	return &Upsample{Conv: nn.NewConv2d(nn.Join(name, "conv"), c, c, 3, 1, 1, true, rng)}
}

// Forward maps (N, C, H, W) to (N, C, 2H, 2W).
func (u *Upsample) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	up := g.UpsampleNearest2d(x, 2)
	h := u.Conv.Forward(g, up)
	g.Evict(up) // made again from x in backward
	return h
}

// Params lists the convolution's weight and bias.
func (u *Upsample) Params() []*nn.Param { return u.Conv.Params() }
