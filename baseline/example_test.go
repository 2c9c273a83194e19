package baseline_test

import (
	"fmt"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/tensor"
)

func ExampleResizeBicubic() {
	// a row 0, 1, 2, 3 doubled: exactly linear where all four taps fall
	// inside (1.25, 1.75); the repeated edge pixels bend the ends
	x := tensor.FromData([]float32{0, 1, 2, 3}, 1, 1, 1, 4)
	y, _ := baseline.ResizeBicubic(x, 1, 8)
	fmt.Printf("%.4g\n", y.Data)
	// Output: [-0.07031 0.1797 0.7266 1.25 1.75 2.273 2.82 3.07]
}

func ExampleHarmonicFill() {
	// the middle of a ramp is recovered from its ends
	x := tensor.FromData([]float32{0, 9, 9, 3}, 1, 1, 1, 4)
	y, _ := baseline.HarmonicFill(x, []bool{true, false, false, true}, 1e-9, 1000)
	fmt.Printf("%.3f\n", y.Data)
	// Output: [0.000 1.000 2.000 3.000]
}
