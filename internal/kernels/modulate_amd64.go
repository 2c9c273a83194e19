//go:build !purego

package kernels

// The AVX2 modulation kernels (modulate_amd64.s) run over the first n8·8
// elements (n4·4 for the float64 sums); the Go loops finish the rest.

//go:noescape
func mulAddAVX2(y, x, a, b *float32, n8 int)

//go:noescape
func mulAddToAVX2(y, x, a *float32, n8 int)

//go:noescape
func sumProdToAVX2(s, p *float64, x, z *float32, n4 int)

//go:noescape
func prodToAVX2(p *float64, x, z *float32, n4 int)

// modAVX2 is the AVX2 implementation.
var modAVX2 = modKernels{
	name: "avx2",
	mulAdd: func(y, x, a, b []float32) {
		n8 := len(x) / 8
		if n8 > 0 {
			mulAddAVX2(&y[0], &x[0], &a[0], &b[0], n8)
		}
		k := 8 * n8
		mulAddGo(y[k:], x[k:], a[k:], b[k:])
	},
	mulAddTo: func(y, x, a []float32) {
		n8 := len(x) / 8
		if n8 > 0 {
			mulAddToAVX2(&y[0], &x[0], &a[0], n8)
		}
		k := 8 * n8
		mulAddToGo(y[k:], x[k:], a[k:])
	},
	sumProdTo: func(s, p []float64, x, z []float32) {
		n4 := len(x) / 4
		if n4 > 0 {
			sumProdToAVX2(&s[0], &p[0], &x[0], &z[0], n4)
		}
		k := 4 * n4
		sumProdToGo(s[k:], p[k:], x[k:], z[k:])
	},
	prodTo: func(p []float64, x, z []float32) {
		n4 := len(x) / 4
		if n4 > 0 {
			prodToAVX2(&p[0], &x[0], &z[0], n4)
		}
		k := 4 * n4
		prodToGo(p[k:], x[k:], z[k:])
	},
}

// modDispatch picks the AVX2 kernels when the CPU has AVX2.
func modDispatch() modKernels {
	if hasAVX2 && !genericForced {
		return modAVX2
	}
	return modGeneric
}

// modPaths lists every implementation this machine can run, for tests.
func modPaths() []modKernels {
	p := []modKernels{modGeneric}
	if hasAVX2 {
		p = append(p, modAVX2)
	}
	return p
}
