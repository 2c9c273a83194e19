package unet

import (
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// ResBlock is the DDPM residual block with a time (and class) embedding:
//
//	h = conv1(SiLU(norm1(x))) + temb(e)[:, :, None, None]
//	out = skip(x) + conv2(dropout(SiLU(norm2(h))))
//
// where e = SiLU(emb) is shared by all blocks and skip is a 1×1
// convolution when c_in ≠ c_out, else the identity.
type ResBlock struct {
	Norm1   *nn.GroupNorm // GroupNorm(groups, c_in)
	Conv1   *nn.Conv2d    // 3×3, c_in → c_out
	Temb    *nn.Linear    // EmbDim → c_out
	Norm2   *nn.GroupNorm // GroupNorm(groups, c_out)
	Dropout float64       // probability
	Conv2   *nn.Conv2d    // 3×3, c_out → c_out
	Skip    *nn.Conv2d    // 1×1, c_in → c_out; nil when c_in = c_out
}

// NewResBlock makes a ResBlock whose parameters are named name.norm1.weight …
func NewResBlock(name string, cin, cout, embDim, groups int, dropout float64, rng *tensor.RNG) *ResBlock {
	r := &ResBlock{
		Norm1:   nn.NewGroupNorm(nn.Join(name, "norm1"), groups, cin),
		Conv1:   nn.NewConv2d(nn.Join(name, "conv1"), cin, cout, 3, 1, 1, true, rng),
		Temb:    nn.NewLinear(nn.Join(name, "temb"), embDim, cout, true, rng),
		Norm2:   nn.NewGroupNorm(nn.Join(name, "norm2"), groups, cout),
		Dropout: dropout,
		Conv2:   nn.NewConv2d(nn.Join(name, "conv2"), cout, cout, 3, 1, 1, true, rng),
	}
	if cin != cout {
		r.Skip = nn.NewConv2d(nn.Join(name, "skip"), cin, cout, 1, 1, 0, true, rng)
	}
	return r
}

// Forward maps x: (N, c_in, H, W) to (N, c_out, H, W) given e = SiLU(emb):
// (N, EmbDim). A nil rng turns dropout off (evaluation and sampling). Each
// convolution reads its pre-activation SiLU(norm(·)) through
// nn.Conv2d.ForwardNormSiLUAdd, with the bits of the two steps: where it
// runs through Winograd's F(4×4, 3×3) the norm is applied inside the
// convolution's input transform and the activation is never written;
// elsewhere it is made and given back after the convolution, to be made
// again in backward. With dropout on, conv2 reads the dropped activation,
// which is written.
func (r *ResBlock) Forward(g *autograd.Graph, x, e *autograd.Var, rng *tensor.RNG) *autograd.Var {
	return r.ForwardCat(g, []*autograd.Var{x}, e, rng)
}

// ForwardCat is Forward of the concatenation of xs along the channels, a
// decoder block's running activation and skip, without making it: norm1
// and conv1 read each channel in its part (nn.Conv2d.ForwardNormSiLUAddCat,
// the same bits as on the concatenation), and the 1×1 skip convolution
// sums one product per part (nn.Conv2d.ForwardCat, which rounds that sum
// term by term). Only a block without a skip convolution makes the
// concatenation, its residual.
func (r *ResBlock) ForwardCat(g *autograd.Graph, xs []*autograd.Var, e *autograd.Var, rng *tensor.RNG) *autograd.Var {
	tb := r.Temb.Forward(g, e)                                  // (N, c_out)
	h := r.Conv1.ForwardNormSiLUAddCat(g, r.Norm1, xs, tb, nil) // conv1(SiLU(norm1(x))) + tb: (N, c_out, H, W)
	var skip, cat *autograd.Var
	switch {
	case r.Skip != nil:
		skip = r.Skip.ForwardCat(g, xs)
	case len(xs) == 1:
		skip = xs[0]
	default:
		cat = g.Concat(1, xs...)
		skip = cat
	}
	var out *autograd.Var
	if r.Dropout > 0 && rng != nil { // dropout sits between the activation and conv2
		a := r.Norm2.ForwardSiLU(g, h)
		out = r.Conv2.ForwardAdd(g, g.Dropout(a, r.Dropout, rng), nil, skip)
		g.Evict(a)
	} else {
		out = r.Conv2.ForwardNormSiLUAdd(g, r.Norm2, h, nil, skip) // skip + conv2(SiLU(norm2(h))), the sum in the other order: the same bits
	}
	g.Evict(cat) // made again from xs in backward, if at all (a residual's value is not read there)
	return out
}

// Params lists norm1, conv1, temb, norm2, conv2, skip.
func (r *ResBlock) Params() []*nn.Param {
	ps := nn.Collect(r.Norm1, r.Conv1, r.Temb, r.Norm2, r.Conv2)
	if r.Skip != nil {
		ps = append(ps, r.Skip.Params()...)
	}
	return ps
}

// AttnBlock is multi-head self-attention over the H·W positions of a
// feature map, with a residual. With d = C/Heads channels per head,
//
//	q, k, v = split(qkv(norm(x)))            each (N, C, HW), channels [q | k | v]
//	A_h = softmax(q_hᵀ k_h / √d)             (N, HW_query, HW_key) per head h
//	o_h[n, c, i] = Σ_j v_h[n, c, j] A_h[n, i, j]
//	out = x + proj(o)
//
// One head is exactly bench-unet's AttnBlock.
type AttnBlock struct {
	Heads int
	Norm  *nn.GroupNorm // GroupNorm(groups, C)
	QKV   *nn.Conv2d    // 1×1, C → 3C
	Proj  *nn.Conv2d    // 1×1, C → C
}

// NewAttnBlock makes an AttnBlock whose parameters are named
// name.norm.weight, name.qkv.weight, name.proj.weight and their biases.
func NewAttnBlock(name string, c, heads, groups int, rng *tensor.RNG) *AttnBlock {
	return &AttnBlock{
		Heads: heads,
		Norm:  nn.NewGroupNorm(nn.Join(name, "norm"), groups, c),
		QKV:   nn.NewConv2d(nn.Join(name, "qkv"), c, 3*c, 1, 1, 0, true, rng),
		Proj:  nn.NewConv2d(nn.Join(name, "proj"), c, c, 1, 1, 0, true, rng),
	}
}

// Forward maps x: (N, C, H, W) to the same shape.
func (a *AttnBlock) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	s := x.Shape()
	n, c, hh, ww := s[0], s[1], s[2], s[3]
	p, d := hh*ww, c/a.Heads // positions p = h·W + w; channels per head
	qkv := g.Reshape(a.QKV.Forward(g, a.Norm.Forward(g, x)), n, 3, c, p)
	q := g.Reshape(g.Slice(qkv, 1, 0, 1), n*a.Heads, d, p) // (N·heads, d, HW)
	k := g.Reshape(g.Slice(qkv, 1, 1, 2), n*a.Heads, d, p)
	v := g.Reshape(g.Slice(qkv, 1, 2, 3), n*a.Heads, d, p)
	w := g.MatMulTrans(q, k, true, false) // qᵀk: (N·heads, HW_query, HW_key)
	w = g.Softmax(g.Scale(w, float32(1/math.Sqrt(float64(d)))), -1)
	o := g.MatMulTrans(v, w, false, true) // v·Aᵀ: (N·heads, d, HW_query)
	return g.Add(x, a.Proj.Forward(g, g.Reshape(o, n, c, hh, ww)))
}

// Params lists norm, qkv, proj.
func (a *AttnBlock) Params() []*nn.Param { return nn.Collect(a.Norm, a.QKV, a.Proj) }

// Downsample halves the resolution with a 3×3 convolution of stride 2,
// named name.conv.
type Downsample struct {
	Conv *nn.Conv2d // 3×3, C → C, stride 2, padding 1
}

// NewDownsample makes a Downsample over c channels.
func NewDownsample(name string, c int, rng *tensor.RNG) *Downsample {
	return &Downsample{Conv: nn.NewConv2d(nn.Join(name, "conv"), c, c, 3, 2, 1, true, rng)}
}

// Forward maps (N, C, H, W) to (N, C, H/2, W/2) for even H and W.
func (d *Downsample) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return d.Conv.Forward(g, x)
}

// Params lists the convolution's weight and bias.
func (d *Downsample) Params() []*nn.Param { return d.Conv.Params() }

// Upsample doubles the resolution: nearest-neighbour ×2, then a 3×3
// convolution, named name.conv.
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
