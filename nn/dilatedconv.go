package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// DilatedConv1d is the non-causal dilated 1-D convolution of WaveNet and
// DiffWave (van den Oord et al. 2016; Kong et al. 2021, Sec. 3): PyTorch's
// conv1d with dilation d and "same" zero padding d·(K−1)/2 on each side,
//
//	y[n, o, t] = b[o] + Σ_c Σ_j W[o, c, j] · x[n, c, t + d·(j − (K−1)/2)],
//
// so that the output is as long as the input. K must be odd. It is built
// from recorded ops (zero padding, K shifted slices stacked along channels,
// one 1×1 convolution), so its gradient is theirs. Weights start like
// Conv1d: U(−k, k) with k = 1/√(Cin·K).
type DilatedConv1d struct {
	Cin, Cout, Kernel, Dilation int
	Weight                      *Param // (Cout, Cin, Kernel)
	Bias                        *Param // (Cout); nil when built without bias
}

// NewDilatedConv1d makes a DilatedConv1d; its parameters are named
// name.weight and name.bias. kernel must be odd and dilation ≥ 1.
func NewDilatedConv1d(name string, cin, cout, kernel, dilation int, bias bool, rng *tensor.RNG) *DilatedConv1d {
	if kernel < 1 || kernel%2 == 0 || dilation < 1 || cin < 1 || cout < 1 {
		tensor.Shapef("NewDilatedConv1d", [][]int{{cin, cout, kernel, dilation}},
			"want odd kernel ≥ 1, dilation ≥ 1 and positive channel counts")
	}
	k := tensor.KaimingUniformBound(cin * kernel)
	c := &DilatedConv1d{Cin: cin, Cout: cout, Kernel: kernel, Dilation: dilation,
		Weight: NewParam(Join(name, "weight"), rng.Rand(-k, k, cout, cin, kernel))}
	if bias {
		c.Bias = NewParam(Join(name, "bias"), rng.Rand(-k, k, cout))
	}
	return c
}

// Forward maps x: (N, Cin, L) to (N, Cout, L).
func (c *DilatedConv1d) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	xs := x.Shape()
	if len(xs) != 3 || xs[1] != c.Cin {
		tensor.Shapef("DilatedConv1d", [][]int{xs, c.Weight.V.Shape()}, "want x (N, %d, L)", c.Cin)
	}
	if c.Kernel == 1 {
		return g.Conv1d(x, c.Weight.V, paramVar(c.Bias), 1, 0, 1)
	}
	n, l := xs[0], xs[2]
	pad := c.Dilation * (c.Kernel - 1) / 2
	zeros := autograd.NewVar(tensor.New(n, c.Cin, pad))
	xp := g.Concat(2, zeros, x, zeros) // (N, Cin, L + 2·pad)
	taps := make([]*autograd.Var, c.Kernel)
	for j := range taps {
		taps[j] = g.Slice(xp, 2, j*c.Dilation, j*c.Dilation+l) // x shifted by d·(j − (K−1)/2)
	}
	cols := g.Concat(1, taps...) // (N, K·Cin, L), tap-major
	// W (Cout, Cin, K) → (Cout, K·Cin, 1) in the same tap-major order.
	w := g.Reshape(g.Permute(c.Weight.V, 0, 2, 1), c.Cout, c.Kernel*c.Cin, 1)
	return g.Conv1d(cols, w, paramVar(c.Bias), 1, 0, 1)
}

// Params lists weight, then bias.
func (c *DilatedConv1d) Params() []*Param { return params(c.Weight, c.Bias) }
