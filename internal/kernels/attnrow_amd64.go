//go:build !purego

package kernels

// rowMax8AVX2 stores in out the lane-wise maxima of the n8 blocks of 8
// floats at x, each lane starting at −Inf and ignoring NaNs
// (attnrow_amd64.s).
//
//go:noescape
func rowMax8AVX2(x *float32, n8 int, out *[8]float32)

// softmaxGradRowAVX2 is softmaxGradRowGo over n8 blocks of 8 floats.
//
//go:noescape
func softmaxGradRowAVX2(ds, e *float32, n8 int, d, inv float32)

// rowMaxVec reduces the assembly's 8 lanes and the tail as rowMaxGo does.
func rowMaxVec(x []float32) float32 {
	n8 := len(x) / 8
	if n8 == 0 {
		return rowMaxGo(x)
	}
	var lanes [8]float32
	rowMax8AVX2(&x[0], n8, &lanes)
	m := rowMaxGo(x[8*n8:])
	for _, v := range lanes {
		if v > m {
			m = v
		}
	}
	return m
}

// softmaxGradRowVec runs the assembly over whole blocks of 8 and the Go
// loop over the rest.
func softmaxGradRowVec(ds, e []float32, d, inv float32) {
	n8 := len(ds) / 8
	if n8 > 0 {
		_ = e[8*n8-1]
		softmaxGradRowAVX2(&ds[0], &e[0], n8, d, inv)
	}
	softmaxGradRowGo(ds[8*n8:], e[8*n8:], d, inv)
}

// attnRowDispatch picks the AVX2 kernels when the CPU has AVX2.
func attnRowDispatch() (func([]float32) float32, func(ds, e []float32, d, inv float32)) {
	if hasAVX2 && !genericForced {
		return rowMaxVec, softmaxGradRowVec
	}
	return rowMaxGo, softmaxGradRowGo
}

// attnRowPaths lists every path this machine can run, for tests.
func attnRowPaths() []attnRowPath {
	p := []attnRowPath{{"generic", rowMaxGo, softmaxGradRowGo}}
	if hasAVX2 {
		p = append(p, attnRowPath{"avx2", rowMaxVec, softmaxGradRowVec})
	}
	return p
}
