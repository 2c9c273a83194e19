package series

import (
	"context"
	"fmt"
	"time"

	"github.com/diffusego/diffusego/tensor"
)

// Window is one example for a model: rows [Start, Start+len(Values)) of a
// series, normalised by a Scaler. Values holds only what the model may read:
// the conditioning cells (observed and not target); every other cell is 0,
// as in CSDI, where the model sees cond_mask·x. Observed and Target say
// which cells are which; Covariates are the categorical columns one-hot,
// side by side, (L, C), nil when there are none. Times are the rows' dates,
// nil for a series with a numeric time column.
type Window struct {
	Start      int
	Values     [][]float64 // (L, D) normalised conditioning values, 0 elsewhere
	Observed   [][]bool    // (L, D)
	Target     [][]bool    // (L, D) the cells to fill
	Covariates [][]float64 // (L, C)
	Times      []time.Time // (L) dates; nil without
}

// Cond returns the window's conditioning mask, observed ∧ ¬target.
func (w Window) Cond() [][]bool { return Conditioning(w.Observed, w.Target) }

// MakeWindows cuts windows of length rows at starts from s, normalised by
// sc, with targets from target: (T, D) over the whole series (nil for none).
func MakeWindows(s *Series, sc *Scaler, target [][]bool, starts []int, length int) ([]Window, error) {
	if len(sc.Mean) != s.Dim() {
		return nil, fmt.Errorf("series: windows: scaler has %d columns, series %d", len(sc.Mean), s.Dim())
	}
	if target != nil && len(target) != s.Len() {
		return nil, fmt.Errorf("series: windows: target mask has %d rows, series %d", len(target), s.Len())
	}
	z := sc.Transform(s.Values)
	obs := s.Observed()
	var onehot [][][]float64
	for _, c := range s.Categorical {
		onehot = append(onehot, c.OneHot())
	}
	out := make([]Window, len(starts))
	for i, st := range starts {
		if st < 0 || length < 1 || st+length > s.Len() {
			return nil, fmt.Errorf("series: windows: rows [%d, %d) outside [0, %d)", st, st+length, s.Len())
		}
		w := Window{Start: st, Values: make([][]float64, length), Observed: cloneMask(obs[st : st+length]), Target: newMask(length, s.Dim())}
		if s.Times != nil {
			w.Times = append([]time.Time(nil), s.Times[st:st+length]...)
		}
		for t := range length {
			w.Values[t] = make([]float64, s.Dim())
			for d := range s.Dim() {
				if target != nil {
					w.Target[t][d] = target[st+t][d] && obs[st+t][d]
				}
				if obs[st+t][d] && !w.Target[t][d] {
					w.Values[t][d] = z[st+t][d]
				}
			}
			if len(onehot) > 0 {
				var row []float64
				for _, oh := range onehot {
					row = append(row, oh[st+t]...)
				}
				w.Covariates = append(w.Covariates, row)
			}
		}
		out[i] = w
	}
	return out, nil
}

// Model is a probabilistic imputer or forecaster over windows: given a
// window it returns n samples (n, L, D) of the whole window in normalised
// units. The CSDI-style diffusion model implements it; so does PointModel.
type Model interface {
	Sample(ctx context.Context, w Window, n int, rng *tensor.RNG) ([][][]float64, error)
}

// PointModel turns an Imputer into a Model with one sample per window: the
// imputer sees only the window. A column with no conditioning cell in the
// window takes 0, the training mean in normalised units, and the imputer
// runs on the other columns.
type PointModel struct{ Imputer Imputer }

// Sample returns the imputer's fill of w as one sample.
func (p PointModel) Sample(_ context.Context, w Window, _ int, _ *tensor.RNG) ([][][]float64, error) {
	cond := w.Cond()
	var keep []int
	for d := range width(cond) {
		for t := range cond {
			if cond[t][d] {
				keep = append(keep, d)
				break
			}
		}
	}
	out := make([][]float64, len(w.Values))
	for t := range out {
		out[t] = make([]float64, width(cond))
	}
	if len(keep) == 0 {
		return [][][]float64{out}, nil
	}
	sub := func(t int) ([]float64, []bool, []bool) {
		v, o, g := make([]float64, len(keep)), make([]bool, len(keep)), make([]bool, len(keep))
		for i, d := range keep {
			v[i], o[i], g[i] = w.Values[t][d], w.Observed[t][d], w.Target[t][d]
		}
		return v, o, g
	}
	vals, obs, tgt := make([][]float64, len(out)), make([][]bool, len(out)), make([][]bool, len(out))
	for t := range out {
		vals[t], obs[t], tgt[t] = sub(t)
	}
	fill, err := p.Imputer(vals, obs, tgt)
	if err != nil {
		return nil, err
	}
	for t := range out {
		for i, d := range keep {
			out[t][d] = fill[t][i]
		}
	}
	return [][][]float64{out}, nil
}

// EvaluateModel samples m on every window (n samples each; window i draws
// from the stream seed split by i), maps the samples back to the data's
// units with sc and scores them against s at the windows' target cells,
// with one CRPS normalisation over all windows. Windows may not overlap in
// target cells, or those cells would count twice.
func EvaluateModel(ctx context.Context, m Model, s *Series, sc *Scaler, windows []Window, n int, seed uint64) (Scores, error) {
	var acc Accumulator
	rng := tensor.NewRNG(seed)
	for i, w := range windows {
		if err := ctx.Err(); err != nil {
			return Scores{}, err
		}
		samples, err := m.Sample(ctx, w, n, rng.Split(uint64(i)))
		if err != nil {
			return Scores{}, fmt.Errorf("series: window %d (row %d): %w", i, w.Start, err)
		}
		for k := range samples {
			if len(samples[k]) != len(w.Values) {
				return Scores{}, fmt.Errorf("series: window %d (row %d): sample %d has %d rows, want %d", i, w.Start, k, len(samples[k]), len(w.Values))
			}
			samples[k] = sc.Inverse(samples[k])
		}
		truth := s.Values[w.Start : w.Start+len(w.Values)]
		if Count(w.Target) == 0 {
			continue
		}
		if err := acc.Add(truth, w.Target, samples); err != nil {
			return Scores{}, fmt.Errorf("series: window %d (row %d): %w", i, w.Start, err)
		}
	}
	return acc.Scores()
}
