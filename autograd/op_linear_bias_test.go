package autograd

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// TestBiasGrad checks biasGrad against float64 column sums, added to what
// db held, for row counts around the block and chunk sizes and odd widths.
func TestBiasGrad(t *testing.T) {
	for _, s := range [][2]int{{1, 1}, {5, 3}, {31, 17}, {32, 16}, {33, 33}, {1000, 7}, {2049, 129}, {8192, 24}} {
		rows, n := s[0], s[1]
		t.Run(fmt.Sprint(rows, "x", n), func(t *testing.T) {
			rng := tensor.NewRNG(uint64(rows*n + 1))
			dC := rng.Randn(rows, n).Data
			db := rng.Randn(n).Data
			want := make([]float64, n)
			scale := make([]float64, n)
			for j := range n {
				want[j] = float64(db[j])
				for r := range rows {
					want[j] += float64(dC[r*n+j])
					scale[j] += math.Abs(float64(dC[r*n+j]))
				}
			}
			biasGrad(db, dC, rows, n)
			for j := range n {
				// float32 rounding of the block sums and of the result
				if d := math.Abs(float64(db[j]) - want[j]); d > 1e-6*(scale[j]+math.Abs(want[j])) {
					t.Fatalf("column %d: %v, want %v", j, db[j], want[j])
				}
			}
		})
	}
}
