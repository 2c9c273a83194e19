package search

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Pool turns activations, each (N, C_i, H_i, W_i) with grid ≤ H_i, W_i,
// into feature vectors (N, grid²·ΣC_i): each activation is averaged over
// a grid×grid partition of its plane (cell r covers rows ⌊r·H/grid⌋ to
// ⌊(r+1)·H/grid⌋), laid out channel-major, and scaled to unit length;
// the blocks are concatenated and the whole scaled to unit length again.
// A zero block stays zero. Sums run in float64.
func Pool(acts []*tensor.Tensor, grid int) *tensor.Tensor {
	n := acts[0].Dim(0)
	d := 0
	for _, a := range acts {
		d += a.Dim(1) * grid * grid
	}
	out := tensor.New(n, d)
	parallel.For(n, 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := out.Data[i*d : (i+1)*d]
			off := 0
			for _, a := range acts {
				c, h, w := a.Dim(1), a.Dim(2), a.Dim(3)
				block := row[off : off+c*grid*grid]
				poolOne(a.Data[i*c*h*w:(i+1)*c*h*w], c, h, w, grid, block)
				normalize(block)
				off += len(block)
			}
			normalize(row)
		}
	})
	return out
}

// poolOne writes the grid×grid cell means of one item's (c, h, w) plane
// stack to dst, channel-major.
func poolOne(src []float32, c, h, w, grid int, dst []float32) {
	for ch := range c {
		plane := src[ch*h*w : (ch+1)*h*w]
		for r := range grid {
			y0, y1 := r*h/grid, (r+1)*h/grid
			for q := range grid {
				x0, x1 := q*w/grid, (q+1)*w/grid
				var s float64
				for y := y0; y < y1; y++ {
					for _, v := range plane[y*w+x0 : y*w+x1] {
						s += float64(v)
					}
				}
				dst[(ch*grid+r)*grid+q] = float32(s / float64((y1-y0)*(x1-x0)))
			}
		}
	}
}

// normalize scales v to unit Euclidean length; a zero v stays zero.
func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := 1 / math.Sqrt(s)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
}

// Normalize returns a copy of the rows of x: (N, …) flattened to (N, D)
// and scaled to unit length (zero rows stay zero): the form Nearest
// expects, for features from elsewhere (raw pixels, a classifier).
func Normalize(x *tensor.Tensor) *tensor.Tensor {
	n := x.Dim(0)
	d := x.Len() / max(n, 1)
	out := tensor.FromData(append([]float32(nil), x.Data...), n, d)
	parallel.For(n, 64, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			normalize(out.Data[i*d : (i+1)*d])
		}
	})
	return out
}
