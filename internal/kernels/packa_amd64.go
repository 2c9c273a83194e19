//go:build !purego

package kernels

// packA6AVX2 is packA6Generic in assembly (packa_amd64.s) for k8 blocks
// of 8 steps: the 6 rows' 8 values are loaded as vectors and transposed in
// registers, 6 loads and 8 stores per block instead of 48 scalar moves.
//
//go:noescape
func packA6AVX2(dst, a *float32, lda, k8 int)

// packAT6AVX2 is packAT6Generic in assembly: one 4-float and one 2-float
// move per step.
//
//go:noescape
func packAT6AVX2(dst, a *float32, lda, kc int)

// packA6Vec runs the assembly over whole blocks of 8 steps and the Go loop
// over the rest, after checking the bounds the assembly cannot.
func packA6Vec(dst, a []float32, at, lda, kc int) {
	k8 := kc / 8
	if k8 > 0 {
		_ = dst[kc*packMR-1]
		_ = a[at+5*lda+kc-1]
		packA6AVX2(&dst[0], &a[at], lda, k8)
	}
	if rest := kc - 8*k8; rest > 0 {
		packA6Generic(dst[8*k8*packMR:], a, at+8*k8, lda, rest)
	}
}

// packAT6Vec checks the bounds the assembly cannot, then runs it.
func packAT6Vec(dst, a []float32, at, lda, kc int) {
	if kc <= 0 {
		return
	}
	_ = dst[kc*packMR-1]
	_ = a[at+(kc-1)*lda+packMR-1]
	packAT6AVX2(&dst[0], &a[at], lda, kc)
}

// packA6Dispatch picks the AVX2 paths when the CPU has AVX2.
func packA6Dispatch() (packA6Func, packA6Func) {
	if hasAVX2 && !genericForced {
		return packA6Vec, packAT6Vec
	}
	return packA6Generic, packAT6Generic
}

// packA6Paths lists every packA6 and packAT6 path this machine can run,
// for tests.
func packA6Paths() (plain, trans map[string]packA6Func) {
	plain, trans = map[string]packA6Func{"generic": packA6Generic}, map[string]packA6Func{"generic": packAT6Generic}
	if hasAVX2 {
		plain["avx2"], trans["avx2"] = packA6Vec, packAT6Vec
	}
	return plain, trans
}

// packAT6RowsAVX2 and packB16RowsAVX2 are packAT6RowsGeneric and
// packB16RowsGeneric in assembly (packa_amd64.s): row by row, one 6-float
// (16-float) copy per panel.
//
//go:noescape
func packAT6RowsAVX2(dst, a *float32, lda, kc, np int)

//go:noescape
func packB16RowsAVX2(dst, b *float32, ldb, kc, np int)

// packAT6RowsVec checks the bounds the assembly cannot, then runs it.
func packAT6RowsVec(dst, a []float32, at, lda, kc, np int) {
	if kc <= 0 || np <= 0 {
		return
	}
	_ = dst[np*kc*packMR-1]
	_ = a[at+(kc-1)*lda+np*packMR-1]
	packAT6RowsAVX2(&dst[0], &a[at], lda, kc, np)
}

// packB16RowsVec checks the bounds the assembly cannot, then runs it.
func packB16RowsVec(dst, b []float32, at, ldb, kc, np int) {
	if kc <= 0 || np <= 0 {
		return
	}
	_ = dst[np*kc*packNR-1]
	_ = b[at+(kc-1)*ldb+np*packNR-1]
	packB16RowsAVX2(&dst[0], &b[at], ldb, kc, np)
}

// packRowsDispatch picks the AVX2 paths when the CPU has AVX2.
func packRowsDispatch() (packRowsFunc, packRowsFunc) {
	if hasAVX2 && !genericForced {
		return packAT6RowsVec, packB16RowsVec
	}
	return packAT6RowsGeneric, packB16RowsGeneric
}

// packRowsPaths lists every packAT6Rows and packB16Rows path this machine
// can run, for tests.
func packRowsPaths() (at6, b16 map[string]packRowsFunc) {
	at6, b16 = map[string]packRowsFunc{"generic": packAT6RowsGeneric}, map[string]packRowsFunc{"generic": packB16RowsGeneric}
	if hasAVX2 {
		at6["avx2"], b16["avx2"] = packAT6RowsVec, packB16RowsVec
	}
	return at6, b16
}
