package autograd

import (
	"sync"

	"github.com/diffusego/diffusego/tensor"
)

// buffers keeps float32 buffers that pooled graphs have released, one
// sync.Pool per length: a training step allocates the same few hundred
// shapes every time, so the next step finds what the last one gave back.
// A sync.Pool drops what has not been asked for across two collections, so
// buffers of a model no longer trained are not kept forever.
var buffers sync.Map // int (length) → *sync.Pool of *tensor.Tensor

// take returns a zeroed tensor of the given shape, reusing a released
// buffer of the same length when there is one.
func take(shape ...int) *tensor.Tensor {
	n := tensor.Numel(shape)
	if p, ok := buffers.Load(n); ok {
		if t, ok := p.(*sync.Pool).Get().(*tensor.Tensor); ok {
			clear(t.Data)
			t.Shape = append(t.Shape[:0], shape...)
			return t
		}
	}
	return tensor.New(shape...)
}

// give hands t's buffer back for reuse; the caller must not touch t again.
func give(t *tensor.Tensor) {
	if t == nil || len(t.Data) == 0 {
		return
	}
	p, ok := buffers.Load(len(t.Data))
	if !ok {
		p, _ = buffers.LoadOrStore(len(t.Data), new(sync.Pool))
	}
	p.(*sync.Pool).Put(t)
}

// NewPooled returns a recording graph that reuses memory across training
// steps. Ops on it take their outputs from a shared pool of released
// buffers, and Backward gives each intermediate value and gradient back as
// soon as the last step that reads it has run, so a steady training loop
// allocates almost nothing and its peak memory is close to the
// activations it keeps.
//
// The price: once Backward has run, the Values of the intermediate Vars
// the graph produced (all but the one Backward started from) are gone
// (nil). Read what you need from them before calling Backward. Leaves
// (parameters, NewVar inputs) are never touched.
func NewPooled() *Graph { return &Graph{record: true, pooled: true} }

// alloc returns a zeroed output tensor for an op on g: from the pool when
// g is pooled, marked so that Record knows g owns it.
func (g *Graph) alloc(shape ...int) *tensor.Tensor {
	if !g.pooled {
		return tensor.New(shape...)
	}
	t := take(shape...)
	if g.owned == nil {
		g.owned = map[*tensor.Tensor]struct{}{}
	}
	g.owned[t] = struct{}{}
	return t
}

// release gives back what step s kept once its backward has run: its
// gradient, and its value when the graph allocated it (not a view of
// another Var's data).
func (g *Graph) release(v *Var) {
	if v.owned {
		give(v.Value)
		v.Value = nil
		v.owned = false
	}
	if v.Grad != nil {
		give(v.Grad)
		v.Grad = nil
	}
}
