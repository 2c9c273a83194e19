package diffusion

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// Loss is the weighted denoising loss (Ho et al. 2020, eq. 14 generalised):
// the batch mean of w_i·mean_j (pred − target)²_ij, where target is ε, x_0
// or v (VTarget) for x_t = √ᾱ_i·x0 + √(1−ᾱ_i)·ε, and w_i is
// LossWeights(w, target, gamma, SNR_i) with SNR_i = ᾱ_i/(1−ᾱ_i). pred,
// x0 and eps have one shape (N, …) and alphaBar holds one ᾱ per item
// (0 < ᾱ < 1). It records on g; gradients reach pred.
func Loss(g *autograd.Graph, pred *autograd.Var, x0, eps *tensor.Tensor, alphaBar []float64, target Target, w Weighting, gamma float64) (out *autograd.Var, err error) {
	defer tensor.Recover(&err)
	if !tensor.SameShape(pred.Shape(), x0.Shape) || !tensor.SameShape(x0.Shape, eps.Shape) {
		return nil, fmt.Errorf("loss: shapes differ: pred %s, x0 %s, eps %s",
			tensor.FormatShape(pred.Shape()), tensor.FormatShape(x0.Shape), tensor.FormatShape(eps.Shape))
	}
	if x0.Rank() < 1 || x0.Dim(0) != len(alphaBar) {
		return nil, fmt.Errorf("loss: %d alphaBar values for x0 %s: want one per item", len(alphaBar), tensor.FormatShape(x0.Shape))
	}
	snr := make([]float64, len(alphaBar))
	for i, ab := range alphaBar {
		if !(ab > 0 && ab < 1) {
			return nil, fmt.Errorf("loss: alphaBar[%d] = %g: want in (0, 1)", i, ab)
		}
		snr[i] = ab / (1 - ab)
	}
	var tgt *tensor.Tensor
	switch target {
	case Eps:
		tgt = eps
	case X0:
		tgt = x0
	case V:
		tgt = VTarget(x0, eps, alphaBar)
	default:
		return nil, fmt.Errorf("loss: unknown target %q: want eps, x0 or v", target)
	}
	weights, err := LossWeights(w, target, gamma, snr)
	if err != nil {
		return nil, fmt.Errorf("loss: %w", err)
	}
	wt := perItem(x0.Shape, weights)
	d := g.Sub(pred, autograd.NewVar(tgt))
	return g.Mean(g.Mul(g.Mul(d, d), autograd.NewVar(wt)), nil, false), nil
}

// perItem returns values as a tensor of shape (N, 1, …, 1) that broadcasts
// over an array of the given shape.
func perItem(shape []int, values []float64) *tensor.Tensor {
	s := make([]int, len(shape))
	for i := range s {
		s[i] = 1
	}
	s[0] = len(values)
	out := tensor.New(s...)
	for i, v := range values {
		out.Data[i] = float32(v)
	}
	return out
}

