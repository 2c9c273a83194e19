package transformer_test

import (
	"fmt"

	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/tensor"
)

// ExampleModel_Logits runs a small masked-diffusion denoiser on two
// sequences of 4 tokens, id 6 being the mask, at times 0.3 and 0.9.
func ExampleModel_Logits() {
	cfg := transformer.Config{Vocab: 7, Out: 6, D: 16, Layers: 2, Heads: 2, MaxLen: 8, TimeCond: true}
	m, err := transformer.New(cfg, tensor.NewRNG(1))
	if err != nil {
		panic(err)
	}
	tokens := []int{
		1, 6, 6, 2,
		6, 6, 6, 6,
	}
	logits, err := m.Logits(tokens, 2, 4, []float64{0.3, 0.9})
	fmt.Println(len(logits), err) // 2 sequences × 4 positions × 6 logits
	_, err = m.Logits(tokens, 2, 4, nil)
	fmt.Println(err)
	// Output:
	// 48 <nil>
	// transformer: (2, 4) × (0,): 0 times for 2 sequences
}
