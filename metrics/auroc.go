package metrics

import (
	"fmt"
	"math"
	"slices"
)

// AUROC is the area under the ROC curve of scores, where a higher score
// should mean positive[i] is true: the probability that a random positive
// scores above a random negative, ties counting one half. It is computed
// from average ranks as the Mann–Whitney statistic U / (n₊·n₋), in
// O(n log n). Both classes must be present and every score finite.
func AUROC(scores []float64, positive []bool) (float64, error) {
	if len(scores) != len(positive) {
		return 0, fmt.Errorf("metrics: AUROC: %d scores but %d labels", len(scores), len(positive))
	}
	nPos := 0
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, fmt.Errorf("metrics: AUROC: score %d is %v, want a finite number", i, s)
		}
		if positive[i] {
			nPos++
		}
	}
	nNeg := len(scores) - nPos
	if nPos == 0 || nNeg == 0 {
		return 0, fmt.Errorf("metrics: AUROC: %d positives and %d negatives, want at least one of each", nPos, nNeg)
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(scores[a], scores[b]) })
	var rankSum float64 // sum of the positives' ranks, 1-based, ties averaged
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && scores[order[hi]] == scores[order[lo]] {
			hi++
		}
		avg := float64(lo+1+hi) / 2 // mean of ranks lo+1 … hi
		for _, i := range order[lo:hi] {
			if positive[i] {
				rankSum += avg
			}
		}
		lo = hi
	}
	u := rankSum - float64(nPos)*float64(nPos+1)/2
	return u / (float64(nPos) * float64(nNeg)), nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
