package restore

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/diffusego/diffusego/checkpoint"
)

// QuantileThreshold returns the q-quantile (linear interpolation between
// order statistics, numpy's default) of validation scores of normal
// images: flagging scores above it keeps the false-positive rate on
// normal data near 1 − q. q must be in [0, 1].
func QuantileThreshold(normal []float64, q float64) (float64, error) {
	if len(normal) == 0 || !(q >= 0 && q <= 1) {
		return 0, fmt.Errorf("restore: quantile threshold: %d scores, q %g: want ≥ 1 score and q in [0, 1]", len(normal), q)
	}
	s := slices.Clone(normal)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (pos-float64(lo))*(s[hi]-s[lo]), nil
}

// BestF1Threshold returns the threshold t that maximises the F1 score of
// the rule "anomalous when score > t" on labelled validation scores, and
// that F1. Candidates are midpoints between consecutive distinct scores
// (and just below the smallest), so the rule generalises between them.
func BestF1Threshold(scores []float64, anomalous []bool) (threshold, f1 float64, err error) {
	if len(scores) == 0 || len(scores) != len(anomalous) {
		return 0, 0, fmt.Errorf("restore: best F1 threshold: %d scores and %d labels, want the same non-zero number", len(scores), len(anomalous))
	}
	idx := make([]int, len(scores))
	pos := 0
	for i := range idx {
		idx[i] = i
		if anomalous[i] {
			pos++
		}
	}
	if pos == 0 {
		return 0, 0, fmt.Errorf("restore: best F1 threshold: no anomalous example among %d", len(scores))
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	// flag the top k by score, for every k that ends at a change of score
	tp := 0
	best, bestT := -1.0, 0.0
	for k := 1; k <= len(idx); k++ {
		if anomalous[idx[k-1]] {
			tp++
		}
		if k < len(idx) && scores[idx[k]] == scores[idx[k-1]] {
			continue
		}
		f := 2 * float64(tp) / float64(k+pos)
		if f > best {
			best = f
			if k < len(idx) {
				bestT = (scores[idx[k-1]] + scores[idx[k]]) / 2
			} else {
				bestT = math.Nextafter(scores[idx[k-1]], math.Inf(-1))
			}
		}
	}
	return bestT, best, nil
}

// WriteScoresCSV writes one row per image, "index,name,score,anomalous",
// with anomalous = score > threshold, atomically (checkpoint.WriteAtomic).
// names may be nil; otherwise it needs one name per score.
func WriteScoresCSV(path string, names []string, scores []float64, threshold float64) error {
	if names != nil && len(names) != len(scores) {
		return fmt.Errorf("restore: scores csv %s: %d names for %d scores", path, len(names), len(scores))
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"index", "name", "score", "anomalous"}); err != nil {
			return err
		}
		for i, s := range scores {
			name := ""
			if names != nil {
				name = names[i]
			}
			row := []string{strconv.Itoa(i), name, strconv.FormatFloat(s, 'g', -1, 64), strconv.FormatBool(s > threshold)}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
