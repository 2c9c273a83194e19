//go:build !purego

package kernels

// packB16AVX2 is packB16Generic in assembly (packb_amd64.s): two 8-float
// loads and stores per row, no call per row.
//
//go:noescape
func packB16AVX2(dst, b *float32, ldb, kc int)

// packB16Vec checks the bounds the assembly cannot, then runs it.
func packB16Vec(dst, b []float32, ldb, kc int) {
	if kc <= 0 {
		return
	}
	_ = dst[kc*packNR-1]
	_ = b[(kc-1)*ldb+packNR-1]
	packB16AVX2(&dst[0], &b[0], ldb, kc)
}

// packB16Dispatch picks the AVX2 copy when the CPU has it.
func packB16Dispatch() packB16Func {
	if hasAVX2 && !genericForced {
		return packB16Vec
	}
	return packB16Generic
}

// packB16Paths lists every packB16 path this machine can run, for tests.
func packB16Paths() map[string]packB16Func {
	p := map[string]packB16Func{"generic": packB16Generic}
	if hasAVX2 {
		p["avx2"] = packB16Vec
	}
	return p
}

// packBTrans16AVX2 is packBTrans16 in assembly (packbt_amd64.s) for k8
// blocks of 8 steps: two 8×8 transposes in registers per block.
//
//go:noescape
func packBTrans16AVX2(dst, b *float32, ldb, k8 int)

// packBTrans16Vec runs the assembly over whole blocks of 8 steps and the
// Go loop over the rest, after checking the bounds the assembly cannot.
func packBTrans16Vec(dst, b []float32, at, ldb, kc int) {
	k8 := kc / 8
	if k8 > 0 {
		_ = dst[kc*packNR-1]
		_ = b[at+15*ldb+kc-1]
		packBTrans16AVX2(&dst[0], &b[at], ldb, k8)
	}
	if rest := kc - 8*k8; rest > 0 {
		packBTrans16Generic(dst[8*k8*packNR:], b, at+8*k8, ldb, rest)
	}
}

// packBTrans16Dispatch picks the AVX2 transpose when the CPU has it.
func packBTrans16Dispatch() packBTrans16Func {
	if hasAVX2 && !genericForced {
		return packBTrans16Vec
	}
	return packBTrans16Generic
}

// packBTrans16Paths lists every packBTrans16 path this machine can run.
func packBTrans16Paths() map[string]packBTrans16Func {
	p := map[string]packBTrans16Func{"generic": packBTrans16Generic}
	if hasAVX2 {
		p["avx2"] = packBTrans16Vec
	}
	return p
}
