package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Rotary applies the rotary position embedding (RoPE, Su et al. 2021,
// "RoFormer") to x (…, L, D), D even: the row at position p = start + l
// (l its index along axis −2) is rotated, in each plane (i, i + D/2), by
// the angle p·θ_i with θ_i = base^(−2i/D), i = 0 … D/2 − 1:
//
//	y_i       = x_i·cos(p·θ_i) − x_{i+D/2}·sin(p·θ_i),
//	y_{i+D/2} = x_{i+D/2}·cos(p·θ_i) + x_i·sin(p·θ_i).
//
// This is the half-split "rotate_half" convention of GPT-NeoX and LLaMA
// (x·cos + rotate_half(x)·sin with rotate_half(x) = (−x₂, x₁)), not the
// interleaved pairs (2i, 2i + 1) of the paper's equation 34; the two
// differ only by a fixed permutation of the features. Attention applies it
// to queries and keys (…, L, head dim), so that q_m·k_n depends on the
// positions only through m − n. base is usually 10000. The angles are
// float64; backward rotates the gradient by −p·θ_i.
func (g *Graph) Rotary(x *Var, base float64, start int) *Var {
	xs := x.Value.Shape
	if len(xs) < 2 || xs[len(xs)-1]%2 != 0 {
		tensor.Shapef("Rotary", [][]int{xs}, "input must be (…, L, D) with D even")
	}
	l, d := xs[len(xs)-2], xs[len(xs)-1]
	half := d / 2
	// cos and sin of p·θ_i, (L, D/2) each
	cs := make([]float32, 2*l*half)
	cosT, sinT := cs[:l*half], cs[l*half:]
	for p := range l {
		for i := range half {
			a := float64(start+p) * math.Pow(base, -2*float64(i)/float64(d))
			cosT[p*half+i], sinT[p*half+i] = float32(math.Cos(a)), float32(math.Sin(a))
		}
	}
	rows := x.Value.Len() / max(1, d)
	out := g.allocDirty(xs...) // every element is written below
	rotate(out.Data, x.Value.Data, rows, l, half, cosT, sinT, 1, false)
	return g.recordOp(out, func(o *Var) {
		rotate(x.GradBuf().Data, o.Grad.Data, rows, l, half, cosT, sinT, -1, true)
	}, nil, x)
}

// rotate sets y (add: adds into y) to x rotated by sign·p·θ_i in every
// plane (i, i + half) of each of rows rows of 2·half features; row r is at
// position r mod l.
func rotate(y, x []float32, rows, l, half int, cosT, sinT []float32, sign float32, add bool) {
	d := 2 * half
	parallel.For(rows, max(1, grainElems/max(1, d)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			p := r % l
			c, s := cosT[p*half:(p+1)*half], sinT[p*half:(p+1)*half]
			x1, x2 := x[r*d:r*d+half], x[r*d+half:(r+1)*d]
			y1, y2 := y[r*d:r*d+half], y[r*d+half:(r+1)*d]
			for i := range half {
				sn := sign * s[i]
				a, b := x1[i], x2[i]
				if add {
					y1[i] += a*c[i] - b*sn
					y2[i] += b*c[i] + a*sn
				} else {
					y1[i] = a*c[i] - b*sn
					y2[i] = b*c[i] + a*sn
				}
			}
		}
	})
}
