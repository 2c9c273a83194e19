package optim_test

import (
	"fmt"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// Minimise (w − 3)² with AdamW under a warm-up-then-cosine schedule.
func ExampleNewAdamW() {
	w := nn.NewParam("w", tensor.FromData([]float32{0}, 1))
	opt := optim.NewAdamW([]*nn.Param{w}, 0.1, 0.9, 0.999, 1e-8, 0)
	sched := optim.WarmupCosine{Peak: 0.1, Warmup: 10, Total: 500}
	for step := range 500 {
		opt.ZeroGrad()
		w.V.GradBuf().Data[0] = 2 * (w.V.Value.Data[0] - 3)
		opt.SetLR(sched.LR(step))
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("w = %.3f\n", w.V.Value.Data[0])
	// Output: w = 3.000
}
