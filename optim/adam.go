package optim

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Adam is Adam (Kingma & Ba, 2015) and, when built by NewAdamW, AdamW
// (Loshchilov & Hutter, 2019), both exactly as torch.optim computes them
// on CPU, in float32. For the t-th step of a parameter p with gradient ∇:
//
//	Adam:  g ← ∇ + wd·p                  AdamW:  g ← ∇;  p ← p·(1 − lr·wd)
//	m ← m + (1−β1)·(g − m)               (torch's lerp)
//	v ← β2·v + (1−β2)·g²
//	p ← p − (lr/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + ε)
//
// Each parameter keeps its own step count t, so a parameter that had no
// gradient for a while is corrected as PyTorch corrects it. A step updates
// every parameter's elements in one parallel loop, so each parameter must
// be listed once (as a module's Params lists them): two entries sharing
// one tensor would be updated by two workers at once, so Step refuses
// them with an error.
type Adam struct {
	params                    []*nn.Param
	lr, beta1, beta2, eps, wd float64
	decoupled                 bool             // AdamW: decay the weights, not the gradient
	m, v                      []*tensor.Tensor // first and second moments; nil until a parameter's first step
	steps                     []int            // steps taken per parameter
	// Kept between steps, so that a step allocates nothing: each
	// parameter's scalars (nil grad: not stepped) and the layout of the
	// update's one parallel loop over every parameter.
	scalars []kernels.AdamStep
	ranges  ranges
	shared  error // two entries share their data: Step refuses (sharedParams)
}

// NewAdam returns Adam over params (torch.optim.Adam): learning rate lr,
// moment decays beta1 and beta2 (0.9, 0.999 usually), eps (1e-8) and L2
// weight decay added to the gradient.
func NewAdam(params []*nn.Param, lr, beta1, beta2, eps, weightDecay float64) *Adam {
	return newAdam(params, lr, beta1, beta2, eps, weightDecay, false)
}

// NewAdamW returns AdamW over params (torch.optim.AdamW): as NewAdam, but
// the weight decay is decoupled: p ← p·(1 − lr·weightDecay) before the
// Adam update (PyTorch's default weightDecay is 0.01).
func NewAdamW(params []*nn.Param, lr, beta1, beta2, eps, weightDecay float64) *Adam {
	return newAdam(params, lr, beta1, beta2, eps, weightDecay, true)
}

func newAdam(params []*nn.Param, lr, beta1, beta2, eps, wd float64, decoupled bool) *Adam {
	n := len(params)
	return &Adam{
		params: params, lr: lr, beta1: beta1, beta2: beta2, eps: eps, wd: wd, decoupled: decoupled,
		m: make([]*tensor.Tensor, n), v: make([]*tensor.Tensor, n), steps: make([]int, n),
		shared: sharedParams(params),
	}
}

// sharedParams returns an error naming two entries of params whose values
// share their data (a parameter listed twice), or nil. Step's one
// parallel loop would update such data from two workers at once.
func sharedParams(params []*nn.Param) error {
	seen := make(map[*float32]string, len(params))
	for _, p := range params {
		d := p.V.Value.Data
		if len(d) == 0 {
			continue
		}
		if q, ok := seen[&d[0]]; ok {
			return fmt.Errorf("optim: parameters %q and %q share their data: list each once", q, p.Name)
		}
		seen[&d[0]] = p.Name
	}
	return nil
}

// LR is the learning rate of the next step.
func (o *Adam) LR() float64 { return o.lr }

// SetLR sets the learning rate.
func (o *Adam) SetLR(lr float64) { o.lr = lr }

// ZeroGrad zeroes every parameter's gradient.
func (o *Adam) ZeroGrad() { nn.ZeroGrad(o.params) }

