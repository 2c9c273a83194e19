package autograd

import (
	"errors"
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// ErrNonFinite reports a NaN or infinite loss or gradient.
var ErrNonFinite = errors.New("not finite")

// Graph records the ops of one forward pass so that Backward can run them
// in reverse. A Graph from NoGrad records nothing.
type Graph struct {
	record  bool
	tape    []step
	pooled  bool                        // NewPooled: outputs and gradients come from, and go back to, the pool
	owned   map[*tensor.Tensor]struct{} // outputs alloc handed out that Record has not yet claimed
	scratch []*tensor.Tensor            // NoGradPooled: every output alloc handed out, for Release
	evicted int                         // values Evict gave back since the last Reset
	root    *Var                        // the Var BackwardWith started from, while it runs: its gradient stays
}

type step struct {
	out  *Var
	back func(out *Var) // called with out: no closure per step to bind them
	// remat, when set, marks where Evict dropped a value: backward
	// recomputes it here, before any step that read it runs.
	remat *Var
}

// New returns a graph that records ops for backward.
func New() *Graph { return &Graph{record: true} }

// NoGrad returns a graph that records nothing: ops only compute values, and
// no activation is kept for a backward pass. Use it for sampling.
func NoGrad() *Graph { return &Graph{} }

// Recording reports whether g records ops.
func (g *Graph) Recording() bool { return g.record }

// Needs reports whether an op on g with these inputs must record a
// backward step: g records and at least one input wants a gradient.
func (g *Graph) Needs(inputs ...*Var) bool {
	if !g.record {
		return false
	}
	for _, v := range inputs {
		if v != nil && v.requiresGrad {
			return true
		}
	}
	return false
}

// Record wraps value as an op's output. When g.Needs(inputs...), the output
// wants a gradient and back is pushed onto the tape; Backward calls back
// once the output's Grad is complete (and only if backward reached it).
// back must add into the gradients of those inputs that RequiresGrad.
// Ops outside this package (fused layers) use Record the same way.
//
// back may read the inputs' data through slices taken in the forward
// pass: Record pins every input of a recorded step, so that Evict leaves
// it in place (see Evict). Reading an input that Evict has already given
// back panics with an error.
func (g *Graph) Record(value *tensor.Tensor, back func(out *Var), inputs ...*Var) *Var {
	return g.recordOp(value, back, inputs, inputs...)
}

// pins lists the inputs of an op whose forward data its backward step
// reads through slices taken in the forward pass (or that its output
// shares, as a view does): Evict must keep them where they are.
type pins []*Var

// recordOp is Record for the ops of this package, which each say which of
// their inputs to pin: back reads every other input's data, if at all,
// through the Var when it runs (x.Value.Data inside back), after Backward
// has made an evicted input again. An op that keeps a slice of an input's
// data, or the input's *tensor.Tensor, for backward must list that input
// in pinned; one that lists too few reads a reused buffer after Evict.
func (g *Graph) recordOp(value *tensor.Tensor, back func(out *Var), pinned pins, inputs ...*Var) *Var {
	for i, in := range inputs {
		if in != nil && in.evicted {
			panic(fmt.Errorf("autograd: input %d of an op was given back by Evict before the op ran: evict a value only after every op that reads it", i))
		}
	}
	out := &Var{Value: value, pooled: g.pooled}
	if g.owned != nil {
		if _, ok := g.owned[value]; ok {
			delete(g.owned, value)
			out.owned = true
		}
	}
	if g.Needs(inputs...) {
		out.requiresGrad = true
		g.tape = append(g.tape, step{out: out, back: back})
		for _, v := range pinned {
			// Only values Evict could drop are written: leaves such as
			// parameters are shared with other graphs and goroutines.
			if v != nil && v.remat != nil {
				v.pinned = true
			}
		}
	}
	return out
}

// Evict gives v's value back to the pool until backward needs it: the
// data is recomputed then from the inputs of the op that made v, which
// stay alive for backward anyway. It is activation recomputation
// (Chen et al., 2016, "Training deep nets with sublinear memory cost")
// for outputs that cost one pass over their inputs to make again, where
// keeping them would cost as much memory as the inputs: GroupNorm and
// GroupNormSiLU, Concat and UpsampleNearest2d outputs. A ResBlock's
// normalised input, read by its convolution's weight gradient, is the
// typical case.
//
// Call it once every op that reads v in the forward pass has run: neither
// v nor a view of it (Reshape) may be read again until Backward, and an op
// given v afterwards panics. Backward recomputes v at the point of the
// tape where Evict was called, so before the backward step of any op that
// read it, and the result is the same to the bit.
//
// An op that reads an input in backward through slices of its data kept
// from the forward pass pins that input, since after Evict they would
// point into a buffer the pool has handed to others; Evict of a pinned
// value does nothing (it only keeps the memory). The pinning ops are
// Linear, LinearGELU, MLP and MatMul (input and weights), Mul, Div, Log,
// SiLU, GELU, ReLU, Attention, AttentionQKV, MSE, CrossEntropy,
// WeightedCrossEntropy, Modulate, GatedAdd and NormModulate (the operands
// they multiply by), the convolutions (their weight) and GroupNorm and
// GroupNormSiLU (their affine parameters). The views Reshape and Index pin
// the value whose data they share, and an op recorded through Record pins
// all its inputs. The other ops read their inputs in backward through the
// Var, once Backward has made them again, or not at all: the
// convolutions' input, shift and residual, the norms' input, LayerNorm's
// affine parameters, Linear's bias, Concat, UpsampleNearest2d, AvgPool2d,
// Permute, Slice, Add, Sub, Sum, Mean, the softmaxes, Scale, AddScalar,
// Exp, Sqrt, Tanh, Sigmoid, Dropout, Embedding and Rotary.
//
// Evict also does nothing on graphs other than NewPooled ones, for values
// of other ops, for views and for values already evicted. It reports
// whether it gave v's buffer back; Evicted counts the values it did.
func (g *Graph) Evict(v *Var) bool {
	if !g.pooled || !g.record || v == nil || !v.owned || v.remat == nil || v.evicted || v.pinned {
		return false
	}
	g.tape = append(g.tape, step{remat: v})
	// v keeps its shape slice, which ops may hold for backward (Sum, Mul
	// with broadcasting): the pool rewrites the shapes of the tensors it
	// hands out, so only the data goes back, in a tensor of its own.
	t := v.Value
	v.Value = &tensor.Tensor{Shape: t.Shape}
	v.owned, v.evicted = false, true
	give(&tensor.Tensor{Data: t.Data})
	g.evicted++
	return true
}

// Evicted is the number of values Evict has given back since g was made
// or last reset (by Backward or Reset): a check that a model's evictions
// happen, since Evict of a value some op pinned quietly keeps it.
func (g *Graph) Evicted() int { return g.evicted }

// materialize recomputes an evicted v into a buffer from the pool (its
// inputs first, if they were evicted too).
func (v *Var) materialize() {
	if !v.evicted {
		return
	}
	t, _ := takeDirty(v.Value.Shape...)
	v.remat(t)
	v.Value, v.owned, v.evicted = t, true, false
}

// rematerializable sets v's remat when g is a pooled recording graph and
// v will be on the tape, so that Evict may drop it.
func (g *Graph) rematerializable(v *Var, remat func(dst *tensor.Tensor)) *Var {
	if g.pooled && g.record && v.requiresGrad && v.owned {
		v.remat = remat
	}
	return v
}

// passGrad gives o's gradient, whole, to x: o is the output of the op
// whose backward step is running, and x an input that receives o's
// gradient unchanged (a view's source, an addend). When it is x's first
// gradient, o's buffer becomes x's: nothing reads o's gradient after its
// step (Backward gives it back then), so the copy AccumGrad would make is
// not needed. Otherwise, or when o's gradient must stay (it is the output
// Backward started from, or a pooled buffer would pass to a leaf), it adds
// it into x's as AccumGrad does. The step must not read o.Grad after the
// call: make it last.
func (g *Graph) passGrad(o, x *Var) {
	if x.Grad != nil || o == g.root || o.Grad == nil || len(o.Grad.Data) != tensor.Numel(x.Value.Shape) || (o.pooled && !x.pooled) {
		x.AccumGrad(o.Grad)
		return
	}
	t := o.Grad
	o.Grad = nil
	t.Shape = append(t.Shape[:0], x.Value.Shape...) // every gradient has a shape slice of its own
	x.Grad = t
}

// passLast reports whether res, a term an op adds to its output unchanged
// (a residual), can receive the output's gradient through passGrad at the
// end of the op's backward step instead of a copy (AccumGrad) at its
// start: it must want a gradient and be none of the op's other inputs,
// whose contributions would otherwise reach a shared gradient in another
// order, rounded differently.
func passLast(res *Var, others ...*Var) bool {
	if res == nil || !res.requiresGrad {
		return false
	}
	for _, v := range others {
		if v == res {
			return false
		}
	}
	return true
}

// Len is the number of recorded steps.
func (g *Graph) Len() int { return len(g.tape) }

// Reset drops the tape, releasing the activations it kept.
func (g *Graph) Reset() { clear(g.tape); g.tape = g.tape[:0]; clear(g.owned); g.evicted = 0 }

// Backward seeds the gradient of loss (one element) with 1 and runs the
// tape in reverse, accumulating into every Var that wants a gradient. The
// tape is dropped afterwards. It returns an error wrapping ErrNonFinite if
// the loss is NaN or infinite, before any gradient is touched.
func (g *Graph) Backward(loss *Var) error {
	if loss.Value.Len() != 1 {
		return fmt.Errorf("backward: loss has shape %s, want one element", tensor.FormatShape(loss.Value.Shape))
	}
	if !loss.Value.AllFinite() {
		return fmt.Errorf("backward: loss %v: %w", loss.Value.Data[0], ErrNonFinite)
	}
	return g.BackwardWith(loss, tensor.Full(1, loss.Value.Shape...))
}

// BackwardWith is Backward seeded with an upstream gradient grad of out's
// shape: it computes the vector-Jacobian product grad·∂out/∂(everything).
func (g *Graph) BackwardWith(out *Var, grad *tensor.Tensor) (err error) {
	defer tensor.Recover(&err)
	defer g.Reset()
	g.root = out
	defer func() { g.root = nil }()
	if !tensor.SameShape(out.Value.Shape, grad.Shape) {
		tensor.Shapef("Backward", [][]int{out.Value.Shape, grad.Shape}, "gradient shape differs from output")
	}
	if !out.requiresGrad {
		return fmt.Errorf("backward: output does not depend on anything that wants a gradient")
	}
	out.AccumGrad(grad)
	for i := len(g.tape) - 1; i >= 0; i-- {
		s := g.tape[i]
		g.tape[i] = step{} // drop the step's closure: what only it kept can be collected now
		if s.remat != nil {
			s.remat.materialize()
			continue
		}
		if s.out.Grad != nil {
			s.back(s.out)
		}
		if s.out != out {
			if g.pooled {
				g.release(s.out) // every step that reads it has run
			} else {
				s.out.Grad = nil // intermediate gradients are not kept
			}
		}
	}
	return nil
}
