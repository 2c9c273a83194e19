package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Reshape gives x a new shape holding as many elements; one size may be
// -1, inferred from the others. The result shares x's data (tensors are
// always contiguous), so it costs no copy.
func (g *Graph) Reshape(x *Var, shape ...int) *Var {
	out := &tensor.Tensor{Shape: tensor.ResolveShape("Reshape", x.Value.Shape, shape), Data: x.Value.Data}
	return g.recordOp(out, func(o *Var) {
		g.passGrad(o, x) // x's gradient is o's: the buffer passes, no copy
	}, pins{x}, x) // a view: out shares x's data
}

// Permute reorders the axes of x: axis i of the result is axis perm[i] of
// x (negative entries count from the end).
func (g *Graph) Permute(x *Var, perm ...int) *Var {
	in := x.Value.Shape
	if len(perm) != len(in) {
		tensor.Shapef("Permute", [][]int{in}, "permutation %v has %d axes, want %d", perm, len(perm), len(in))
	}
	seen := make([]bool, len(in))
	outShape := make([]int, len(in))
	srcStride := make([]int, len(in)) // x's stride along each output axis
	st := tensor.Strides(in)
	for i, p := range perm {
		if p < 0 {
			p += len(in)
		}
		if p < 0 || p >= len(in) || seen[p] {
			tensor.Shapef("Permute", [][]int{in}, "%v is not a permutation of %d axes", perm, len(in))
		}
		seen[p] = true
		outShape[i], srcStride[i] = in[p], st[p]
	}
	out := g.allocDirty(outShape...) // the copy below writes every element
	p := permutePlan(outShape, srcStride)
	X, Y := x.Value.Data, out.Data
	ds := p.sb[len(p.sb)-1] // x's stride along a run
	parallel.For(len(Y), grainElems, func(lo, hi int) {
		p.segments(lo, hi, func(k, m, _, j int) {
			if ds == 1 { // a contiguous run (a head's features, say)
				copy(Y[k:k+m], X[j:j+m])
				return
			}
			for i := range Y[k : k+m] {
				Y[k+i] = X[j+i*ds]
			}
		})
	})
	return g.recordOp(out, func(o *Var) {
		dx, set := x.GradDst() // a permutation writes each element once
		G, dX := o.Grad.Data, dx.Data
		parallel.For(len(G), grainElems, func(lo, hi int) {
			p.segments(lo, hi, func(k, m, _, j int) {
				switch {
				case ds == 1 && set:
					kernels.SetTo(dX[j:j+m], G[k:k+m])
				case ds == 1:
					kernels.AddTo(dX[j:j+m], G[k:k+m])
				case set:
					for i, v := range G[k : k+m] {
						dX[j+i*ds] = 0 + v // as adding into zeros: −0 becomes +0
					}
				default:
					for i, v := range G[k : k+m] {
						dX[j+i*ds] += v
					}
				}
			})
		})
	}, nil, x)
}

// permutePlan is the loop over an output of shape out that reads, along
// each output axis, with stride src in the input: output axes of size 1
// are dropped and neighbours that are adjacent in the input are merged,
// so a permutation that moves only whole blocks copies whole runs.
func permutePlan(out, src []int) bcast {
	var p bcast
	for i, d := range out {
		if d == 1 {
			continue
		}
		if k := len(p.dims) - 1; k >= 0 && p.sb[k] == src[i]*d {
			p.dims[k] *= d
			p.sb[k] = src[i]
			continue
		}
		p.dims, p.sb = append(p.dims, d), append(p.sb, src[i])
	}
	if len(p.dims) == 0 {
		p.dims, p.sb = []int{1}, []int{0}
	}
	p.sa = tensor.Strides(p.dims)
	return p
}

// Transpose swaps axes a and b of x (negative axes count from the end).
func (g *Graph) Transpose(x *Var, a, b int) *Var {
	r := len(x.Value.Shape)
	aa, bb := a, b
	if aa < 0 {
		aa += r
	}
	if bb < 0 {
		bb += r
	}
	if aa < 0 || aa >= r || bb < 0 || bb >= r {
		tensor.Shapef("Transpose", [][]int{x.Value.Shape}, "axes %d, %d out of range", a, b)
	}
	perm := make([]int, r)
	for i := range perm {
		perm[i] = i
	}
	perm[aa], perm[bb] = bb, aa
	return g.Permute(x, perm...)
}

