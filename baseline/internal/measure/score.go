package main

import (
	"math"

	"github.com/diffusego/diffusego/metrics"
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

// auroc is metrics.AUROC for score and label slices of equal length.
func auroc(scores []float64, anomalous []bool) float64 {
	a, err := metrics.AUROC(scores, anomalous)
	if err != nil {
		panic(err) // equal lengths by construction
	}
	return a
}
