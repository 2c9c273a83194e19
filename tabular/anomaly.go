package tabular

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// AnomalyOptions control Model.AnomalyScores.
type AnomalyOptions struct {
	// Steps are the diffusion steps t of the partial noising; nil means
	// T/20, T/10, T/5 and 2T/5 (25, 50, 100, 200 for T = 500): little
	// noise, so that the model sees the rest of the row almost clean.
	Steps []int
	Draws int    // noise draws per step; 0 means 8
	Seed  uint64 // draw s at step l uses tensor.NewRNG(Seed).Split(l·Draws+s), the same for every row
}

// RowScores are the anomaly scores of rows: a total per row and what
// each column of the schema contributes to it.
type RowScores struct {
	Total []float64   // per row, Σ of Cells[i]; higher = more unusual
	Cells [][]float64 // per row, per schema column; 0 for a column without features (the target)
}

// AnomalyScores scores every row of e by how badly the model restores it
// from partial noise, the per-column terms of its training loss: each
// row is noised to every step t of opt.Steps, opt.Draws times. A numeric
// feature contributes (ε̂ − ε)², the ε-prediction error of its Gaussian
// diffusion; a categorical feature contributes −log p̂(x), the
// cross-entropy of its true class when that cell alone is masked and the
// rest of the row is given (numbers at noise level t), as in the masked
// diffusion's loss. Both are averaged over steps and draws and summed per
// column (a number with a missing mask: both features). Up to the
// per-step weights this is the negative ELBO of the row, split by column
// (Ho et al. 2020; Austin et al. 2021), and a cell that does not fit the
// rest of its row stands out in its column. The target of a conditional
// model is never masked and contributes 0. Cost: Steps·Draws·(1 + the
// categorical features) network passes per row.
func (m *Model) AnomalyScores(ctx context.Context, e *Encoded, opt AnomalyOptions) (s *RowScores, err error) {
	defer tensor.Recover(&err)
	n := len(e.Num)
	if n == 0 || len(e.Cat) != n {
		return nil, fmt.Errorf("tabular: anomaly scores: no rows")
	}
	T := m.Cfg.Steps
	steps := opt.Steps
	if steps == nil {
		steps = []int{T / 20, T / 10, T / 5, 2 * T / 5}
	}
	for _, t := range steps {
		if t < 0 || t >= T {
			return nil, fmt.Errorf("tabular: anomaly scores: step %d: want 0 … %d", t, T-1)
		}
	}
	draws := opt.Draws
	if draws == 0 {
		draws = 8
	}
	if draws < 1 || len(steps) == 0 {
		return nil, fmt.Errorf("tabular: anomaly scores: %d steps, %d draws: want ≥ 1 of each", len(steps), draws)
	}
	cfg := m.Cfg
	for i := range n {
		if len(e.Num[i]) != cfg.NumIn || len(e.Cat[i]) != len(cfg.CatK) {
			return nil, fmt.Errorf("tabular: anomaly scores: row %d has %d numeric and %d categorical features, the model %d and %d",
				i, len(e.Num[i]), len(e.Cat[i]), cfg.NumIn, len(cfg.CatK))
		}
	}
	cols := len(m.Tr.Schema.Columns)
	s = &RowScores{Total: make([]float64, n), Cells: make([][]float64, n)}
	for i := range n {
		s.Cells[i] = make([]float64, cols)
	}
	weight := 1 / float64(len(steps)*draws)
	root := tensor.NewRNG(opt.Seed)
	xn := make([]float32, n*cfg.NumIn)
	ts := make([]float64, n)
	for l, t := range steps {
		ab := m.alphaBar(t)
		sa, sn := math.Sqrt(ab), math.Sqrt(1-ab)
		for i := range ts {
			ts[i] = float64(t)
		}
		for d := range draws {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			rng := root.Split(uint64(l*draws + d))
			eps := make([]float64, cfg.NumIn) // shared by every row
			for k := range eps {
				eps[k] = rng.Normal()
			}
			for i := range n {
				for k := range cfg.NumIn {
					xn[i*cfg.NumIn+k] = float32(sa*e.Num[i][k] + sn*eps[k])
				}
			}
			// One pass with every category given: the numbers' ε errors.
			out := m.Net.Forward(autograd.NoGrad(), autograd.NewVar(cfg.input(xn, e.Cat)), ts).Value
			w := cfg.outWidth()
			for i := range n {
				for k := range cfg.NumIn {
					v := float64(out.Data[i*w+k]) - eps[k]
					s.Cells[i][m.Tr.Num[k].Column] += weight * v * v
				}
			}
			// One pass per categorical feature with that cell masked.
			off := cfg.NumIn
			for k, kk := range cfg.CatK {
				lo := off
				off += kk
				if k == m.Target {
					continue
				}
				xc := make([][]int, n)
				for i := range n {
					xc[i] = append([]int(nil), e.Cat[i]...)
					xc[i][k] = kk // [MASK]
				}
				out := m.Net.Forward(autograd.NoGrad(), autograd.NewVar(cfg.input(xn, xc)), ts).Value
				for i := range n {
					logits := out.Data[i*w+lo : i*w+lo+kk]
					s.Cells[i][m.Tr.Cat[k].Column] += weight * -logSoftmaxAt(logits, e.Cat[i][k])
				}
			}
		}
	}
	for i := range n {
		for _, v := range s.Cells[i] {
			s.Total[i] += v
		}
	}
	return s, nil
}

// logSoftmaxAt returns log softmax(logits)[c], in float64.
func logSoftmaxAt(logits []float32, c int) float64 {
	mx := math.Inf(-1)
	for _, v := range logits {
		mx = max(mx, float64(v))
	}
	z := 0.0
	for _, v := range logits {
		z += math.Exp(float64(v) - mx)
	}
	return float64(logits[c]) - mx - math.Log(z)
}