// VLBLoss is the variational-bound term L_vlb of improved DDPM (Nichol &
// Dhariwal 2021, §3.1) for a model that learns its variance: per item, in
// bits per dimension,
//
//	t > 0:  mean_j KL(q(x_{t−1}|x_t, x0) ‖ N(μ̂, e^{logΣ}))/ln 2
//	t = 0:  mean_j −log p(x0 | x_0)/ln 2   (DiscretizedGaussianNLL, scale e^{logΣ/2})
//
// with logΣ = f·log β_t + (1 − f)·log β̃_t, f = (v + 1)/2 (their eq. 15,
// β̃_0 clipped to β̃_1 as in Posterior), v the model's extra output in
// [−1, 1] per element, and μ̂ the posterior mean with x0 replaced by x0Hat.
// x0Hat is a plain tensor: the gradient stops at the mean, so L_vlb trains
// only the variance (their §3.1, "stop-gradient on μ"). x0, xt, x0Hat and
// v share the shape (N, …); t holds one step per item. The result is a
// Var of shape (N).
func VLBLoss(g *autograd.Graph, s schedule.Schedule, t []int, x0, xt, x0Hat *tensor.Tensor, v *autograd.Var) (out *autograd.Var, err error) {
	defer tensor.Recover(&err)
	if !tensor.SameShape(x0.Shape, xt.Shape) || !tensor.SameShape(x0.Shape, x0Hat.Shape) || !tensor.SameShape(x0.Shape, v.Shape()) {
		return nil, fmt.Errorf("vlb loss: shapes differ: x0 %s, xt %s, x0Hat %s, v %s", tensor.FormatShape(x0.Shape),
			tensor.FormatShape(xt.Shape), tensor.FormatShape(x0Hat.Shape), tensor.FormatShape(v.Shape()))
	}
	if x0.Rank() < 2 || x0.Dim(0) != len(t) {
		return nil, fmt.Errorf("vlb loss: %d steps for x0 %s: want (N, …) and one step per item", len(t), tensor.FormatShape(x0.Shape))
	}
	T := s.Steps()
	if T < 2 {
		return nil, fmt.Errorf("vlb loss: schedule: want at least 2 steps, got %d", T)
	}
	n := len(t)
	per := x0.Len() / n
	half, mid := make([]float64, n), make([]float64, n) // logΣ = mid + half·v
	at0 := make([]float64, n)                           // 1 where t = 0
	// per element: K = e^{logβ̃} + (μ_q − μ̂)² and the constant −(logβ̃ + 1);
	// the decoder's mean (x0Hat where t = 0, else x0 so that its unused
	// value stays finite)
	k, c := tensor.New(x0.Shape...), tensor.New(x0.Shape...)
	decMean := x0.Clone()
	for i, ti := range t {
		if ti < 0 || ti >= T {
			return nil, fmt.Errorf("vlb loss: t[%d] = %d: want 0 … %d", i, ti, T-1)
		}
		p := Posterior(s, ti)
		lb := math.Log(s.Beta(ti))
		half[i], mid[i] = 0.5*(lb-p.LogVariance), 0.5*(lb+p.LogVariance)
		if ti == 0 {
			at0[i] = 1
			copy(decMean.Data[i*per:(i+1)*per], x0Hat.Data[i*per:(i+1)*per])
		}
		for j := i * per; j < (i+1)*per; j++ {
			d := p.CoefX0 * (float64(x0.Data[j]) - float64(x0Hat.Data[j])) // μ_q − μ̂
			k.Data[j] = float32(math.Exp(p.LogVariance) + d*d)
			c.Data[j] = float32(-(p.LogVariance + 1))
		}
	}
	logVar := g.Add(g.Mul(v, autograd.NewVar(perItem(x0.Shape, half))), autograd.NewVar(perItem(x0.Shape, mid)))
	// KL = ½(logΣ + K·e^{−logΣ} − logβ̃ − 1)
	kl := g.Scale(g.Add(g.Add(logVar, g.Mul(autograd.NewVar(k), g.Exp(g.Neg(logVar)))), autograd.NewVar(c)), 0.5)
	dec := DiscretizedGaussianNLL(g, x0, autograd.NewVar(decMean), g.Scale(logVar, 0.5))
	axes := make([]int, x0.Rank()-1)
	for i := range axes {
		axes[i] = i + 1
	}
	klItem := g.Mean(kl, axes, false)   // (N)
	decItem := g.Mean(dec, axes, false) // (N)
	mask0, mask1 := tensor.New(n), tensor.New(n)
	for i, z := range at0 {
		mask0.Data[i] = float32(z / math.Ln2)
		mask1.Data[i] = float32((1 - z) / math.Ln2)
	}
	return g.Add(g.Mul(decItem, autograd.NewVar(mask0)), g.Mul(klItem, autograd.NewVar(mask1))), nil
}