// splitAt returns the product of the axes of shape before axis and the
// product of those after it.
func splitAt(shape []int, axis int) (outer, inner int) {
	outer, inner = 1, 1
	for i, s := range shape {
		switch {
		case i < axis:
			outer *= s
		case i > axis:
			inner *= s
		}
	}
	return outer, inner
}

// Concat joins xs along axis (negative counts from the end); every other
// axis must agree. An op that reads whole channels at a time may take the
// parts of a channel concatenation instead and spare the copy
// (GroupNormSiLUConv2dAddCat).
func (g *Graph) Concat(axis int, xs ...*Var) *Var {
	if len(xs) == 0 {
		tensor.Shapef("Concat", nil, "no operands")
	}
	shapes := make([][]int, len(xs))
	for i, x := range xs {
		shapes[i] = x.Value.Shape
	}
	first := shapes[0]
	ax := axis
	if ax < 0 {
		ax += len(first)
	}
	if ax < 0 || ax >= len(first) {
		tensor.Shapef("Concat", shapes, "axis %d out of range", axis)
	}
	total := 0
	for i, s := range shapes {
		if len(s) != len(first) {
			tensor.Shapef("Concat", shapes, "operand %d has %d axes, want %d", i, len(s), len(first))
		}
		for j := range s {
			if j != ax && s[j] != first[j] {
				tensor.Shapef("Concat", shapes, "operand %d has size %d at axis %d, want %d", i, s[j], j, first[j])
			}
		}
		total += s[ax]
	}
	outShape := append([]int(nil), first...)
	outShape[ax] = total
	out := g.allocDirty(outShape...) // the operands' rows tile every output row
	outer, inner := splitAt(outShape, ax)
	row := total * inner // one outer index of the output
	concat := func(dst []float32) {
		off := 0
		for _, x := range xs {
			w := x.Value.Shape[ax] * inner
			copyRows(dst[off:], row, x.Value.Data, w, outer, w)
			off += w
		}
	}
	concat(out.Data)
	v := g.recordOp(out, func(o *Var) {
		off := 0
		for _, x := range xs {
			w := x.Value.Shape[ax] * inner
			if x.requiresGrad { // x's rows of o's gradient cover all of x's
				dx, set := x.GradDst()
				gradRows(dx.Data, w, o.Grad.Data[off:], row, outer, w, set)
			}
			off += w
		}
	}, nil, xs...)
	return g.rematerializable(v, func(dst *tensor.Tensor) { // Evict
		for _, x := range xs {
			x.materialize()
		}
		concat(dst.Data)
	})
}

// Slice keeps indices lo ≤ i < hi of x along axis (negative counts from
// the end). The result is a copy.
func (g *Graph) Slice(x *Var, axis, lo, hi int) *Var {
	in := x.Value.Shape
	ax := axis
	if ax < 0 {
		ax += len(in)
	}
	if ax < 0 || ax >= len(in) || lo < 0 || hi > in[ax] || lo > hi {
		tensor.Shapef("Slice", [][]int{in}, "range [%d, %d) on axis %d out of bounds", lo, hi, axis)
	}
	outShape := append([]int(nil), in...)
	outShape[ax] = hi - lo
	out := g.allocDirty(outShape...) // outer rows of w, all copied
	outer, inner := splitAt(in, ax)
	row, w := in[ax]*inner, (hi-lo)*inner
	start := lo * inner
	copyRows(out.Data, w, x.Value.Data[min(start, len(x.Value.Data)):], row, outer, w)
	return g.recordOp(out, func(o *Var) {
		dx, set := x.GradDst()
		if set { // the rest of each row of x's gradient is zero
			clearAround(dx.Data, row, outer, start, w)
		}
		gradRows(dx.Data[min(start, len(x.Value.Data)):], row, o.Grad.Data, w, outer, w, set)
	}, nil, x)
}

