package tabular

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// SampleOptions choose the classes of a conditional model's samples.
type SampleOptions struct {
	Class    string // every row gets this target class (must have been seen)
	Balanced bool   // classes in equal shares instead of their training frequencies
	Seed     uint64
	// First is the global index of the first row drawn. Row i draws all
	// its randomness (class, starting noise, every step's noise and
	// unmasking) from its own stream, derived from (Seed, First+i) alone,
	// so rows lo..hi−1 of one run equal a run of hi−lo rows with First lo:
	// a table can be drawn in parts by many processes.
	First int
	// Progress, when set, is told after every reverse step: the steps
	// done and the model's Steps. It does not change the rows.
	Progress func(step, total int)
}

// Sample draws n synthetic rows as a Frame with the training schema.
// Classes are drawn from the training frequencies of the target unless opt
// says otherwise; a class never seen in training is an error naming it.
func (m *Model) Sample(ctx context.Context, n int, opt SampleOptions) (f *Frame, err error) {
	defer tensor.Recover(&err)
	if opt.First < 0 {
		return nil, fmt.Errorf("tabular: sample: first row: want ≥ 0, got %d", opt.First)
	}
	root := tensor.NewRNG(opt.Seed)
	rngs := make([]*tensor.RNG, n) // rngs[i]: the stream of global row First+i
	for i := range rngs {
		rngs[i] = root.Split(uint64(opt.First + i))
	}
	var classes []int
	if m.Target >= 0 {
		classes, err = m.targetClasses(n, opt, rngs)
		if err != nil {
			return nil, err
		}
	} else if opt.Class != "" || opt.Balanced {
		return nil, fmt.Errorf("tabular: sample: the model was trained without a target column")
	}
	e, err := m.sampleEncoded(ctx, n, classes, rngs, opt.Progress)
	if err != nil {
		return nil, err
	}
	return m.Tr.Decode(e)
}

// targetClasses lays out the target class of each of n rows, rows[i] being
// the stream of row i.
func (m *Model) targetClasses(n int, opt SampleOptions, rngs []*tensor.RNG) ([]int, error) {
	col := m.Tr.Schema.Columns[m.Tr.Cat[m.Target].Column]
	classes := make([]int, n)
	switch {
	case opt.Class != "":
		k := slices.Index(col.Categories, opt.Class)
		if k < 0 {
			return nil, fmt.Errorf("tabular: sample: column %q: class %q was not seen in training (seen: %q)", col.Name, opt.Class, col.Categories)
		}
		for i := range classes {
			classes[i] = k
		}
	case opt.Balanced:
		var seen []int
		for k, p := range m.Prior {
			if p > 0 {
				seen = append(seen, k)
			}
		}
		for i := range classes {
			classes[i] = seen[(opt.First+i)%len(seen)]
		}
	default:
		for i := range classes {
			u, k := rngs[i].Uniform(), 0
			for k < len(m.Prior)-1 && u >= m.Prior[k] {
				u -= m.Prior[k]
				k++
			}
			classes[i] = k
		}
	}
	return classes, nil
}

// sampleEncoded runs the reverse process for n rows: DDPM ancestral steps
// (Ho et al. 2020, eq. 6–7, x̂₀ clipped to ±5) for numbers; for categories a
// masked cell is unmasked at step t with probability (ᾱ_{t−1} − ᾱ_t)/(1 − ᾱ_t),
// its class drawn from softmax of the predicted x̂₀ logits. Row i draws
// from rngs[i] only; progress, when set, is told after every step.
func (m *Model) sampleEncoded(ctx context.Context, n int, classes []int, rngs []*tensor.RNG, progress func(step, total int)) (*Encoded, error) {
	cfg := m.Cfg
	xn := make([]float32, n*cfg.NumIn)
	for i := range n {
		for k := range cfg.NumIn {
			xn[i*cfg.NumIn+k] = float32(rngs[i].Normal())
		}
	}
	xc := make([][]int, n)
	for i := range xc {
		xc[i] = make([]int, len(cfg.CatK))
		for k, kk := range cfg.CatK {
			xc[i][k] = kk // [MASK]
		}
		if classes != nil {
			xc[i][m.Target] = classes[i]
		}
	}
	ts := make([]float64, n)
	probs := make([]float64, 0, 64)
	for t := cfg.Steps - 1; t >= 0; t-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i := range ts {
			ts[i] = float64(t)
		}
		out := m.Net.Forward(autograd.NoGrad(), autograd.NewVar(cfg.input(xn, xc)), ts).Value
		ow := out.Shape[1]
		ab, abPrev := m.alphaBar(t), m.alphaBar(t-1)
		beta := 1 - ab/abPrev
		c0 := math.Sqrt(abPrev) * beta / (1 - ab)          // coefficient of x̂₀
		ct := math.Sqrt(1-beta) * (1 - abPrev) / (1 - ab)  // coefficient of x_t
		sigma := math.Sqrt(beta * (1 - abPrev) / (1 - ab)) // posterior std
		unmask := (abPrev - ab) / (1 - ab)                 // P(unmask at t)
		for i := range n {
			rng := rngs[i]
			row := out.Data[i*ow : (i+1)*ow]
			for k := range cfg.NumIn {
				x := float64(xn[i*cfg.NumIn+k])
				x0 := (x - math.Sqrt(1-ab)*float64(row[k])) / math.Sqrt(ab)
				x0 = max(-5, min(5, x0))
				next := c0*x0 + ct*x
				if t > 0 {
					next += sigma * rng.Normal()
				}
				xn[i*cfg.NumIn+k] = float32(next)
			}
			off := cfg.NumIn
			for k, kk := range cfg.CatK {
				logits := row[off : off+kk]
				off += kk
				if xc[i][k] != kk || rng.Uniform() >= unmask {
					continue
				}
				probs = softmax(probs[:0], logits)
				xc[i][k] = draw(probs, rng.Uniform())
			}
		}
		if progress != nil {
			progress(cfg.Steps-t, cfg.Steps)
		}
	}
	e := &Encoded{Num: make([][]float64, n), Cat: xc}
	for i := range n {
		e.Num[i] = make([]float64, cfg.NumIn)
		for k := range cfg.NumIn {
			e.Num[i][k] = float64(xn[i*cfg.NumIn+k])
		}
	}
	return e, nil
}

// softmax appends softmax(logits) to dst.
func softmax(dst []float64, logits []float32) []float64 {
	mx := math.Inf(-1)
	for _, l := range logits {
		mx = max(mx, float64(l))
	}
	sum := 0.0
	for _, l := range logits {
		p := math.Exp(float64(l) - mx)
		dst = append(dst, p)
		sum += p
	}
	for i := range dst {
		dst[i] /= sum
	}
	return dst
}

// draw returns the index k where the cumulative sum of p passes u ∈ [0, 1).
func draw(p []float64, u float64) int {
	for k, pk := range p {
		if u < pk {
			return k
		}
		u -= pk
	}
	return len(p) - 1
}
