package optim

import (
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// EMA keeps an exponential moving average of parameters, the weights
// diffusion models are usually sampled with:
//
//	shadow ← d·shadow + (1 − d)·p
//
// With Warmup, the decay at update n (from 1) is min(Decay, (1+n)/(10+n)),
// so that early averages are not dominated by the random initialisation;
// without it, d = Decay.
type EMA struct {
	Params []*nn.Param
	Decay  float64
	Warmup bool
	n      int
	shadow []*tensor.Tensor
}

// NewEMA starts an average at the current values of params.
func NewEMA(params []*nn.Param, decay float64, warmup bool) *EMA {
	e := &EMA{Params: params, Decay: decay, Warmup: warmup, shadow: make([]*tensor.Tensor, len(params))}
	for i, p := range params {
		e.shadow[i] = p.V.Value.Clone()
	}
	return e
}

// Update folds the current parameter values into the average.
func (e *EMA) Update() {
	e.n++
	d := e.Decay
	if e.Warmup {
		d = min(d, float64(1+e.n)/float64(10+e.n))
	}
	df, one := float32(d), float32(1-d)
	for i, p := range e.Params {
		s, w := e.shadow[i].Data, p.V.Value.Data
		for j := range s {
			s[j] = df*s[j] + one*w[j]
		}
	}
}

// Shadow is the averaged value of parameter i.
func (e *EMA) Shadow(i int) *tensor.Tensor { return e.shadow[i] }

// Swap exchanges the parameters' values with the averages: call it once to
// sample with the EMA weights and once more to go back.
func (e *EMA) Swap() {
	for i, p := range e.Params {
		p.V.Value.Data, e.shadow[i].Data = e.shadow[i].Data, p.V.Value.Data
	}
}

// State returns "ema.n" and "ema.shadow.<name>".
func (e *EMA) State() map[string]*tensor.Tensor {
	st := map[string]*tensor.Tensor{"ema.n": tensor.FromData([]float32{float32(e.n)}, 1)}
	saveBuffers(st, "ema.shadow", e.Params, e.shadow)
	return st
}

// LoadState restores State.
func (e *EMA) LoadState(st map[string]*tensor.Tensor) error {
	n, err := scalarState(st, "ema.n")
	if err != nil {
		return err
	}
	if err := loadBuffers(st, "ema.shadow", e.Params, e.shadow); err != nil {
		return err
	}
	e.n = int(n)
	return nil
}
