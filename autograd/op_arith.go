package autograd

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// arithOp names the element-wise binary operations.
type arithOp int

const (
	opAdd arithOp = iota
	opSub
	opMul
	opDiv
)

var arithNames = [...]string{opAdd: "Add", opSub: "Sub", opMul: "Mul", opDiv: "Div"}

// Add is a + b with NumPy broadcasting; the result has the broadcast shape.
// The gradient of a stretched operand is summed over the stretched axes.
func (g *Graph) Add(a, b *Var) *Var { return g.binary(opAdd, a, b) }

// Sub is a − b with NumPy broadcasting.
func (g *Graph) Sub(a, b *Var) *Var { return g.binary(opSub, a, b) }

// Mul is the element-wise product a·b with NumPy broadcasting.
func (g *Graph) Mul(a, b *Var) *Var { return g.binary(opMul, a, b) }

// Div is the element-wise quotient a / b with NumPy broadcasting.
func (g *Graph) Div(a, b *Var) *Var { return g.binary(opDiv, a, b) }

// binary computes a op b over the broadcast of the operands' shapes.
//
// Backward, with G the output gradient and C the output:
//
//	Add: dA = G,    dB = G
//	Sub: dA = G,    dB = −G
//	Mul: dA = G·B,  dB = G·A
//	Div: dA = G/B,  dB = −G·A/B² = −(G·C)/B
//
// each summed over the axes along which that operand was stretched.
func (g *Graph) binary(op arithOp, a, b *Var) *Var {
	as, bs := a.Value.Shape, b.Value.Shape
	A, B := a.Value.Data, b.Value.Data
	var shape []int
	if tensor.SameShape(as, bs) {
		shape = append([]int(nil), as...)
	} else {
		shape = broadcastShape(arithNames[op], as, bs)
	}
	out := g.allocDirty(shape...) // broadcastArith writes every element
	broadcastArith(op, out.Data, A, B, as, bs, shape)
	var pinned pins // the operands whose data backward reads
	switch op {
	case opMul:
		pinned = pins{a, b}
	case opDiv:
		pinned = pins{b}
	}
	return g.recordOp(out, func(o *Var) {
		G := o.Grad.Data
		if a.requiresGrad {
			switch op {
			case opAdd, opSub:
				if a != b && len(G) == a.Value.Len() { // dA is G whole: pass o's buffer on
					g.passGrad(o, a) // b reads G below, which a now holds unchanged
					break
				}
				addGrad(a, G, shape, 1, false)
			case opMul: // G·B
				addGrad(a, binaryTemp(opMul, G, B, shape, bs, shape), shape, 1, true)
			case opDiv: // G/B
				addGrad(a, binaryTemp(opDiv, G, B, shape, bs, shape), shape, 1, true)
			}
		}
		if b.requiresGrad {
			switch op {
			case opAdd:
				if a != b && o.Grad != nil && len(G) == b.Value.Len() { // a did not take it
					g.passGrad(o, b)
					break
				}
				addGrad(b, G, shape, 1, false)
			case opSub:
				addGrad(b, G, shape, -1, false)
			case opMul: // G·A
				addGrad(b, binaryTemp(opMul, G, A, shape, as, shape), shape, 1, true)
			case opDiv: // −(G·C)/B
				t := binaryTemp(opMul, G, o.Value.Data, shape, shape, shape)
				broadcastArith(opDiv, t, t, B, shape, bs, shape)
				addGrad(b, t, shape, -1, true)
			}
		}
	}, pinned, a, b)
}

// binaryTemp returns x op y over shape out in a new buffer.
func binaryTemp(op arithOp, x, y []float32, xs, ys, out []int) []float32 {
	t := make([]float32, tensor.Numel(out))
	broadcastArith(op, t, x, y, xs, ys, out)
	return t
}

