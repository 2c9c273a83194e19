package anomaly_test

import (
	"fmt"

	"github.com/diffusego/diffusego/anomaly"
)

// A Gaussian fitted on four normal points (±1, 0), (0, ±1) scores a new
// point by its Mahalanobis distance: Σ = ½I here, so (1, 1) is at 4.
func ExampleFitGaussian() {
	g, err := anomaly.FitGaussian([][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := g.Mahalanobis([]float64{1, 1})
	fmt.Printf("shrinkage %.2f, distance %.2f\n", g.Shrinkage, d)
	// Output: shrinkage 1.00, distance 4.00
}
