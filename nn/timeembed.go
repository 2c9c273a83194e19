package nn

import (
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// SinusoidalEmbedding returns the (len(t), dim) transformer position
// features of the time steps t (Vaswani et al. 2017, as used by DDPM):
// with half = dim/2 and f_i = exp(−ln(10000)·i/half), i = 0..half−1, row n
// is [sin(t_n f_0) … sin(t_n f_{half−1}), cos(t_n f_0) … cos(t_n f_{half−1})],
// all sines first. As in the bench-unet spec ("Embeddings"), t and f are
// float32 and t·f is rounded to float32 before sin and cos, so the
// features match PyTorch's float32 computation. dim must be even.
func SinusoidalEmbedding(t []float64, dim int) *tensor.Tensor {
	if dim%2 != 0 || dim < 2 {
		tensor.Shapef("SinusoidalEmbedding", [][]int{{len(t), dim}}, "dim %d must be even and positive", dim)
	}
	half := dim / 2
	freqs := make([]float32, half)
	lnMax := float32(-math.Log(10000))
	for i := range freqs {
		e := lnMax * float32(i) / float32(half) // float32, like torch.arange(half)·(−ln 10⁴)/half
		freqs[i] = float32(math.Exp(float64(e)))
	}
	out := tensor.New(len(t), dim)
	for n, tn := range t {
		row := out.Data[n*dim : (n+1)*dim]
		for i, f := range freqs {
			arg := float64(float32(tn) * f)
			row[i] = float32(math.Sin(arg))
			row[half+i] = float32(math.Cos(arg))
		}
	}
	return out
}
