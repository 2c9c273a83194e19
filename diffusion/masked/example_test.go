package masked_test

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/diffusion/masked"
	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/tensor"
)

// Infilling with the exact denoiser of a distribution over two sequences
// of length 4 over V = 2 tokens, 0110 and 1001, each with probability ½:
// given the first token, the sampler can only complete its sequence. The
// mask is id 2.
func ExampleSampler_Sample() {
	probs := make([]float64, 16)
	probs[0b0110], probs[0b1001] = 0.5, 0.5
	dist, _ := oracle.NewSequences(2, 4, probs)
	z0 := []int{
		0, 2, 2, 2, // (B=2, L=4): the first token held, the rest masked
		1, 2, 2, 2,
	}
	s := masked.Sampler{V: 2, Steps: 8, Cache: true}
	res, err := s.Sample(context.Background(), dist, z0, 2, 4, tensor.NewRNG(1), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Tokens[:4], res.Tokens[4:])
	// Output:
	// [0 1 1 0] [1 0 0 1]
}

// The per-token weights of the training loss for a batch of two sequences
// of length 2 at times 0.5 and 0.25: 1/(t·B·L) where masked (id 3), else 0.
func ExampleProcess_LossWeights() {
	p := masked.Process{V: 3}
	x0 := []int{0, 1, 2, 2}
	z := []int{3, 1, 3, 3}
	w, _ := p.LossWeights(z, x0, []float64{0.5, 0.25}, 2, 2)
	fmt.Println(w)
	// Output:
	// [0.5 0 1 1]
}
