package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestGemmEpilogue checks that GemmEpilogue writes Gemm's bits and calls
// the epilogue exactly once on every element of C, at a time when the
// element already holds its final value: shapes of one and of many tiles,
// sums of one and of several slices, transposes, beta, and k = 0.
func TestGemmEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct {
		m, n, k        int
		transA, transB bool
		beta           float32
	}{
		{1, 1, 1, false, false, 0}, {7, 33, 5, false, true, 0}, {300, 1030, 600, false, true, 0},
		{145, 70, 257, true, false, 1}, {500, 64, 64, false, false, 0.5}, {13, 17, 0, false, true, 2},
	} {
		t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			a, b := randSlice(r, max(1, s.m*s.k)), randSlice(r, max(1, s.k*s.n))
			c0 := randSlice(r, s.m*s.n)
			want := append([]float32(nil), c0...)
			Gemm(s.transA, s.transB, s.m, s.n, s.k, 1.5, a, lda, b, ldb, s.beta, want, s.n)
			got := append([]float32(nil), c0...)
			seen := make([]float32, s.m*s.n) // C as the epilogue saw it
			calls := make([]int, s.m*s.n)
			var mu sync.Mutex
			GemmEpilogue(s.transA, s.transB, s.m, s.n, s.k, 1.5, a, lda, b, ldb, s.beta, got, s.n, func(i0, i1, j0, j1 int) {
				mu.Lock()
				defer mu.Unlock()
				for i := i0; i < i1; i++ {
					for j := j0; j < j1; j++ {
						calls[i*s.n+j]++
						seen[i*s.n+j] = got[i*s.n+j]
					}
				}
			})
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(seen[i]) != math.Float32bits(want[i]) || calls[i] != 1 {
					t.Fatalf("element %d: C %v, seen by the epilogue %v (%d calls), Gemm %v", i, got[i], seen[i], calls[i], want[i])
				}
			}
		})
	}
}
