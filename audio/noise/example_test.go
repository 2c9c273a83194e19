package noise_test

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/tensor"
)

func ExampleMix() {
	clean := make([]float64, 8000)
	for i := range clean {
		clean[i] = 0.3 * math.Sin(2*math.Pi*440*float64(i)/8000)
	}
	_, scaled, err := noise.Mix(clean, noise.Pink(8000, tensor.NewRNG(1)), 5)
	fmt.Printf("%.6f dB %v\n", noise.SNR(clean, scaled), err)
	// Output: 5.000000 dB <nil>
}