// clearAround zeroes, in each of n rows of dst (rows row elements long),
// everything outside [start, start+w).
func clearAround(dst []float32, row, n, start, w int) {
	if row == w {
		return
	}
	parallel.For(n, max(1, grainElems/row), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			d := dst[r*row : (r+1)*row]
			clear(d[:start])
			clear(d[start+w:])
		}
	})
}

// copyRows copies n rows of w elements from src (rows sStride apart) to
// dst (rows dStride apart).
func copyRows(dst []float32, dStride int, src []float32, sStride, n, w int) {
	if w == 0 {
		return
	}
	parallel.For(n, max(1, grainElems/w), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			copy(dst[r*dStride:r*dStride+w], src[r*sStride:r*sStride+w])
		}
	})
}

// gradRows adds n rows of w elements from src (rows sStride apart) into
// dst (rows dStride apart), or with set writes them there as adding into
// zeros would (kernels.SetTo).
func gradRows(dst []float32, dStride int, src []float32, sStride, n, w int, set bool) {
	if w == 0 {
		return
	}
	f := kernels.AddTo
	if set {
		f = kernels.SetTo
	}
	parallel.For(n, max(1, grainElems/w), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			f(dst[r*dStride:r*dStride+w], src[r*sStride:r*sStride+w])
		}
	})
}

// Index is x[i] along the first axis: x (N, …) gives (…), a view that
// shares x's data (no copy). Backward adds the gradient into row i of x's.
// Attention uses it to take q, k and v out of one fused projection.
func (g *Graph) Index(x *Var, i int) *Var {
	in := x.Value.Shape
	if len(in) == 0 || i < 0 || i >= in[0] {
		tensor.Shapef("Index", [][]int{in}, "index %d out of range for the first axis", i)
	}
	n := tensor.Numel(in[1:])
	out := &tensor.Tensor{Shape: append([]int(nil), in[1:]...), Data: x.Value.Data[i*n : (i+1)*n]}
	return g.recordOp(out, func(o *Var) {
		dX, G := x.GradBuf().Data[i*n:(i+1)*n], o.Grad.Data
		parallel.For(n, grainElems, func(lo, hi int) { kernels.AddTo(dX[lo:hi], G[lo:hi]) })
	}, pins{x}, x) // a view: out shares x's data
}

// channelParts is the concatenation of parts along axis 1, Concat(1,
// parts...), left unmade: an op that reads whole channels at a time
// (GroupNormSiLUConv2dAddCat) finds each one in its part, and a run of
// channels that spans two parts in a scratch copy. One part stands for
// itself: its data is the input.
type channelParts struct {
	vars []*Var
	c0   []int // the first channel of each part, then the channels of all
	s    int   // elements per channel: the product of the axes after 1
}

// oneChannelPart is x as channelParts of one part.
func oneChannelPart(x *Var) *channelParts {
	s := x.Value.Shape
	c, inner := 1, 1
	if len(s) >= 2 {
		c, inner = s[1], tensor.Numel(s[2:])
	}
	return &channelParts{vars: []*Var{x}, c0: []int{0, c}, s: inner}
}

// newChannelParts checks that xs (at least one, each (N, C_k, …)) agree
// on every axis but 1, as Concat(1, xs...) would, and describes them.
func newChannelParts(op string, xs []*Var) *channelParts {
	shapes := make([][]int, len(xs))
	for i, x := range xs {
		shapes[i] = x.Value.Shape
	}
	if len(xs) == 0 {
		tensor.Shapef(op, shapes, "no operands")
	}
	first := shapes[0]
	if len(first) < 2 {
		tensor.Shapef(op, shapes, "operands need shape (N, C, …)")
	}
	p := &channelParts{vars: xs, c0: make([]int, len(xs)+1), s: tensor.Numel(first[2:])}
	for i, s := range shapes {
		if len(s) != len(first) {
			tensor.Shapef(op, shapes, "operand %d has %d axes, want %d", i, len(s), len(first))
		}
		for j := range s {
			if j != 1 && s[j] != first[j] {
				tensor.Shapef(op, shapes, "operand %d has size %d at axis %d, want %d", i, s[j], j, first[j])
			}
		}
		p.c0[i+1] = p.c0[i] + s[1]
	}
	return p
}

