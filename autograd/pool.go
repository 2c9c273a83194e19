package autograd

import (
	"slices"
	"sync"

	"github.com/diffusego/diffusego/tensor"
)

// buffers keeps the float32 buffers that pooled graphs have given back,
// by capacity: a training step or a sampling forward pass allocates the
// same few hundred shapes every time, so the next one finds what the last
// one gave back. Buffers only enter through give and leave through take,
// so the free lists never hold more than the most the program had in use
// at once; FreeBuffers hands them to the collector. (A sync.Pool would
// drop them at every collection and make the next step allocate afresh.)
//
// take serves a request of n floats from the smallest free buffer of at
// least n and at most poolFit·n floats (best fit), not only from one of
// exactly n: the backward pass asks for gradients in other sizes than the
// activations it gives back (a concatenation's gradient is as long as its
// two parts together), and lists by exact length kept those sizes apart,
// so that the pool grew to hold both. In bench-unet's training step that
// made the pool 650 MiB where at most 538 MiB were in use at once.
//
// A program whose shapes keep changing (autoregressive sampling over
// growing prefixes, graphs of many sizes) would pool a buffer of every
// size it ever used. The free lists are therefore capped at poolCap floats
// in all: a give that would pass the cap first drops every pooled buffer,
// as FreeBuffers does. A program with a fixed set of shapes never reaches
// it, since the lists then hold no more than it had in use at once.
var buffers struct {
	sync.Mutex
	free   map[int][]*tensor.Tensor // by cap(Data)
	caps   []int                    // the capacities free holds buffers of, ascending
	floats int                      // the floats held by free
}

// poolCap is the most float32s the free lists hold (4 GiB).
var poolCap = 1 << 30

// poolFit bounds the waste of best fit: a request for n floats takes a
// free buffer of at most poolFit·n, so that a small tensor does not hold
// a large buffer that a later large request then has to allocate again.
var poolFit = 2.0

// take returns a zeroed tensor of the given shape, reusing a released
// buffer when one fits.
func take(shape ...int) *tensor.Tensor {
	t, reused := takeDirty(shape...)
	if reused {
		clear(t.Data)
	}
	return t
}

// takeDirty is take without zeroing a reused buffer (reused reports it),
// for outputs an op overwrites whole.
func takeDirty(shape ...int) (t *tensor.Tensor, reused bool) {
	n := tensor.Numel(shape)
	buffers.Lock()
	if i, _ := slices.BinarySearch(buffers.caps, n); i < len(buffers.caps) && float64(buffers.caps[i]) <= poolFit*float64(n) {
		c := buffers.caps[i]
		list := buffers.free[c]
		t = list[len(list)-1]
		list[len(list)-1] = nil
		if list = list[:len(list)-1]; len(list) > 0 {
			buffers.free[c] = list
		} else {
			delete(buffers.free, c)
			buffers.caps = slices.Delete(buffers.caps, i, i+1)
		}
		buffers.floats -= c
	}
	buffers.Unlock()
	if t == nil {
		return tensor.New(shape...), false
	}
	t.Data = t.Data[:n]
	t.Shape = append(t.Shape[:0], shape...)
	return t, true
}

// give hands t's buffer back for reuse; the caller must not touch t again.
func give(t *tensor.Tensor) {
	if t == nil || cap(t.Data) == 0 {
		return
	}
	c := cap(t.Data)
	buffers.Lock()
	if buffers.free == nil || buffers.floats+c > poolCap {
		buffers.free, buffers.caps, buffers.floats = map[int][]*tensor.Tensor{}, buffers.caps[:0], 0
	}
	list, ok := buffers.free[c]
	if !ok {
		i, _ := slices.BinarySearch(buffers.caps, c)
		buffers.caps = slices.Insert(buffers.caps, i, c)
	}
	buffers.free[c] = append(list, t)
	buffers.floats += c
	buffers.Unlock()
}

// FreeBuffers drops every buffer pooled graphs and convolutions have given
// back (activations, gradients, column buffers, packed weights), so that
// the collector can return the memory: call it when a program is done
// training or sampling and goes on to other work.
func FreeBuffers() {
	buffers.Lock()
	buffers.free, buffers.caps, buffers.floats = nil, nil, 0
	buffers.Unlock()
	convBufs.Clear()
	packedWeights.Lock()
	packedWeights.free = nil
	packedWeights.Unlock()
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

// NoGradPooled is NoGrad for repeated forward passes, as in sampling:
// ops take their outputs from the pool, and Release gives them all back
// once the caller has what it needs from the output.
func NoGradPooled() *Graph { return &Graph{pooled: true} }

// Release gives back every output a NoGradPooled graph's ops took from
// the pool, except keep's data (nil keeps nothing). Values of the Vars the
// graph produced must not be read afterwards. On other graphs it does
// nothing.
func (g *Graph) Release(keep *Var) {
	for _, t := range g.scratch {
		if len(t.Data) == 0 || keep != nil && keep.Value != nil && len(keep.Value.Data) > 0 && &keep.Value.Data[0] == &t.Data[0] {
			continue
		}
		give(t)
	}
	clear(g.scratch)
	g.scratch = g.scratch[:0]
}

// alloc returns a zeroed output tensor for an op on g: from the pool when
// g is pooled, marked so that Record (recording graphs) or Release
// (NoGradPooled) knows g owns it.
func (g *Graph) alloc(shape ...int) *tensor.Tensor {
	if !g.pooled {
		return tensor.New(shape...)
	}
	return g.own(take(shape...))
}

// allocDirty is alloc for an output the op overwrites whole: a reused
// buffer keeps its old contents instead of being zeroed first.
func (g *Graph) allocDirty(shape ...int) *tensor.Tensor {
	if !g.pooled {
		return tensor.New(shape...)
	}
	t, _ := takeDirty(shape...)
	return g.own(t)
}

// own marks t, a pooled buffer, as g's.
func (g *Graph) own(t *tensor.Tensor) *tensor.Tensor {
	if !g.record {
		g.scratch = append(g.scratch, t)
		return t
	}
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
	v.remat = nil // nothing to make again: let its inputs go
	if v.Grad != nil {
		give(v.Grad)
		v.Grad = nil
	}
}
