package series

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// RandomMask returns a target mask over rows [lo, hi) of observed: exactly
// round(frac·n) of the n observed cells there, drawn uniformly without
// replacement. This is CSDI's evaluation setting (a share of the observed
// values held out as ground truth); for training, draw frac per window
// (CSDI's random strategy uses frac ~ U(0, 1)).
func RandomMask(observed [][]bool, lo, hi int, frac float64, rng *tensor.RNG) [][]bool {
	target := newMask(len(observed), width(observed))
	lo, hi = max(lo, 0), min(hi, len(observed))
	var cells [][2]int
	for t := lo; t < hi; t++ {
		for d, o := range observed[t] {
			if o {
				cells = append(cells, [2]int{t, d})
			}
		}
	}
	k := int(math.Round(frac * float64(len(cells))))
	k = min(max(k, 0), len(cells))
	for _, i := range rng.Perm(len(cells))[:k] {
		target[cells[i][0]][cells[i][1]] = true
	}
	return target
}

// BlockMask returns a target mask of runs of k consecutive rows, column by
// column, over rows [lo, hi): each column's rows are cut into aligned blocks
// of k (from a random phase), and whole blocks are taken in random order
// until at least round(frac·n) of the column's n observed cells there are
// covered. Only observed cells are targets; blocks do not overlap.
func BlockMask(observed [][]bool, lo, hi, k int, frac float64, rng *tensor.RNG) [][]bool {
	target := newMask(len(observed), width(observed))
	lo, hi = max(lo, 0), min(hi, len(observed))
	if k < 1 || hi <= lo {
		return target
	}
	for d := range width(observed) {
		n := 0
		for t := lo; t < hi; t++ {
			if observed[t][d] {
				n++
			}
		}
		want := int(math.Round(frac * float64(n)))
		phase := rng.Intn(k)
		var starts []int
		for s := lo - phase; s < hi; s += k {
			starts = append(starts, s)
		}
		got := 0
		for _, i := range rng.Perm(len(starts)) {
			if got >= want {
				break
			}
			for t := max(starts[i], lo); t < min(starts[i]+k, hi); t++ {
				if observed[t][d] {
					target[t][d] = true
					got++
				}
			}
		}
	}
	return target
}

// PatternMask returns observed ∧ ¬pattern: the cells observed here but
// missing in another window's observed mask pattern (same shape). This is
// CSDI's historical-pattern strategy, which makes training targets look like
// the data's real gaps.
func PatternMask(observed, pattern [][]bool) [][]bool {
	target := newMask(len(observed), width(observed))
	for t := range observed {
		for d, o := range observed[t] {
			target[t][d] = o && !pattern[t][d]
		}
	}
	return target
}

// HistoricalMasks returns one target mask of length rows for each window
// start in starts: the window's observed cells missing in the observed
// pattern of another window, drawn uniformly from starts (CSDI's
// historical-pattern strategy). With one window the pattern is its own and
// the mask is empty. Every window must lie inside observed.
func HistoricalMasks(observed [][]bool, starts []int, length int, rng *tensor.RNG) ([][][]bool, error) {
	for _, s := range starts {
		if s < 0 || length < 1 || s+length > len(observed) {
			return nil, fmt.Errorf("series: historical masks: window [%d, %d) outside rows [0, %d)", s, s+length, len(observed))
		}
	}
	out := make([][][]bool, len(starts))
	for i, s := range starts {
		j := i
		if len(starts) > 1 {
			j = rng.Intn(len(starts) - 1)
			if j >= i {
				j++
			}
		}
		p := starts[j]
		out[i] = PatternMask(observed[s:s+length], observed[p:p+length])
	}
	return out, nil
}

// Conditioning returns observed ∧ ¬target: the cells a method may read.
func Conditioning(observed, target [][]bool) [][]bool {
	c := newMask(len(observed), width(observed))
	for t := range observed {
		for d, o := range observed[t] {
			c[t][d] = o && !target[t][d]
		}
	}
	return c
}

// Count returns the number of true cells of m.
func Count(m [][]bool) int {
	n := 0
	for _, row := range m {
		for _, v := range row {
			if v {
				n++
			}
		}
	}
	return n
}

// width returns the number of columns of a (T, D) mask, 0 when T = 0.
func width(m [][]bool) int {
	if len(m) == 0 {
		return 0
	}
	return len(m[0])
}

// Strategy is how TrainingMask draws a training target (CSDI's
// target_strategy).
type Strategy int

const (
	// StrategyRandom hides a share r ~ U(0, 1) of the observed cells, drawn
	// afresh for every window (CSDI's get_randmask).
	StrategyRandom Strategy = iota
	// StrategyHistorical hides the observed cells missing in another
	// window's pattern (CSDI's get_hist_mask).
	StrategyHistorical
	// StrategyMix picks one of the two with probability 1/2 each (CSDI's
	// "mix", its default when the data has real gaps).
	StrategyMix
)

// TrainingMask draws the target mask of one training window: observed is the
// window's observed mask, pattern the observed mask of another window of the
// same shape (used by the historical strategy; nil falls back to random).
func TrainingMask(observed, pattern [][]bool, s Strategy, rng *tensor.RNG) [][]bool {
	if s == StrategyMix {
		s = StrategyHistorical
		if rng.Uniform() > 0.5 {
			s = StrategyRandom
		}
	}
	if s == StrategyHistorical && pattern != nil {
		return PatternMask(observed, pattern)
	}
	return RandomMask(observed, 0, len(observed), rng.Uniform(), rng)
}
