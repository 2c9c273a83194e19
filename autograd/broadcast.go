package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Broadcasting follows NumPy: shapes are aligned from the right, missing
// leading axes count as size 1, and a size-1 axis stretches to the other
// operand's size. Loops never walk the full-rank shape: adjacent axes on
// which every operand is either full or stretched are merged first, so
// (N, C, H, W) + (N, C, 1, 1) runs as (N·C, H·W) + (N·C, 1) and
// (N, C) + (C) as a row loop over a contiguous vector.

// grainElems is the smallest element-wise chunk worth a worker.
const grainElems = 1 << 14

// broadcastShape returns the NumPy broadcast of shapes a and b. It panics
// with a *tensor.ShapeError naming op when they do not broadcast.
func broadcastShape(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := padDim(a, n, i), padDim(b, n, i)
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

// padDim is axis i of shape s left-padded with 1s to rank n.
func padDim(s []int, n, i int) int {
	if j := len(s) - n + i; j >= 0 {
		return s[j]
	}
	return 1
}

// bcast is the loop plan for operands a and b broadcast to one output
// shape: merged output axes, and each operand's element stride on every
// merged axis (0 where the operand is stretched).
type bcast struct {
	dims   []int
	sa, sb []int
}

// newBcast plans the loop over out for operands of shapes a and b, both
// of which broadcast to out.
func newBcast(a, b, out []int) bcast {
	var p bcast
	var fa, fb []bool // whether operand is full on each merged axis
	n := len(out)
	for i, d := range out {
		if d == 1 {
			continue // size-1 axes do not move any index
		}
		ca, cb := padDim(a, n, i) == d, padDim(b, n, i) == d
		if k := len(p.dims) - 1; k >= 0 && fa[k] == ca && fb[k] == cb {
			p.dims[k] *= d
			continue
		}
		p.dims = append(p.dims, d)
		fa, fb = append(fa, ca), append(fb, cb)
	}
	if len(p.dims) == 0 { // one element
		p.dims, fa, fb = []int{1}, []bool{true}, []bool{true}
	}
	p.sa, p.sb = fullStrides(p.dims, fa), fullStrides(p.dims, fb)
	return p
}

// fullStrides gives the row-major strides of an operand that holds the
// axes where full is set and is stretched (stride 0) on the others.
func fullStrides(dims []int, full []bool) []int {
	st := make([]int, len(dims))
	s := 1
	for i := len(dims) - 1; i >= 0; i-- {
		if full[i] {
			st[i] = s
			s *= dims[i]
		}
	}
	return st
}

// segments calls fn for each run [k, k+m) of output elements within
// [lo, hi) that lies on one row of the last merged axis, with ia and ib
// the operands' offsets of element k. Along a run the operands advance by
// the strides of the last merged axis (p.sa and p.sb at the end, 0 or 1).
func (p *bcast) segments(lo, hi int, fn func(k, m, ia, ib int)) {
	if lo >= hi {
		return
	}
	r := len(p.dims)
	last := p.dims[r-1]
	row, col := lo/last, lo%last
	coord := make([]int, r-1)
	ia, ib := col*p.sa[r-1], col*p.sb[r-1]
	for ax := r - 2; ax >= 0; ax-- {
		coord[ax] = row % p.dims[ax]
		row /= p.dims[ax]
		ia += coord[ax] * p.sa[ax]
		ib += coord[ax] * p.sb[ax]
	}
	for k := lo; k < hi; {
		m := min(last-col, hi-k)
		fn(k, m, ia, ib)
		k += m
		ia -= col * p.sa[r-1]
		ib -= col * p.sb[r-1]
		col = 0
		for ax := r - 2; ax >= 0; ax-- { // next row
			coord[ax]++
			ia += p.sa[ax]
			ib += p.sb[ax]
			if coord[ax] < p.dims[ax] {
				break
			}
			ia -= coord[ax] * p.sa[ax]
			ib -= coord[ax] * p.sb[ax]
			coord[ax] = 0
		}
	}
}

// sumTo adds scale·(g summed over the broadcast axes) into dst: g has
// shape out, and dst has shape in, which broadcasts to out. With set it
// writes the sums instead, as adding them into zeros would (0 + s: −0
// becomes +0), whatever dst held. Sums run in float64. The split over
// workers depends only on the shapes, so results are deterministic.
func sumTo(dst, g []float32, in, out []int, scale float64, set bool) {
	if len(g) == 0 {
		return
	}
	// Merge the axes of out into runs that are all kept or all reduced.
	var dims []int
	var keep []bool
	n := len(out)
	for i, d := range out {
		if d == 1 {
			continue
		}
		k := padDim(in, n, i) == d
		if j := len(dims) - 1; j >= 0 && keep[j] == k {
			dims[j] *= d
			continue
		}
		dims, keep = append(dims, d), append(keep, k)
	}
	switch {
	case len(dims) == 0 || (len(dims) == 1 && keep[0]): // nothing reduced
		scaleAdd(dst, g, float32(scale), set)
		return
	case len(dims) == 1: // everything reduced to one element
		if set {
			dst[0] = 0
		}
		dst[0] += float32(scale * sumAll(g))
		return
	}
	if set { // the reductions below write each element once
		clear(dst)
	}
	gs := tensor.Strides(dims) // strides of g over the merged axes
	var kd, ks, rd, rs []int   // kept and reduced sizes and strides in g
	for i, d := range dims {
		if keep[i] {
			kd, ks = append(kd, d), append(ks, gs[i])
		} else {
			rd, rs = append(rd, d), append(rs, gs[i])
		}
	}
	nr := len(g) / len(dst) // elements summed per output
	grain := max(1, grainElems/nr)
	if !keep[len(keep)-1] {
		// Trailing axes reduced: each output is a sum of contiguous rows.
		inner := rd[len(rd)-1]
		rd, rs = rd[:len(rd)-1], rs[:len(rs)-1]
		roff := offsets(make([]int, 0, nr/inner), rd, rs)
		parallel.For(len(dst), grain, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				base := offsetOf(j, kd, ks)
				var acc float64
				for _, o := range roff {
					for _, v := range g[base+o : base+o+inner] {
						acc += float64(v)
					}
				}
				dst[j] += float32(scale * acc)
			}
		})
		return
	}
	// Last axis kept: add whole contiguous rows of g into a run of dst.
	last := kd[len(kd)-1]
	roff := offsets(make([]int, 0, nr), rd, rs)
	parallel.For(len(dst), grain, func(lo, hi int) {
		acc := make([]float64, min(last, hi-lo))
		for j := lo; j < hi; {
			m := min(last-j%last, hi-j)
			a := acc[:m]
			clear(a)
			base := offsetOf(j, kd, ks)
			for _, o := range roff {
				for i, v := range g[base+o : base+o+m] {
					a[i] += float64(v)
				}
			}
			for i, v := range a {
				dst[j+i] += float32(scale * v)
			}
			j += m
		}
	})
}

