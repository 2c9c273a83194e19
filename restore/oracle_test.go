package restore

import (
	"math"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// flat adapts an oracle over rows (N, D) to image batches (N, C, H, W).
type flat struct{ d sampler.Denoiser }

func (f flat) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	y, err := f.d.Denoise(x.Reshape(x.Dim(0), x.Len()/x.Dim(0)), sigma)
	if err != nil {
		return nil, err
	}
	return y.Reshape(x.Shape...), nil
}

// sampleDiag draws n images (n, shape…) from N(mean, diag(variance)).
func sampleDiag(rng *tensor.RNG, mean, variance []float64, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	d := len(mean)
	for i := range x.Data {
		x.Data[i] = float32(mean[i%d] + math.Sqrt(variance[i%d])*rng.Normal())
	}
	return x
}

func addNoise(x *tensor.Tensor, sigma float64, seed uint64) *tensor.Tensor {
	y := x.Clone()
	rng := tensor.NewRNG(seed)
	for i := range y.Data {
		y.Data[i] += float32(sigma * rng.Normal())
	}
	return y
}

func mse(a, b *tensor.Tensor) float64 {
	s := 0.0
	for i := range a.Data {
		d := float64(a.Data[i] - b.Data[i])
		s += d * d
	}
	return s / float64(len(a.Data))
}
