package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinograd4FilterPaths checks every set of F(4×4) filter transforms
// bit for bit against the Go loops, forward (plain and flipped, strides 9
// and wider) and gradient, for counts that are and are not whole vectors
// of 8 and groups of 64, at offsets into longer slices: every float of u
// outside the n columns of the 36 blocks, and of dw past the n filters,
// keeps its sentinel.
func TestWinograd4FilterPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(81, 82))
	sentinel := float32(math.Float32frombits(0x7fc00bad))
	for _, p := range wino4FilterPaths() {
		for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 130} {
			for _, c := range []struct {
				stride, off int
				flip        bool
			}{{9, 0, false}, {9, 3, false}, {9, 0, true}, {27, 5, true}, {45, 1, false}} {
				t.Run(fmt.Sprintf("%s/n=%d/stride=%d/off=%d/flip=%v", p.name, n, c.stride, c.off, c.flip), func(t *testing.T) {
					blk := n + r.IntN(3)
					w := randSlice(r, c.off+(n-1)*c.stride+9)
					w[c.off] = 0
					w[len(w)-1] = float32(math.Copysign(0, -1))
					got := make([]float32, c.off+36*blk+5)
					for i := range got {
						got[i] = sentinel
					}
					want := append([]float32(nil), got...)
					p.filter(got[c.off:], blk, w[c.off:], c.stride, c.flip, n)
					wino4FilterGeneric(want[c.off:], blk, w[c.off:], c.stride, c.flip, n)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("u[%d] = %v, want %v", i, got[i], want[i])
						}
						k := (i - c.off) % blk
						inside := i >= c.off && i < c.off+36*blk && k < n
						if inside == (math.Float32bits(got[i]) == math.Float32bits(sentinel)) {
							t.Fatalf("u[%d] = %v: written %v, want %v", i, got[i], !inside, inside)
						}
					}
					// The flipped filters against the plain transform of a
					// flipped copy.
					if c.flip {
						rot := make([]float32, 9*n)
						for k := range n {
							for e := range 9 {
								rot[9*k+e] = w[c.off+k*c.stride+8-e]
							}
						}
						plain := make([]float32, 36*blk)
						p.filter(plain, blk, rot, 9, false, n)
						for i := range plain {
							if math.Float32bits(plain[i]) != math.Float32bits(got[c.off+i]) && i%blk < n {
								t.Fatalf("flipped u[%d] = %v, want %v", i, got[c.off+i], plain[i])
							}
						}
					}

					du := make([]float32, c.off+36*blk)
					copy(du, randSlice(r, len(du)))
					dw := make([]float32, c.off+9*n+5)
					for i := range dw {
						dw[i] = sentinel
					}
					copy(dw[c.off:c.off+9*n], randSlice(r, 9*n))
					wantW := append([]float32(nil), dw...)
					p.grad(dw[c.off:], du[c.off:], blk, n)
					wino4FilterGradGeneric(wantW[c.off:], du[c.off:], blk, n)
					for i := range dw {
						if math.Float32bits(dw[i]) != math.Float32bits(wantW[i]) {
							t.Fatalf("dw[%d] = %v, want %v", i, dw[i], wantW[i])
						}
						inside := i >= c.off && i < c.off+9*n
						if !inside && math.Float32bits(dw[i]) != math.Float32bits(sentinel) {
							t.Fatalf("dw[%d] = %v written, past the filters", i, dw[i])
						}
					}
				})
			}
		}
	}
}