// HybridLoss is improved DDPM's L_hybrid = L_simple + λ·L_vlb (Nichol &
// Dhariwal 2021, §3.1, λ = 0.001) for a model that outputs ε̂ (epsPred)
// and the variance interpolant v for x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·eps:
// L_simple is the plain ε-MSE and L_vlb the batch mean of VLBLoss with
// x̂0 = EpsToX0(x_t, ε̂) taken without gradient. It returns a scalar.
func HybridLoss(g *autograd.Graph, s schedule.Schedule, t []int, x0, eps *tensor.Tensor, epsPred, v *autograd.Var, lambda float64) (*autograd.Var, error) {
	if x0.Rank() < 1 || x0.Dim(0) != len(t) {
		return nil, fmt.Errorf("hybrid loss: %d steps for x0 %s: want one per item", len(t), tensor.FormatShape(x0.Shape))
	}
	ab := make([]float64, len(t))
	for i, ti := range t {
		if ti < 0 || ti >= s.Steps() {
			return nil, fmt.Errorf("hybrid loss: t[%d] = %d: want 0 … %d", i, ti, s.Steps()-1)
		}
		ab[i] = s.AlphaBar(ti)
	}
	simple, err := Loss(g, epsPred, x0, eps, ab, Eps, Uniform, 0)
	if err != nil {
		return nil, fmt.Errorf("hybrid loss: %w", err)
	}
	xt := QSample(x0, eps, ab)
	vlb, err := VLBLoss(g, s, t, x0, xt, EpsToX0(xt, epsPred.Value, ab), v)
	if err != nil {
		return nil, fmt.Errorf("hybrid loss: %w", err)
	}
	return g.Add(simple, g.Scale(g.Mean(vlb, nil, false), float32(lambda))), nil
}

// DiscretizedGaussianNLL is −DiscretizedGaussianLogLik(x, mean, logScale)
// elementwise, in nats, recorded on g with gradients for mean and logScale
// (x is data, a constant). With a, b the standardised bin edges and
// P = Φ(b) − Φ(a):
//
//	∂/∂mean = −(φ(a) − φ(b))/(e^{logScale}·P),  ∂/∂logScale = −(a·φ(a) − b·φ(b))/P,
//
// where an infinite edge contributes 0. All three have one shape.
func DiscretizedGaussianNLL(g *autograd.Graph, x *tensor.Tensor, mean, logScale *autograd.Var) *autograd.Var {
	if !tensor.SameShape(x.Shape, mean.Shape()) || !tensor.SameShape(x.Shape, logScale.Shape()) {
		tensor.Shapef("DiscretizedGaussianNLL", [][]int{x.Shape, mean.Shape(), logScale.Shape()}, "shapes differ")
	}
	out := tensor.New(x.Shape...)
	dMean, dLog := make([]float32, x.Len()), make([]float32, x.Len())
	for i, xv := range x.Data {
		xi, m, ls := float64(xv), float64(mean.Value.Data[i]), float64(logScale.Value.Data[i])
		lp := DiscretizedGaussianLogLik(xi, m, ls)
		out.Data[i] = float32(-lp)
		inv := math.Exp(-ls)
		var pa, pb, apa, bpb float64 // φ(a), φ(b), a·φ(a), b·φ(b)
		if xi > -0.999 {
			a := (xi - 1.0/255 - m) * inv
			pa = math.Exp(-0.5*a*a) / math.Sqrt(2*math.Pi)
			apa = a * pa
		}
		if xi < 0.999 {
			b := (xi + 1.0/255 - m) * inv
			pb = math.Exp(-0.5*b*b) / math.Sqrt(2*math.Pi)
			bpb = b * pb
		}
		p := math.Exp(lp)
		dMean[i] = float32(-(pa - pb) * inv / p)
		dLog[i] = float32(-(apa - bpb) / p)
	}
	return g.Record(out, func(o *autograd.Var) {
		if mean.RequiresGrad() {
			gm := mean.GradBuf().Data
			for i, gr := range o.Grad.Data {
				gm[i] += gr * dMean[i]
			}
		}
		if logScale.RequiresGrad() {
			gl := logScale.GradBuf().Data
			for i, gr := range o.Grad.Data {
				gl[i] += gr * dLog[i]
			}
		}
	}, mean, logScale)
}
