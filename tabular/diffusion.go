package tabular

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// Model is a trained TabDDPM-style generator: Gaussian diffusion (Ho et al.
// 2020) on the numeric features and masked, absorbing-state diffusion
// (Austin et al. 2021, D3PM absorbing) on the categorical ones, sharing the
// step t and one MLP denoiser. When Target ≥ 0 that categorical feature is
// never noised: the model learns p(x | y) and samples are drawn for given
// classes, which is how class-balanced augmentation is done.
type Model struct {
	Cfg    ModelConfig
	Net    *MLP
	Tr     *Transformer
	Target int       // index into Tr.Cat of the conditioning feature, or −1
	Prior  []float64 // class frequencies of the target in training
	sched  schedule.Schedule
}

// TrainOptions control Train.
type TrainOptions struct {
	Iters int     // optimiser steps (default 3000)
	Batch int     // rows per step (default 256)
	LR    float64 // Adam learning rate (default 2e-3, linearly decayed to 0)
	Seed  uint64
	Log   func(step int, loss float64) // called every 500 steps; may be nil
}

// NewModel builds an untrained model for the features of tr; target names
// the conditioning column ("" for none).
func NewModel(tr *Transformer, cfg ModelConfig, target string, rng *tensor.RNG) (*Model, error) {
	def := DefaultModelConfig()
	if cfg.Width == 0 {
		cfg.Width = def.Width
	}
	if cfg.Layers == 0 {
		cfg.Layers = def.Layers
	}
	if cfg.Steps == 0 {
		cfg.Steps = def.Steps
	}
	cfg.NumIn = len(tr.Num)
	cfg.CatK = nil
	for _, ft := range tr.Cat {
		cfg.CatK = append(cfg.CatK, ft.K)
	}
	m := &Model{Cfg: cfg, Tr: tr, Target: -1, sched: schedule.NewCosine(cfg.Steps, 0.008)}
	if target != "" {
		if m.Target = tr.CatFeature(target); m.Target < 0 {
			return nil, fmt.Errorf("tabular: target %q is not a categorical column", target)
		}
	}
	net, err := NewMLP(cfg, rng)
	if err != nil {
		return nil, err
	}
	m.Net = net
	return m, nil
}

// alphaBar is ᾱ_t with ᾱ_{−1} = 1.
func (m *Model) alphaBar(t int) float64 {
	if t < 0 {
		return 1
	}
	return m.sched.AlphaBar(t)
}

// Train fits the denoiser to e. The loss is the ε-prediction MSE on numbers
// plus the cross-entropy of x̂₀ on masked categorical cells (averaged over
// them), as in TabDDPM's L = L_simple + mean multinomial loss.
func (m *Model) Train(ctx context.Context, e *Encoded, opt TrainOptions) (err error) {
	defer tensor.Recover(&err)
	if opt.Iters == 0 {
		opt.Iters = 3000
	}
	if opt.Batch == 0 {
		opt.Batch = 256
	}
	if opt.LR == 0 {
		opt.LR = 2e-3
	}
	n := len(e.Num)
	if n == 0 {
		return fmt.Errorf("tabular: train: no rows")
	}
	m.Prior = m.classPrior(e)
	rng := tensor.NewRNG(opt.Seed)
	params := m.Net.Params()
	o := optim.NewAdamW(params, opt.LR, 0.9, 0.999, 1e-8, 1e-5)
	cfg, b := m.Cfg, min(opt.Batch, n)
	xn := make([]float32, b*cfg.NumIn)
	eps := tensor.New(b, cfg.NumIn)
	xc := make([][]int, b)
	ts := make([]float64, b)
	for step := range opt.Iters {
		if err := ctx.Err(); err != nil {
			return err
		}
		o.SetLR(opt.LR * (1 - float64(step)/float64(opt.Iters)))
		masked := make([][]bool, b)
		rows := make([]int, b)
		for i := range b {
			r := rng.Intn(n)
			rows[i] = r
			t := rng.Intn(cfg.Steps)
			ts[i] = float64(t)
			ab := m.alphaBar(t)
			sa, sn := math.Sqrt(ab), math.Sqrt(1-ab)
			for k := range cfg.NumIn {
				z := rng.Normal()
				eps.Data[i*cfg.NumIn+k] = float32(z)
				xn[i*cfg.NumIn+k] = float32(sa*e.Num[r][k] + sn*z)
			}
			xc[i] = make([]int, len(cfg.CatK))
			masked[i] = make([]bool, len(cfg.CatK))
			for k, kk := range cfg.CatK {
				xc[i][k] = e.Cat[r][k]
				if k != m.Target && rng.Uniform() < 1-ab {
					xc[i][k], masked[i][k] = kk, true
				}
			}
		}
		g := autograd.NewPooled() // activations and gradients from the free lists
		out := m.Net.Forward(g, autograd.NewVar(cfg.input(xn, xc)), ts)
		var loss *autograd.Var
		if cfg.NumIn > 0 {
			loss = g.MSE(g.Slice(out, 1, 0, cfg.NumIn), autograd.NewVar(eps))
		}
		off := cfg.NumIn
		nCat := len(cfg.CatK)
		if m.Target >= 0 {
			nCat--
		}
		for k, kk := range cfg.CatK {
			lo := off
			off += kk
			count := 0
			for i := range b {
				if masked[i][k] {
					count++
				}
			}
			if count == 0 {
				continue
			}
			w := tensor.New(b, kk) // −1/(count·nCat) at the true class of masked cells
			for i := range b {
				if masked[i][k] {
					w.Data[i*kk+e.Cat[rows[i]][k]] = float32(-1 / float64(count*nCat))
				}
			}
			ce := g.Sum(g.Mul(g.LogSoftmax(g.Slice(out, 1, lo, off), 1), autograd.NewVar(w)), nil, false)
			if loss == nil {
				loss = ce
			} else {
				loss = g.Add(loss, ce)
			}
		}
		if loss == nil {
			continue
		}
		lv := float64(loss.Value.Data[0])
		if math.IsNaN(lv) || math.IsInf(lv, 0) {
			return fmt.Errorf("tabular: train step %d: loss %v: %w", step, lv, autograd.ErrNonFinite)
		}
		o.ZeroGrad()
		if err := g.Backward(loss); err != nil {
			return fmt.Errorf("tabular: train step %d: %w", step, err)
		}
		optim.ClipGradNorm(params, 1)
		if err := o.Step(); err != nil {
			return fmt.Errorf("tabular: train step %d: %w", step, err)
		}
		if opt.Log != nil && (step%500 == 0 || step == opt.Iters-1) {
			opt.Log(step, lv)
		}
	}
	return nil
}

// classPrior is the frequency of each class of the target feature in e.
func (m *Model) classPrior(e *Encoded) []float64 {
	if m.Target < 0 {
		return nil
	}
	p := make([]float64, m.Cfg.CatK[m.Target])
	for _, row := range e.Cat {
		p[row[m.Target]] += 1 / float64(len(e.Cat))
	}
	return p
}
