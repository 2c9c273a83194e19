package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmEdgeColumnsMatchAlone checks the last columns of C, past the
// last whole 16-column panel (packed element by element, then run by the
// narrow kernel, or the 6×16 kernel on a scratch tile): each column of
// the full product has the bits of that column computed alone (a
// one-column product), with beta 0 over NaN and beta ≠ 0, on row counts
// that end inside a 12-row block and column counts that end 1 to 15
// columns into a panel, after a whole 32-column pair or not; the rows and
// columns past C are left alone.
func TestGemmEdgeColumnsMatchAlone(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const k = 37
	for _, p := range gemmPaths() {
		for _, m := range []int{5, 13, 30} {
			for _, n := range []int{17, 20, 31, 33, 49, 63, 98} {
				for _, beta := range []float32{0, 0.5} {
					t.Run(fmt.Sprintf("%s/m=%d/n=%d/beta=%g", p.name, m, n, beta), func(t *testing.T) {
						ldc := n + 3
						a, b := randSlice(r, m*k), randSlice(r, k*n)
						c0 := randSlice(r, (m+1)*ldc)
						if beta == 0 {
							for i := range m * ldc {
								if i%ldc < n {
									c0[i] = float32(math.NaN())
								}
							}
						}
						c := append([]float32(nil), c0...)
						p.fn(false, false, m, n, k, 1.5, a, k, b, n, beta, c, ldc)
						for j := range n {
							col := make([]float32, m)
							for i := range m {
								col[i] = c0[i*ldc+j]
							}
							p.fn(false, false, m, 1, k, 1.5, a, k, b[j:], n, beta, col, 1)
							for i := range m {
								if math.Float32bits(c[i*ldc+j]) != math.Float32bits(col[i]) {
									t.Fatalf("C[%d, %d] = %v, the column alone gives %v", i, j, c[i*ldc+j], col[i])
								}
							}
						}
						for i := range c {
							if (i%ldc >= n || i/ldc >= m) && math.Float32bits(c[i]) != math.Float32bits(c0[i]) {
								t.Fatalf("C[%d, %d], outside the product, changed", i/ldc, i%ldc)
							}
						}
					})
				}
			}
		}
	}
}
