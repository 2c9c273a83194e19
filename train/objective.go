package train

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Network is a denoising network the trainer can fit: Forward maps x_t:
// (N, …) on the variance-preserving scale, one timestep per item and the
// class labels (nil when unconditional) to a prediction of x_t's shape.
type Network interface {
	Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var
	Params() []*nn.Param
}

// Objective is the denoising loss of Ho et al. (2020) on a discrete VP
// schedule: draw t uniformly from the T training steps and ε ~ N(0, I),
// form x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, and regress the network's output on
// Target (ε, x_0 or v) with per-item weights from Weighting
// (diffusion.LossWeights; min-SNR-γ uses Gamma).
//
// For class-conditional models, each label is replaced by NullLabel with
// probability LabelDropout, which trains the unconditional model that
// classifier-free guidance needs (Ho & Salimans 2022).
type Objective struct {
	Schedule     schedule.Schedule
	Target       diffusion.Target
	Weighting    diffusion.Weighting
	Gamma        float64 // γ of min-SNR-γ weighting; 5 in Hang et al. (2023)
	LabelDropout float64 // probability of dropping a label to NullLabel
	NullLabel    int     // the "no class" label, usually the number of classes
	Conditional  bool    // pass the batch's labels to the network; false passes nil
	// Cond, when set, makes the model image-conditioned: each batch is
	// split into the clean images and a condition image, which is joined
	// to x_t (concatenated along channels) before the network. nil trains
	// on the batch as it is.
	Cond Conditioner
}

// Conditioner is the image condition of a conditional model (for example
// *pipeline.Cond). Both methods are deterministic, so a resumed run sees
// the same inputs as an uninterrupted one.
type Conditioner interface {
	// Split returns the clean images x0 of a training batch and their
	// condition cond: (N, Cc, H, W).
	Split(batch *tensor.Tensor) (x0, cond *tensor.Tensor, err error)
	// Join returns the network input made of x_t: (N, C, H, W) and cond.
	Join(xt, cond *tensor.Tensor) (*tensor.Tensor, error)
}

// Loss returns the weighted mean squared error of net on the clean batch
// x0: (N, …) with labels y (nil when unconditional), drawing t, ε and the
// label dropout from rng. It records on g. With Cond set, x0 is the
// training batch that Cond splits into the images and their condition.
func (o *Objective) Loss(g *autograd.Graph, net Network, x0 *tensor.Tensor, y []int, rng *tensor.RNG) (*autograd.Var, error) {
	var cond *tensor.Tensor
	if o.Cond != nil {
		var err error
		if x0, cond, err = o.Cond.Split(x0); err != nil {
			return nil, fmt.Errorf("objective: %w", err)
		}
	}
	n := x0.Dim(0)
	T := o.Schedule.Steps()
	ts := make([]float64, n)
	ab := make([]float64, n)
	for i := range n {
		t := rng.Intn(T)
		ts[i], ab[i] = float64(t), o.Schedule.AlphaBar(t)
	}
	eps := tensor.New(x0.Shape...)
	rng.FillNormal(eps, 0, 1)
	if o.LabelDropout > 0 {
		y = diffusion.DropLabels(y, o.LabelDropout, o.NullLabel, rng)
	}
	xt := diffusion.QSample(x0, eps, ab)
	in := xt
	if cond != nil {
		var err error
		if in, err = o.Cond.Join(xt, cond); err != nil {
			return nil, fmt.Errorf("objective: %w", err)
		}
	}
	pred := net.Forward(g, autograd.NewVar(in), ts, y)
	l, err := diffusion.Loss(g, pred, x0, eps, ab, o.Target, o.Weighting, o.Gamma)
	if err != nil {
		return nil, fmt.Errorf("objective: %w", err)
	}
	return l, nil
}
