package optim

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// TestRangesCoverEveryElementOnce lays out parameters of awkward sizes,
// empty ones among them, and checks that each visits every element of
// every parameter exactly once, with ranges inside their parameter.
func TestRangesCoverEveryElementOnce(t *testing.T) {
	for _, sizes := range [][]int{
		{},
		{0},
		{5},
		{0, 3, 0},
		{1, grain - 1, 1, 0, 0, 3*grain + 7, 2, 0},
		{40000, 70000, 17, 9216, 0, 128, 147456},
	} {
		t.Run(fmt.Sprint(sizes), func(t *testing.T) {
			hits := make([][]atomic.Int32, len(sizes))
			for i, n := range sizes {
				hits[i] = make([]atomic.Int32, n)
			}
			var r ranges
			r.reset(func(i int) int { return sizes[i] }, len(sizes))
			var bad atomic.Value
			r.each(func(i, lo, hi int) {
				if i < 0 || i >= len(sizes) || lo < 0 || lo >= hi || hi > sizes[i] {
					bad.Store(fmt.Sprintf("range (%d, %d, %d) outside the parameters %v", i, lo, hi, sizes))
					return
				}
				for j := lo; j < hi; j++ {
					hits[i][j].Add(1)
				}
			})
			if msg := bad.Load(); msg != nil {
				t.Fatal(msg)
			}
			for i := range hits {
				for j := range hits[i] {
					if n := hits[i][j].Load(); n != 1 {
						t.Fatalf("parameter %d, element %d visited %d times, want 1", i, j, n)
					}
				}
			}
		})
	}
}
