package masked

import (
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
)

// testDist is the known-answer data distribution: sequences of length 4
// over V = 3 tokens, 90% on five chosen sequences and 10% spread evenly
// over all 81, so that every sequence has positive probability (the exact
// denoiser then answers every partly masked input, including the rare
// combinations a finite-step sampler draws).
func testDist(t testing.TB) *oracle.Sequences {
	t.Helper()
	const v, l = 3, 4
	probs := make([]float64, 81)
	for i := range probs {
		probs[i] = 0.1 / 81
	}
	s := &oracle.Sequences{V: v, L: l}
	for i, x := range [][]int{{0, 1, 2, 0}, {1, 1, 0, 2}, {2, 0, 1, 1}, {1, 2, 2, 1}, {0, 0, 0, 0}} {
		probs[s.Index(x)] += 0.9 * []float64{0.35, 0.25, 0.2, 0.12, 0.08}[i]
	}
	d, err := oracle.NewSequences(v, l, probs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
