package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// MatMul is the matrix product a·b. a is (…, m, k); b is (k, n), shared by
// every leading index of a, or (…, k, n) with the same leading axes as a
// (batched). The result is (…, m, n).
func (g *Graph) MatMul(a, b *Var) *Var { return g.MatMulTrans(a, b, false, false) }

// MatMulT is a·bᵀ: a is (…, m, k), b is (n, k) or (…, n, k). Linear layers
// use it with b the (Out, In) weight.
func (g *Graph) MatMulT(a, b *Var) *Var { return g.MatMulTrans(a, b, false, true) }

// MatMulTrans is op(a)·op(b), where op transposes the last two axes when
// the flag is set. Leading axes of a are batch axes; b has either the same
// leading axes (batched product) or none (shared right operand).
func (g *Graph) MatMulTrans(a, b *Var, transA, transB bool) *Var {
	as, bs := a.Value.Shape, b.Value.Shape
	if len(as) < 2 || len(bs) < 2 {
		tensor.Shapef("MatMul", [][]int{as, bs}, "operands need at least 2 axes")
	}
	m, k := as[len(as)-2], as[len(as)-1]
	if transA {
		m, k = k, m
	}
	kb, n := bs[len(bs)-2], bs[len(bs)-1]
	if transB {
		kb, n = n, kb
	}
	if k != kb {
		tensor.Shapef("MatMul", [][]int{as, bs}, "inner sizes %d ≠ %d", k, kb)
	}
	lead := as[:len(as)-2]
	batch := tensor.Numel(lead)
	shared := len(bs) == 2
	if !shared && !tensor.SameShape(lead, bs[:len(bs)-2]) {
		tensor.Shapef("MatMul", [][]int{as, bs}, "batch axes differ")
	}
	outShape := append(append([]int(nil), lead...), m, n)
	out := g.allocDirty(outShape...) // Gemm with beta = 0 overwrites C
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	A, B, C := a.Value.Data, b.Value.Data, out.Data
	bStride := k * n
	if shared {
		bStride = 0
	}
	if shared && !transA {
		kernels.GemmForward(false, transB, batch*m, n, k, 1, A, lda, B, ldb, 0, C, n) // bf16 under kernels.BF16
	} else {
		gemm := kernels.GemmForward // each product split across the workers
		if batch >= parallel.Workers() {
			gemm = kernels.GemmForwardSerial // the products themselves run in parallel
		}
		parallel.For(batch, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				gemm(transA, transB, m, n, k, 1, A[i*m*k:], lda, B[i*bStride:], ldb, 0, C[i*m*n:], n)
			}
		})
	}
	return g.recordOp(out, func(o *Var) {
		dC := o.Grad.Data
		gemm := kernels.Gemm // for the products of one batch element each
		if batch >= parallel.Workers() {
			gemm = kernels.GemmSerial
		}
		if a.requiresGrad {
			dA := a.GradBuf().Data
			if shared && !transA {
				if transB { // dA = dC·B
					kernels.Gemm(false, false, batch*m, k, n, 1, dC, n, B, ldb, 1, dA, k)
				} else { // dA = dC·Bᵀ
					kernels.Gemm(false, true, batch*m, k, n, 1, dC, n, B, ldb, 1, dA, k)
				}
			} else {
				parallel.For(batch, 1, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						matmulGradA(gemm, transA, transB, m, n, k, dC[i*m*n:], B[i*bStride:], ldb, dA[i*m*k:], lda)
					}
				})
			}
		}
		if b.requiresGrad {
			dB := b.GradBuf().Data
			switch {
			case shared && !transA && !transB: // dB = Aᵀ·dC over all rows
				kernels.Gemm(true, false, k, n, batch*m, 1, A, lda, dC, n, 1, dB, ldb)
			case shared && !transA && transB: // dB = dCᵀ·A
				kernels.Gemm(true, false, n, k, batch*m, 1, dC, n, A, lda, 1, dB, ldb)
			case shared: // transposed a with a shared b: add batch by batch
				for i := 0; i < batch; i++ {
					matmulGradB(kernels.Gemm, transA, transB, m, n, k, dC[i*m*n:], A[i*m*k:], lda, dB, ldb)
				}
			default:
				parallel.For(batch, 1, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						matmulGradB(gemm, transA, transB, m, n, k, dC[i*m*n:], A[i*m*k:], lda, dB[i*k*n:], ldb)
					}
				})
			}
		}
	}, pins{a, b}, a, b) // A and B, read in backward
}

// gemmFunc is the signature of kernels.Gemm and GemmSerial.
type gemmFunc = func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// matmulGradA adds the gradient of C = op(A)·op(B) with respect to the
// stored A into dA, given dC (m×n), with gemm (kernels.Gemm, or
// kernels.GemmSerial inside a parallel loop: the same bits).
func matmulGradA(gemm gemmFunc, transA, transB bool, m, n, k int, dC, B []float32, ldb int, dA []float32, lda int) {
	switch {
	case !transA && !transB: // dA = dC·Bᵀ
		gemm(false, true, m, k, n, 1, dC, n, B, ldb, 1, dA, lda)
	case !transA && transB: // dA = dC·B
		gemm(false, false, m, k, n, 1, dC, n, B, ldb, 1, dA, lda)
	case transA && !transB: // dA = B·dCᵀ
		gemm(false, true, k, m, n, 1, B, ldb, dC, n, 1, dA, lda)
	default: // dA = Bᵀ·dCᵀ
		gemm(true, true, k, m, n, 1, B, ldb, dC, n, 1, dA, lda)
	}
}

// matmulGradB adds the gradient of C = op(A)·op(B) with respect to the
// stored B into dB, given dC (m×n), with gemm as matmulGradA.
func matmulGradB(gemm gemmFunc, transA, transB bool, m, n, k int, dC, A []float32, lda int, dB []float32, ldb int) {
	switch {
	case !transA && !transB: // dB = Aᵀ·dC
		gemm(true, false, k, n, m, 1, A, lda, dC, n, 1, dB, ldb)
	case !transA && transB: // dB = dCᵀ·A
		gemm(true, false, n, k, m, 1, dC, n, A, lda, 1, dB, ldb)
	case transA && !transB: // dB = A·dC
		gemm(false, false, k, n, m, 1, A, lda, dC, n, 1, dB, ldb)
	default: // dB = dCᵀ·Aᵀ
		gemm(true, true, n, k, m, 1, dC, n, A, lda, 1, dB, ldb)
	}
}
