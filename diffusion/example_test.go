package diffusion_test

import (
	"fmt"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// A training batch with a different step per item: noise it, then recover
// x_0 from the true ε as a perfect ε-prediction network would.
func ExampleQSample() {
	s := schedule.NewCosine(1000, 0.008)
	x0 := tensor.FromData([]float32{1, -1, 0.5, 2}, 2, 2) // x0: (N=2, 2)
	ab := []float64{s.AlphaBar(10), s.AlphaBar(900)}
	eps := tensor.NewRNG(1).Randn(x0.Shape...)
	xt := diffusion.QSample(x0, eps, ab)
	x0Hat := diffusion.EpsToX0(xt, eps, ab)
	fmt.Printf("%.3f\n", x0Hat.Data)
	w, _ := diffusion.LossWeights(diffusion.MinSNR, diffusion.Eps, 5, []float64{s.SNR(10), s.SNR(900)})
	fmt.Printf("min-SNR-5 weights for eps: %.3f\n", w)
	// Output:
	// [1.000 -1.000 0.500 2.000]
	// min-SNR-5 weights for eps: [0.004 1.000]
}
