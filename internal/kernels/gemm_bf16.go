package kernels

import "math"

// bf16 products. bfloat16 is the top half of a float32: sign, the 8-bit
// exponent and 7 stored mantissa bits (8 with the implicit one), so a
// float32 rounds to it by rounding away its low 16 bits. The packed
// panels of a bf16 product hold pairs: each 32-bit slot of an A or B
// panel holds the bf16 values of two consecutive steps of the sum, the
// even step in the low half and the odd one in the high half. A panel of
// kc steps then takes ⌈kc/2⌉ slots per row or column, at most the kc that
// its float32 panel takes, so the driver's buffers and offsets are the
// same (gemm_pack.go): packA and packB pack float32 panels as for any
// kernel and then round them into pairs in place (pairsA, pairsB); an odd
// last step is paired with zero.
//
// The micro-kernel sums, for every element of C, the pairs of each
// kc-slice in order, each as VDPBF16PS does it (Intel SDM, VDPBF16PS):
// s += a_odd·b_odd, then s += a_even·b_even, each a float32 fused
// multiply-add whose product of two bf16 values is exact, with subnormal
// results flushed to zero; then C = alpha·s + beta·C per slice, as the
// float32 kernels store it. GemmBF16Naive is that arithmetic as a plain
// loop.
//
// The error against float32: rounding to nearest moves each operand by
// at most u = 2⁻⁸ of itself (bf16 has an 8-bit significand), so each
// product by at most about 2⁻⁷·|a·b|; over k terms with independent
// rounding errors an element of C moves by about 0.6·2⁻⁸·√(Σ (a·b)²),
// that is 0.6·2⁻⁸·√k·|a·b| for terms of similar size, and by at most
// (2⁻⁷ + 2⁻¹⁶)·Σ|a·b| plus float32's own summation error.
// TestGemmBF16Error derives and checks both.

// roundBF16 rounds f to bfloat16 as VCVTNE2PS2BF16 does (Intel SDM,
// convert_fp32_to_bfloat16): to nearest, ties to even; zero and subnormal
// inputs give a zero of the same sign; infinities are kept; a NaN stays a
// NaN (quiet).
func roundBF16(f float32) uint16 {
	u := math.Float32bits(f)
	switch {
	case u&0x7f800000 == 0: // zero or subnormal
		return uint16(u>>16) & 0x8000
	case u&0x7fffffff == 0x7f800000: // infinity
		return uint16(u >> 16)
	case u&0x7f800000 == 0x7f800000: // NaN
		return uint16(u>>16) | 0x40
	}
	u += 0x7fff + (u>>16)&1
	return uint16(u >> 16)
}

