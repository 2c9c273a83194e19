package kernels

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, as
// BLAS sgemm does: op(A) is m×k (A is k×m when transA), op(B) is k×n (B is
// n×k when transB), C is m×n. lda, ldb and ldc are the row strides of A, B
// and C in elements. With beta == 0, C is overwritten (NaNs in C do not
// leak). Tiles of C are split across workers; each element is summed in the
// same order on every run.
//
// Gemm packs A and B into panels and sweeps a micro-kernel over them
// (gemm_pack.go): in assembly on amd64 with AVX2 and FMA (gemm_amd64.s) or
// AVX-512 (gemm512_amd64.s); in Go elsewhere and with the purego build tag.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmImpl(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmSerial is Gemm computed on the calling goroutine only, for callers
// that already run independent products in parallel (a convolution's
// chunks of samples): it skips the split into tiles for workers, so each
// block of A is packed once, and the scheduling overhead. The result is
// the same bits as Gemm's.
func GemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmSerialImpl(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmFunc is the signature shared by every Gemm path.
type gemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// gemmPath names one way of computing Gemm, so that tests can run each.
type gemmPath struct {
	name string
	fn   gemmFunc
}

// gemmImpl is the path Gemm takes, picked once per process from the CPU's
// features (dispatch_amd64.go, gemm_other.go).
var gemmImpl, gemmSerialImpl = gemmDispatch()

// gemmPackedKernel is the micro-kernel behind gemmImpl; PackedA packs for
// it.
var gemmPackedKernel = packedKernelDispatch()

// GemmNaive is the triple loop that defines Gemm, accumulated in float64;
// tests use it as the oracle.
func GemmNaive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				ai, bi := i*lda+p, p*ldb+j
				if transA {
					ai = p*lda + i
				}
				if transB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			old := float64(0)
			if beta != 0 {
				old = float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(float64(alpha)*s + old)
		}
	}
}
