package kernels

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// Precision is the arithmetic of a network's forward products: FP32 (the
// default and the reference) or BF16, bf16 products with fp32
// accumulation on CPUs with AVX512_BF16 (gemm_bf16.go).
type Precision int32

const (
	// FP32 multiplies and adds in float32: every product is the same bits
	// as Gemm's.
	FP32 Precision = iota
	// BF16 rounds both operands of a forward product to bfloat16 (8 bits
	// of mantissa, round to nearest even) and sums their products in
	// float32: C = alpha·bf16(A)·bf16(B) + beta·C.
	BF16
)

// String is the precision's name, as ParsePrecision reads it.
func (p Precision) String() string {
	switch p {
	case FP32:
		return "fp32"
	case BF16:
		return "bf16"
	}
	return fmt.Sprintf("Precision(%d)", int32(p))
}

// ParsePrecision reads a precision's name: "fp32" or "bf16".
func ParsePrecision(s string) (Precision, error) {
	switch s {
	case "fp32":
		return FP32, nil
	case "bf16":
		return BF16, nil
	}
	return FP32, fmt.Errorf("precision %q: want fp32 or bf16", s)
}

// ErrNoBF16 is SetPrecision's answer to BF16 on a machine that cannot run
// the bf16 kernel.
var ErrNoBF16 = errors.New("bf16 products need the AVX512_BF16 kernels")

// forwardPrecision is the process-wide precision of forward products.
var forwardPrecision atomic.Int32

// SetPrecision sets the precision of the forward products of every
// network in the process (GemmForward, PackedA.PackForward): the products
// that layers make from their inputs and weights. Gradients, optimiser
// steps and every other Gemm stay in float32. BF16 is refused, with an
// error wrapping ErrNoBF16 that says why, where the CPU lacks AVX512_BF16,
// in a build with the purego tag, and with DIFFUSEGO_KERNELS=generic or
// avx2; the precision is then left as it was. Set it at start-up, before
// any product runs.
func SetPrecision(p Precision) error {
	switch p {
	case FP32:
	case BF16:
		if err := bf16Usable(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("precision %d: want fp32 or bf16", int32(p))
	}
	forwardPrecision.Store(int32(p))
	return nil
}

// ForwardPrecision is the precision SetPrecision set: FP32 unless told.
func ForwardPrecision() Precision { return Precision(forwardPrecision.Load()) }

// forwardKernel is the micro-kernel of forward products: the bf16 one
// under BF16, nil (Gemm's own) under FP32.
func forwardKernel() *microKernel {
	if ForwardPrecision() == BF16 {
		return bf16Kernel
	}
	return nil
}

// GemmForward is Gemm for a network's forward products (a layer's input
// times its weight): under BF16 (SetPrecision) op(A) and op(B) are
// rounded to bf16 and their products summed in float32, under FP32 it is
// Gemm, the same bits.
func GemmForward(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if kern := forwardKernel(); kern != nil {
		gemmPacked(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmForwardSerial is GemmForward on the calling goroutine only, as
// GemmSerial is Gemm.
func GemmForwardSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if kern := forwardKernel(); kern != nil {
		gemmPackedOn(kern, true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	GemmSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// PackForward is Pack for a forward product: under BF16 the panels hold
// op(A) rounded to bf16 for the bf16 kernel, and GemmA, GemmASerial and
// ConvGemm through p then round their right operand too and sum in
// float32. Under FP32 it is Pack.
func (p *PackedA) PackForward(transA bool, m, k int, a []float32, lda int) {
	if kern := forwardKernel(); kern != nil {
		p.pack(kern, transA, m, k, a, lda)
		return
	}
	p.Pack(transA, m, k, a, lda)
}
