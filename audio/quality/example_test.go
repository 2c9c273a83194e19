package quality_test

import (
	"fmt"

	"github.com/diffusego/diffusego/audio/quality"
)

func ExampleSISDR() {
	clean := []float64{1, -1, 1, -1}
	est := []float64{2, 0, 0, -2} // clean plus an equally strong orthogonal error
	sdr, err := quality.SISDR(est, clean)
	fmt.Printf("%.1f dB %v\n", sdr, err)
	// Output: 0.0 dB <nil>
}