// addGrad adds scale·d (a gradient of shape out) into v's gradient,
// summing over the axes along which v was broadcast. When d is a scratch
// buffer the caller no longer needs (owned), it may become v's gradient.
func addGrad(v *Var, d []float32, out []int, scale float64, owned bool) {
	in := v.Value.Shape
	if len(d) == v.Value.Len() {
		if v.Grad == nil && scale == 1 {
			// First gradient of a full-size operand: take or copy, don't add.
			if !owned {
				v.Grad = v.newGrad(false) // copy overwrites it all
				copy(v.Grad.Data, d)
				return
			}
			v.Grad = &tensor.Tensor{Shape: append([]int(nil), in...), Data: d}
			return
		}
		in = out // same elements: a plain scaled add
	}
	dst, set := v.GradDst() // sumTo writes every element
	sumTo(dst.Data, d, in, out, scale, set)
}

// broadcastArith sets c = x op y, where x (shape xs) and y (shape ys)
// broadcast to out, the shape of c. c may alias x or y when that operand
// has shape out.
func broadcastArith(op arithOp, c, x, y []float32, xs, ys, out []int) {
	if len(c) == len(x) && len(c) == len(y) {
		parallel.For(len(c), grainElems, func(lo, hi int) {
			arithRun(op, c[lo:hi], x[lo:hi], y[lo:hi], 1, 1)
		})
		return
	}
	p := newBcast(xs, ys, out)
	da, db := p.sa[len(p.sa)-1], p.sb[len(p.sb)-1]
	parallel.For(len(c), grainElems, func(lo, hi int) {
		p.segments(lo, hi, func(k, m, ia, ib int) {
			arithRun(op, c[k:k+m], x[ia:], y[ib:], da, db)
		})
	})
}

// arithRun sets c[i] = x[i·dx] op y[i·dy] for i < len(c), with dx, dy ∈
// {0, 1}: each pair of strides has its own loop, so the common cases
// (two vectors, a vector and a broadcast scalar) have no index arithmetic.
func arithRun(op arithOp, c, x, y []float32, dx, dy int) {
	n := len(c)
	switch {
	case dx == 1 && dy == 1:
		x, y = x[:n], y[:n]
		switch op {
		case opAdd:
			for i := range c {
				c[i] = x[i] + y[i]
			}
		case opSub:
			for i := range c {
				c[i] = x[i] - y[i]
			}
		case opMul:
			for i := range c {
				c[i] = x[i] * y[i]
			}
		case opDiv:
			for i := range c {
				c[i] = x[i] / y[i]
			}
		}
	case dx == 1: // y is one value along the run
		x, s := x[:n], y[0]
		switch op {
		case opAdd:
			for i := range c {
				c[i] = x[i] + s
			}
		case opSub:
			for i := range c {
				c[i] = x[i] - s
			}
		case opMul:
			for i := range c {
				c[i] = x[i] * s
			}
		case opDiv:
			for i := range c {
				c[i] = x[i] / s
			}
		}
	case dy == 1: // x is one value along the run
		s, y := x[0], y[:n]
		switch op {
		case opAdd:
			for i := range c {
				c[i] = s + y[i]
			}
		case opSub:
			for i := range c {
				c[i] = s - y[i]
			}
		case opMul:
			for i := range c {
				c[i] = s * y[i]
			}
		case opDiv:
			for i := range c {
				c[i] = s / y[i]
			}
		}
	default: // both fixed along the run
		var v float32
		switch op {
		case opAdd:
			v = x[0] + y[0]
		case opSub:
			v = x[0] - y[0]
		case opMul:
			v = x[0] * y[0]
		case opDiv:
			v = x[0] / y[0]
		}
		for i := range c {
			c[i] = v
		}
	}
}

// Scale is s·x.
func (g *Graph) Scale(x *Var, s float32) *Var {
	return g.unary(x, false, func(y, x []float32) {
		for i, v := range x {
			y[i] = s * v
		}
	}, func(dx, gr, _, _ []float32) {
		for i, v := range gr {
			dx[i] += s * v
		}
	})
}

// AddScalar is x + s.
func (g *Graph) AddScalar(x *Var, s float32) *Var {
	return g.unary(x, false, func(y, x []float32) {
		for i, v := range x {
			y[i] = v + s
		}
	}, func(dx, gr, _, _ []float32) {
		for i, v := range gr {
			dx[i] += v
		}
	})
}

// Neg is −x.
func (g *Graph) Neg(x *Var) *Var { return g.Scale(x, -1) }
