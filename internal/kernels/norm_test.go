package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// normVecs returns x, dy and dx of length n + 16 with values like a
// network's: x with a mean of 3 and std 2, dy and dx around 0, a few exact
// zeros in x (SiLUGradFromOutput's ½ case).
func normVecs(r *rand.Rand, n int) (x, dy, dx []float32) {
	x, dy, dx = make([]float32, n+16), make([]float32, n+16), make([]float32, n+16)
	for i := range x {
		x[i] = float32(3 + 2*r.NormFloat64())
		if r.IntN(16) == 0 {
			x[i] = 0
		}
		dy[i] = float32(r.NormFloat64())
		dx[i] = float32(r.NormFloat64() * 0.1)
	}
	return x, dy, dx
}

// closeSum reports whether got equals the float64 sum want, whose terms
// have absolute values summing to abs, up to float64 rounding of n terms.
func closeSum(got, want, abs float64, n int) bool {
	return math.Abs(got-want) <= float64(n+1)*0x1p-52*abs
}

// TestNormPaths checks every path for every length 0..257 at every start
// offset 0..15: the sums against float64 sums taken in order (up to
// rounding), and the element-wise kernels against the expressions in their
// doc comments, bit for bit.
func TestNormPaths(t *testing.T) {
	for _, p := range normPaths() {
		t.Run(p.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			for n := 0; n <= 257; n++ {
				for off := 0; off < 16; off++ {
					what := fmt.Sprintf("n=%d off=%d", n, off)
					xa, dya, dxa := normVecs(r, n)
					x, dy, dx := xa[off:off+n], dya[off:off+n], dxa[off:off+n]
					k, mu, a, sh := 2.5, 3.1, 0.7, -0.2
					rs, w, m1, m2 := 0.45, 1.3, 0.05, -0.02

					var w1, w2, a1, a2, g1, g2, ag1, ag2 float64
					for i, v := range x {
						d := float64(v) - k
						w1, w2, a1, a2 = w1+d, w2+d*d, a1+math.Abs(d), a2+d*d
						e := float64(dy[i]) * (float64(v) - mu)
						g1, g2, ag1, ag2 = g1+float64(dy[i]), g2+e, ag1+math.Abs(float64(dy[i])), ag2+math.Abs(e)
					}
					s1, s2 := p.sums(x, k)
					if !closeSum(s1, w1, a1, n) || !closeSum(s2, w2, a2, n) {
						t.Fatalf("%s: sums = %v, %v, want %v, %v", what, s1, s2, w1, w2)
					}
					s1, s2 = p.gradSums(dy, x, mu)
					if !closeSum(s1, g1, ag1, n) || !closeSum(s2, g2, ag2, n) {
						t.Fatalf("%s: grad sums = %v, %v, want %v, %v", what, s1, s2, g1, g2)
					}

					y := make([]float32, n)
					p.affine(y, x, mu, a, sh)
					for i, v := range x {
						want := float32(float64((float64(v)-mu)*a) + sh) // no fused multiply-add
						if y[i] != want {
							t.Fatalf("%s: affine [%d] = %g, want %g", what, i, y[i], want)
						}
					}

					got := append([]float32(nil), dx...)
					p.gradApply(got, dy, x, mu, rs, w, m1, m2)
					for i, v := range x {
						xh := float64((float64(v) - mu) * rs)
						want := dx[i] + float32(rs*(float64(float64(dy[i])*w)-m1-float64(xh*m2)))
						if got[i] != want {
							t.Fatalf("%s: grad apply [%d] = %g, want %g", what, i, got[i], want)
						}
					}

					// z = x − 3 (0 where x is), y = SiLU(z) as the
					// forward computes it.
					z, sy := make([]float32, n), make([]float32, n)
					for i, v := range x {
						if v != 0 {
							z[i] = v - 3
						}
					}
					SiLU(sy, z)
					dz := make([]float32, n)
					p.siluGrad(dz, z, sy, dy)
					for i, zi := range z {
						s := float32(0.5)
						if zi != 0 {
							s = sy[i] / zi
						}
						if want := dy[i] * (s + float32(sy[i]*(1-s))); dz[i] != want {
							t.Fatalf("%s: silu grad [%d] = %g, want %g", what, i, dz[i], want)
						}
						exact := float64(dy[i]) * dsilu64(float64(zi))
						if math.Abs(float64(dz[i])-exact) > 1e-5*(1+math.Abs(exact)) {
							t.Fatalf("%s: silu grad [%d] = %g, want %g (float64)", what, i, dz[i], exact)
						}
					}
				}
			}
		})
	}
}

// dsilu64 is SiLU′(z) = σ(z)(1 + z(1 − σ(z))) in float64.
func dsilu64(z float64) float64 {
	s := sigmoid64(z)
	return s * (1 + z*(1-s))
}

// TestNormInPlace checks that y may be x (NormAffine) and dz may be z
// (SiLUGradFromOutput), as GroupNorm's backward uses them.
func TestNormInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, p := range normPaths() {
		x, dy, _ := normVecs(r, 21)
		want := make([]float32, len(x))
		p.affine(want, x, 1, 2, 3)
		p.affine(x, x, 1, 2, 3)
		for i := range x {
			if x[i] != want[i] {
				t.Errorf("%s affine in place: [%d] = %g, want %g", p.name, i, x[i], want[i])
			}
		}
		y := make([]float32, len(x))
		SiLU(y, x)
		wantDz := make([]float32, len(x))
		p.siluGrad(wantDz, x, y, dy)
		p.siluGrad(x, x, y, dy)
		for i := range x {
			if x[i] != wantDz[i] {
				t.Errorf("%s in place: [%d] = %g, want %g", p.name, i, x[i], wantDz[i])
			}
		}
	}
}

// BenchmarkNorm reports elements per second of each kernel and path on one
// GroupNorm block of bench-unet (4 channels of 28×28), single-threaded.
func BenchmarkNorm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, dy, dx := normVecs(r, 3136)
	y := make([]float32, len(x))
	for _, p := range normPaths() {
		for _, k := range []struct {
			name string
			fn   func()
		}{
			{"sums", func() { p.sums(x, 1) }},
			{"affine", func() { p.affine(y, x, 1, 2, 3) }},
			{"gradSums", func() { p.gradSums(dy, x, 1) }},
			{"gradApply", func() { p.gradApply(dx, dy, x, 1, 2, 3, 4, 5) }},
			{"siluGrad", func() { p.siluGrad(y, x, dx, dy) }},
			{"affineSiLUGrad", func() { p.affineSiLUGrad(y, x, dx, dy, 1, 2, 3) }},
			{"affineThenSiLUGrad", func() { p.affine(y, x, 1, 2, 3); p.siluGrad(y, y, dx, dy) }},
		} {
			b.Run(k.name+"/"+p.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					k.fn()
				}
				b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		}
	}
}

// BenchmarkNormAffineStream reports elements per second of NormAffine's
// paths over a whole GroupNorm input of bench-unet at batch 64 (64 samples
// of 32 channels of 28×28, 6.4 MB), block by block as the forward pass
// walks it: the cost per byte when the data is not in L1 or L2.
func BenchmarkNormAffineStream(b *testing.B) {
	const block, blocks = 3136, 64 * 8
	r := rand.New(rand.NewPCG(1, 2))
	x, _, _ := normVecs(r, block*blocks)
	y := make([]float32, len(x))
	for _, p := range normPaths() {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				for k := range blocks {
					p.affine(y[k*block:(k+1)*block], x[k*block:(k+1)*block], 1, 2, 3)
				}
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
