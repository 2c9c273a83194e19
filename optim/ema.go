package optim

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// EMA keeps an exponential moving average of parameters, the weights
// diffusion models are usually sampled with (Ho et al., 2020 use decay
// 0.9999). Each Update moves the shadow weights s toward the parameters p:
//
//	s ← s − (1 − d)·(s − p)
//
// With Warmup off, d = Decay. With Warmup on, the bias correction of
// diffusers' EMAModel (update_after_step 0, use_ema_warmup false): the
// k-th update (k = 0, 1, …) uses d = min(Decay, (1 + k)/(10 + k)), except
// that the first (k = 0) copies the parameters (d = 0). Early shadows then
// follow the parameters instead of remembering the random initialisation.
// Shadows are float32, updated in float32.
type EMA struct {
	Decay  float64
	Warmup bool

	params []*nn.Param
	shadow []*tensor.Tensor
	steps  int
}

// NewEMA starts an average of params at their current values, with the
// given decay and Warmup off.
func NewEMA(params []*nn.Param, decay float64) *EMA {
	e := &EMA{Decay: decay, params: params, shadow: make([]*tensor.Tensor, len(params))}
	for i, p := range params {
		e.shadow[i] = p.V.Value.Clone()
	}
	return e
}

// Steps is the number of updates so far.
func (e *EMA) Steps() int { return e.steps }

// DecayAt is the decay the next Update uses (see EMA).
func (e *EMA) DecayAt() float64 {
	if !e.Warmup {
		return e.Decay
	}
	if e.steps == 0 {
		return 0
	}
	k := float64(e.steps)
	return math.Min(e.Decay, (1+k)/(10+k))
}

// Update moves every shadow toward its parameter's current value.
func (e *EMA) Update() {
	w := float32(1 - e.DecayAt())
	for i, p := range e.params {
		sd, pd := e.shadow[i].Data, p.V.Value.Data
		parallel.For(len(sd), grain, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				sd[j] -= w * (sd[j] - pd[j])
			}
		})
	}
	e.steps++
}

// Shadow returns the averaged value of the i-th parameter (not a copy).
func (e *EMA) Shadow(i int) *tensor.Tensor { return e.shadow[i] }

// CopyTo copies the averaged weights into params, which must match the
// averaged parameters in number, names and shapes (a second copy of the
// model, for sampling). It checks everything before copying.
func (e *EMA) CopyTo(params []*nn.Param) error {
	if len(params) != len(e.params) {
		return fmt.Errorf("optim: ema copy: %d parameters, average holds %d", len(params), len(e.params))
	}
	for i, p := range params {
		if p.Name != e.params[i].Name || !tensor.SameShape(p.V.Value.Shape, e.shadow[i].Shape) {
			return fmt.Errorf("optim: ema copy: parameter %d is %q %s, average holds %q %s", i,
				p.Name, tensor.FormatShape(p.V.Value.Shape), e.params[i].Name, tensor.FormatShape(e.shadow[i].Shape))
		}
	}
	for i, p := range params {
		p.V.Value.CopyFrom(e.shadow[i])
	}
	return nil
}

// Swap exchanges the averaged weights with the live parameter values, so
// a model can sample with its EMA weights in place; a second Swap puts
// the training weights back. Only data pointers move.
func (e *EMA) Swap() {
	for i, p := range e.params {
		p.V.Value.Data, e.shadow[i].Data = e.shadow[i].Data, p.V.Value.Data
	}
}

// State returns the shadows as "ema.<param>" and the update count as
// scalar "ema.steps".
func (e *EMA) State() *State {
	s := NewState()
	for i, p := range e.params {
		s.Tensors["ema."+p.Name] = e.shadow[i].Clone()
	}
	s.Scalars["ema.steps"] = float64(e.steps)
	return s
}

// LoadState restores a State from EMA.State: every parameter must have its
// shadow with the right shape. Every mismatch is reported at once and
// nothing changes on error.
func (e *EMA) LoadState(s *State) error {
	c := newStateCheck("ema", s, e.params)
	shadow := make([]*tensor.Tensor, len(e.params))
	for i, p := range e.params {
		t, ok := c.tensor("ema."+p.Name, p.V.Value.Shape)
		if !ok {
			c.problemf("missing tensor %q", "ema."+p.Name)
		}
		shadow[i] = cloneOrNil(t)
	}
	steps, ok := c.count("ema.steps")
	if !ok {
		c.problemf("missing scalar %q", "ema.steps")
	}
	if err := c.err(); err != nil {
		return err
	}
	e.shadow, e.steps = shadow, steps
	return nil
}
