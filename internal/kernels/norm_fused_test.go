package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sameBits reports whether a and b are the same float32, any NaN matching
// any NaN.
func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// actPathNamed returns the SiLU/Sigmoid path of the given name.
func actPathNamed(t *testing.T, name string) actPath {
	t.Helper()
	for _, p := range actPaths() {
		if p.name == name {
			return p
		}
	}
	t.Fatalf("no activation path %q", name)
	return actPath{}
}

// guarded returns a slice of length n inside a buffer whose off elements
// before it and 8 after it hold a sentinel, and a function that fails the
// test if any sentinel changed.
func guarded(t *testing.T, n, off int) ([]float32, func(what string)) {
	const sentinel = float32(-12345.5)
	buf := make([]float32, off+n+8)
	for i := range buf {
		buf[i] = sentinel
	}
	return buf[off : off+n], func(what string) {
		t.Helper()
		for i, v := range buf {
			if (i < off || i >= off+n) && v != sentinel {
				t.Fatalf("%s: wrote %g at %d, outside [%d, %d)", what, v, i, off, off+n)
			}
		}
	}
}

// TestNormKernelsMatchGo checks every path's element-wise kernels, the
// fused NormAffineSiLUGrad included, against the Go loops bit for bit, for
// every length 0..67 at start offsets 0..3, with values like a network's
// plus ±0, ±Inf and NaN, that no kernel writes outside its output, and
// that the sums read nothing outside their inputs.
func TestNormKernelsMatchGo(t *testing.T) {
	inf := float32(math.Inf(1))
	special := []float32{0, float32(math.Copysign(0, -1)), inf, -inf, float32(math.NaN()), 1e-30, -90, 90, 3}
	for _, p := range normPaths() {
		ap := actPathNamed(t, p.name)
		t.Run(p.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, 12))
			for n := 0; n <= 67; n++ {
				for off := 0; off < 4; off++ {
					what := fmt.Sprintf("n=%d off=%d", n, off)
					x, dy, dx := normVecs(r, n)
					x, dy, dx = x[:n], dy[:n], dx[:n]
					for i := range x {
						if r.IntN(10) == 0 {
							x[i] = special[r.IntN(len(special))]
						}
					}
					mu, a, sh := 3.0, 0.9, -0.1
					if n%3 == 0 && n > 0 {
						mu = float64(x[0]) // z = sh exactly at x[0]
						sh = 0
					}
					check := func(name string, got, want []float32) {
						t.Helper()
						for i := range want {
							if !sameBits(got[i], want[i]) {
								t.Fatalf("%s: %s [%d] (x=%g) = %g, want %g", what, name, i, x[i], got[i], want[i])
							}
						}
					}

					y, ok := guarded(t, n, off)
					p.affine(y, x, mu, a, sh)
					ok("affine")
					want := make([]float32, n)
					normAffineGeneric(want, x, mu, a, sh)
					check("affine", y, want)

					// z and SiLU(z) as GroupNormSiLU's forward makes them.
					z := append([]float32(nil), want...)
					sz := make([]float32, n)
					ap.silu(sz, z)

					y, ok = guarded(t, n, off)
					copy(y, dx)
					p.gradApply(y, dy, x, mu, 0.45, 1.3, 0.05, -0.02)
					ok("gradApply")
					copy(want, dx)
					normGradApplyGeneric(want, dy, x, mu, 0.45, 1.3, 0.05, -0.02)
					check("gradApply", y, want)

					y, ok = guarded(t, n, off)
					p.siluGrad(y, z, sz, dy)
					ok("siluGrad")
					siluGradGeneric(want, z, sz, dy)
					check("siluGrad", y, want)

					y, ok = guarded(t, n, off)
					p.affineSiLUGrad(y, x, sz, dy, mu, a, sh)
					ok("affineSiLUGrad")
					check("affineSiLUGrad", y, want)
					normAffineSiLUGradGeneric(y, x, sz, dy, mu, a, sh)
					check("affineSiLUGrad (Go)", y, want)

					// The sums write nothing; over guarded inputs they must
					// give the bits they give over x and dy, whose slices
					// run on into other values: a read past the end would
					// take in a sentinel.
					xg, _ := guarded(t, n, off)
					dyg, _ := guarded(t, n, off)
					copy(xg, x)
					copy(dyg, dy)
					s1, s2 := p.sums(x, mu)
					g1, g2 := p.sums(xg, mu)
					if math.Float64bits(s1) != math.Float64bits(g1) || math.Float64bits(s2) != math.Float64bits(g2) {
						t.Fatalf("%s: sums read outside x: %v, %v beside sentinels, %v, %v", what, g1, g2, s1, s2)
					}
					s1, s2 = p.gradSums(dy, x, mu)
					g1, g2 = p.gradSums(dyg, xg, mu)
					if math.Float64bits(s1) != math.Float64bits(g1) || math.Float64bits(s2) != math.Float64bits(g2) {
						t.Fatalf("%s: grad sums read outside x or dy: %v, %v beside sentinels, %v, %v", what, g1, g2, s1, s2)
					}
				}
			}
		})
	}
}

// TestNormFusedInPlace checks that NormAffineSiLUGrad may write over any of
// its inputs, as its doc comment allows.
func TestNormFusedInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, p := range normPaths() {
		x, dy, _ := normVecs(r, 37)
		want := make([]float32, len(x))
		p.affine(want, x, 1, 2, 3)
		siluGeneric(want, want)
		wantDz := make([]float32, len(x))
		p.affineSiLUGrad(wantDz, x, want, dy, 1, 2, 3)
		for _, alias := range []string{"x", "y", "dy"} {
			xs, ys, dys := append([]float32(nil), x...), append([]float32(nil), want...), append([]float32(nil), dy...)
			dz := map[string][]float32{"x": xs, "y": ys, "dy": dys}[alias]
			p.affineSiLUGrad(dz, xs, ys, dys, 1, 2, 3)
			for i := range x {
				if !sameBits(dz[i], wantDz[i]) {
					t.Fatalf("%s in place (dz = %s): [%d] = %g, want %g", p.name, alias, i, dz[i], wantDz[i])
				}
			}
		}
	}
}

// TestActBitsIndependentOfPosition checks that on every path an element's
// SiLU and Sigmoid depend on its value only, not on where it lies in the
// slice (vector body or tail), so that GroupNormSiLU, which activates one
// channel at a time, gives SiLU(GroupNorm(x))'s bits whatever the shape.
func TestActBitsIndependentOfPosition(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	x := make([]float32, 53)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 6)
	}
	for _, p := range actPaths() {
		for _, c := range actCases {
			f := c.fn(p)
			whole := make([]float32, len(x))
			f(whole, x)
			for i := range x {
				var one [1]float32
				f(one[:], x[i:i+1])
				if !sameBits(one[0], whole[i]) {
					t.Fatalf("%s/%s: [%d] alone %g, in the slice %g", p.name, c.name, i, one[0], whole[i])
				}
			}
		}
	}
}
