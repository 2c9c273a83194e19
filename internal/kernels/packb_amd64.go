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
