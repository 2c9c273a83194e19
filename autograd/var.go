package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Var is a value in a computation: a tensor, whether a gradient is wanted
// for it, and the gradient once Backward has reached it.
type Var struct {
	Value *tensor.Tensor
	// Grad is d(loss)/d(Value), the same shape as Value; nil until a
	// backward pass reaches this Var. Gradients accumulate across Backward
	// calls until ZeroGrad.
	Grad         *tensor.Tensor
	requiresGrad bool
	pooled       bool // made by a pooled graph: its gradient buffer comes from the pool
	owned        bool // its Value came from the pool, and goes back after Backward
	// remat, when set, recomputes Value's data into dst (of Value's shape)
	// from the op's inputs, for Graph.Evict; evicted says the data is
	// given back now and Value holds only the shape.
	remat   func(dst *tensor.Tensor)
	evicted bool
	// pinned says that a recorded op keeps a slice of Value's data (or
	// shares it, as a view) for its backward step: Evict leaves it.
	pinned bool
}

// NewVar wraps t as a constant: no gradient is computed for it.
func NewVar(t *tensor.Tensor) *Var { return &Var{Value: t} }

// NewParam wraps t as a leaf that wants a gradient (a parameter, or an
// input whose gradient is asked for).
func NewParam(t *tensor.Tensor) *Var { return &Var{Value: t, requiresGrad: true} }

// RequiresGrad reports whether backward computes a gradient for v.
func (v *Var) RequiresGrad() bool { return v.requiresGrad }

// Shape is the shape of v's value.
func (v *Var) Shape() []int { return v.Value.Shape }

// Data is the flat data of v's value.
func (v *Var) Data() []float32 { return v.Value.Data }

// ZeroGrad sets v's gradient to zero, keeping its buffer for reuse.
func (v *Var) ZeroGrad() {
	if v.Grad != nil {
		v.Grad.Zero()
	}
}

// GradBuf returns v's gradient buffer, allocating zeros on first use. Op
// backward closures add into it. An op that writes every element of the
// gradient should ask GradDst instead, which spares the zeroing.
func (v *Var) GradBuf() *tensor.Tensor {
	if v.Grad == nil {
		v.Grad = v.newGrad(true)
	}
	return v.Grad
}

// GradDst returns the buffer an op's backward step writes its contribution
// to v's gradient into, and whether that contribution is the first (set):
//
//   - set == false: the buffer holds earlier contributions; add into it
//     (dst[i] += c[i]), as into GradBuf.
//   - set == true: the buffer is new and its contents are undefined (a
//     pooled buffer is not zeroed); the op must write every element
//     (dst[i] = 0 + c[i]).
//
// Setting gives the same bits as adding into zeros, since 0 + c is c
// exactly, except that 0 + (−0) is +0: where c may be −0, write 0 + c
// (kernels.SetTo does) to give the +0 that adding would. One pass then
// replaces two over the buffer (zeroing, then a read-add-write). An op
// that cannot write every element (a scatter, a slice of the input) uses
// GradBuf, or clears what it does not write itself, as late as it can:
// col2im clears a convolution's input gradient before it folds into it,
// and the norms clear each block while it is in cache, just before their
// kernel adds into it.
func (v *Var) GradDst() (dst *tensor.Tensor, set bool) {
	if v.Grad == nil {
		v.Grad = v.newGrad(false)
		return v.Grad, true
	}
	return v.Grad, false
}

// AccumGrad adds g (same element count as v) into v's gradient; the
// first gradient is copied.
func (v *Var) AccumGrad(g *tensor.Tensor) {
	first := v.Grad == nil
	if first {
		v.Grad = v.newGrad(false) // the copy overwrites it all
	}
	dst, src := v.Grad.Data, g.Data[:len(v.Grad.Data)]
	parallel.For(len(dst), grainElems, func(lo, hi int) {
		if first {
			copy(dst[lo:hi], src[lo:hi])
			return
		}
		kernels.AddTo(dst[lo:hi], src[lo:hi])
	})
}

// newGrad returns a buffer of v's shape for its gradient, from the pool
// when v was made by a pooled graph; zero says whether its contents must
// be zero (a fresh buffer always is).
func (v *Var) newGrad(zero bool) *tensor.Tensor {
	switch {
	case !v.pooled:
		return tensor.New(v.Value.Shape...)
	case zero:
		return take(v.Value.Shape...)
	}
	t, _ := takeDirty(v.Value.Shape...)
	return t
}

// zeroRun is a run of zeros that zeros hands out, read-only.
var zeroRun [1024]float32

// zeros returns n zeros that nobody may write: a bias of zeros for a
// kernel that sets its output to (y + bias) + (−0), which gives 0 + y,
// the bits AddTo into a zeroed gradient gives.
func zeros(n int) []float32 {
	if n <= len(zeroRun) {
		return zeroRun[:n:n]
	}
	return make([]float32, n)
}
