package metrics_test

import (
	"fmt"

	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/tensor"
)

// Moving a feature set by c leaves its covariance alone, so the Fréchet
// distance to the original is ‖c‖².
func ExampleFrechetDistance() {
	real := tensor.NewRNG(1).Randn(500, 4) // (N, D) features
	moved := real.Clone()
	for i := 0; i < 500; i++ {
		moved.Data[i*4] += 1 // c = (1, 1, 0, 0)
		moved.Data[i*4+1] += 1
	}
	fd, _ := metrics.FrechetDistance(real, moved)
	fmt.Printf("%.3f\n", fd)
	// Output: 2.000
}

// Precision and recall of a model that covers only half the data: every
// sample is realistic, but half the real points are missed.
func ExamplePrecisionRecall() {
	rng := tensor.NewRNG(2)
	real := rng.Randn(400, 2)
	var half []int
	for i := 0; i < 400; i++ {
		if real.Data[i*2] < 0 { // keep the left half
			half = append(half, i)
		}
	}
	fake := metrics.Rows(real, half)
	p, r, _ := metrics.PrecisionRecall(real, fake, metrics.DefaultK)
	fmt.Printf("precision %.2f, recall %.2f\n", p, r)
	// Output: precision 1.00, recall 0.55
}