// Step applies one update; see Adam. It changes nothing and returns an
// error wrapping autograd.ErrNonFinite if a gradient is not finite, or an
// error if two of the parameters share their data.
func (o *Adam) Step() error {
	if o.shared != nil {
		return o.shared
	}
	if err := checkGrads(o.params, &o.ranges); err != nil {
		return err
	}
	// Scalars are computed in float64 and rounded once, as PyTorch passes
	// Python floats to float32 kernels.
	w1 := float32(1 - o.beta1)
	b2, w2 := float32(o.beta2), float32(1-o.beta2)
	eps := float32(o.eps)
	l2 := float32(0)
	decay := float32(1)
	if o.decoupled {
		decay = float32(1 - o.lr*o.wd)
	} else {
		l2 = float32(o.wd)
	}
	// Every parameter with a gradient steps, in one parallel loop over all
	// their elements (o.ranges, laid out by checkGrads): the update is
	// elementwise, so its split over the workers cannot change a bit.
	if cap(o.scalars) < len(o.params) {
		o.scalars = make([]kernels.AdamStep, len(o.params))
	}
	o.scalars = o.scalars[:len(o.params)]
	for i, p := range o.params {
		if p.V.Grad == nil {
			continue
		}
		if o.m[i] == nil {
			o.m[i], o.v[i] = tensor.ZerosLike(p.V.Value), tensor.ZerosLike(p.V.Value)
		}
		o.steps[i]++
		t := float64(o.steps[i])
		o.scalars[i] = kernels.AdamStep{Decay: decay, W1: w1, B2: b2, W2: w2, Eps: eps,
			BC2Sqrt:  float32(math.Sqrt(1 - math.Pow(o.beta2, t))),
			StepSize: float32(o.lr / (1 - math.Pow(o.beta1, t)))}
	}
	vec := l2 == 0 && w1 < 0.5 && w1 > -0.5 // the kernel's case: the same ops, vectorised
	o.ranges.each(func(i, lo, hi int) {
		s := &o.scalars[i]
		pd, gd := o.params[i].V.Value.Data[lo:hi], o.params[i].V.Grad.Data[lo:hi]
		md, vd := o.m[i].Data[lo:hi], o.v[i].Data[lo:hi]
		if vec {
			kernels.AdamW(pd, gd, md, vd, *s)
			return
		}
		for j := range pd {
			pj, g := pd[j], gd[j]
			if o.decoupled {
				pj *= decay
			} else if l2 != 0 {
				g += l2 * pj
			}
			m := lerp(md[j], g, w1)
			v := vd[j] * b2
			v += w2 * g * g
			denom := float32(math.Sqrt(float64(v)))/s.BC2Sqrt + eps
			pd[j] = pj + -s.StepSize*(m/denom)
			md[j], vd[j] = m, v
		}
	})
	return nil
}

// lerp is torch.lerp(a, b, w) for a scalar weight: exact at both ends.
func lerp(a, b, w float32) float32 {
	if w < 0.5 && w > -0.5 {
		return a + w*(b-a)
	}
	return b - (b-a)*(1-w)
}

// State returns the moments as "adam.m.<param>" and "adam.v.<param>", each
// parameter's step count as scalar "adam.step.<param>" (only for
// parameters that have stepped) and the learning rate as "adam.lr". Adam
// and AdamW states are interchangeable, as in PyTorch.
func (o *Adam) State() *State {
	s := NewState()
	for i, p := range o.params {
		if o.m[i] == nil {
			continue
		}
		s.Tensors["adam.m."+p.Name] = o.m[i].Clone()
		s.Tensors["adam.v."+p.Name] = o.v[i].Clone()
		s.Scalars["adam.step."+p.Name] = float64(o.steps[i])
	}
	s.Scalars["adam.lr"] = o.lr
	return s
}

// LoadState restores a State from Adam.State over parameters with the same
// names and shapes. A parameter has m, v and a step count, or none of them
// (it has not stepped yet). Every mismatch is reported at once, and
// nothing changes on error.
func (o *Adam) LoadState(s *State) error {
	c := newStateCheck("adam", s, o.params)
	n := len(o.params)
	ms, vs, steps := make([]*tensor.Tensor, n), make([]*tensor.Tensor, n), make([]int, n)
	for i, p := range o.params {
		m, hasM := c.tensor("adam.m."+p.Name, p.V.Value.Shape)
		v, hasV := c.tensor("adam.v."+p.Name, p.V.Value.Shape)
		step, hasStep := c.count("adam.step." + p.Name)
		if hasM != hasV || hasM != hasStep {
			c.problemf("parameter %q: want adam.m, adam.v and adam.step all present or all absent, have m %v, v %v, step %v", p.Name, hasM, hasV, hasStep)
			continue
		}
		ms[i], vs[i], steps[i] = cloneOrNil(m), cloneOrNil(v), step
	}
	lr, hasLR := c.scalar("adam.lr")
	if err := c.err(); err != nil {
		return err
	}
	o.m, o.v, o.steps = ms, vs, steps
	if hasLR {
		o.lr = lr
	}
	return nil
}
