package diffusion_test

import (
	"fmt"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/tensor"
)

// centroids is a toy class-conditional denoiser: class c predicts
// x0 = c, the null class (label 2) predicts the overall mean 0.5.
type centroids struct{}

func (centroids) NullLabel() int { return 2 }

func (centroids) DenoiseLabels(x *tensor.Tensor, _ float64, labels []int) (*tensor.Tensor, error) {
	out := tensor.New(x.Shape...)
	for i, c := range labels {
		out.Data[i] = 0.5
		if c != 2 {
			out.Data[i] = float32(c)
		}
	}
	return out, nil
}

// Guidance extrapolates from the unconditional prediction past the
// conditional one: with w = 3, x0 = 0.5 + 3·(c − 0.5).
func ExampleGuided() {
	x := tensor.New(2, 1) // two items, one feature
	for _, w := range []float64{0, 1, 3} {
		g := diffusion.Guided{D: centroids{}, Labels: []int{0, 1}, Scale: w}
		x0, _ := g.Denoise(x, 1)
		fmt.Printf("w=%g: %v\n", w, x0.Data)
	}
	// Output:
	// w=0: [0.5 0.5]
	// w=1: [0 1]
	// w=3: [-1 2]
}
