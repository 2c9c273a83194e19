package masked

import (
	"math"
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

// chiSquare compares the counts of n draws with the probabilities p (both
// over the same cells) and returns Pearson's statistic and its degrees of
// freedom (cells of positive probability, less one).
func chiSquare(counts []int, p []float64) (chi2 float64, dof int) {
	n := 0
	for _, c := range counts {
		n += c
	}
	for k, pk := range p {
		if pk == 0 {
			continue
		}
		e := float64(n) * pk
		d := float64(counts[k]) - e
		chi2 += d * d / e
		dof++
	}
	return chi2, dof - 1
}

// chiSquareQuantile is the upper quantile of χ²(dof) at a standard normal
// z (Wilson and Hilferty 1931): accurate to a fraction of a percent for
// dof ≥ 10.
func chiSquareQuantile(dof int, z float64) float64 {
	k := float64(dof)
	a := 2 / (9 * k)
	return k * math.Pow(1-a+z*math.Sqrt(a), 3)
}
