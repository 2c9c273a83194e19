package sampler_test

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// ExampleVESDE draws 4000 points from a 1-D Gaussian N(2, 0.25) with 500
// Euler–Maruyama steps of the VE SDE, each followed by one Langevin
// corrector step, and prints their mean and standard deviation.
func ExampleVESDE() {
	data := oracle.NewDiagGaussian([]float64{2}, []float64{0.25})
	sigmas := make([]float64, 501) // 500 geometric levels 80 … 0.01, then 0
	for i := range 500 {
		sigmas[i] = 80 * math.Pow(0.01/80, float64(i)/499)
	}
	rng := tensor.NewRNG(1)
	x := sampler.InitialNoise(rng, sigmas[0], 1, 4000, 1) // x: (4000, 1)
	s := sampler.VESDE{Corrector: sampler.Langevin{Steps: 1, SNR: 0.16}}
	x, err := sampler.Run(context.Background(), s, data, x, sigmas, rng, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var sum, sum2 float64
	for _, v := range x.Data {
		sum += float64(v)
		sum2 += float64(v) * float64(v)
	}
	mean := sum / 4000
	fmt.Printf("mean %.1f, std %.1f\n", mean, math.Sqrt(sum2/4000-mean*mean))
	// Output: mean 2.0, std 0.5
}
