package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func TestGemmMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 2, 3, 4, 5, 7, 8, 17, 33, 64, 65, 130, 257, 300}
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		for trial := 0; trial < 30; trial++ {
			m, n, k := sizes[r.IntN(len(sizes))], sizes[r.IntN(len(sizes))], sizes[r.IntN(len(sizes))]
			pad := r.IntN(3)
			lda := k + pad
			if tr[0] {
				lda = m + pad
			}
			ldb := n + pad
			if tr[1] {
				ldb = k + pad
			}
			ldc := n + pad
			arows, brows := m, k
			if tr[0] {
				arows = k
			}
			if tr[1] {
				brows = n
			}
			a := randSlice(r, arows*lda+1)
			b := randSlice(r, brows*ldb+1)
			c := randSlice(r, m*ldc+1)
			want := append([]float32(nil), c...)
			alpha, beta := float32(0.5+r.Float64()), float32([]float64{0, 1, -0.7}[r.IntN(3)])
			GemmNaive(tr[0], tr[1], m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
			Gemm(tr[0], tr[1], m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			name := fmt.Sprintf("trans=%v m=%d n=%d k=%d", tr, m, n, k)
			for i := range c {
				tol := 1e-4 * (1 + math.Sqrt(float64(k))) * (1 + math.Abs(float64(want[i])))
				if d := math.Abs(float64(c[i] - want[i])); d > tol {
					t.Fatalf("%s: c[%d] = %g, want %g", name, i, c[i], want[i])
				}
			}
		}
	}
}

func TestGemmBetaZeroIgnoresNaN(t *testing.T) {
	a := []float32{1, 2}
	b := []float32{3, 4}
	c := []float32{float32(math.NaN())}
	Gemm(false, false, 1, 1, 2, 1, a, 2, b, 1, 0, c, 1)
	if c[0] != 11 {
		t.Fatalf("Gemm with beta 0 over NaN: got %g, want 11", c[0])
	}
}
