package series

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// SeasonalDraws is the probabilistic form of SeasonalMean: it returns n
// samples (n, T, D) in which every cell that is not a conditioning cell is
// drawn uniformly from its column's conditioning values whose phase is
// within halfWidth of its own (circularly modulo period); a phase with no
// such value draws from the whole column. Conditioning cells are copied.
// Its spread is the climate's, so its intervals are honest but wide: the
// floor a conditional model must beat on CRPS and coverage.
func SeasonalDraws(values [][]float64, observed, target [][]bool, phase []int, period, halfWidth, n int, rng *tensor.RNG) ([][][]float64, error) {
	if len(phase) != len(values) || period < 1 || halfWidth < 0 || n < 1 || rng == nil {
		return nil, fmt.Errorf("series: seasonal draws: %d phases for %d rows, period %d, half-width %d, %d samples: want one phase per row, period ≥ 1, half-width ≥ 0, samples ≥ 1 and a random source",
			len(phase), len(values), period, halfWidth, n)
	}
	if err := checkShapes("seasonal draws", values, observed, target); err != nil {
		return nil, err
	}
	cond := Conditioning(observed, target)
	dim := width(cond)
	// pool[d][p]: the conditioning values of column d at phase p.
	pool := make([][][]float64, dim)
	for d := range dim {
		pool[d] = make([][]float64, period)
		for t := range values {
			if cond[t][d] {
				p := ((phase[t] % period) + period) % period
				pool[d][p] = append(pool[d][p], values[t][d])
			}
		}
	}
	// near[d][p]: the values within the window around phase p.
	near := make([][][]float64, dim)
	for d := range dim {
		var all []float64
		for p := range period {
			all = append(all, pool[d][p]...)
		}
		if len(all) == 0 {
			return nil, noCondition("seasonal draws", d)
		}
		near[d] = make([][]float64, period)
		for p := range period {
			for k := -halfWidth; k <= halfWidth; k++ {
				near[d][p] = append(near[d][p], pool[d][((p+k)%period+period)%period]...)
			}
			if len(near[d][p]) == 0 {
				near[d][p] = all
			}
		}
	}
	out := make([][][]float64, n)
	for s := range out {
		out[s] = CloneValues(values)
		for t := range values {
			p := ((phase[t] % period) + period) % period
			for d := range dim {
				if !cond[t][d] {
					v := near[d][p]
					out[s][t][d] = v[rng.Intn(len(v))]
				}
			}
		}
	}
	return out, nil
}
