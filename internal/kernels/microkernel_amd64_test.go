//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Every assembly micro-kernel this CPU can run is checked against the Go
// kernel on every depth 1…300, for every row count h = 1…6 (rows h and
// beyond must be left alone), with beta 0 (C not read: NaN there must
// not leak) and beta ≠ 0, on a C tile with a row stride wider than the
// tile; the AVX-512 kernel must also give exactly the AVX2 kernel's bits,
// and a kernel on h rows exactly its own bits on those rows of all 6.
func TestMicroKernelsMatchGo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const ldc = packNR + 5
	for _, mk := range microKernels() {
		if mk.name == "go" {
			continue
		}
		for k := 1; k <= 300; k++ {
			a, b := randSlice(r, max(k, 1)*packMR), randSlice(r, max(k, 1)*packNR)
			h := 1 + k%packMR
			for _, beta := range []float32{0, 0.75} {
				c0 := randSlice(r, (packMR-1)*ldc+packNR)
				if beta == 0 {
					for i := range c0 {
						c0[i] = float32(math.NaN())
					}
				}
				want, got, full := slices.Clone(c0), slices.Clone(c0), slices.Clone(c0)
				kernelGo(k, h, a, b, want, ldc, 1.5, beta)
				mk.kern.tile(k, h, a, b, got, ldc, 1.5, beta)
				mk.kern.tile(k, packMR, a, b, full, ldc, 1.5, beta)
				for i := range got {
					if i%ldc < packNR && i/ldc < h && math.Float32bits(got[i]) != math.Float32bits(full[i]) {
						t.Fatalf("%s k=%d h=%d: c[%d] = %g, the 6-row kernel gives %g: want the same bits", mk.name, k, h, i, got[i], full[i])
					}
					if i%ldc >= packNR || i/ldc >= h {
						if !(got[i] == c0[i] || math.IsNaN(float64(c0[i]))) {
							t.Fatalf("%s k=%d: wrote outside the tile at %d", mk.name, k, i)
						}
						continue
					}
					if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
						t.Fatalf("%s k=%d beta=%g: c[%d] = %g, want %g", mk.name, k, beta, i, got[i], want[i])
					}
				}
				if mk.name == "avx512" {
					ref := slices.Clone(c0)
					kernelAVX2(k, h, a, b, ref, ldc, 1.5, beta)
					for i := range ref {
						if math.Float32bits(ref[i]) != math.Float32bits(got[i]) && !(math.IsNaN(float64(ref[i])) && math.IsNaN(float64(got[i]))) {
							t.Fatalf("avx512 k=%d beta=%g: c[%d] = %g, avx2 gives %g: want the same bits", k, beta, i, got[i], ref[i])
						}
					}
				}
			}
		}
	}
}

