package optim

import (
	"fmt"
	"sync/atomic"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Optimizer updates a fixed list of parameters from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter with a gradient. It
	// returns an error wrapping autograd.ErrNonFinite, and changes
	// nothing, when any gradient holds a NaN or an Inf.
	Step() error
	// ZeroGrad zeroes every parameter's gradient, keeping the buffers.
	ZeroGrad()
	// LR is the learning rate the next Step uses.
	LR() float64
	// SetLR sets the learning rate, typically from a Schedule each step.
	SetLR(lr float64)
	// State returns a copy of everything an exact resume needs.
	State() *State
	// LoadState restores a State saved by an optimiser of the same kind
	// over parameters with the same names and shapes. It checks all of it
	// before changing anything.
	LoadState(s *State) error
}

// grain is the number of elements below which an elementwise update runs
// on the calling goroutine.
const grain = 1 << 14

// checkGrads returns an error naming the first parameter whose gradient
// has a NaN or Inf (wrapping autograd.ErrNonFinite) or the wrong length.
// It lays r out over the parameters with a gradient (ranges.reset) and
// looks for non-finite values in one parallel pass over all of them.
func checkGrads(params []*nn.Param, r *ranges) error {
	r.reset(func(i int) int {
		if params[i].V.Grad == nil {
			return 0
		}
		return len(params[i].V.Grad.Data)
	}, len(params))
	if cap(r.bad) < len(params) {
		r.bad = make([]atomic.Bool, len(params))
	}
	bad := r.bad[:len(params)]
	for i := range bad {
		bad[i].Store(false)
	}
	r.each(func(i, lo, hi int) {
		if !kernels.AllFinite(params[i].V.Grad.Data[lo:hi]) {
			bad[i].Store(true)
		}
	})
	for i, p := range params {
		if g := p.V.Grad; g != nil && len(g.Data) != len(p.V.Value.Data) {
			return fmt.Errorf("optim: parameter %q: gradient %s does not match value %s",
				p.Name, tensor.FormatShape(g.Shape), tensor.FormatShape(p.V.Value.Shape))
		}
		if bad[i].Load() {
			return fmt.Errorf("optim: parameter %q: gradient: %w", p.Name, autograd.ErrNonFinite)
		}
	}
	return nil
}
