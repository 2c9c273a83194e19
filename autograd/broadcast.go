package autograd

import "github.com/diffusego/diffusego/tensor"

// broadcastShape returns the NumPy broadcast of shapes a and b: axes are
// aligned from the right, and a size-1 axis stretches to the other size.
func broadcastShape(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			tensor.Shapef(op, [][]int{a, b}, "sizes %d and %d at axis %d do not broadcast", da, db, i)
		}
	}
	return out
}

// broadcastIndex returns, for every element of a tensor of shape out, the
// flat index of the element of a tensor of shape in that broadcasts to it.
func broadcastIndex(in, out []int) []int {
	idx := make([]int, tensor.Numel(out))
	st := tensor.Strides(in)
	// inStride[i] is the stride of out's axis i in the input (0 if stretched)
	inStride := make([]int, len(out))
	for i := range out {
		if j := len(in) - len(out) + i; j >= 0 && in[j] != 1 {
			inStride[i] = st[j]
		}
	}
	coord := make([]int, len(out))
	off := 0
	for k := range idx {
		idx[k] = off
		for ax := len(out) - 1; ax >= 0; ax-- {
			coord[ax]++
			off += inStride[ax]
			if coord[ax] < out[ax] {
				break
			}
			off -= inStride[ax] * coord[ax]
			coord[ax] = 0
		}
	}
	return idx
}

// sumTo adds the gradient g (shape out) into dst (shape in), summing over
// the axes that broadcasting stretched.
func sumTo(dst []float32, g []float32, in, out []int) {
	if len(dst) == len(g) {
		for i, v := range g {
			dst[i] += v
		}
		return
	}
	for k, j := range broadcastIndex(in, out) {
		dst[j] += g[k]
	}
}
