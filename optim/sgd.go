package optim

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// SGD is stochastic gradient descent with momentum and L2 weight decay,
// torch.optim.SGD with dampening 0 and no Nesterov term:
//
//	g ← ∇ + wd·p
//	buf ← g on the first step, then momentum·buf + g   (when momentum ≠ 0)
//	p ← p − lr·buf
type SGD struct {
	params                    []*nn.Param
	lr, momentum, weightDecay float64
	buf                       []*tensor.Tensor // momentum buffers; nil until a parameter's first step
	ranges                    ranges           // checkGrads' layout, kept between steps
}

// NewSGD returns SGD over params with learning rate lr, momentum (0 for
// plain SGD) and L2 weight decay added to the gradient.
func NewSGD(params []*nn.Param, lr, momentum, weightDecay float64) *SGD {
	return &SGD{params: params, lr: lr, momentum: momentum, weightDecay: weightDecay, buf: make([]*tensor.Tensor, len(params))}
}

// LR is the learning rate of the next step.
func (o *SGD) LR() float64 { return o.lr }

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.lr = lr }

// ZeroGrad zeroes every parameter's gradient.
func (o *SGD) ZeroGrad() { nn.ZeroGrad(o.params) }

// Step applies one update; see SGD. It changes nothing and returns an
// error wrapping autograd.ErrNonFinite if a gradient is not finite.
func (o *SGD) Step() error {
	if err := checkGrads(o.params, &o.ranges); err != nil {
		return err
	}
	lr, mom, wd := float32(o.lr), float32(o.momentum), float32(o.weightDecay)
	for i, p := range o.params {
		if p.V.Grad == nil {
			continue
		}
		pd, gd := p.V.Value.Data, p.V.Grad.Data
		if o.momentum == 0 {
			parallel.For(len(pd), grain, func(lo, hi int) {
				for j := lo; j < hi; j++ {
					g := gd[j] + wd*pd[j]
					pd[j] += -lr * g
				}
			})
			continue
		}
		first := o.buf[i] == nil
		if first {
			o.buf[i] = tensor.ZerosLike(p.V.Value)
		}
		bd := o.buf[i].Data
		parallel.For(len(pd), grain, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				g := gd[j] + wd*pd[j]
				if first {
					bd[j] = g
				} else {
					bd[j] = bd[j]*mom + g
				}
				pd[j] += -lr * bd[j]
			}
		})
	}
	return nil
}

// State returns the momentum buffers as "sgd.momentum.<param>" (only for
// parameters that have stepped with momentum) and the learning rate as
// scalar "sgd.lr".
func (o *SGD) State() *State {
	s := NewState()
	for i, p := range o.params {
		if o.buf[i] != nil {
			s.Tensors["sgd.momentum."+p.Name] = o.buf[i].Clone()
		}
	}
	s.Scalars["sgd.lr"] = o.lr
	return s
}

// LoadState restores a State from SGD.State over parameters with the same
// names and shapes. It reports every mismatch at once and changes nothing
// on error.
func (o *SGD) LoadState(s *State) error {
	c := newStateCheck("sgd", s, o.params)
	bufs := make([]*tensor.Tensor, len(o.params))
	for i, p := range o.params {
		if t, ok := c.tensor("sgd.momentum."+p.Name, p.V.Value.Shape); ok && t != nil {
			bufs[i] = t.Clone()
		}
	}
	lr, hasLR := c.scalar("sgd.lr")
	if err := c.err(); err != nil {
		return err
	}
	o.buf = bufs
	if hasLR {
		o.lr = lr
	}
	return nil
}
