package diffusion

import (
	"fmt"
	"math"
	"sort"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// NetFunc evaluates a denoising network without recording a graph: it maps
// x_t: (N, …) on the variance-preserving scale, one (possibly fractional)
// timestep per item and the class labels (nil when unconditional) to the
// network's prediction of its Target, with x_t's shape.
type NetFunc func(xt *tensor.Tensor, t []float64, y []int) (*tensor.Tensor, error)

// VPDenoiser adapts a network trained on a discrete variance-preserving
// schedule (x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, t = 0 … T−1) to the samplers'
// σ view x = x_0 + σ·ε. At noise level σ it calls the network on
// x_t = √ᾱ·x with ᾱ = 1/(1+σ²), at the fractional timestep whose σ_t
// equals σ (log σ interpolated between training steps, as k-diffusion's
// DiscreteSchedule.sigma_to_t does), and converts the prediction to x_0.
// Levels beyond the schedule's ends are clamped to t = 0 and t = T−1.
type VPDenoiser struct {
	Net      NetFunc
	Schedule schedule.Schedule
	Target   Target
	Labels   []int // one class per batch item; nil when unconditional
	Null     int   // the "no class" label of classifier-free guidance

	logSigmas []float64 // log σ_t, ascending in t; built on first use
}

// Denoise returns the network's x_0 for x: (N, …) at noise level sigma,
// conditioned on d.Labels.
func (d *VPDenoiser) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	return d.DenoiseLabels(x, sigma, d.Labels)
}

// DenoiseLabels is Denoise with explicit labels (nil or one per item).
func (d *VPDenoiser) DenoiseLabels(x *tensor.Tensor, sigma float64, labels []int) (*tensor.Tensor, error) {
	if x.Rank() == 0 {
		return nil, fmt.Errorf("vp denoiser: x: want (N, …), got a scalar")
	}
	n := x.Dim(0)
	if labels != nil && len(labels) != n {
		return nil, fmt.Errorf("vp denoiser: %d labels for a batch of %d", len(labels), n)
	}
	ab := schedule.SigmaToAlphaBar(sigma)
	xt := x.Clone()
	scale := float32(math.Sqrt(ab))
	for i := range xt.Data {
		xt.Data[i] *= scale
	}
	t := d.Timestep(sigma)
	ts := make([]float64, n)
	abs := make([]float64, n)
	for i := range ts {
		ts[i], abs[i] = t, ab
	}
	pred, err := d.Net(xt, ts, labels)
	if err != nil {
		return nil, err
	}
	if !tensor.SameShape(pred.Shape, x.Shape) {
		return nil, fmt.Errorf("vp denoiser: network returned %s for input %s",
			tensor.FormatShape(pred.Shape), tensor.FormatShape(x.Shape))
	}
	switch d.Target {
	case Eps:
		return EpsToX0(xt, pred, abs), nil
	case X0:
		return pred, nil
	case V:
		return VToX0(xt, pred, abs), nil
	}
	return nil, fmt.Errorf("vp denoiser: unknown target %q: want eps, x0 or v", d.Target)
}

// NullLabel returns the label that asks the network for its unconditional
// prediction.
func (d *VPDenoiser) NullLabel() int { return d.Null }

// Timestep returns the fractional training step whose noise level is sigma.
func (d *VPDenoiser) Timestep(sigma float64) float64 {
	if d.logSigmas == nil {
		T := d.Schedule.Steps()
		d.logSigmas = make([]float64, T)
		for t := range T {
			d.logSigmas[t] = math.Log(d.Schedule.Sigma(t))
		}
	}
	ls := d.logSigmas
	if sigma <= 0 {
		return 0
	}
	l := math.Log(sigma)
	if l <= ls[0] {
		return 0
	}
	if l >= ls[len(ls)-1] {
		return float64(len(ls) - 1)
	}
	hi := sort.SearchFloat64s(ls, l) // ls[hi-1] < l ≤ ls[hi]
	lo := hi - 1
	w := (l - ls[lo]) / (ls[hi] - ls[lo])
	return float64(lo) + w
}

// MaxSigma returns σ at the schedule's last step, where sampling starts.
func MaxSigma(s schedule.Schedule) float64 { return s.Sigma(s.Steps() - 1) }
