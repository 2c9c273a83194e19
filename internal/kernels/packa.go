package kernels

// packA6Generic copies kc steps of 6 rows of A (row r starting at
// a[at+r·lda]) into dst as kc contiguous steps of 6: dst[p·6+r] =
// a[at+r·lda+p]. It is the packing of one full A panel when A is not
// transposed (the forward products of a Linear layer, the input gradient's
// dC·W, attention's P·v and dS·k).
func packA6Generic(dst, a []float32, at, lda, kc int) {
	r0 := a[at : at+kc]
	r1 := a[at+lda:][:len(r0)]
	r2 := a[at+2*lda:][:len(r0)]
	r3 := a[at+3*lda:][:len(r0)]
	r4 := a[at+4*lda:][:len(r0)]
	r5 := a[at+5*lda:][:len(r0)]
	dst = dst[:len(r0)*packMR]
	for p := range r0 {
		d := (*[packMR]float32)(dst[p*packMR:])
		d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
}

// packAT6Generic copies 6 contiguous values from each of kc rows of A
// (row p starting at a[at+p·lda]) into dst as kc contiguous steps of 6:
// dst[p·6+r] = a[at+p·lda+r]. It is the packing of one full A panel when A
// is transposed (the weight gradients dCᵀ·X, attention's Pᵀ·dO and dSᵀ·q).
func packAT6Generic(dst, a []float32, at, lda, kc int) {
	dst = dst[:kc*packMR]
	for p := range kc {
		// Element by element: a 24-byte array copy compiles to a call of
		// memmove per step.
		d, s := (*[packMR]float32)(dst[p*packMR:]), (*[packMR]float32)(a[at+p*lda:])
		d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
	}
}

// packA6Func is the signature of every packA6 and packAT6 path.
type packA6Func func(dst, a []float32, at, lda, kc int)

// packA6Impl and packAT6Impl are the paths the packed GEMM driver takes
// for full A panels (packa_amd64.go, packa_other.go).
var packA6Impl, packAT6Impl = packA6Dispatch()

// packAT6RowsGeneric is packAT6Generic for np adjacent full panels at
// once, swept step by step: for each p it copies the 6·np contiguous
// values at a[at+p·lda:] into step p of panels 0 … np−1, panel q at
// dst[q·kc·6:]. Reading each row of A once, front to back, lets the
// hardware prefetch it; panel by panel, every step of the first panel
// touched a new row kc·lda floats away, and each read waited on memory.
func packAT6RowsGeneric(dst, a []float32, at, lda, kc, np int) {
	for q := range np {
		packAT6Generic(dst[q*kc*packMR:], a, at+q*packMR, lda, kc)
	}
}

// packB16RowsGeneric copies np adjacent full B panels at once when B is
// not transposed: for each p, the 16·np contiguous values at b[at+p·ldb:]
// go to step p of panels 0 … np−1, panel q at dst[q·kc·16:]. As at
// packAT6RowsGeneric, each row of B is read once, front to back.
func packB16RowsGeneric(dst, b []float32, at, ldb, kc, np int) {
	for q := range np {
		packB16Generic(dst[q*kc*packNR:], b[at+q*packNR:], ldb, kc)
	}
}

// packRowsFunc is the signature of every packAT6Rows and packB16Rows
// path.
type packRowsFunc func(dst, a []float32, at, lda, kc, np int)

// packAT6RowsImpl and packB16RowsImpl are the paths the packed GEMM
// driver takes for runs of full panels.
var packAT6RowsImpl, packB16RowsImpl = packRowsDispatch()
