package digress

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/tensor"
)

// Guided is a conditional Model as a Denoiser for one class, with
// classifier-free guidance (Ho & Salimans 2022) carried to categorical
// predictions: per element,
//
//	log p̃(x_0) = (1 + w)·log p_θ(x_0 | z_t, c) − w·log p_θ(x_0 | z_t) + const,
//
// renormalised, w = Weight. w = 0 is the conditional model alone (one
// network call per step); w > 0 pushes samples towards what tells class c
// apart, at the cost of two calls per step. This is the guidance of
// discrete-diffusion models with a guidance weight on logits, as in
// Nisonoff et al. 2024 ("Unlocking guidance for discrete state-space
// diffusion and flow models") for the rate-free case.
type Guided struct {
	Model  *Model
	Class  int
	Weight float64
}

// Predict returns the guided distributions of x_0 for every graph of z.
func (d Guided) Predict(z *Batch, t []float64) (px, pe []float64, err error) {
	zc := *z
	zc.Cond = make([]int, z.B)
	for b := range zc.Cond {
		zc.Cond[b] = d.Class
	}
	px, pe, err = d.Model.Predict(&zc, t)
	if err != nil || d.Weight == 0 {
		return px, pe, err
	}
	for b := range zc.Cond {
		zc.Cond[b] = -1
	}
	ux, ue, err := d.Model.Predict(&zc, t)
	if err != nil {
		return nil, nil, err
	}
	guide(px, ux, d.Model.Config.Kx, d.Weight)
	guide(pe, ue, d.Model.Config.Ke, d.Weight)
	return px, pe, nil
}

// guide replaces each row of k probabilities of pc by pc^{1+w}·pu^{−w},
// renormalised, computed in logs (probabilities are floored at 1e-300).
func guide(pc, pu []float64, k int, w float64) {
	for r := 0; r+k <= len(pc); r += k {
		mx := math.Inf(-1)
		for i := r; i < r+k; i++ {
			pc[i] = (1+w)*math.Log(max(pc[i], 1e-300)) - w*math.Log(max(pu[i], 1e-300))
			mx = max(mx, pc[i])
		}
		s := 0.0
		for i := r; i < r+k; i++ {
			pc[i] = math.Exp(pc[i] - mx)
			s += pc[i]
		}
		for i := r; i < r+k; i++ {
			pc[i] /= s
		}
	}
}

// SampleClass generates count graphs of class c of a conditional model,
// with guidance weight w (Guided): node counts from the class's training
// distribution (rng.Split(0)), the reverse process from rng.Split(1), as
// Sample does.
func (m *Model) SampleClass(ctx context.Context, count, steps int, temperature float64, class int, w float64, rng *tensor.RNG) ([]*graph.Graph, error) {
	c := m.Config
	switch {
	case c.Classes == 0:
		return nil, fmt.Errorf("digress: class %d asked of an unconditional model", class)
	case class < 0 || class >= c.Classes:
		return nil, fmt.Errorf("digress: class %d: want 0 to %d", class, c.Classes-1)
	case !(w >= 0) || math.IsInf(w, 0):
		return nil, fmt.Errorf("digress: guidance weight %v: want a finite number ≥ 0", w)
	case count < 0:
		return nil, fmt.Errorf("digress: sample %d graphs: want ≥ 0", count)
	}
	sizes := drawSizes(c.ClassSizeCounts[class], count, rng.Split(0))
	s := Sampler{Process: m.Process, Steps: steps, Temperature: temperature, Batch: SampleBatch, OnStep: m.OnStep}
	return s.Sample(ctx, Guided{Model: m, Class: class, Weight: w}, sizes, rng.Split(1))
}