// bf16Float is the float32 of the bf16 value h: exact.
func bf16Float(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// RoundBF16 is f rounded to the nearest bfloat16 (ties to even; zero and
// subnormals to a zero of the same sign), as a float32: what BF16
// products multiply in place of f.
func RoundBF16(f float32) float32 { return bf16Float(roundBF16(f)) }

// pairBF16 is the slot holding bf16(lo) in its low half and bf16(hi) in
// its high half, as a float32 for the panel buffers.
func pairBF16(lo, hi float32) float32 {
	return math.Float32frombits(uint32(roundBF16(lo)) | uint32(roundBF16(hi))<<16)
}

// pairsBGeneric rounds the float32 B panel in p (kc rows of NR) into
// ⌈kc/2⌉ rows of NR pairs, in place: slot t·NR + j holds rows 2t and 2t+1
// of column j.
func pairsBGeneric(p []float32, kc int) {
	for t := range (kc + 1) / 2 {
		for j := range packNR {
			lo, hi := p[2*t*packNR+j], float32(0)
			if 2*t+1 < kc {
				hi = p[(2*t+1)*packNR+j]
			}
			p[t*packNR+j] = pairBF16(lo, hi)
		}
	}
}

// pairsA rounds the float32 A panel in p (kc steps of MR) into ⌈kc/2⌉
// steps of MR pairs, in place: slot t·MR + i holds steps 2t and 2t+1 of
// row i. Each slot is written after its two values are read and never
// past them.
func pairsA(p []float32, kc int) {
	for t := range (kc + 1) / 2 {
		src := p[2*t*packMR : 2*t*packMR+packMR]
		if 2*t+1 < kc {
			odd := p[(2*t+1)*packMR : (2*t+1)*packMR+packMR]
			for i := range packMR {
				p[t*packMR+i] = pairBF16(src[i], odd[i])
			}
			continue
		}
		for i := range packMR {
			p[t*packMR+i] = pairBF16(src[i], 0)
		}
	}
}

// ftz flushes a subnormal float32 to a zero of its sign, as VDPBF16PS
// does with its results.
func ftz(s float32) float32 {
	if u := math.Float32bits(s); u&0x7f800000 == 0 {
		return math.Float32frombits(u & 0x80000000)
	}
	return s
}

// dotPairs adds to s the products of the bf16 pairs in slots x and y,
// odd then even, as VDPBF16PS adds them into one lane.
func dotPairs(s, x, y float32) float32 {
	u, v := math.Float32bits(x), math.Float32bits(y)
	s = ftz(s + bf16Float(uint16(u>>16))*bf16Float(uint16(v>>16)))
	return ftz(s + bf16Float(uint16(u))*bf16Float(uint16(v)))
}

// goBF16Kernel is the pure-Go bf16 micro-kernel: the reference that the
// assembly kernels are checked against bit for bit, and the kernel that
// runs the driver's bf16 paths in tests on any machine.
var goBF16Kernel = &microKernel{tile: kernelBF16Go, bf16: true}

// kernelBF16Go is the bf16 form of kernelGo: a and b are bf16 pair
// panels of a kc = k slice (⌈k/2⌉ slots per row or column), and each
// element of the first h rows of the MR×NR tile at c is set to alpha·s +
// beta·C (not reading C when beta == 0), s summed by dotPairs in order.
func kernelBF16Go(k, h int, a, b, c []float32, ldc int, alpha, beta float32) {
	k2 := (k + 1) / 2
	a, b = a[:k2*packMR], b[:k2*packNR]
	for r := range h {
		for q := 0; q < packNR; q += 2 {
			var s0, s1 float32
			for t := range k2 {
				x := a[t*packMR+r]
				s0 = dotPairs(s0, b[t*packNR+q], x)
				s1 = dotPairs(s1, b[t*packNR+q+1], x)
			}
			storeGo(c[r*ldc+q:], s0, s1, alpha, beta)
		}
	}
}

// gemmBF16Go is Gemm's bf16 arithmetic through the packed driver with the
// Go bf16 micro-kernel: the path tests run on every machine.
func gemmBF16Go(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPacked(goBF16Kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmBF16Naive is the loop that defines a BF16 product (Precision): C =
// alpha·bf16(op(A))·bf16(op(B)) + beta·C with every element summed as the
// bf16 kernels sum it: in slices of the depth sliceDepth(k), pairs of
// steps within a slice, the odd product then the even one, each added in
// float32 with subnormal results flushed to zero; after the first slice C
// = alpha·s + beta·C (alpha·s when beta == 0), after each later one C =
// alpha·s + C. With alpha a power of two (every product of a network has
// alpha = 1) it gives the bits of every bf16 path.
func GemmBF16Naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	at := func(i, p int) float32 {
		if transA {
			return a[p*lda+i]
		}
		return a[i*lda+p]
	}
	bt := func(p, j int) float32 {
		if transB {
			return b[j*ldb+p]
		}
		return b[p*ldb+j]
	}
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	depth := sliceDepth(k)
	for i := range m {
		for j := range n {
			cv, bv := c[i*ldc+j], beta
			for pc := 0; pc < k; pc += depth {
				kc := min(depth, k-pc)
				var s float32
				for p := pc; p < pc+kc; p += 2 {
					var ao, bo float32 // the odd step; zero past the slice
					if p+1 < pc+kc {
						ao, bo = RoundBF16(at(i, p+1)), RoundBF16(bt(p+1, j))
					}
					s = ftz(s + ao*bo)
					s = ftz(s + RoundBF16(at(i, p))*RoundBF16(bt(p, j)))
				}
				if bv == 0 {
					cv = alpha * s
				} else {
					cv = alpha*s + bv*cv
				}
				bv = 1
			}
			c[i*ldc+j] = cv
		}
	}
}