// sumAll is the float64 sum of x: per-chunk partial sums added in chunk
// order, so the result does not depend on timing.
func sumAll(x []float32) float64 {
	c := parallel.Chunks(len(x), grainElems)
	part := make([]float64, c)
	parallel.ForChunks(len(x), grainElems, func(ch, lo, hi int) {
		var s float64
		for _, v := range x[lo:hi] {
			s += float64(v)
		}
		part[ch] = s
	})
	var s float64
	for _, v := range part {
		s += v
	}
	return s
}

// offsets appends to dst the flat offsets of every coordinate of an index
// space with sizes dims and strides st, in row-major order (shared by all
// workers; at most one per summed row).
func offsets(dst []int, dims, st []int) []int {
	dst = append(dst, 0)
	for ax := len(dims) - 1; ax >= 0; ax-- {
		n := len(dst)
		for c := 1; c < dims[ax]; c++ {
			for _, o := range dst[:n] {
				dst = append(dst, o+c*st[ax])
			}
		}
	}
	return dst
}

// offsetOf is the flat offset of element j of a row-major index space with
// sizes dims, in a layout with strides st.
func offsetOf(j int, dims, st []int) int {
	off := 0
	for ax := len(dims) - 1; ax >= 0; ax-- {
		off += (j % dims[ax]) * st[ax]
		j /= dims[ax]
	}
	return off
}

// scaleAdd adds s·src into dst (the same length), or with set writes
// 0 + s·src there, as adding into zeros would (−0 becomes +0), whatever
// dst held. Where s is 1 the vector kernels do it (1·x is x).
func scaleAdd(dst, src []float32, s float32, set bool) {
	parallel.For(len(dst), grainElems, func(lo, hi int) {
		switch {
		case s == 1 && set:
			kernels.SetTo(dst[lo:hi], src[lo:hi])
		case s == 1:
			kernels.AddTo(dst[lo:hi], src[lo:hi])
		case set:
			for i := lo; i < hi; i++ {
				dst[i] = 0 + s*src[i]
			}
		default:
			for i := lo; i < hi; i++ {
				dst[i] += s * src[i]
			}
		}
	})
}
