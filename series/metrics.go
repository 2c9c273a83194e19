package series

import (
	"fmt"
	"math"
	"slices"
)

// Levels are the 19 quantile levels 0.05, 0.10, …, 0.95 of CSDI's CRPS.
var Levels = func() []float64 {
	q := make([]float64, 19)
	for i := range q {
		q[i] = float64(i+1) / 20
	}
	return q
}()

// Scores are CSDI's evaluation numbers over the target cells, in the data's
// own units.
type Scores struct {
	// CRPS is calc_quantile_CRPS of CSDI's utils.py: with F⁻¹ the samples'
	// quantile (linear interpolation, as torch.quantile),
	//   CRPS = (1/19) Σ_q Σ_cells 2·|(F⁻¹(q) − x)·(1{x ≤ F⁻¹(q)} − q)| / Σ_cells |x|.
	// For a single sample (a point forecast) every quantile is the point and
	// CRPS = MAE·N / Σ|x|.
	CRPS float64
	// MAE and RMSE are those of the median of the samples (torch.median:
	// the lower of the two middle values for an even count).
	MAE, RMSE float64
	// Cover50 and Cover90 are the shares of target cells inside the central
	// 50% and 90% intervals [F⁻¹(0.25), F⁻¹(0.75)] and [F⁻¹(0.05),
	// F⁻¹(0.95)], ends included. With one sample they say only how often
	// the point is exact; report them as n/a for point methods.
	Cover50, Cover90 float64
	N                int // number of target cells scored
	Samples          int // samples per cell (1 for a point method)
}

// Accumulator sums CSDI's scores over many windows, so that CRPS is
// normalised by Σ|x| over all of them, as CSDI's evaluate loop does.
type Accumulator struct {
	ql                 [19]float64 // Σ quantile loss per level
	absX, absErr, sqEr float64
	n, in50, in90      int
	samples            int
	buf                []float64
}

// Add scores the cells where target is true: truth: (T, D); samples: (S,
// T, D), S ≥ 1, all S the same across calls. Truth and samples must be
// finite at target cells.
func (a *Accumulator) Add(truth [][]float64, target [][]bool, samples [][][]float64) error {
	if len(samples) == 0 {
		return fmt.Errorf("series: evaluate: no samples")
	}
	if a.samples != 0 && a.samples != len(samples) {
		return fmt.Errorf("series: evaluate: %d samples per cell, want %d as before", len(samples), a.samples)
	}
	if len(target) != len(truth) {
		return fmt.Errorf("series: evaluate: truth has %d rows, target mask %d", len(truth), len(target))
	}
	for k, s := range samples {
		if len(s) != len(truth) {
			return fmt.Errorf("series: evaluate: sample %d has %d rows, truth %d", k, len(s), len(truth))
		}
	}
	a.samples = len(samples)
	for t := range truth {
		if len(target[t]) != len(truth[t]) {
			return fmt.Errorf("series: evaluate: row %d: %d values, %d target flags", t, len(truth[t]), len(target[t]))
		}
		for d, on := range target[t] {
			if !on {
				continue
			}
			x := truth[t][d]
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("series: evaluate: target cell (%d, %d) has no true value (%v)", t, d, x)
			}
			a.buf = a.buf[:0]
			for k, s := range samples {
				if d >= len(s[t]) || math.IsNaN(s[t][d]) || math.IsInf(s[t][d], 0) {
					return fmt.Errorf("series: evaluate: sample %d cell (%d, %d): want a finite number", k, t, d)
				}
				a.buf = append(a.buf, s[t][d])
			}
			slices.Sort(a.buf)
			for i, q := range Levels {
				f := quantile(a.buf, q)
				ind := 0.0
				if x <= f {
					ind = 1
				}
				a.ql[i] += 2 * math.Abs((f-x)*(ind-q))
			}
			med := a.buf[(len(a.buf)-1)/2]
			a.absX += math.Abs(x)
			a.absErr += math.Abs(med - x)
			a.sqEr += (med - x) * (med - x)
			if quantile(a.buf, 0.25) <= x && x <= quantile(a.buf, 0.75) {
				a.in50++
			}
			if quantile(a.buf, 0.05) <= x && x <= quantile(a.buf, 0.95) {
				a.in90++
			}
			a.n++
		}
	}
	return nil
}

// Scores returns the scores so far. It is an error when no cell was scored
// or Σ|x| is 0.
func (a *Accumulator) Scores() (Scores, error) {
	if a.n == 0 {
		return Scores{}, fmt.Errorf("series: evaluate: no target cells")
	}
	if a.absX == 0 {
		return Scores{}, fmt.Errorf("series: evaluate: every target value is 0, CRPS is undefined")
	}
	crps := 0.0
	for _, l := range a.ql {
		crps += l / a.absX
	}
	n := float64(a.n)
	return Scores{CRPS: crps / float64(len(Levels)), MAE: a.absErr / n, RMSE: math.Sqrt(a.sqEr / n),
		Cover50: float64(a.in50) / n, Cover90: float64(a.in90) / n, N: a.n, Samples: a.samples}, nil
}

// Evaluate scores samples (S, T, D) against truth (T, D) on the target
// cells; see Scores.
func Evaluate(truth [][]float64, target [][]bool, samples [][][]float64) (Scores, error) {
	var a Accumulator
	if err := a.Add(truth, target, samples); err != nil {
		return Scores{}, err
	}
	return a.Scores()
}

// quantile returns the q-quantile of sorted values by linear interpolation
// between order statistics at position q·(n−1) (torch.quantile's default).
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}
