package optim

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Adam is Adam (Kingma & Ba, 2015) with either L2 weight decay added to the
// gradient (torch.optim.Adam) or decoupled weight decay (AdamW, Loshchilov
// & Hutter, 2019, torch.optim.AdamW). At step t (from 1):
//
//	AdamW: p ← p·(1 − lr·wd)        Adam: g ← g + wd·p
//	m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//	p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)
type Adam struct {
	Params       []*nn.Param
	lr           float64
	beta1, beta2 float64
	eps, decay   float64
	decoupled    bool
	step         int
	m, v         []*tensor.Tensor
}

// NewAdam makes torch.optim.Adam over params (weightDecay is L2 added to
// the gradient).
func NewAdam(params []*nn.Param, lr, beta1, beta2, eps, weightDecay float64) *Adam {
	return &Adam{Params: params, lr: lr, beta1: beta1, beta2: beta2, eps: eps, decay: weightDecay, m: buffers(params), v: buffers(params)}
}

// NewAdamW makes torch.optim.AdamW over params (decoupled weight decay).
func NewAdamW(params []*nn.Param, lr, beta1, beta2, eps, weightDecay float64) *Adam {
	o := NewAdam(params, lr, beta1, beta2, eps, weightDecay)
	o.decoupled = true
	return o
}

// Step applies one update.
func (o *Adam) Step() error {
	if err := checkFinite(o.Params); err != nil {
		return err
	}
	o.step++
	bc1 := 1 - math.Pow(o.beta1, float64(o.step))
	bc2 := 1 - math.Pow(o.beta2, float64(o.step))
	stepSize := float32(o.lr / bc1)
	bc2Sqrt := float32(math.Sqrt(bc2))
	b1, b2 := float32(o.beta1), float32(o.beta2)
	eps, wd := float32(o.eps), float32(o.decay)
	shrink := float32(1 - o.lr*o.decay)
	for i, p := range o.Params {
		if p.V.Grad == nil {
			continue
		}
		w, g, m, v := p.V.Value.Data, p.V.Grad.Data, o.m[i].Data, o.v[i].Data
		parallel.For(len(w), 1<<15, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				gj := g[j]
				if o.decoupled {
					w[j] *= shrink
				} else if wd != 0 {
					gj += wd * w[j]
				}
				m[j] = b1*m[j] + (1-b1)*gj
				v[j] = b2*v[j] + (1-b2)*gj*gj
				den := float32(math.Sqrt(float64(v[j])))/bc2Sqrt + eps
				w[j] -= stepSize * m[j] / den
			}
		})
	}
	return nil
}

// ZeroGrad zeroes the gradients.
func (o *Adam) ZeroGrad() { nn.ZeroGrad(o.Params) }

// LR is the learning rate.
func (o *Adam) LR() float64 { return o.lr }

// SetLR sets the learning rate.
func (o *Adam) SetLR(lr float64) { o.lr = lr }

// Steps is the number of updates applied so far.
func (o *Adam) Steps() int { return o.step }

// State returns "adam.step", "adam.m.<name>" and "adam.v.<name>".
func (o *Adam) State() map[string]*tensor.Tensor {
	st := map[string]*tensor.Tensor{"adam.step": tensor.FromData([]float32{float32(o.step)}, 1)}
	saveBuffers(st, "adam.m", o.Params, o.m)
	saveBuffers(st, "adam.v", o.Params, o.v)
	return st
}

// LoadState restores State.
func (o *Adam) LoadState(st map[string]*tensor.Tensor) error {
	step, err := scalarState(st, "adam.step")
	if err != nil {
		return err
	}
	if err := loadBuffers(st, "adam.m", o.Params, o.m); err != nil {
		return err
	}
	if err := loadBuffers(st, "adam.v", o.Params, o.v); err != nil {
		return err
	}
	o.step = int(step)
	return nil
}
