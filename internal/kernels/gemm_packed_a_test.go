package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// packedAPath is Gemm through a PackedA packed for kern, one PackedA
// reused across calls as a caller would.
func packedAPath(kern *microKernel, serial bool) gemmFunc {
	var p PackedA
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		p.pack(kern, transA, m, k, a, lda)
		gemmPackedA(&p, serial, transB, n, alpha, b, ldb, beta, c, ldc)
	}
}

// TestGemmPackedAPaths runs TestGemmPaths's cases through a PackedA for
// every micro-kernel this machine has, serial and parallel.
func TestGemmPackedAPaths(t *testing.T) {
	for _, kp := range microKernels() {
		for _, serial := range []bool{false, true} {
			name := kp.name
			if serial {
				name += "-serial"
			}
			t.Run(name, func(t *testing.T) {
				fn := packedAPath(kp.kern, serial)
				r := rand.New(rand.NewPCG(21, 22))
				var cases []gemmCase
				for s := 1; s <= 40; s++ {
					x, y := 1+r.IntN(70), 1+r.IntN(70)
					cases = append(cases, randCase(r, s, x, y), randCase(r, x, s, y), randCase(r, x, y, s))
				}
				for _, mnk := range [][3]int{{0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {1, 1, 1}, {6, 16, 256}, {12, 32, 513}, {150, 40, 300}, {7, 4100, 3}} {
					cases = append(cases, randCase(r, mnk[0], mnk[1], mnk[2]))
				}
				for i, g := range cases {
					g.transA, g.transB = i%2 == 1, i/2%2 == 1
					g.check(t, fn, r)
				}
			})
		}
	}
}

// TestGemmAMatchesGemm checks that the exported GemmA and GemmASerial give
// Gemm's bits, on sizes with several row tiles, kc-slices and edge tiles,
// in every transpose, with one PackedA reused for B after B.
func TestGemmAMatchesGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, s := range [][3]int{{32, 784, 288}, {128, 196, 1152}, {150, 1100, 300}, {7, 300, 50}, {1, 1, 1}} {
		m, n, k := s[0], s[1], s[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			lda, ldb := k, n
			if tr[0] {
				lda = m
			}
			if tr[1] {
				ldb = k
			}
			a := randSlice(r, m*k)
			var p PackedA
			p.Pack(tr[0], m, k, a, lda)
			for round := range 2 {
				b := randSlice(r, k*n)
				want := randSlice(r, m*n)
				got, gotSerial := append([]float32(nil), want...), append([]float32(nil), want...)
				Gemm(tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, 0.5, want, n)
				GemmA(&p, tr[1], n, 1, b, ldb, 0.5, got, n)
				GemmASerial(&p, tr[1], n, 1, b, ldb, 0.5, gotSerial, n)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(gotSerial[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%v %dx%dx%d round %d: C[%d] GemmA %v, GemmASerial %v, Gemm %v",
							tr, m, n, k, round, i, got[i], gotSerial[i], want[i])
					}
				}
			}
		}
	}
}