// TestWinograd4FilterFlipped checks Winograd4FilterFlipped bit for bit
// against Winograd4Filter of the flipped weight W'[ci][co] =
// rot180(W[co][ci]), with and without workers' groups crossing rows.
func TestWinograd4FilterFlipped(t *testing.T) {
	r := rand.New(rand.NewPCG(83, 84))
	for _, c := range []struct{ cout, cin int }{{1, 1}, {3, 5}, {64, 2}, {70, 9}, {9, 130}} {
		w := randSlice(r, 9*c.cout*c.cin)
		rot := make([]float32, len(w))
		flipFilters(rot, w, c.cout, c.cin)
		want := make([]float32, 36*c.cout*c.cin)
		Winograd4Filter(want, rot, c.cin, c.cout)
		got := make([]float32, len(want))
		Winograd4FilterFlipped(got, w, c.cout, c.cin)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%+v: u[%d] = %v, want %v", c, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkWinograd4Filter times the F(4×4) filter transforms of one
// weight of 128 × 128 filters (bench-unet's middle layers) by each path:
// the forward transform, the flipped filters' (against flipping a copy
// first, as the input gradient did before) and the gradient's, per filter.
//
//	go test -run '^$' -bench Winograd4Filter -cpu 1 ./internal/kernels/
func BenchmarkWinograd4Filter(b *testing.B) {
	r := rand.New(rand.NewPCG(85, 86))
	cout, cin := 128, 128
	w := randSlice(r, 9*cout*cin)
	u := randSlice(r, 36*cout*cin)
	rot := make([]float32, len(w))
	defer func(p wino4FilterPath) { wino4FilterUse = p }(wino4FilterUse)
	for _, p := range wino4FilterPaths() {
		wino4FilterUse = p
		per := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cout*cin), "ns/filter")
		}
		b.Run(p.name+"/filter", func(b *testing.B) {
			for b.Loop() {
				Winograd4Filter(u, w, cout, cin)
			}
			per(b)
		})
		b.Run(p.name+"/flip-copy", func(b *testing.B) {
			for b.Loop() {
				flipFilters(rot, w, cout, cin)
				Winograd4Filter(u, rot, cin, cout)
			}
			per(b)
		})
		b.Run(p.name+"/flipped", func(b *testing.B) {
			for b.Loop() {
				Winograd4FilterFlipped(u, w, cout, cin)
			}
			per(b)
		})
		b.Run(p.name+"/grad", func(b *testing.B) {
			for b.Loop() {
				Winograd4FilterGrad(w, u, cout, cin)
			}
			per(b)
		})
	}
}

// TestWinograd4FilterPacked checks Winograd4FilterPacked, by every path,
// bit for bit against PackBlocks of the Go loops' transforms: panels whole
// and partial (rows past m zero), one and two slices of the sum, plain and
// flipped, PackedAs reused across shapes.
func TestWinograd4FilterPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(87, 88))
	defer func(p wino4FilterPath) { wino4FilterUse = p }(wino4FilterUse)
	ps := newPackedAs(36)
	for _, p := range wino4FilterPaths() {
		for _, c := range []struct{ cout, cin int }{{1, 1}, {7, 5}, {32, 32}, {13, 300}, {300, 13}, {64, 3}, {12, 70}} {
			for _, flipped := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%+v/flipped=%v", p.name, c, flipped), func(t *testing.T) {
					w := randSlice(r, 9*c.cout*c.cin)
					m, k := c.cout, c.cin
					if flipped {
						m, k = k, m
					}
					wino4FilterUse = wino4FilterGenericPath
					u := make([]float32, 36*m*k)
					if flipped {
						Winograd4FilterFlipped(u, w, c.cout, c.cin)
					} else {
						Winograd4Filter(u, w, c.cout, c.cin)
					}
					want := newPackedAs(36)
					PackBlocks(want, m, k, u, m*k)
					wino4FilterUse = p
					Winograd4FilterPacked(ps, w, c.cout, c.cin, flipped)
					checkSamePacked(t, "", ps, want)
				})
			}
		}
	}
}

// BenchmarkWinograd4FilterPacked times the transform and packing of one
// weight of 128 × 128 filters, per filter: into u and then each U_ξ by
// Pack (as autograd did), into u and then PackBlocks, and
// Winograd4FilterPacked straight into the panels; plain and flipped.
//
//	go test -run '^$' -bench Winograd4FilterPacked -cpu 1 ./internal/kernels/
func BenchmarkWinograd4FilterPacked(b *testing.B) {
	r := rand.New(rand.NewPCG(89, 90))
	cout, cin := 128, 128
	w := randSlice(r, 9*cout*cin)
	u := make([]float32, 36*cout*cin)
	ps := newPackedAs(36)
	per := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cout*cin), "ns/filter")
	}
	for _, flipped := range []bool{false, true} {
		name := "plain"
		if flipped {
			name = "flipped"
		}
		transform := func() {
			if flipped {
				Winograd4FilterFlipped(u, w, cout, cin)
			} else {
				Winograd4Filter(u, w, cout, cin)
			}
		}
		b.Run(name+"/u+Pack", func(b *testing.B) {
			for b.Loop() {
				transform()
				for xi, p := range ps {
					p.Pack(false, cout, cin, u[xi*cout*cin:], cin)
				}
			}
			per(b)
		})
		b.Run(name+"/u+PackBlocks", func(b *testing.B) {
			for b.Loop() {
				transform()
				PackBlocks(ps, cout, cin, u, cout*cin)
			}
			per(b)
		})
		b.Run(name+"/packed", func(b *testing.B) {
			for b.Loop() {
				Winograd4FilterPacked(ps, w, cout, cin, flipped)
			}
			per(b)
		})
	}
}