// channels is the number of channels of the concatenation.
func (p *channelParts) channels() int { return p.c0[len(p.vars)] }

// shape is the concatenation's shape.
func (p *channelParts) shape() []int {
	s := append([]int(nil), p.vars[0].Value.Shape...)
	s[1] = p.channels()
	return s
}

// values lists the parts' data, read when called (after Backward has made
// an evicted part again).
func (p *channelParts) values() [][]float32 {
	d := make([][]float32, len(p.vars))
	for k, v := range p.vars {
		d[k] = v.Value.Data
	}
	return d
}

// grads returns the parts' gradient buffers (nil: no part wants one;
// nil for a part that does not) and whether the one part's buffer is its
// first gradient, undefined until written (Var.GradDst): then each block
// must be cleared before it is added into. A concatenation of several
// parts takes zeroed buffers (Var.GradBuf), since a block that spans
// parts is gathered, added into and scattered back.
func (p *channelParts) grads() (d [][]float32, set bool) {
	if len(p.vars) == 1 {
		if v := p.vars[0]; v.requiresGrad {
			t, set := v.GradDst()
			return [][]float32{t.Data}, set
		}
		return nil, false
	}
	for k, v := range p.vars {
		if v.requiresGrad {
			if d == nil {
				d = make([][]float32, len(p.vars))
			}
			d[k] = v.GradBuf().Data
		}
	}
	return d, false
}

// block returns block r of layout l of the concatenation of data (one
// slice per part, as values or grads list them): in place where one part
// holds the block, otherwise gathered into buf (copied true; a part
// without data leaves its channels of buf as they were). With one part,
// block r is simply data[0][r·l.cpg·l.s:], whatever the layout (LayerNorm
// too); with more, l must be GroupNorm's, cut into blocks of l.cpg
// channels.
func (p *channelParts) block(data [][]float32, r int, l normLayout, buf []float32) (b []float32, copied bool) {
	cpg, n := l.cpg, l.cpg*l.s
	if len(p.vars) == 1 && data[0] != nil {
		return data[0][r*n : (r+1)*n], false
	}
	groups := p.channels() / cpg
	i, ch := r/groups, (r%groups)*cpg
	k := p.part(ch)
	if ck := p.c0[k+1] - p.c0[k]; ch+cpg <= p.c0[k+1] && data[k] != nil {
		return data[k][(i*ck+ch-p.c0[k])*p.s:][:n], false
	}
	p.copyBlock(data, i, ch, cpg, buf[:n], false)
	return buf[:n], true
}

// scatter copies block r, gathered into b by block, back into the parts
// that have data.
func (p *channelParts) scatter(data [][]float32, r int, l normLayout, b []float32) {
	groups := p.channels() / l.cpg
	p.copyBlock(data, r/groups, (r%groups)*l.cpg, l.cpg, b, true)
}

// copyBlock copies channels [ch, ch+m) of sample i between the parts'
// data and b: into b, or with back from b into the parts. Parts without
// data are left out.
func (p *channelParts) copyBlock(data [][]float32, i, ch, m int, b []float32, back bool) {
	for c := ch; c < ch+m; {
		k := p.part(c)
		end := min(ch+m, p.c0[k+1])
		if d := data[k]; d != nil {
			ck := p.c0[k+1] - p.c0[k]
			src := d[(i*ck+c-p.c0[k])*p.s:][:(end-c)*p.s]
			dst := b[(c-ch)*p.s:][:(end-c)*p.s]
			if back {
				src, dst = dst, src
			}
			copy(dst, src)
		}
		c = end
	}
}

// part is the index of the part that holds channel ch.
func (p *channelParts) part(ch int) int {
	k := 0
	for p.c0[k+1] <= ch {
		k++
	}
	return k
}

// bufOf is *p, or nil for a nil p.
func bufOf(p *[]float32) []float32 {
	if p == nil {
		return nil
	}
	return *p
}
