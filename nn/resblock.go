package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// ResBlock is the DDPM residual block with a time (and class) embedding
// (Ho et al. 2020), as the U-Nets of models/unet and models/benchunet use
// it:
//
//	h = conv1(SiLU(norm1(x))) + temb(e)[:, :, None, None]
//	out = skip(x) + conv2(dropout(SiLU(norm2(h))))
//
// where e = SiLU(emb) is shared by all blocks and skip is a 1×1
// convolution when c_in ≠ c_out, else the identity.
type ResBlock struct {
	Norm1   *GroupNorm // GroupNorm(groups, c_in)
	Conv1   *Conv2d    // 3×3, c_in → c_out
	Temb    *Linear    // embDim → c_out
	Norm2   *GroupNorm // GroupNorm(groups, c_out)
	Dropout float64    // probability
	Conv2   *Conv2d    // 3×3, c_out → c_out
	Skip    *Conv2d    // 1×1, c_in → c_out; nil when c_in = c_out
}

// NewResBlock makes a ResBlock whose parameters are named name.norm1.weight …
func NewResBlock(name string, cin, cout, embDim, groups int, dropout float64, rng *tensor.RNG) *ResBlock {
	r := &ResBlock{
		Norm1:   NewGroupNorm(Join(name, "norm1"), groups, cin),
		Conv1:   NewConv2d(Join(name, "conv1"), cin, cout, 3, 1, 1, true, rng),
		Temb:    NewLinear(Join(name, "temb"), embDim, cout, true, rng),
		Norm2:   NewGroupNorm(Join(name, "norm2"), groups, cout),
		Dropout: dropout,
		Conv2:   NewConv2d(Join(name, "conv2"), cout, cout, 3, 1, 1, true, rng),
	}
	if cin != cout {
		r.Skip = NewConv2d(Join(name, "skip"), cin, cout, 1, 1, 0, true, rng)
	}
	return r
}

// Forward maps x: (N, c_in, H, W) to (N, c_out, H, W) given e = SiLU(emb):
// (N, embDim). A nil rng (or a zero Dropout) makes dropout the identity,
// as in evaluation and sampling. Each convolution reads its pre-activation
// SiLU(norm(·)) through Conv2d.ForwardNormSiLUAdd, with the bits of the two
// steps: where it runs through Winograd's F(4×4, 3×3) the norm is applied
// inside the convolution's input transform and the activation is never
// written; elsewhere it is made and given back after the convolution, to
// be made again in backward. With dropout on, conv2 reads the dropped
// activation, which is written.
func (r *ResBlock) Forward(g *autograd.Graph, x, e *autograd.Var, rng *tensor.RNG) *autograd.Var {
	return r.ForwardCat(g, []*autograd.Var{x}, e, rng)
}

// ForwardCat is Forward of the concatenation of xs along the channels, a
// decoder block's running activation and skip, without making it: norm1
// and conv1 read each channel in its part (Conv2d.ForwardNormSiLUAddCat,
// the same bits as on the concatenation), and the 1×1 skip convolution
// sums one product per part (Conv2d.ForwardCat, which rounds that sum
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

// Params lists norm1, conv1, temb, norm2, conv2, skip (PyTorch's order).
func (r *ResBlock) Params() []*Param {
	ps := Collect(r.Norm1, r.Conv1, r.Temb, r.Norm2, r.Conv2)
	if r.Skip != nil {
		ps = append(ps, r.Skip.Params()...)
	}
	return ps
}
