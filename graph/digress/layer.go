package digress

import (
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Layer is one graph-transformer layer with edge features, after
// DiGress's XEyTransformerLayer (Vignac et al. 2023, appendix B;
// src/models/transformer_model.py), simplified: every one of the DX
// channels is its own attention head (DiGress groups them into heads of
// DX/heads channels, which only changes how the FiLM terms are shared),
// and the global features y condition the layer but are not updated by
// it. With X: (B, N, DX) node features, E: (B, N, N, DE) edge features and
// y: (B, DY), for nodes i and j:
//
//	S_ij   = (Q x_i ⊙ K x_j)/√DX ⊙ (1 + W₁ e_ij) + W₂ e_ij        (B, N, N, DX)
//	e'_ij  = W_E( (1 + U₁ y) ⊙ S_ij + U₂ y )                        (B, N, N, DE)
//	a_ij   = softmax_j(S_ij + mask_j)                               per channel
//	x'_i   = W_X( (1 + U₃ y) ⊙ Σ_j a_ij ⊙ V x_j + U₄ y )            (B, N, DX)
//	X ← LN(X + x'), E ← LN(E + e'), then X ← LN(X + FF(X)), E ← LN(E + FF(E)),
//
// FF being Linear–GELU–Linear (DiGress uses ReLU; GELU is smooth, so finite differences check it). The attention scores are thus modulated by
// the edges (FiLM) and the edges are updated from the scores. Padding
// nodes (mask_j = −10⁹) get no attention, and nodeMask and pairMask zero
// the updates there, so that real entries never read padding.
type Layer struct {
	DX, DE, DY     int
	Q, K, V        *nn.Linear
	EMul, EAdd     *nn.Linear // W₁, W₂: DE → DX
	YEMul, YEAdd   *nn.Linear // U₁, U₂: DY → DX
	YXMul, YXAdd   *nn.Linear // U₃, U₄: DY → DX
	EOut, XOut     *nn.Linear // W_E: DX → DE, W_X: DX → DX
	NormX1, NormE1 *nn.LayerNorm
	FFX1, FFX2     *nn.Linear
	FFE1, FFE2     *nn.Linear
	NormX2, NormE2 *nn.LayerNorm
}

// NewLayer makes a layer whose parameters are named name.q.weight and so
// on; ffx and ffe are the widths of the feed-forward blocks.
func NewLayer(name string, dx, de, dy, ffx, ffe int, rng *tensor.RNG) *Layer {
	lin := func(part string, in, out int) *nn.Linear {
		return nn.NewLinear(nn.Join(name, part), in, out, true, rng)
	}
	return &Layer{DX: dx, DE: de, DY: dy,
		Q: lin("q", dx, dx), K: lin("k", dx, dx), V: lin("v", dx, dx),
		EMul: lin("e_mul", de, dx), EAdd: lin("e_add", de, dx),
		YEMul: lin("y_e_mul", dy, dx), YEAdd: lin("y_e_add", dy, dx),
		YXMul: lin("y_x_mul", dy, dx), YXAdd: lin("y_x_add", dy, dx),
		EOut: lin("e_out", dx, de), XOut: lin("x_out", dx, dx),
		NormX1: nn.NewLayerNorm(nn.Join(name, "norm_x1"), dx), NormE1: nn.NewLayerNorm(nn.Join(name, "norm_e1"), de),
		FFX1: lin("ff_x1", dx, ffx), FFX2: lin("ff_x2", ffx, dx),
		FFE1: lin("ff_e1", de, ffe), FFE2: lin("ff_e2", ffe, de),
		NormX2: nn.NewLayerNorm(nn.Join(name, "norm_x2"), dx), NormE2: nn.NewLayerNorm(nn.Join(name, "norm_e2"), de),
	}
}

// Masks are the constant masks of a padded batch: NodeMask (B, N, 1) and
// PairMask (B, N, N, 1) are 1 on real nodes and on real pairs i ≠ j, 0
// elsewhere; Bias (B, 1, N, 1) is 0 on real nodes j and −10⁹ on padding.
type Masks struct {
	NodeMask, PairMask, Bias *autograd.Var
}

// NewMasks builds the masks of graphs of the given sizes padded to n.
func NewMasks(sizes []int, n int) Masks {
	b := len(sizes)
	nm, pm, bias := tensor.New(b, n, 1), tensor.New(b, n, n, 1), tensor.New(b, 1, n, 1)
	for k, s := range sizes {
		for i := 0; i < n; i++ {
			if i >= s {
				bias.Data[k*n+i] = -1e9
				continue
			}
			nm.Data[k*n+i] = 1
			for j := 0; j < s; j++ {
				if j != i {
					pm.Data[(k*n+i)*n+j] = 1
				}
			}
		}
	}
	return Masks{autograd.NewVar(nm), autograd.NewVar(pm), autograd.NewVar(bias)}
}

// Forward maps X: (B, N, DX), E: (B, N, N, DE) and y: (B, DY) to the new
// X and E.
func (l *Layer) Forward(g *autograd.Graph, x, e, y *autograd.Var, m Masks) (*autograd.Var, *autograd.Var) {
	sh := x.Shape()
	b, n, dx := sh[0], sh[1], l.DX
	q := g.Reshape(l.Q.Forward(g, x), b, n, 1, dx)
	k := g.Reshape(l.K.Forward(g, x), b, 1, n, dx)
	v := g.Reshape(l.V.Forward(g, x), b, 1, n, dx)
	s := g.Scale(g.Mul(q, k), float32(1/math.Sqrt(float64(dx)))) // (B, N, N, DX)
	s = g.Add(g.Mul(s, g.AddScalar(l.EMul.Forward(g, e), 1)), l.EAdd.Forward(g, e))

	film := func(mul, add *nn.Linear, h *autograd.Var, shape ...int) *autograd.Var {
		return g.Add(g.Mul(h, g.Reshape(g.AddScalar(mul.Forward(g, y), 1), shape...)), g.Reshape(add.Forward(g, y), shape...))
	}
	ne := film(l.YEMul, l.YEAdd, s, b, 1, 1, dx)
	ne = g.Mul(l.EOut.Forward(g, ne), m.PairMask)

	a := g.Softmax(g.Add(s, m.Bias), 2)
	wv := g.Sum(g.Mul(a, v), []int{2}, false) // (B, N, DX)
	nx := film(l.YXMul, l.YXAdd, wv, b, 1, dx)
	nx = g.Mul(l.XOut.Forward(g, nx), m.NodeMask)

	x = l.NormX1.Forward(g, g.Add(x, nx))
	e = l.NormE1.Forward(g, g.Add(e, ne))
	x = l.NormX2.Forward(g, g.Add(x, l.FFX2.Forward(g, g.GELU(l.FFX1.Forward(g, x)))))
	e = l.NormE2.Forward(g, g.Add(e, l.FFE2.Forward(g, g.GELU(l.FFE1.Forward(g, e)))))
	return x, e
}

// Params lists the layer's parameters.
func (l *Layer) Params() []*nn.Param {
	return nn.Collect(l.Q, l.K, l.V, l.EMul, l.EAdd, l.YEMul, l.YEAdd, l.YXMul, l.YXAdd, l.EOut, l.XOut,
		l.NormX1, l.NormE1, l.FFX1, l.FFX2, l.FFE1, l.FFE2, l.NormX2, l.NormE2)
}
