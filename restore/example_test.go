package restore_test

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

func ExampleRePaintPlan() {
	// 4 steps, jumps of 2 levels, 2 passes: the section above level 2 is denoised twice
	fmt.Println(restore.RePaintPlan(4, 2, 2))
	// Output: [0 1 2 1 0 1 2 3 4]
}

func ExampleCenterBox() {
	m, _ := restore.CenterBox(28, 28, 0.5)
	fmt.Printf("%.0f%% of the pixels are known\n", 100*m.KnownFraction())
	// Output: 75% of the pixels are known
}

func ExampleDenoise() {
	// pixels x ~ N(0, 1) seen as rows (N, D) by the exact Gaussian denoiser;
	// at σ = 1 the posterior mean is y/2
	d := oracle.NewDiagGaussian([]float64{0, 0}, []float64{1, 1})
	y := tensor.FromData([]float32{1, -2}, 1, 2)
	x0, _ := restore.Denoise(context.Background(), d, y, 1, restore.DenoiseOptions{OneShot: true})
	fmt.Println(x0.Data)
	// Output: [0.5 -1]
}
