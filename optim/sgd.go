package optim

import (
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// SGD is stochastic gradient descent with momentum and L2 weight decay, as
// torch.optim.SGD (dampening 0, no Nesterov):
//
//	g ← grad + wd·p;  buf ← momentum·buf + g;  p ← p − lr·buf
//
// (with momentum 0, p ← p − lr·g).
type SGD struct {
	Params              []*nn.Param
	lr, momentum, decay float32
	buf                 []*tensor.Tensor
}

// NewSGD makes an SGD optimiser over params.
func NewSGD(params []*nn.Param, lr, momentum, weightDecay float64) *SGD {
	return &SGD{Params: params, lr: float32(lr), momentum: float32(momentum), decay: float32(weightDecay), buf: buffers(params)}
}

// Step applies one update.
func (o *SGD) Step() error {
	if err := checkFinite(o.Params); err != nil {
		return err
	}
	for i, p := range o.Params {
		if p.V.Grad == nil {
			continue
		}
		w, g, b := p.V.Value.Data, p.V.Grad.Data, o.buf[i].Data
		for j := range w {
			d := g[j] + o.decay*w[j]
			if o.momentum != 0 {
				b[j] = o.momentum*b[j] + d
				d = b[j]
			}
			w[j] -= o.lr * d
		}
	}
	return nil
}

// ZeroGrad zeroes the gradients.
func (o *SGD) ZeroGrad() { nn.ZeroGrad(o.Params) }

// LR is the learning rate.
func (o *SGD) LR() float64 { return float64(o.lr) }

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.lr = float32(lr) }

// State returns the momentum buffers as "sgd.momentum.<name>".
func (o *SGD) State() map[string]*tensor.Tensor {
	st := map[string]*tensor.Tensor{}
	saveBuffers(st, "sgd.momentum", o.Params, o.buf)
	return st
}

// LoadState restores State.
func (o *SGD) LoadState(st map[string]*tensor.Tensor) error {
	return loadBuffers(st, "sgd.momentum", o.Params, o.buf)
}