// TestWideKernels checks every wide micro-kernel this CPU has against two
// calls of its 16-column kernel, bit for bit, on every depth 1…80 with
// both beta cases, leaving C's padding alone; and that the AVX-512 wide
// kernel passed its start-up check wherever AVX-512 is present (a kernel
// that fails it is dropped, which would be correct but slow).
func TestWideKernels(t *testing.T) {
	if hasAVX512 && !wideChecked {
		t.Errorf("the wide AVX-512 kernel failed its start-up check on this CPU")
	}
	r := rand.New(rand.NewPCG(5, 6))
	const ldc = 2*packNR + 5
	for _, mk := range microKernels() {
		if mk.kern.wide == nil {
			continue
		}
		for k := 1; k <= 80; k++ {
			a, b1, b2 := randSlice(r, k*packMR), randSlice(r, k*packNR), randSlice(r, k*packNR)
			for _, beta := range []float32{0, -0.5} {
				c0 := randSlice(r, (packMR-1)*ldc+2*packNR)
				want, got := slices.Clone(c0), slices.Clone(c0)
				mk.kern.tile(k, packMR, a, b1, want, ldc, 1.5, beta)
				mk.kern.tile(k, packMR, a, b2, want[packNR:], ldc, 1.5, beta)
				mk.kern.wide(k, a, b1, b2, got, ldc, 1.5, beta)
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s wide k=%d beta=%g: c[%d] = %g, want %g", mk.name, k, beta, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestBigKernels checks every big micro-kernel this CPU has against calls
// of its 16-column kernel on the same panels, bit for bit, for every row
// count h = 1…12 on every depth 1…70 with both beta cases: the first h
// rows of the 12×32 tile must be the tile kernel's bits, and every other
// element of C (rows h and beyond, the padding of each row) must be left
// alone. It also fails if the AVX-512 big kernel was dropped at start-up.
func TestBigKernels(t *testing.T) {
	if hasAVX512 && !bigChecked {
		t.Errorf("the big AVX-512 kernel failed its start-up check on this CPU")
	}
	r := rand.New(rand.NewPCG(7, 8))
	const ldc = 2*packNR + 5
	for _, mk := range microKernels() {
		if mk.kern.big == nil {
			continue
		}
		for k := 1; k <= 70; k++ {
			a1, a2 := randSlice(r, k*packMR), randSlice(r, k*packMR)
			b1, b2 := randSlice(r, k*packNR), randSlice(r, k*packNR)
			for h := 1; h <= 2*packMR; h++ {
				for _, beta := range []float32{0, -0.5} {
					c0 := randSlice(r, (2*packMR-1)*ldc+2*packNR)
					want, got := slices.Clone(c0), slices.Clone(c0)
					h1 := min(h, packMR)
					mk.kern.tile(k, h1, a1, b1, want, ldc, 1.5, beta)
					mk.kern.tile(k, h1, a1, b2, want[packNR:], ldc, 1.5, beta)
					if h > packMR {
						mk.kern.tile(k, h-packMR, a2, b1, want[packMR*ldc:], ldc, 1.5, beta)
						mk.kern.tile(k, h-packMR, a2, b2, want[packMR*ldc+packNR:], ldc, 1.5, beta)
					}
					a2arg := a2
					if h <= packMR {
						a2arg = nil // must not be read
					}
					mk.kern.big(k, h, a1, a2arg, b1, b2, got, ldc, 1.5, beta)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s big k=%d h=%d beta=%g: c[%d] = %g, want %g", mk.name, k, h, beta, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestNarrowKernels checks every narrow micro-kernel this CPU has against
// its 16-column kernel on the same panels, bit for bit, for every row
// count h = 1…12 and column count w = 1…16 on depths 1…40 with both beta
// cases: the h×w corner of the tile must be the tile kernel's bits and
// every other element of C must be left alone. It also fails if the
// AVX-512 narrow kernel was dropped at start-up.
func TestNarrowKernels(t *testing.T) {
	if hasAVX512 && !narrowChecked {
		t.Errorf("the narrow AVX-512 kernel failed its start-up check on this CPU")
	}
	r := rand.New(rand.NewPCG(9, 10))
	const ldc = packNR + 5
	for _, mk := range microKernels() {
		if mk.kern.narrow == nil {
			continue
		}
		for k := 1; k <= 40; k++ {
			a1, a2, b := randSlice(r, k*packMR), randSlice(r, k*packMR), randSlice(r, k*packNR)
			for h := 1; h <= 2*packMR; h++ {
				for w := 1; w <= packNR; w++ {
					beta := []float32{0, -0.5}[(h+w+k)%2]
					c0 := randSlice(r, (2*packMR-1)*ldc+packNR)
					want, got := slices.Clone(c0), slices.Clone(c0)
					mk.kern.tile(k, min(h, packMR), a1, b, want, ldc, 1.5, beta)
					if h > packMR {
						mk.kern.tile(k, h-packMR, a2, b, want[packMR*ldc:], ldc, 1.5, beta)
					}
					for i := range want {
						if i%ldc >= w {
							want[i] = c0[i]
						}
					}
					a2arg := a2
					if h <= packMR {
						a2arg = nil // must not be read
					}
					mk.kern.narrow(k, h, w, a1, a2arg, b, got[:(h-1)*ldc+w], ldc, 1.5, beta)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s narrow k=%d h=%d w=%d beta=%g: c[%d] = %g, want %g", mk.name, k, h, w, beta, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
