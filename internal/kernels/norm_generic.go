package kernels

// normGeneric is the Go implementation of every norm kernel.
var normGeneric = normKernels{
	name:      "generic",
	sums:      normSumsGeneric,
	affine:    normAffineGeneric,
	gradSums:  normGradSumsGeneric,
	gradApply: normGradApplyGeneric,
	siluGrad:  siluGradGeneric,

	affineSiLUGrad: normAffineSiLUGradGeneric,
}

// The explicit float64(…) conversions below keep the compiler from fusing
// a multiply and an add (the Go spec allows it elsewhere than amd64), so
// that these loops round as the assembly does.

func normSumsGeneric(x []float32, k float64) (s1, s2 float64) {
	for _, v := range x {
		d := float64(v) - k
		s1 += d
		s2 += float64(d * d)
	}
	return s1, s2
}

func normAffineGeneric(y, x []float32, mu, a, sh float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(float64((float64(v)-mu)*a) + sh)
	}
}

func normGradSumsGeneric(dy, x []float32, mu float64) (sdy, sdyx float64) {
	dy = dy[:len(x)]
	for i, v := range x {
		g := float64(dy[i])
		sdy += g
		sdyx += float64(g * (float64(v) - mu))
	}
	return sdy, sdyx
}

func normGradApplyGeneric(dx, dy, x []float32, mu, rs, w, m1, m2 float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		xh := float64((float64(v) - mu) * rs)
		dx[i] += float32(rs * (float64(float64(dy[i])*w) - m1 - float64(xh*m2)))
	}
}

func siluGradGeneric(dz, z, y, dy []float32) {
	y, dy, dz = y[:len(z)], dy[:len(z)], dz[:len(z)]
	for i, zi := range z {
		dz[i] = siluGradAt(zi, y[i], dy[i])
	}
}

// siluGradAt is dy·SiLU′(z) from y = SiLU(z): σ(z) = y/z (½ at z = 0) and
// SiLU′(z) = σ(z) + y·(1 − σ(z)), with y·(1 − σ) rounded to float32
// before the sum, as the assembly rounds it.
func siluGradAt(z, y, dy float32) float32 {
	s := float32(0.5)
	if z != 0 {
		s = y / z
	}
	return dy * (s + float32(y*(1-s)))
}

func normAffineSiLUGradGeneric(dz, x, y, dy []float32, mu, a, sh float64) {
	dz, y, dy = dz[:len(x)], y[:len(x)], dy[:len(x)]
	for i, v := range x {
		z := float32(float64((float64(v)-mu)*a) + sh)
		dz[i] = siluGradAt(z, y[i], dy[i])
	}
}
