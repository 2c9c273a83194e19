package main

import (
	"math"
	"sort"

	"github.com/diffusego/diffusego/tensor"
)

// psnr returns the mean over images of 10·log10(2²/MSE): PSNR for data in
// [−1, 1] (peak-to-peak 2). The estimate is clipped to [−1, 1] first, and
// when keep is non-nil only pixels with keep[i mod H·W] true count.
func psnr(est, ref *tensor.Tensor, keep []bool) float64 {
	n := ref.Dim(0)
	per := ref.Len() / n
	total := 0.0
	for i := range n {
		s, c := 0.0, 0
		for j := i * per; j < (i+1)*per; j++ {
			if keep != nil && !keep[j%len(keep)] {
				continue
			}
			d := float64(min(max(est.Data[j], -1), 1) - ref.Data[j])
			s += d * d
			c++
		}
		total += 10 * math.Log10(4/max(s/float64(c), 1e-10))
	}
	return total / float64(n)
}

// auroc is the Mann–Whitney estimate of P(anomaly score > normal score),
// ties counting one half.
func auroc(scores []float64, anomalous []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var rankSum float64
	var pos int
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			if anomalous[idx[k]] {
				rankSum += mid
				pos++
			}
		}
		i = j
	}
	neg := len(scores) - pos
	return (rankSum - float64(pos*(pos+1))/2) / float64(pos*neg)
}
