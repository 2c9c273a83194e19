package parallel

import (
	"fmt"
	"testing"
)

// work spins for about n iterations of a dependent multiply-add, a
// stand-in for a kernel's work that the compiler cannot remove.
func work(n int) float64 {
	x := 1.0
	for range n {
		x = x*1.0000001 + 1e-9
	}
	return x
}

var sink float64

// BenchmarkForBackToBack is a sequence of small parallel operations with
// a short serial step between them, as a batch-16 forward pass makes: a
// For of two chunks of about the given work each, then half that work on
// the calling goroutine. It measures how fast a worker takes up the next
// call (compare ns/op against 1.5 × a chunk on a quiet machine).
func BenchmarkForBackToBack(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("work=%d", n), func(b *testing.B) {
			parts := make([]float64, 2)
			for b.Loop() {
				For(2, 1, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						parts[i] = work(n)
					}
				})
				sink += parts[0] + parts[1] + work(n/2)
			}
		})
	}
}
